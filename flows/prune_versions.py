"""prune-versions: the description history keeps what rollback and review need; the rest goes."""

from __future__ import annotations

from typing import Annotated

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact
from pydantic import Field

from descgen.formats import count
from descgen.housekeeping import PruneReport, render
from tasks.housekeeping import prune

DryRun = Annotated[bool, Field(description="only count what would be pruned; delete nothing")]


@flow(name="prune-versions", flow_run_name="prune versions (dry run: {dry_run})")
def prune_versions(dry_run: DryRun = True) -> PruneReport:
    """Delete the description versions the retention policy (DESCGEN_VERSIONS_KEEP_DAYS, ...) lets go.

    Args:
        dry_run: only count what would be pruned; delete nothing
    """
    report, policy = prune(dry_run)
    create_markdown_artifact(
        # a dry run keeps its own history, so the latest "what was pruned" is never a count of what was not
        key="prune-versions-dry-run" if dry_run else "prune-versions",
        markdown=render(report, policy),
        description="What prune-versions deleted from the description history, and why the rest stays",
    )
    get_run_logger().info(
        "%s of %s versions %s (%s delivered outbox rows with them); kept: %s",
        count(report.pruned),
        count(report.examined),
        "would be pruned" if dry_run else "pruned",
        count(report.outbox_rows),
        ", ".join(f"{reason.value} {count(kept)}" for reason, kept in report.kept.most_common()) or "none",
    )
    return report
