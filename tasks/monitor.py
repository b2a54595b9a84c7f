"""Tasks of monitor-jobs."""

from __future__ import annotations

from prefect import task

from descgen import monitoring
from descgen.db import batch_figures
from descgen.db.models import utcnow
from descgen.db.session import session_scope
from descgen.settings import get_settings
from descgen.trends import Period, TrendRow
from tasks.connections import aws, engine
from tasks.retry_policy import RETRY_WHAT_HEALS


@task(**RETRY_WHAT_HEALS)
def follow_open_batches(store: str | None) -> monitoring.MonitorReport:
    return monitoring.monitor(engine(), aws(), get_settings(), store)


@task(**RETRY_WHAT_HEALS)
def recent_cost_trends(period: Period) -> list[TrendRow]:
    with session_scope(engine()) as session:
        return batch_figures.recent_cost_trends(session, period, utcnow())
