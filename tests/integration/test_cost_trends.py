"""``descgen costs``: the trend of the last 30 days per store and model, from the batches table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from descgen.db.models import Batch, BatchShare, Store
from descgen.db.session import make_engine, session_scope
from tests.integration import test_cli as cli_suite
from tests.integration.test_cli import run

configured = cli_suite.configured  # the fixture: DESCGEN_DATABASE_URL and nothing else

MODEL = "us.anthropic.claude-haiku-4-5-20251001-v1:0"


def batch(batch_id: str, store: str | None, ended: datetime | None, *, hours: float = 2.0, cost: float = 0.25):
    return Batch(
        id=batch_id,
        store_id=store,
        model_id=MODEL,
        state="closed",
        record_count=10,
        input_tokens=30_000,
        output_tokens=20_000,
        cost_usd=cost,
        on_demand_cost_usd=2 * cost,
        created_at=(ended or datetime.now(UTC)) - timedelta(hours=hours + 1),
        published_at=ended - timedelta(hours=hours) if ended else None,
        ended_at=ended,
    )


def test_costs_show_each_days_batches_tokens_cost_per_1k_tokens_and_median_turnaround(configured, database_url, capsys):
    # GIVEN two batches of acme that ended today (2 h and 4 h after publication), one 40 days ago,
    # one still running, and one of another store
    now = datetime.now(UTC)
    today = now.replace(hour=12, minute=0, second=0, microsecond=0)
    if today > now:
        today -= timedelta(days=1)
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        session.add_all([Store(id="acme", name="Acme"), Store(id="other", name="Other")])
        session.flush()
        session.add_all(
            [
                batch("b1", "acme", today, hours=2),
                batch("b2", "acme", today + timedelta(minutes=5), hours=4, cost=1234.5),
                batch("old", "acme", now - timedelta(days=40)),
                batch("running", "acme", None),
                batch("b3", "other", today),
            ]
        )
    engine.dispose()

    # WHEN the costs of acme are asked for, per day
    assert run("costs", "--store", "acme", "--per", "day") == 0
    out = capsys.readouterr().out

    # THEN the trend has one row for acme today: 2 batches, their tokens, their cost and cost per 1K, the median
    trend = out.split("per store, model and day:")[1].splitlines()
    rows = [line.split() for line in trend if line.startswith("acme")]
    assert rows == [
        [
            "acme",
            MODEL,
            f"{today:%Y-%m-%d}",
            "2",
            "60,000",
            "40,000",
            "$1,234.7500",
            "$12.3475",  # 1,234.75 USD / 100 thousand tokens
            "3h",
            "00m",
        ]
    ]
    # AND nothing of the other store, of the batch from 40 days ago, or of the running one
    assert "other" not in out.split("per store, model and day:")[1]


def test_a_pooled_batch_counts_in_each_of_its_stores_trends_with_that_stores_share(configured, database_url, capsys):
    # GIVEN a pooled batch (no store of its own) whose bill was shared between acme and other
    ended = datetime.now(UTC) - timedelta(hours=1)
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        session.add_all([Store(id="acme", name="Acme"), Store(id="other", name="Other")])
        session.flush()
        session.add(batch("pool", None, ended, cost=0.5))
        session.flush()
        session.add_all(
            [
                BatchShare(
                    batch_id="pool", store_id="acme", records=6, input_tokens=20_000, output_tokens=10_000, cost_usd=0.3
                ),
                BatchShare(
                    batch_id="pool",
                    store_id="other",
                    records=4,
                    input_tokens=10_000,
                    output_tokens=10_000,
                    cost_usd=0.2,
                ),
            ]
        )
    engine.dispose()

    # WHEN the trend of every store is asked for
    assert run("costs", "--per", "week") == 0
    trend = capsys.readouterr().out.split("per store, model and week:")[1]

    # THEN each store shows its own share of the batch (one batch each), and no line shows the batch as a whole
    rows = [line.split() for line in trend.splitlines() if line.startswith(("acme", "other", "(pooled)"))]
    assert [(row[0], *row[4:9]) for row in rows] == [
        ("acme", "1", "20,000", "10,000", "$0.3000", "$0.0100"),
        ("other", "1", "10,000", "10,000", "$0.2000", "$0.0100"),
    ]
