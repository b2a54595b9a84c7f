"""Tasks of prune-versions (the database only)."""

from __future__ import annotations

from datetime import timedelta

from prefect import get_run_logger, task

from descgen.aws_layout import LAYOUT
from descgen.db.dead_letters import prune_notes
from descgen.db.housekeeping import prune_versions
from descgen.db.models import utcnow
from descgen.db.session import session_scope
from descgen.formats import count
from descgen.housekeeping import PruneReport, RetentionPolicy
from descgen.settings import HousekeepingSettings, get_housekeeping_settings
from tasks.connections import engine


def retention_policy(settings: HousekeepingSettings) -> RetentionPolicy:
    return RetentionPolicy(
        keep_days=settings.versions_keep_days,
        rejected_keep_days=settings.rejected_keep_days,
        rollback_window_days=settings.rollback_window_days,
    )


# No retries: each chunk is committed as it goes, and the next scheduled run walks the table again.
@task
def prune(dry_run: bool) -> tuple[PruneReport, RetentionPolicy]:
    """The versions the policy lets go, deleted chunk by chunk (counted only in a dry run)."""
    settings = get_housekeeping_settings()
    policy = retention_policy(settings)
    report = prune_versions(engine(), policy, utcnow(), dry_run=dry_run, chunk=settings.prune_chunk_versions)
    # the drain's notes of messages no DLQ can still hold (descgen/dead_letters.py)
    with session_scope(engine()) as session:
        before = utcnow() - timedelta(seconds=LAYOUT.dlq.message_retention_seconds)
        notes = prune_notes(session, before, dry_run=dry_run)
    get_run_logger().info(
        "%s dead-letter notes %s: last seen before %s", count(notes), "would go" if dry_run else "pruned", before
    )
    return report, policy
