"""monitor-jobs: every open batch followed to its end; the real cost recorded."""

from __future__ import annotations

from typing import Annotated

from prefect import flow, get_run_logger
from prefect.runtime import flow_run
from pydantic import Field

from descgen.monitoring import MonitorReport
from descgen.stores import STORE_ID_PATTERN
from flows.artifacts import monitor_artifacts
from tasks.known_names import check_known_names
from tasks.monitor import follow_open_batches

StoreFilter = Annotated[
    str | None, Field(pattern=f"^{STORE_ID_PATTERN.pattern}$", description="only this store's batches; all if empty")
]


def run_name() -> str:
    return f"monitor jobs of {flow_run.parameters.get('store') or 'every store'}"


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
        "%d open batches; %d published into free job slots, %d republished, %d tasks released, %d retried, %d failed",
        len(report.batches),
        report.published_from_wait,
        report.republished,
        report.released_tasks,
        report.retried_tasks,
        report.failed_tasks,
    )
    monitor_artifacts(report)
    if report.errors:  # every other batch was followed; this run still says something is wrong
        raise BatchesNotFollowed(f"{len(report.errors)} batch(es) could not be followed: " + "; ".join(report.errors))
    return report
