"""rollback-batch: undo a bad batch; its tasks are not silently regenerated."""

from __future__ import annotations

from typing import Annotated

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact
from pydantic import Field

from descgen.db.rollback import RollbackReport
from tasks.rollback import roll_back

BatchId = Annotated[
    str, Field(min_length=1, max_length=64, description="the batch to undo, e.g. acme-20261126021500-3f9a2c")
]


@flow(name="rollback-batch", flow_run_name="rollback {batch_id}")
def rollback_batch(batch_id: BatchId) -> RollbackReport:
    """Undo a bad batch; its tasks are not silently regenerated.

    Args:
        batch_id: the batch to undo, e.g. acme-20261126021500-3f9a2c
    """
    report = roll_back(batch_id)
    summary = (
        f"batch {batch_id} was already rolled back: nothing changed"
        if report.already_rolled_back
        else f"batch {batch_id}: {report.restored} descriptions restored to their previous version, "
        f"{report.removed} removed (the batch created them), {len(report.kept_newer)} kept because they changed "
        f"since, {report.tasks_skipped} tasks marked skipped so they are not regenerated"
    )
    get_run_logger().info(summary)
    create_markdown_artifact(key="rollback-batch", markdown=f"## rollback-batch\n\n{summary}\n")
    return report
