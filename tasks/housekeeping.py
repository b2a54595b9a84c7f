"""Tasks of prune-versions (the database only)."""

from __future__ import annotations

from prefect import task

from descgen.db.housekeeping import prune_versions
from descgen.db.models import utcnow
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
    return report, policy
