"""Tasks of drain-results."""

from __future__ import annotations

from collections.abc import Callable

from prefect import task

from descgen import draining
from descgen.aws.queues import QueueDepth, queue_depth
from descgen.settings import get_settings
from tasks.connections import aws, engine
from tasks.retry_policy import RETRY_WHAT_HEALS


# No retries: a drain that fails has deleted nothing, and the next scheduled run
# picks the messages up again. Retrying here would only push them towards the DLQ.
@task
def drain_queue(
    max_messages: int, max_seconds: float, on_receive: Callable[[draining.DrainReport], None] | None = None
) -> draining.DrainReport:
    return draining.drain(
        engine(), aws().sqs, get_settings(), max_messages=max_messages, max_seconds=max_seconds, on_receive=on_receive
    )


@task(**RETRY_WHAT_HEALS)
def queue_depths() -> tuple[QueueDepth, QueueDepth]:
    settings = get_settings()
    sqs = aws().sqs
    return queue_depth(sqs, settings.queue_url), queue_depth(sqs, settings.dlq_url)
