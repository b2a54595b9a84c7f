"""drain-results: SQS pages of results -> sanitized descriptions in the database."""

from __future__ import annotations

from typing import Annotated

from prefect import flow, get_run_logger
from prefect.events import emit_event
from pydantic import Field

from descgen.aws.queues import QueueDepth
from descgen.draining import DrainReport
from descgen.settings import get_settings
from flows.artifacts import DrainProgress, drain_artifacts
from tasks.drain import drain_queue, queue_depths

MaxMessages = Annotated[int, Field(ge=1, le=1_000_000, description="stop after this many SQS messages")]
MaxSeconds = Annotated[float, Field(gt=0, le=3600, description="stop after this many seconds")]


class MessagesLeftBehind(RuntimeError):
    """The drain left messages it could not apply: the run fails at once, naming them (the
    dead-letter alert would fire only receives later)."""


class DeadLetterQueueGrowing(RuntimeError):
    """The DLQ holds more than the alert threshold: someone should look."""


def emit_depth_events(dlq_url: str, queue: QueueDepth, dlq: QueueDepth, threshold: int) -> None:
    """``descgen.dlq.depth`` every run; ``descgen.dlq.over-threshold`` past the threshold.

    Automations cannot compare payload values, so the alert gets an event of its own
    (deployments/dlq_alert_automation.yaml notifies on it).
    """
    dlq_name = dlq_url.rsplit("/", 1)[-1]
    resource = {"prefect.resource.id": f"descgen.queue.{dlq_name}", "prefect.resource.name": dlq_name}
    payload = {"depth": dlq.total, "threshold": threshold, "queue_depth": queue.total}
    emit_event(event="descgen.dlq.depth", resource=resource, payload=payload)
    if dlq.total > threshold:
        emit_event(event="descgen.dlq.over-threshold", resource=resource, payload=payload)


@flow(name="drain-results", flow_run_name="drain: up to {max_messages} messages in {max_seconds}s")
def drain_results(max_messages: MaxMessages = 100_000, max_seconds: MaxSeconds = 240) -> DrainReport:
    """SQS pages of results -> sanitized descriptions in the database; queue and DLQ depth reported.

    Args:
        max_messages: stop after this many SQS messages
        max_seconds: stop after this many seconds
    """
    log = get_run_logger()
    settings = get_settings()
    report: DrainReport | None = None
    error: str | None = None
    waiting, _ = queue_depths()
    progress = DrainProgress(waiting.visible)
    try:
        report = drain_queue(max_messages, max_seconds, on_receive=progress)
        progress.finish(report)
    except Exception as exc:
        error = str(exc)
        raise
    finally:
        queue, dlq = queue_depths()
        log.info("queue depth %d, dead-letter queue depth %d", queue.total, dlq.total)
        emit_depth_events(settings.dlq_url, queue, dlq, settings.dlq_alert_threshold)
        drain_artifacts(report, queue, dlq, error)
    results = report.results
    log.info(
        "%d messages: %d applied, %d held for review, %d kept human edits, %d retried, %d throttled (no attempt), "
        "%d failed, %d stale, %d undecodable (%s)",
        report.messages,
        results.applied,
        results.held,
        results.skipped_human,
        results.retried,
        results.waited,
        results.failed,
        results.stale,
        report.undecodable,
        report.stopped_because,
    )
    left = report.undecodable + report.unapplied
    if left:
        shown = ", ".join(report.left_behind[:10]) + (" and more" if len(report.left_behind) > 10 else "")
        raise MessagesLeftBehind(
            f"{left:,} messages could not be applied ({report.undecodable:,} undecodable, {report.unapplied:,} "
            f"refused by the database) and go to the dead-letter queue after their last receive: {shown}"
        )
    if dlq.total > settings.dlq_alert_threshold:
        raise DeadLetterQueueGrowing(
            f"the dead-letter queue holds {dlq.total} messages, over the threshold of {settings.dlq_alert_threshold}: "
            "inspect them, fix the cause, then run redrive-dlq"
        )
    return report
