"""The claim's plan on PostgreSQL: pending tasks read in the order of an index, never sorted.

The database is filled the way ``make bench-explain`` fills it (``bench/explain_nightly.py``),
at 60,000 tasks instead of 3,000,000, and analyzed: the planner decides on real statistics,
with every plan type allowed. The claim is the production ``claim_batch``; its statements
are captured and replayed under ``EXPLAIN ANALYZE`` in a transaction that is rolled back.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from bench.explain_nightly import MODEL, STORE, Plan, explain, fill, run_captured
from descgen.db import migrate
from descgen.db.batches import claim_batch
from descgen.db.session import make_engine
from tests.conftest import create_postgres_database, drop_postgres_database

pytestmark = pytest.mark.postgres

INDEX = "ix_generation_tasks_claim_order"
PRODUCTS = 20_000  # x 3 languages: 60,000 tasks, 6,000 of them pending


@pytest.fixture(scope="module")
def filled(postgres_server: str) -> Iterator[Engine]:
    url = create_postgres_database(postgres_server)
    engine = make_engine(url)
    try:
        migrate.upgrade(url)
        fill(engine, PRODUCTS, small_stores=5, small_products=200)
        yield engine
    finally:
        engine.dispose()
        drop_postgres_database(postgres_server, url)


def claim_plan(engine: Engine, *, before: tuple[str, ...] = ()) -> Plan:
    """The plan of the claim's ``SELECT .. FOR UPDATE SKIP LOCKED`` (a job's worth of 1,000 tasks)."""
    statements, _, sequences = run_captured(engine, lambda session: claim_batch(session, STORE, MODEL, None, 1000))
    [plan] = [
        plan
        for plan in explain(engine, statements, sequences, before=before)
        if "FOR UPDATE SKIP LOCKED" in plan.statement.sql
    ]
    return plan


def node_types(plan: Plan) -> list[str]:
    return [node["Node Type"] for _, node in plan.nodes()]


def test_the_claim_reads_the_oldest_pending_tasks_in_index_order_and_stops_at_its_limit(filled):
    plan = claim_plan(filled)

    assert INDEX in plan.indexes()
    assert "Sort" not in node_types(plan)
    assert "Seq Scan" not in node_types(plan)
    assert plan.root["Actual Rows"] == 1000


def test_without_the_index_the_claim_sorts_every_pending_task_of_the_store(filled):
    # the contrast that shows what the index is for (dropped in a transaction that is rolled back)
    plan = claim_plan(filled, before=(f"DROP INDEX {INDEX}",))

    assert INDEX not in plan.indexes()
    assert "Sort" in node_types(plan)
