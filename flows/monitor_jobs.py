"""monitor-jobs: every open batch followed to its end; the real cost recorded."""

from __future__ import annotations

from typing import Annotated

from prefect import flow, get_run_logger
from prefect.runtime import flow_run
from pydantic import Field

from descgen.db.models import utcnow
from descgen.formats import count
from descgen.metrics import closed_batches_metrics
from descgen.monitoring import MonitorReport
from descgen.stores import STORE_ID_PATTERN
from descgen.trends import Period
from flows.artifacts import cost_trends_artifact, monitor_artifacts
from tasks.known_names import check_known_names
from tasks.metrics import send_metrics
from tasks.monitor import follow_open_batches, recent_cost_trends

StoreFilter = Annotated[
    str | None, Field(pattern=f"^{STORE_ID_PATTERN.pattern}$", description="only this store's batches; all if empty")
]


def run_name() -> str:
    return f"monitor jobs of {flow_run.parameters.get('store') or 'every store'}"


# The cost-trends artifact: per week keeps 30 days at about five rows per store and model.
TREND_PERIOD: Period = "week"


class BatchesNotFollowed(RuntimeError):
    """Some batches raised while being followed (AWS access, a missing price, ...)."""


@flow(name="monitor-jobs", flow_run_name=run_name)
def monitor_jobs(store: StoreFilter = None) -> MonitorReport:
    """Every open batch followed to its end; failed records retried; the real cost recorded.

    Args:
        store: only this store's batches; all if empty
    """
    log = get_run_logger()
    if store is not None:
        check_known_names(store)  # a typo must not answer "no open batch" in an artifact
    report = follow_open_batches(store)
    for view in report.batches:
        log.info("batch %s: %s", view.batch_id, view.action)
    log.info(
        "%s open batches; %s published into free job slots, %s republished, %s tasks released, %s retried, %s failed",
        count(len(report.batches)),
        count(report.published_from_wait),
        count(report.republished),
        count(report.released_tasks),
        count(report.retried_tasks),
        count(report.failed_tasks),
    )
    monitor_artifacts(report)
    if report.closed:  # what the closed batches cost, on CloudWatch and in the trends
        send_metrics(closed_batches_metrics(report.closed, utcnow()))
        cost_trends_artifact(recent_cost_trends(TREND_PERIOD), TREND_PERIOD)
    if report.errors:  # every other batch was followed; this run still says something is wrong
        raise BatchesNotFollowed(f"{len(report.errors)} batch(es) could not be followed: " + "; ".join(report.errors))
    return report
