"""Tasks of redrive-dlq."""

from __future__ import annotations

from prefect import task

from descgen import redrive
from descgen.settings import get_settings
from tasks.connections import aws


@task
def list_dead_letters(max_messages: int) -> redrive.RedriveReport:
    return redrive.list_dead_letters(aws().sqs, get_settings().dlq_url, max_messages)


@task
def move_dead_letters(max_messages: int) -> redrive.RedriveReport:
    settings = get_settings()
    return redrive.redrive(
        aws().sqs,
        settings.dlq_url,
        settings.queue_url,
        max_messages=max_messages,
        max_request_bytes=settings.max_message_bytes,
    )
