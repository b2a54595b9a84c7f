"""drain-results: SQS pages of results -> sanitized descriptions in the database."""

from __future__ import annotations

from typing import Annotated

from prefect import flow, get_run_logger
from prefect.events import emit_event
from prefect.runtime import flow_run
from pydantic import Field

from descgen.aws.queues import QueueDepth
from descgen.db.models import utcnow
from descgen.draining import DrainReport
from descgen.formats import count, duration
from descgen.metrics import drain_metrics
from descgen.settings import get_settings
from flows.artifacts import DrainProgress, drain_artifacts
from tasks.drain import drain_queue, queue_depths
from tasks.metrics import send_metrics

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


def run_name() -> str:
    asked = flow_run.parameters
    return f"drain: up to {count(asked['max_messages'])} messages in {duration(asked['max_seconds'])}"


@flow(name="drain-results", flow_run_name=run_name)
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
        log.info("queue depth %s, dead-letter queue depth %s", count(queue.total), count(dlq.total))
        emit_depth_events(settings.dlq_url, queue, dlq, settings.dlq_alert_threshold)
        drain_artifacts(report, queue, dlq, error)
    send_metrics(drain_metrics(report.tallies, utcnow()))
    results = report.results
    log.info(
        "%s messages: %s applied, %s held for review, %s kept human edits, %s retried, %s throttled (no attempt), "
        "%s failed, %s stale, %s undecodable (%s)",
        count(report.messages),
        count(results.applied),
        count(results.held),
        count(results.skipped_human),
        count(results.retried),
        count(results.waited),
        count(results.failed),
        count(results.stale),
        count(report.undecodable),
        report.stopped_because,
    )
    left = report.undecodable + report.unapplied
    if left:
        shown = ", ".join(report.left_behind[:10]) + (" and more" if len(report.left_behind) > 10 else "")
        raise MessagesLeftBehind(
            f"{count(left)} messages could not be applied ({count(report.undecodable)} undecodable, "
            f"{count(report.unapplied)} refused by the database) and go to the dead-letter queue after their last "
            f"receive: {shown}"
        )
    if dlq.total > settings.dlq_alert_threshold:
        raise DeadLetterQueueGrowing(
            f"the dead-letter queue holds {count(dlq.total)} messages, over the threshold of "
            f"{count(settings.dlq_alert_threshold)}: inspect them, fix the cause, then run redrive-dlq"
        )
    return report
