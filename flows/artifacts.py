"""What each flow leaves in the Prefect UI: tables and summaries a person reads.

Keys are stable (lower-case, digits, dashes) so every run adds to one history.
"""

from __future__ import annotations

import time
from typing import cast
from uuid import UUID

from prefect.artifacts import (
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)

from descgen.aws.queues import QueueDepth
from descgen.batching import RemainderAction
from descgen.draining import DrainReport
from descgen.formats import count, money
from descgen.generation import GenerationPlan, OnDemandRun, WrittenBatch
from descgen.markdown import escaped
from descgen.monitoring import MonitorReport
from descgen.pooling import PoolPlan
from descgen.pricing import Cost
from descgen.quality.report import render
from descgen.trends import TREND_DAYS, Period, TrendRow, trends_markdown


def generate_artifacts(
    store: str,
    plan: GenerationPlan,
    written: list[WrittenBatch],
    on_demand: OnDemandRun | None,
    dry_run: bool,
    model_warning: str | None = None,
) -> None:
    rows = [
        {
            "batch": batch.batch_id,
            "records": count(batch.estimate.records),
            "languages": ", ".join(f"{lang} {count(n)}" for lang, n in sorted(batch.estimate.languages.items())),
            "input MB": round(batch.input_bytes / 1e6, 2),
            "est. batch cost": money(batch.estimate.cost.batch_usd),
            "est. on-demand cost": money(batch.estimate.cost.on_demand_usd),
        }
        for batch in written
    ]
    if on_demand is not None:
        rows.append(
            {
                "batch": f"{on_demand.batch_id} (on demand)",
                "records": count(on_demand.records),
                "languages": "",
                "input MB": 0,
                "est. batch cost": money(on_demand.cost.batch_usd),
                "est. on-demand cost": f"{money(on_demand.cost.on_demand_usd)} (spent)",
            }
        )
    # a dry run keeps its own history, so the latest "what was sent" is never an empty plan
    key = f"generate-{store}-dry-run" if dry_run else f"generate-{store}"
    create_table_artifact(
        key=key,
        table=rows or [{"batch": "(none)", "records": 0}],
        description=f"Batches sent for store {store}" + (" (dry run: nothing sent)" if dry_run else ""),
    )
    jobs = plan.jobs
    remainder = "no remainder"
    if jobs.remainder and jobs.remainder_action == RemainderAction.DEFER:
        remainder = (
            f"{count(jobs.remainder)} record(s) under the batch minimum: **deferred** to a later run (no cost now)"
        )
    elif jobs.remainder:
        spent = f", spent {money(on_demand.cost.on_demand_usd)}" if on_demand else ""
        remainder = (
            f"{count(jobs.remainder)} record(s) under the batch minimum: **on demand** at real-time prices{spent}"
            f" (in a batch they would cost half)"
        )
    estimate = plan.estimate
    create_markdown_artifact(
        key=f"{key}-summary",
        markdown=(
            f"## generate-descriptions: {store}{' (dry run)' if dry_run else ''}\n\n"
            + (f"> **Warning:** {model_warning}\n\n" if model_warning else "")
            + f"- model: `{plan.model_id}`\n"
            f"- pending tasks considered: **{count(plan.pending)}**\n"
            f"- batch jobs: **{count(len(jobs.job_sizes))}** ({', '.join(map(count, jobs.job_sizes)) or 'none'} records)\n"
            f"- remainder: {remainder}\n"
            f"- estimated tokens: {count(estimate.input_tokens)} in, at most {count(estimate.output_tokens)} out\n"
            f"- estimated cost: **{money(estimate.cost.batch_usd)}** with batch inference, "
            f"{money(estimate.cost.on_demand_usd)} on demand (saves {money(estimate.cost.saved_usd)})\n"
        ),
        description=f"What generate-descriptions planned for {store}",
    )


class BatchProgress:
    """A progress bar in the UI that a generate run moves on after each batch it sends."""

    def __init__(self, store: str, batches: int) -> None:
        self._store = store
        self._batches = batches
        self._id = cast(  # Prefect's sync/async wrapper: a plain UUID when called from sync code
            UUID,
            create_progress_artifact(
                progress=0.0 if batches else 100.0,
                key=f"generate-{store}-progress",
                description=f"Batches sent for store {store}: 0 of {batches}",
            ),
        )

    def sent(self, done: int) -> None:
        update_progress_artifact(
            self._id,
            progress=100.0 * done / self._batches,
            description=f"Batches sent for store {self._store}: {done} of {self._batches}",
        )


class DrainProgress:
    """A progress bar for a long drain: messages done against the queue's depth when it began.

    Moved at most every ``every_seconds``: a receive takes milliseconds, the API call more.
    """

    def __init__(self, waiting: int, every_seconds: float = 5.0) -> None:
        self._waiting = max(waiting, 1)
        self._every = every_seconds
        self._last = time.monotonic()
        self._id = cast(  # Prefect's sync/async wrapper: a plain UUID when called from sync code
            UUID,
            create_progress_artifact(
                progress=0.0, key="drain-results-progress", description=f"Messages drained: 0 of about {count(waiting)}"
            ),
        )

    def __call__(self, report: DrainReport) -> None:
        if time.monotonic() - self._last < self._every:
            return
        self._last = time.monotonic()
        update_progress_artifact(
            self._id,
            progress=min(100.0, 100.0 * report.messages / self._waiting),
            description=f"Messages drained: {count(report.messages)} of about {count(self._waiting)}",
        )

    def finish(self, report: DrainReport) -> None:
        """The bar at its end, whatever the last receive's timing: the run is over."""
        update_progress_artifact(
            self._id,
            progress=100.0,
            description=f"Messages drained: {count(report.messages)} ({report.stopped_because})",
        )


def drain_notes(report: DrainReport | None) -> str:
    """The drain table's description: what was kept, retried and left, every quoted string escaped."""
    results = report.results if report else None
    notes = ["One drain-results run: what happened to the results, and what is left in the queues."]
    if results and results.human_kept:
        notes.append(
            "Human-edited descriptions kept (the AI result was not stored): "
            + ", ".join(escaped(kept) for kept in results.human_kept)
            + (" and more" if results.skipped_human > len(results.human_kept) else "")
        )
    if results and results.reasons:
        notes.append("Retried or failed: " + "; ".join(escaped(reason) for reason in results.reasons))
    if report and report.problems:
        notes.append("Problems: " + "; ".join(escaped(problem) for problem in report.problems))
    return "\n\n".join(notes)


def drain_artifacts(report: DrainReport | None, queue: QueueDepth, dlq: QueueDepth, error: str | None) -> None:
    results = report.results if report else None
    create_table_artifact(
        key="drain-results",
        table=[
            {
                "applied": count(results.applied if results else 0),
                "held for review": count(results.held if results else 0),
                "skipped (human edit)": count(results.skipped_human if results else 0),
                "retried": count(results.retried if results else 0),
                "throttled (no attempt)": count(results.waited if results else 0),
                "failed": count(results.failed if results else 0),
                "stale / duplicate": count(results.stale if results else 0),
                "unknown record": count(results.unknown if results else 0),
                "undecodable messages": count(report.undecodable if report else 0),
                "messages": count(report.messages if report else 0),
                "queue depth": count(queue.total),
                "DLQ depth": count(dlq.total),
                "stopped because": error or (report.stopped_because if report else ""),
            }
        ],
        description=drain_notes(report),
    )
    if report and report.quality:
        create_markdown_artifact(
            key="drain-quality", markdown=render(report.quality), description="What the quality gate saw"
        )
    for batch_id, batch_report in (report.batch_quality if report else {}).items():
        create_markdown_artifact(
            key=f"quality-{batch_id}", markdown=render(batch_report), description=f"Quality of batch {batch_id} so far"
        )


def monitor_artifacts(report: MonitorReport) -> None:
    create_table_artifact(
        key="monitor-jobs",
        table=[
            {
                "batch": view.batch_id,
                "state": view.state,
                "job": view.job_status or "-",
                "records": count(view.records),
                "tokens in": count(view.input_tokens) if view.input_tokens is not None else "-",
                "tokens out": count(view.output_tokens) if view.output_tokens is not None else "-",
                "real cost (batch)": money(view.cost_usd) if view.cost_usd is not None else "-",
                "same on demand": money(view.on_demand_cost_usd) if view.on_demand_cost_usd is not None else "-",
                "what monitor did": view.action,
            }
            for view in report.batches
        ]
        or [{"batch": "(no open batch)"}],
        description=(
            f"Open batches and their jobs: {count(report.republished)} republished, "
            f"{count(report.released_tasks)} tasks released, {count(report.retried_tasks)} retried, "
            f"{count(report.failed_tasks)} failed"
        ),
    )


def cost_trends_artifact(rows: list[TrendRow], period: Period) -> None:
    create_markdown_artifact(
        key="cost-trends",
        markdown=trends_markdown(rows, period),
        description=f"Tokens, cost, cost per 1K tokens and turnaround: the last {TREND_DAYS} days per store and model",
    )


def pooling_artifact(
    model_id: str,
    plans: dict[str, GenerationPlan],
    pools: PoolPlan,
    pooled: list[str],
    left: dict[str, OnDemandRun | None],
    dry_run: bool,
) -> None:
    """generate-due-stores: which stores' remainders shared a batch job, and what that saved against on demand."""

    def priced(pool: dict[str, int]) -> Cost:
        batch = on_demand = 0.0
        for store, records in pool.items():
            estimate = plans[store].estimate
            if estimate.records:
                batch += estimate.cost.batch_usd / estimate.records * records
                on_demand += estimate.cost.on_demand_usd / estimate.records * records
        return Cost(batch, on_demand)

    rows = []
    for number, pool in enumerate(pools.pools):
        cost = priced(pool)
        rows.append(
            {
                "pooled batch": pooled[number] if number < len(pooled) else "(not sent)",
                "stores": count(len(pool)),
                "records": count(sum(pool.values())),
                "est. batch cost": money(cost.batch_usd),
                "on demand instead": money(cost.on_demand_usd),
                "saved": money(cost.saved_usd),
            }
        )
    saved = sum((priced(pool).saved_usd for pool in pools.pools), 0.0)
    alone = ", ".join(
        f"{escaped(store)} ({count(records)}: {'on demand' if left.get(store) else 'waits'})"
        for store, records in sorted(pools.left.items())
    )
    create_table_artifact(
        key="generate-due-stores-pools" + ("-dry-run" if dry_run else ""),
        table=rows or [{"pooled batch": "(none)", "records": 0}],
        description=(
            f"{count(len(plans))} store(s) generated with `{escaped(model_id)}`; "
            f"{count(pools.pooled_records)} remainder record(s) pooled into {count(len(pools.pools))} batch job(s), "
            f"saving about {money(saved)} against on demand"
            + (f"; too few to pool: {alone}" if alone else "")
            + (" (dry run: nothing sent)" if dry_run else "")
        ),
    )
