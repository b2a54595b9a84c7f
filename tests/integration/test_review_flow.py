"""review-descriptions under a Prefect server: the form waits, a reviewer answers through the API,
and the answer lands in the database and the outbox."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from prefect import get_client
from prefect.client.schemas.filters import FlowFilter, FlowFilterName
from prefect.flow_runs import resume_flow_run
from prefect.testing.utilities import prefect_test_harness
from sqlalchemy import select

from descgen.db.models import DescriptionVersion, GenerationTask, OutboxEntry
from descgen.db.review import drafts
from descgen.db.session import session_scope
from flows.review_descriptions import review_descriptions
from tasks import connections
from tests.integration.test_review import held_batch


@pytest.fixture(scope="module", autouse=True)
def prefect_server() -> Iterator[None]:
    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def database(engine, monkeypatch):
    monkeypatch.setenv("DESCGEN_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    connections.engine.cache_clear()
    yield engine
    connections.engine.cache_clear()


def paused_run(timeout: float = 60):
    """The review run once it waits for its form."""
    deadline = time.monotonic() + timeout
    with get_client(sync_client=True) as client:
        while time.monotonic() < deadline:
            runs = client.read_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=["review-descriptions"])))
            waiting = [run for run in runs if run.state is not None and run.state.is_paused()]
            if waiting:
                return waiting[0]
            time.sleep(0.2)
    raise AssertionError("the review run never waited for its form")


def test_a_reviewer_approves_one_draft_and_rejects_the_others_through_the_form(database):
    store, batch_id, _, _ = held_batch(database, products=3)
    with session_scope(database) as session:
        first, second, third = (d.id for d in drafts(session, store))
    outcome: list[object] = []
    run = threading.Thread(target=lambda: outcome.append(review_descriptions(store=store, batch=batch_id)))
    run.start()
    paused = paused_run()
    resume_flow_run(
        paused.id,
        run_input={
            "reviewer": "ana",
            "all": "reject",
            "decisions": [
                {"version_id": first, "action": "approve"},
                {"version_id": second, "action": "reject_and_regenerate", "note": "say it is waterproof"},
            ],
        },
    )
    run.join(timeout=120)
    report = outcome[0]
    assert report.approved == [first]
    assert sorted(report.rejected) == [second, third]
    with session_scope(database) as session:
        statuses = dict(session.execute(select(DescriptionVersion.id, DescriptionVersion.status)).all())
        queued = list(session.scalars(select(OutboxEntry.version_id)))
        states = [(t.state, t.reason) for t in session.scalars(select(GenerationTask).order_by(GenerationTask.id))]
    assert statuses == {first: "approved", second: "rejected", third: "rejected"}
    assert queued == [first]
    assert states == [
        ("done", "approved in review by ana"),
        ("pending", "review: say it is waterproof"),
        ("skipped", "rejected in review, left to a person"),
    ]


def test_with_nothing_held_the_flow_says_so_and_does_not_wait(database):
    store, *_ = held_batch(database, products=1)
    with session_scope(database) as session:
        for version in session.scalars(select(DescriptionVersion)):
            version.status = "rejected"
    assert review_descriptions(store=store).approved == []
