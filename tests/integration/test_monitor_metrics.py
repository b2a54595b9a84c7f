"""What monitor-jobs reports for the metrics: each batch it closes, once, and only a close that was committed.

The batches are made by the production steps on SQLite and PostgreSQL with S3 and SNS in
moto and Bedrock's Stubber (test_monitor_windows' fixtures).
"""

from __future__ import annotations

from sqlalchemy import text

from descgen.db.models import utcnow
from descgen.metrics import batch_metrics
from descgen.monitoring import monitor
from tests.builders import catalog, load
from tests.integration import test_monitor_windows as windows
from tests.integration.test_monitor_windows import (
    GRACE_MINUTES,
    batch_row,
    clients,
    published_batch,
    set_back,
    with_job,
)

# test_monitor_windows' fixtures: a bucket and a topic in moto, settings naming them, Bedrock's Stubber
resources = windows.resources
settings = windows.settings
bedrock = windows.bedrock


def ended_past_the_grace(engine, aws, resources, settings, store: str) -> str:
    """A completed job two of whose results never came, seen to end past the grace."""
    store = load(engine, catalog(store, products=2, languages=("en",)))
    batch_id = published_batch(engine, settings, aws, resources, store)
    with_job(engine, batch_id, state="ended", job_status="Completed", ended_at=utcnow(), cost_usd=0.01)
    set_back(engine, batch_id, GRACE_MINUTES + 1, "ended_at")
    return batch_id


def test_a_closed_batch_is_reported_once_with_its_tasks_sent_back_and_its_turnaround(
    engine, aws, bedrock, resources, settings
):
    # GIVEN a batch whose job ended past the grace with both results missing
    batch_id = ended_past_the_grace(engine, aws, resources, settings, "closes")
    # WHEN monitor-jobs runs twice
    first = monitor(engine, clients(aws, bedrock), settings)
    second = monitor(engine, clients(aws, bedrock), settings)
    # THEN the first run closed it and reported it for the metrics: its store, model, two tasks sent back
    batch = batch_row(engine, batch_id)
    assert batch.state == "closed"
    [closed] = first.closed
    assert (closed.batch_id, closed.store_id, closed.model_id, closed.retried) == (
        batch_id,
        batch.store_id,
        batch.model_id,
        2,
    )
    assert (closed.published_at, closed.ended_at) == (batch.published_at, batch.ended_at)
    assert {d["MetricName"]: d["Value"] for d in batch_metrics(closed, utcnow())}["Retries"] == 2
    # AND the second run, with nothing left to close, reports nothing: each close is sent once
    assert second.closed == []


# How a database refuses to close a batch: SQLite as the row is written; PostgreSQL only at the commit
# (a deferred constraint trigger), after monitor has taken the batch for closed: the case the rule is for.
REFUSE_TO_CLOSE = {
    "sqlite": [
        "CREATE TRIGGER refuse_close BEFORE UPDATE OF state ON batches WHEN NEW.state = 'closed' "
        "BEGIN SELECT RAISE(ABORT, 'closing refused'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION refuse_close() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'closing refused'; END $$",
        "CREATE CONSTRAINT TRIGGER refuse_close AFTER UPDATE ON batches DEFERRABLE INITIALLY DEFERRED "
        "FOR EACH ROW WHEN (NEW.state = 'closed') EXECUTE FUNCTION refuse_close()",
    ],
}


def test_a_close_the_database_refused_is_not_reported(engine, aws, bedrock, resources, settings):
    # GIVEN a batch ready to close, and a database that refuses to close batches
    batch_id = ended_past_the_grace(engine, aws, resources, settings, "refused")
    with engine.begin() as connection:
        for statement in REFUSE_TO_CLOSE[engine.dialect.name]:
            connection.execute(text(statement))
    # WHEN monitor-jobs runs
    report = monitor(engine, clients(aws, bedrock), settings)
    # THEN the batch is still ended, the run says why, and nothing is reported for the metrics
    assert batch_row(engine, batch_id).state == "ended"
    assert len(report.errors) == 1
    assert "closing refused" in report.errors[0]
    assert report.closed == []
