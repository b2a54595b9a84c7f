"""What each flow leaves in the Prefect UI: tables and summaries a person reads.

Keys are stable (lower-case, digits, dashes) so every run adds to one history.
"""

from __future__ import annotations

import time
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
from descgen.generation import GenerationPlan, OnDemandRun, WrittenBatch
from descgen.markdown import escaped
from descgen.monitoring import MonitorReport
from descgen.quality.report import render


def usd(amount: float) -> str:
    return f"${amount:,.4f}" if amount < 1 else f"${amount:,.2f}"


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
            "records": batch.estimate.records,
            "languages": ", ".join(f"{lang} {n}" for lang, n in sorted(batch.estimate.languages.items())),
            "input MB": round(batch.input_bytes / 1e6, 2),
            "est. batch cost": usd(batch.estimate.cost.batch_usd),
            "est. on-demand cost": usd(batch.estimate.cost.on_demand_usd),
        }
        for batch in written
    ]
    if on_demand is not None:
        rows.append(
            {
                "batch": f"{on_demand.batch_id} (on demand)",
                "records": on_demand.records,
                "languages": "",
                "input MB": 0,
                "est. batch cost": usd(on_demand.cost.batch_usd),
                "est. on-demand cost": f"{usd(on_demand.cost.on_demand_usd)} (spent)",
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
        remainder = f"{jobs.remainder} record(s) under the batch minimum: **deferred** to a later run (no cost now)"
    elif jobs.remainder:
        spent = f", spent {usd(on_demand.cost.on_demand_usd)}" if on_demand else ""
        remainder = (
            f"{jobs.remainder} record(s) under the batch minimum: **on demand** at real-time prices{spent}"
            f" (in a batch they would cost half)"
        )
    estimate = plan.estimate
    create_markdown_artifact(
        key=f"{key}-summary",
        markdown=(
            f"## generate-descriptions: {store}{' (dry run)' if dry_run else ''}\n\n"
            + (f"> **Warning:** {model_warning}\n\n" if model_warning else "")
            + f"- model: `{plan.model_id}`\n"
            f"- pending tasks considered: **{plan.pending}**\n"
            f"- batch jobs: **{len(jobs.job_sizes)}** ({', '.join(map(str, jobs.job_sizes)) or 'none'} records)\n"
            f"- remainder: {remainder}\n"
            f"- estimated tokens: {estimate.input_tokens:,} in, at most {estimate.output_tokens:,} out\n"
            f"- estimated cost: **{usd(estimate.cost.batch_usd)}** with batch inference, "
            f"{usd(estimate.cost.on_demand_usd)} on demand (saves {usd(estimate.cost.saved_usd)})\n"
        ),
        description=f"What generate-descriptions planned for {store}",
    )


class BatchProgress:
    """A progress bar in the UI that a generate run moves on after each batch it sends."""

    def __init__(self, store: str, batches: int) -> None:
        self._store = store
        self._batches = batches
        self._id: UUID = create_progress_artifact(
            progress=0.0 if batches else 100.0,
            key=f"generate-{store}-progress",
            description=f"Batches sent for store {store}: 0 of {batches}",
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
        self._id: UUID = create_progress_artifact(
            progress=0.0, key="drain-results-progress", description=f"Messages drained: 0 of about {waiting}"
        )

    def __call__(self, report: DrainReport) -> None:
        if time.monotonic() - self._last < self._every:
            return
        self._last = time.monotonic()
        update_progress_artifact(
            self._id,
            progress=min(100.0, 100.0 * report.messages / self._waiting),
            description=f"Messages drained: {report.messages:,} of about {self._waiting:,}",
        )

    def finish(self, report: DrainReport) -> None:
        """The bar at its end, whatever the last receive's timing: the run is over."""
        update_progress_artifact(
            self._id, progress=100.0, description=f"Messages drained: {report.messages:,} ({report.stopped_because})"
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
                "applied": results.applied if results else 0,
                "held for review": results.held if results else 0,
                "skipped (human edit)": results.skipped_human if results else 0,
                "retried": results.retried if results else 0,
                "throttled (no attempt)": results.waited if results else 0,
                "failed": results.failed if results else 0,
                "stale / duplicate": results.stale if results else 0,
                "unknown record": results.unknown if results else 0,
                "undecodable messages": report.undecodable if report else 0,
                "messages": report.messages if report else 0,
                "queue depth": queue.total,
                "DLQ depth": dlq.total,
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
                "records": view.records,
                "tokens in": view.input_tokens if view.input_tokens is not None else "-",
                "tokens out": view.output_tokens if view.output_tokens is not None else "-",
                "real cost (batch)": usd(view.cost_usd) if view.cost_usd is not None else "-",
                "same on demand": usd(view.on_demand_cost_usd) if view.on_demand_cost_usd is not None else "-",
                "what monitor did": view.action,
            }
            for view in report.batches
        ]
        or [{"batch": "(no open batch)"}],
        description=(
            f"Open batches and their jobs: {report.republished} republished, {report.released_tasks} tasks released, "
            f"{report.retried_tasks} retried, {report.failed_tasks} failed"
        ),
    )
