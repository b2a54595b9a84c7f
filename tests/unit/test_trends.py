"""The cost trend: per store, model and day or week, from the batches that ended; shown escaped."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from descgen.trends import EndedBatch, TrendRow, cost_trends, trend_cells, trends_markdown

MONDAY = datetime(2026, 11, 30, 10, tzinfo=UTC)  # a Monday
MODEL = "us.anthropic.claude-haiku-4-5-20251001-v1:0"


def ended(at: datetime, *, store="acme", model=MODEL, mode="batch", cost=0.1, tokens=(1000, 1000), hours=2.0):
    return EndedBatch(store, model, mode, tokens[0], tokens[1], cost, at - timedelta(hours=hours), at)


def test_batches_are_summed_per_store_model_and_day_with_the_median_turnaround():
    # GIVEN three batch jobs of acme on Monday (1 h, 2 h, 6 h) and one on Tuesday, and one of another store
    batches = [
        ended(MONDAY, hours=1),
        ended(MONDAY + timedelta(hours=3), hours=2, cost=0.3, tokens=(3000, 1000)),
        ended(MONDAY + timedelta(hours=5), hours=6),
        ended(MONDAY + timedelta(days=1)),
        ended(MONDAY, store="shop"),
    ]
    # WHEN the trend is taken per day
    rows = cost_trends(batches, "day")
    # THEN acme's Monday sums its three batches, the median is the middle turnaround, cost per 1K over all tokens
    monday = rows[0]
    assert (monday.store_id, monday.period_start, monday.batches) == ("acme", date(2026, 11, 30), 3)
    assert (monday.input_tokens, monday.output_tokens) == (5000, 3000)
    assert monday.cost_usd == pytest.approx(0.5)
    assert monday.cost_per_1k_tokens == pytest.approx(0.5 / 8)
    assert monday.median_turnaround_seconds == 2 * 3600
    # AND Tuesday and the other store have rows of their own, in order
    assert [(r.store_id, r.period_start) for r in rows] == [
        ("acme", date(2026, 11, 30)),
        ("acme", date(2026, 12, 1)),
        ("shop", date(2026, 11, 30)),
    ]


def test_a_week_starts_on_monday_and_models_are_kept_apart():
    batches = [
        ended(MONDAY + timedelta(days=6)),  # Sunday: same week
        ended(MONDAY),
        ended(MONDAY - timedelta(days=1)),  # the Sunday before: the week before
        ended(MONDAY, model="amazon.nova-lite-v1:0"),
    ]
    rows = cost_trends(batches, "week")
    assert [(r.model_id, r.period_start, r.batches) for r in rows] == [
        ("amazon.nova-lite-v1:0", date(2026, 11, 30), 1),
        (MODEL, date(2026, 11, 23), 1),
        (MODEL, date(2026, 11, 30), 2),
    ]


def test_an_on_demand_run_counts_its_cost_but_not_in_the_turnaround_and_an_unpriced_batch_not_per_1k():
    # GIVEN a batch job of 4 h, an on-demand remainder (no queue: 0 s) and a batch with no price
    batches = [
        ended(MONDAY, hours=4, cost=0.2, tokens=(1000, 1000)),
        ended(MONDAY, mode="on_demand", hours=0, cost=0.4, tokens=(1000, 1000)),
        ended(MONDAY, hours=4, cost=None, tokens=(50_000, 50_000)),
    ]
    [row] = cost_trends(batches, "day")
    assert row.median_turnaround_seconds == 4 * 3600
    assert row.cost_usd == pytest.approx(0.6)
    assert row.cost_per_1k_tokens == pytest.approx(0.6 / 4)  # the unpriced batch's tokens are not in it
    assert row.input_tokens == 52_000


def test_no_turnaround_and_no_cost_per_1k_without_the_figures():
    [row] = cost_trends([ended(MONDAY, cost=None, mode="on_demand")], "day")
    assert (row.cost_per_1k_tokens, row.median_turnaround_seconds) == (None, None)
    assert trend_cells(row, "day")[-2:] == ("-", "-")


def test_the_trend_artifact_shows_money_and_counts_in_one_format_and_store_data_escaped():
    # GIVEN a row whose store id carries markup (store data is not trusted to be plain)
    row = TrendRow("[x](http://evil.example)*", MODEL, date(2026, 11, 30), 12, 1_234_567, 89_000, 1234.5, 0.01, 9000)
    # WHEN the artifact's Markdown is written
    markdown = trends_markdown([row], "week")
    # THEN the figures read as everywhere else, and the store id is literal text
    line = markdown.splitlines()[-1]
    assert line == (
        r"| \[x\](http://evil.example)\* | us.anthropic.claude-haiku-4-5-20251001-v1:0 | 2026-11-30 (week) | 12 | "
        "1,234,567 | 89,000 | $1,234.5000 | $0.0100 | 2h 30m |"
    )
    # AND with no batch, the table says so
    assert "(no batch ended)" in trends_markdown([], "day")
