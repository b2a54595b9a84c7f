"""What a closed batch and a drain run tell CloudWatch: names, values, units, Store and Model."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from descgen.metrics import (
    MAX_METRICS_PER_REQUEST,
    METRIC_NAMES,
    POOLED_STORE,
    ClosedBatch,
    DrainTally,
    Metric,
    StoreShare,
    batch_metrics,
    closed_batches_metrics,
    cost_per_1k_tokens,
    drain_metrics,
    drain_tallies,
    in_requests,
    per_store,
    store_label,
    turnaround_seconds,
)

AT = datetime(2026, 12, 1, 12, tzinfo=UTC)
PUBLISHED = datetime(2026, 12, 1, 9, tzinfo=UTC)
MODEL = "us.anthropic.claude-haiku-4-5-20251001-v1:0"


def closed(**changes) -> ClosedBatch:
    values = {
        "batch_id": "b1",
        "store_id": "acme",
        "model_id": MODEL,
        "input_tokens": 30_000,
        "output_tokens": 10_000,
        "cost_usd": 0.5,
        "published_at": PUBLISHED,
        "ended_at": PUBLISHED + timedelta(hours=2, minutes=30),
        "retried": 2,
    }
    return ClosedBatch(**(values | changes))


def by_name(data) -> dict[str, float]:
    return {entry["MetricName"]: entry["Value"] for entry in data}


def test_a_closed_batch_sends_its_tokens_cost_cost_per_1k_tokens_turnaround_and_retries():
    # GIVEN a batch closed after its job: 40,000 tokens for $0.50, 2.5 h from publication to end
    data = batch_metrics(closed(), AT)
    # THEN each figure is sent under its name, with the store and the model as dimensions
    assert by_name(data) == {
        "InputTokens": 30_000,
        "OutputTokens": 10_000,
        "CostUSD": 0.5,
        "CostPer1KTokensUSD": pytest.approx(0.0125),  # 0.5 / 40 thousand tokens
        "JobTurnaroundSeconds": 9000,
        "Retries": 2,
    }
    for entry in data:
        assert entry["Dimensions"] == [{"Name": "Store", "Value": "acme"}, {"Name": "Model", "Value": MODEL}]
        assert entry["Timestamp"] == AT
    units = {entry["MetricName"]: entry["Unit"] for entry in data}
    assert (units["InputTokens"], units["JobTurnaroundSeconds"], units["CostUSD"]) == ("Count", "Seconds", "None")


def test_an_unknown_figure_is_left_out_rather_than_sent_as_zero():
    # GIVEN a batch whose job wrote no manifest (no tokens, no cost) and was never seen published
    data = batch_metrics(closed(input_tokens=None, output_tokens=None, cost_usd=None, published_at=None), AT)
    # THEN only what is known is sent: a zero would drag every average down
    assert by_name(data) == {"Retries": 2}


@pytest.mark.parametrize(
    ("cost", "tokens_in", "tokens_out", "per_1k"),
    [(1.0, 1000, 0, 1.0), (1.0, 600, 400, 1.0), (0.3, 2000, 1000, 0.1), (None, 1000, 0, None), (1.0, 0, 0, None)],
)
def test_the_cost_per_1k_tokens_counts_input_and_output_tokens(cost, tokens_in, tokens_out, per_1k):
    assert cost_per_1k_tokens(cost, tokens_in, tokens_out) == (pytest.approx(per_1k) if per_1k else None)


def test_the_turnaround_runs_from_publication_to_the_end_and_is_never_negative():
    assert turnaround_seconds(PUBLISHED, PUBLISHED + timedelta(minutes=5)) == 300
    assert turnaround_seconds(PUBLISHED, PUBLISHED - timedelta(minutes=5)) == 0
    assert turnaround_seconds(None, PUBLISHED) is None


def test_a_pooled_batch_is_shown_under_the_pooled_store():
    assert store_label(None) == POOLED_STORE
    assert store_label("acme") == "acme"


def test_a_monitor_run_sends_every_batch_it_closed():
    data = closed_batches_metrics([closed(), closed(batch_id="b2", store_id="other")], AT)
    stores = Counter(entry["Dimensions"][0]["Value"] for entry in data)
    assert stores == {"acme": 6, "other": 6}


def test_a_drains_results_are_summed_per_store_and_model_of_their_batches():
    # GIVEN results of three batches: two of acme on one model, one of a pooled batch's store on another
    by_batch = Counter(
        {
            ("b1", "acme", "applied"): 5,
            ("b2", "acme", "applied"): 3,
            ("b2", "acme", "held"): 1,
            ("b3", "shop", "retried"): 2,
            ("gone", "acme", "applied"): 7,  # a batch deleted since: no model, left out
        }
    )
    models = {"b1": MODEL, "b2": MODEL, "b3": "amazon.nova-lite-v1:0"}
    # WHEN they are tallied
    tallies = drain_tallies(by_batch, models)
    # THEN one tally per store and model
    assert tallies == [
        DrainTally("acme", MODEL, applied=8, held=1, retried=0),
        DrainTally("shop", "amazon.nova-lite-v1:0", applied=0, held=0, retried=2),
    ]
    # AND each is sent as results applied, quality holds and retries, zeros included
    data = drain_metrics(tallies, AT)
    assert [(e["MetricName"], e["Dimensions"][0]["Value"], e["Value"]) for e in data] == [
        ("ResultsApplied", "acme", 8),
        ("QualityHolds", "acme", 1),
        ("Retries", "acme", 0),
        ("ResultsApplied", "shop", 0),
        ("QualityHolds", "shop", 0),
        ("Retries", "shop", 2),
    ]


def test_every_metric_has_a_cloudwatch_unit_and_a_distinct_name():
    assert len(METRIC_NAMES) == len(Metric)
    assert {metric.value for metric in Metric} == METRIC_NAMES


def test_requests_hold_at_most_the_putmetricdata_limit_and_lose_nothing():
    data = [{"MetricName": "Retries", "Value": float(i)} for i in range(2 * MAX_METRICS_PER_REQUEST + 1)]
    requests = list(in_requests(data))
    assert [len(request) for request in requests] == [1000, 1000, 1]
    assert [entry for request in requests for entry in request] == data
    assert list(in_requests([])) == []


def test_a_pooled_batch_is_sent_once_per_store_with_its_share_of_the_bill_and_its_own_retries():
    # GIVEN a pooled batch closed with two stores' shares, one task of "shop" sent back
    batch = closed(store_id=POOLED_STORE, retried=1)
    shares = [StoreShare("acme", 20_000, 6_000, 0.3), StoreShare("shop", 10_000, 4_000, 0.2)]
    # WHEN it is split per store
    parts = per_store(batch, shares, {"shop": 1})
    # THEN each store has its own tokens, cost and retries, and the batch's turnaround
    assert [(p.store_id, p.input_tokens, p.output_tokens, p.cost_usd, p.retried) for p in parts] == [
        ("acme", 20_000, 6_000, 0.3, 0),
        ("shop", 10_000, 4_000, 0.2, 1),
    ]
    assert {(p.published_at, p.ended_at) for p in parts} == {(batch.published_at, batch.ended_at)}
    # AND a batch without shares is sent as a whole
    assert per_store(batch, [], {}) == [batch]
