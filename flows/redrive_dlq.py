"""redrive-dlq: dead-letter messages back to the results queue (run it once the cause is fixed)."""

from __future__ import annotations

from typing import Annotated

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from pydantic import Field

from descgen.dead_letters import described, markdown_table
from descgen.formats import count
from descgen.redrive import RedriveReport
from tasks.redrive import list_dead_letters, move_dead_letters

DryRun = Annotated[bool, Field(description="only list what would be moved")]
MaxMessages = Annotated[
    int, Field(ge=1, le=100_000, description="list or move at most this many (on AWS a move task takes the whole DLQ)")
]


@flow(name="redrive-dlq", flow_run_name="redrive dlq (dry run: {dry_run})")
def redrive_dlq(dry_run: DryRun = True, max_messages: MaxMessages = 1000) -> RedriveReport:
    """Dead-letter messages back to the results queue (run it once the cause is fixed).

    Args:
        dry_run: only list what would be moved
        max_messages: list or move at most this many (on AWS a move task takes the whole DLQ)
    """
    log = get_run_logger()
    if dry_run:
        report = list_dead_letters(max_messages)
        for letter in report.listed:
            log.info("would move %s", described(letter))
        create_markdown_artifact(
            key="redrive-dlq",
            markdown=markdown_table(report.listed),
            description=f"Dry run: {len(report.listed)} message(s) would be moved back to the results queue",
        )
        return report
    report = move_dead_letters(max_messages)
    log.info("redrive by %s: %s message(s) moved", report.method, count(report.moved))
    create_table_artifact(
        key="redrive-dlq",
        table=[{"method": report.method, "moved": report.moved, "move task": report.move_task_handle or "-"}],
        description="Dead-letter messages moved back to the results queue",
    )
    return report
