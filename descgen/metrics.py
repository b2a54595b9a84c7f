"""What descgen tells CloudWatch: per closed batch and per drain run, per store and model.

Pure: plain values in, PutMetricData ``MetricData`` entries out. Sending them is
``descgen.aws.cloudwatch.send_metrics``'s (I/O, and never the reason a run fails).

- per batch, when monitor-jobs closes a batch whose job ended: its input and output
  tokens and real cost (from the manifest), the cost per 1,000 tokens, the job's
  turnaround (published -> the monitor saw it end) and the tasks it sent back;
- per drain run: the results applied (published), held for review by the quality gate,
  and sent back for another attempt, per store and model of the batches they came from.

Every datum has the dimensions ``Store`` and ``Model``, so the dashboard
(``infra/dashboard.tf``) can show one line per store or model with a ``SEARCH``. The
names below are the ones the dashboard names: the Terraform-on-moto test reads the
dashboard back and compares it with ``METRIC_NAMES``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

STORE_DIMENSION = "Store"
MODEL_DIMENSION = "Model"
DIMENSIONS = (STORE_DIMENSION, MODEL_DIMENSION)

# A pooled batch holds several stores' remainders (its batch shares say whose): its own
# figures are shown under this name rather than under one of its stores.
POOLED_STORE = "(pooled)"

# PutMetricData takes at most 1,000 metrics and 1 MB per request (API reference,
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html;
# it was 20 and 40 KB before 2023). One datum here is well under 1 KB (a name, two
# dimensions of at most a store id and a model id, a value, a unit and a time), so
# 1,000 of them stay under 1 MB: the count is the limit that binds.
MAX_METRICS_PER_REQUEST = 1000


class Metric(StrEnum):
    INPUT_TOKENS = "InputTokens"
    OUTPUT_TOKENS = "OutputTokens"
    COST_USD = "CostUSD"
    COST_PER_1K_TOKENS = "CostPer1KTokensUSD"
    TURNAROUND_SECONDS = "JobTurnaroundSeconds"
    RESULTS_APPLIED = "ResultsApplied"
    QUALITY_HOLDS = "QualityHolds"
    RETRIES = "Retries"


METRIC_NAMES = frozenset(metric.value for metric in Metric)

# CloudWatch's units (StandardUnit); "None" where CloudWatch has no unit for it (dollars).
UNITS: dict[Metric, str] = {
    Metric.INPUT_TOKENS: "Count",
    Metric.OUTPUT_TOKENS: "Count",
    Metric.COST_USD: "None",
    Metric.COST_PER_1K_TOKENS: "None",
    Metric.TURNAROUND_SECONDS: "Seconds",
    Metric.RESULTS_APPLIED: "Count",
    Metric.QUALITY_HOLDS: "Count",
    Metric.RETRIES: "Count",
}


@dataclass(frozen=True)
class ClosedBatch:
    """A batch monitor-jobs closed after its job ended, with what it learned of it."""

    batch_id: str
    store_id: str  # store_label: a pooled batch's is POOLED_STORE
    model_id: str
    input_tokens: int | None  # None: no manifest was found
    output_tokens: int | None
    cost_usd: float | None  # None: no manifest, or no price for the model
    published_at: datetime | None
    ended_at: datetime | None
    retried: int  # tasks sent back to pending when it closed


@dataclass(frozen=True)
class StoreShare:
    """One store's part of a batch's real bill (``batch_shares``: a pooled batch has several)."""

    store_id: str
    input_tokens: int | None
    output_tokens: int | None
    cost_usd: float | None


@dataclass(frozen=True)
class DrainTally:
    """One drain's results of one store and model."""

    store_id: str
    model_id: str
    applied: int = 0
    held: int = 0
    retried: int = 0


def store_label(store_id: str | None) -> str:
    """The Store dimension of a batch: its store, or ``POOLED_STORE``."""
    return POOLED_STORE if store_id is None else store_id


def cost_per_1k_tokens(cost_usd: float | None, input_tokens: int | None, output_tokens: int | None) -> float | None:
    """Dollars per 1,000 tokens (input and output together); None without a cost or a token."""
    tokens = (input_tokens or 0) + (output_tokens or 0)
    if cost_usd is None or tokens <= 0:
        return None
    return 1000 * cost_usd / tokens


def turnaround_seconds(published_at: datetime | None, ended_at: datetime | None) -> float | None:
    """From the job request's publication to the job's end; None if either is unknown."""
    if published_at is None or ended_at is None:
        return None
    return max(0.0, (ended_at - published_at).total_seconds())


def datum(metric: Metric, value: float, store_id: str, model_id: str, at: datetime) -> dict[str, Any]:
    """One ``MetricData`` entry of PutMetricData."""
    return {
        "MetricName": metric.value,
        "Dimensions": [{"Name": STORE_DIMENSION, "Value": store_id}, {"Name": MODEL_DIMENSION, "Value": model_id}],
        "Timestamp": at,
        "Value": float(value),
        "Unit": UNITS[metric],
    }


def batch_metrics(batch: ClosedBatch, at: datetime) -> list[dict[str, Any]]:
    """A closed batch's figures; a figure that is unknown (no manifest, no price) is left out, not sent as 0."""
    figures: list[tuple[Metric, float | None]] = [
        (Metric.INPUT_TOKENS, batch.input_tokens),
        (Metric.OUTPUT_TOKENS, batch.output_tokens),
        (Metric.COST_USD, batch.cost_usd),
        (Metric.COST_PER_1K_TOKENS, cost_per_1k_tokens(batch.cost_usd, batch.input_tokens, batch.output_tokens)),
        (Metric.TURNAROUND_SECONDS, turnaround_seconds(batch.published_at, batch.ended_at)),
        (Metric.RETRIES, batch.retried),
    ]
    return [datum(metric, value, batch.store_id, batch.model_id, at) for metric, value in figures if value is not None]


def per_store(
    batch: ClosedBatch, shares: Sequence[StoreShare], retried_by_store: Mapping[str, int]
) -> list[ClosedBatch]:
    """A closed batch as each store in it saw it: its share of the tokens and the cost, its tasks sent back,
    the batch's turnaround. Without shares (a batch written before they were kept), the batch as a whole."""
    if not shares:
        return [batch]
    return [
        replace(
            batch,
            store_id=share.store_id,
            input_tokens=share.input_tokens,
            output_tokens=share.output_tokens,
            cost_usd=share.cost_usd,
            retried=retried_by_store.get(share.store_id, 0),
        )
        for share in shares
    ]


def closed_batches_metrics(batches: Iterable[ClosedBatch], at: datetime) -> list[dict[str, Any]]:
    """What one monitor run sends: every batch it closed."""
    return [entry for batch in batches for entry in batch_metrics(batch, at)]


def drain_tallies(by_batch: Mapping[tuple[str, str, str], int], models: Mapping[str, str]) -> list[DrainTally]:
    """(batch id, store id, outcome) counts -> one tally per (store, model), each batch's model from ``models``.

    Outcomes are ``applied``, ``held`` and ``retried``; a batch without a model (deleted since) is left out.
    """
    sums: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: {"applied": 0, "held": 0, "retried": 0})
    for (batch_id, store_id, outcome), number in by_batch.items():
        model_id = models.get(batch_id)
        if model_id is not None and outcome in ("applied", "held", "retried"):
            sums[(store_id, model_id)][outcome] += number
    return [DrainTally(store, model, **counts) for (store, model), counts in sorted(sums.items())]


def drain_metrics(tallies: Iterable[DrainTally], at: datetime) -> list[dict[str, Any]]:
    """A drain run's results per store and model, zeros included (a quiet run is a point on the graph)."""
    return [
        datum(metric, value, tally.store_id, tally.model_id, at)
        for tally in tallies
        for metric, value in (
            (Metric.RESULTS_APPLIED, tally.applied),
            (Metric.QUALITY_HOLDS, tally.held),
            (Metric.RETRIES, tally.retried),
        )
    ]


def in_requests(data: Sequence[dict[str, Any]], size: int = MAX_METRICS_PER_REQUEST) -> Iterator[list[dict[str, Any]]]:
    """The data in PutMetricData-sized requests, in order."""
    for start in range(0, len(data), size):
        yield list(data[start : start + size])
