"""Tasks of monitor-jobs."""

from __future__ import annotations

from prefect import task

from descgen import monitoring
from descgen.settings import get_settings
from tasks.connections import aws, engine
from tasks.retry_policy import RETRY_WHAT_HEALS


@task(**RETRY_WHAT_HEALS)
def follow_open_batches(store: str | None) -> monitoring.MonitorReport:
    return monitoring.monitor(engine(), aws(), get_settings(), store)
