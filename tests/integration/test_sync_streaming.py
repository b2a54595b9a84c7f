"""The catalog sync as a stream, on SQLite and PostgreSQL: pages, a crash between them, no texts read."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Engine, event, select, update

from descgen.db.batches import claim_batch
from descgen.db.catalog import load_catalog, sync_tasks
from descgen.db.models import Description, GenerationTask, Product
from descgen.db.session import make_engine, session_scope
from descgen.lifecycle import TaskState
from tests.builders import MODEL, catalog, load

PRODUCTS = 7


class Crash(RuntimeError):
    """The process dying mid-sync, as seen from the database."""


def prepared(engine: Engine, store: str) -> None:
    """A store with a night behind it, then a new catalog: every rule of the sync has a pair to act on.

    Seven products in en and de, every task done; P3's English text is a person's, P4's German
    one an AI text made from what the catalog will say again; P5's English task is in a batch.
    Then the catalog: P2 and P5 renamed, P4 renamed and back, P6 archived, French added.
    """
    document = catalog(store, products=PRODUCTS, languages=("en", "de"))
    load(engine, document)
    with session_scope(engine) as session:
        session.execute(update(GenerationTask).where(GenerationTask.store_id == store).values(state=TaskState.DONE))
        products = session.execute(select(Product.external_id, Product.id).where(Product.store_id == store))
        ids = {external_id: id_ for external_id, id_ in products}
        p4_german = session.scalars(
            select(GenerationTask.fingerprint).where(
                GenerationTask.product_id == ids["P4"], GenerationTask.language_id == "de"
            )
        ).one()
        session.add(
            Description(store_id=store, product_id=ids["P3"], language_id="en", html="<p>x</p>", source="human")
        )
        session.add(
            Description(
                store_id=store, product_id=ids["P4"], language_id="de", html="<p>y</p>", source="ai",
                fingerprint=p4_german,
            )
        )  # fmt: skip
        session.execute(
            update(GenerationTask)
            .where(GenerationTask.product_id == ids["P5"], GenerationTask.language_id == "en")
            .values(state=TaskState.SUBMITTED)
        )
    with session_scope(engine) as session:  # P4 renamed and synced: its tasks go pending
        document["products"][3]["title"] = "Product 4, briefly"
        load_catalog(session, document)
        sync_tasks(session, store, MODEL)
    document["products"][1]["title"] = "Product 2, now bigger"
    document["products"][4]["title"] = "Product 5, now bigger"
    document["products"][3]["title"] = "Product 4"
    document["products"] = [product for product in document["products"] if product["id"] != "P6"]
    document["store"]["languages"]["fr"] = "fr"
    with session_scope(engine) as session:
        load_catalog(session, document)


def tasks_by_pair(engine: Engine, store: str) -> dict[tuple[str, str], tuple[str, str, str | None, int, str | None]]:
    """(product, language) -> the task's state, fingerprint, reason, attempts and batch."""
    with session_scope(engine) as session:
        rows = session.execute(
            select(
                Product.external_id,
                GenerationTask.language_id,
                GenerationTask.state,
                GenerationTask.fingerprint,
                GenerationTask.reason,
                GenerationTask.attempts,
                GenerationTask.batch_id,
            )
            .join(Product, Product.id == GenerationTask.product_id)
            .where(GenerationTask.store_id == store)
        )
        return {(external_id, language): tuple(rest) for external_id, language, *rest in rows}


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """Every statement sent to the database while the block runs."""
    sent: list[str] = []

    def record(_conn, _cursor, statement, _parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]  # SQLAlchemy's event signature
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


@contextmanager
def crash_at(engine: Engine, statement_start: str, occurrence: int) -> Iterator[None]:
    """The ``occurrence``-th statement starting so never reaches the database: the process died before it."""
    seen = 0

    def maybe_crash(_conn, _cursor, statement, _parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]  # SQLAlchemy's event signature
        nonlocal seen
        if statement.lstrip().startswith(statement_start):
            seen += 1
            if seen == occurrence:
                raise Crash(statement_start)

    event.listen(engine, "before_cursor_execute", maybe_crash)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", maybe_crash)


def test_a_sync_in_pages_of_one_product_does_what_one_page_does(engine):
    # GIVEN two stores in the same state
    prepared(engine, "paged")
    prepared(engine, "whole")
    # WHEN one syncs a product per page and the other in one page
    with statements(engine) as sent, session_scope(engine) as session:
        paged = sync_tasks(session, "paged", MODEL, page_products=1)
    with session_scope(engine) as session:
        whole = sync_tasks(session, "whole", MODEL, page_products=1000)
    # THEN they count the same and leave the same tasks, every rule applied across page boundaries
    assert paged == whole
    assert tasks_by_pair(engine, "paged") == tasks_by_pair(engine, "whole")
    pages = [statement for statement in sent if statement.lstrip().startswith("SELECT products.id")]
    assert len(pages) == 6 + 1  # one per live product, and the empty one that ends the sync
    # (French new for all six; P2, P5/de and P4/en to send; P3/en a person's; P5/en in its batch;
    # P4/de already described from what the catalog says again; the rest as they were)
    assert (whole.created, whole.marked_pending, whole.human_edited, whole.in_flight, whole.unchanged) == (
        6, 4, 1, 1, 6,
    )  # fmt: skip
    p4_german = tasks_by_pair(engine, "whole")[("P4", "de")]
    assert (p4_german[0], p4_german[2]) == ("skipped", "unchanged since its last description")


def test_a_sync_that_dies_mid_way_keeps_the_pages_before_and_a_rerun_ends_where_one_sync_would(engine):
    # GIVEN two stores in the same state, one synced in one go
    prepared(engine, "whole")
    prepared(engine, "crash")
    with session_scope(engine) as session:
        sync_tasks(session, "whole", MODEL, page_products=2)
    # WHEN the other's sync dies writing its second page (two products a page)
    with pytest.raises(Crash), crash_at(engine, "INSERT INTO generation_tasks", 2), session_scope(engine) as session:
        sync_tasks(session, "crash", MODEL, page_products=2)
    # THEN the first page's work is kept: its two products have their French tasks, nothing after it does
    french = [pair for pair in tasks_by_pair(engine, "crash") if pair[1] == "fr"]
    assert sorted(french) == [("P1", "fr"), ("P2", "fr")]
    assert tasks_by_pair(engine, "crash")[("P2", "en")][0] == "pending"
    # AND a rerun leaves exactly what the uninterrupted sync left
    with session_scope(engine) as session:
        sync_tasks(session, "crash", MODEL, page_products=2)
    assert tasks_by_pair(engine, "crash") == tasks_by_pair(engine, "whole")


def test_a_sync_never_reads_a_descriptions_text(engine):
    # GIVEN a store with a person's text and an AI text
    prepared(engine, "texts")
    # WHEN it syncs
    with statements(engine) as sent, session_scope(engine) as session:
        report = sync_tasks(session, "texts", MODEL, page_products=3)
    # THEN it asked who wrote the descriptions and from what, never for their HTML
    assert report.human_edited == 1
    assert any("FROM descriptions" in statement for statement in sent)
    assert not [statement for statement in sent if "html" in statement]


def test_a_dry_runs_sync_commits_no_page(engine):
    # GIVEN a store whose catalog gained a language
    prepared(engine, "dry")
    before = tasks_by_pair(engine, "dry")
    # WHEN it syncs without committing pages, over several pages, and the caller rolls back
    with session_scope(engine) as session:
        report = sync_tasks(session, "dry", MODEL, commit_pages=False, page_products=2)
        session.rollback()
    # THEN it reported the work and nothing of it stayed
    assert report.created == 6
    assert tasks_by_pair(engine, "dry") == before


def test_a_task_claimed_between_a_pages_read_and_its_write_stays_in_its_batch(engine):
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite's BEGIN IMMEDIATE holds the write lock from a page's read to its commit: no claim between")
    # GIVEN a pending task whose product is renamed
    document = catalog("race", products=1, languages=("en",))
    load(engine, document)
    document["products"][0]["title"] = "Product 1, renamed"
    with session_scope(engine) as session:
        load_catalog(session, document)
    # WHEN a generate run claims it after the sync read it and before the sync writes it
    other = make_engine(engine.url.render_as_string(hide_password=False))
    claimed: list[str] = []

    def claim_now(_conn, _cursor, statement, _parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]
        if statement.startswith("UPDATE generation_tasks") and not claimed:
            with session_scope(other) as session:
                batch = claim_batch(session, "race", MODEL, None, 10)
                assert batch is not None
                claimed.append(batch.id)

    event.listen(engine, "before_cursor_execute", claim_now)
    try:
        with session_scope(engine) as session:
            sync_tasks(session, "race", MODEL)
    finally:
        event.remove(engine, "before_cursor_execute", claim_now)
        other.dispose()
    # THEN the task stays in its batch, with the fingerprint it was claimed with; the next sync leaves it be
    [(state, fingerprint, _, _, batch_id)] = tasks_by_pair(engine, "race").values()
    assert (state, batch_id) == ("claimed", claimed[0])
    with session_scope(engine) as session:
        assert sync_tasks(session, "race", MODEL).in_flight == 1
    assert tasks_by_pair(engine, "race")[("P1", "en")][1] == fingerprint
