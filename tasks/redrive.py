"""Tasks of redrive-dlq."""

from __future__ import annotations

from prefect import task

from descgen import redrive
from descgen.db.session import session_scope
from descgen.settings import get_settings
from tasks.connections import aws, engine


@task
def list_dead_letters(max_messages: int) -> redrive.RedriveReport:
    """The dead letters, each with what the drain learned of it; none moves."""
    with session_scope(engine()) as session:
        return redrive.explain_dead_letters(aws().sqs, session, get_settings().dlq_url, max_messages)


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
