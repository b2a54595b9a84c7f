"""Cost and turnaround trends per store, model and day or week: pure aggregation of ended batches.

``descgen costs`` prints them and monitor-jobs leaves them as the ``cost-trends``
artifact; the rows come from ``descgen.db.batch_figures.ended_batches``.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from descgen.formats import count, duration, money
from descgen.markdown import escaped
from descgen.metrics import cost_per_1k_tokens, turnaround_seconds

Period = Literal["day", "week"]
TREND_DAYS = 30


@dataclass(frozen=True)
class EndedBatch:
    store_id: str
    model_id: str
    mode: str  # batch | on_demand
    input_tokens: int | None
    output_tokens: int | None
    cost_usd: float | None
    published_at: datetime | None
    ended_at: datetime


@dataclass(frozen=True)
class TrendRow:
    store_id: str
    model_id: str
    period_start: date  # the day, or the Monday of the week
    batches: int
    input_tokens: int
    output_tokens: int
    cost_usd: float
    cost_per_1k_tokens: float | None  # over the batches with a known cost
    median_turnaround_seconds: float | None  # batch jobs only: an on-demand run has no queue to wait in


def period_start(moment: datetime, period: Period) -> date:
    day = moment.date()
    return day - timedelta(days=day.weekday()) if period == "week" else day


def cost_trends(batches: Iterable[EndedBatch], period: Period) -> list[TrendRow]:
    """One row per store, model and period, in that order."""
    groups: dict[tuple[str, str, date], list[EndedBatch]] = {}
    for batch in batches:
        groups.setdefault((batch.store_id, batch.model_id, period_start(batch.ended_at, period)), []).append(batch)
    rows = []
    for (store_id, model_id, start), group in sorted(groups.items()):
        priced = [b for b in group if b.cost_usd is not None]
        turnarounds = [
            seconds
            for b in group
            if b.mode == "batch" and (seconds := turnaround_seconds(b.published_at, b.ended_at)) is not None
        ]
        rows.append(
            TrendRow(
                store_id,
                model_id,
                start,
                batches=len(group),
                input_tokens=sum(b.input_tokens or 0 for b in group),
                output_tokens=sum(b.output_tokens or 0 for b in group),
                cost_usd=sum(b.cost_usd or 0.0 for b in priced),
                cost_per_1k_tokens=cost_per_1k_tokens(
                    sum(b.cost_usd or 0.0 for b in priced) if priced else None,
                    sum(b.input_tokens or 0 for b in priced),
                    sum(b.output_tokens or 0 for b in priced),
                ),
                median_turnaround_seconds=statistics.median(turnarounds) if turnarounds else None,
            )
        )
    return rows


TREND_COLUMNS = (
    "store",
    "model",
    "period",
    "batches",
    "tokens in",
    "tokens out",
    "cost",
    "per 1K tokens",
    "turnaround",
)


def trend_cells(row: TrendRow, period: Period) -> tuple[str, ...]:
    """A row's cells as a person reads them (the CLI and the artifact show the same)."""
    return (
        row.store_id,
        row.model_id,
        f"{row.period_start:%Y-%m-%d}" + (" (week)" if period == "week" else ""),
        count(row.batches),
        count(row.input_tokens),
        count(row.output_tokens),
        money(row.cost_usd),
        money(row.cost_per_1k_tokens) if row.cost_per_1k_tokens is not None else "-",
        duration(row.median_turnaround_seconds) if row.median_turnaround_seconds is not None else "-",
    )


def trends_markdown(rows: Iterable[TrendRow], period: Period, days: int = TREND_DAYS) -> str:
    """A Markdown table of the trends; store and model ids escaped (they are data, not markup)."""
    lines = [
        f"## Cost trends: the last {days} days per store, model and {period}",
        "",
        "Median turnaround: from the job request's publication to the end of the job.",
        "",
        "| " + " | ".join(TREND_COLUMNS) + " |",
        "|" + "---|" * len(TREND_COLUMNS),
    ]
    body = ["| " + " | ".join(escaped(cell) for cell in trend_cells(row, period)) + " |" for row in rows]
    return "\n".join(
        lines + (body or ["| " + " | ".join(["(no batch ended)"] + [""] * (len(TREND_COLUMNS) - 1)) + " |"])
    )
