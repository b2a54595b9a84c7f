"""Tasks of generate-descriptions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from prefect import task

from descgen import generation
from descgen.db.catalog import SyncReport
from descgen.model_catalog import ModelRefused
from descgen.model_check import CheckedModel
from descgen.model_check import check_model as check_model_now
from descgen.settings import get_settings
from tasks.connections import aws, engine

# Database and AWS hiccups heal within seconds; anything longer fails the run loudly.
RETRIES = {"retries": 3, "retry_delay_seconds": [2, 5, 15]}


def _not_refused(task: Any, task_run: Any, state: Any) -> bool:
    """A refused model stays refused: only other errors are tried again."""
    try:
        state.result()
    except ModelRefused:
        return False
    except Exception:
        return True
    return False


@task(retries=3, retry_delay_seconds=[2, 5, 15], retry_condition_fn=_not_refused)
def check_model(model_id: str) -> CheckedModel:
    return check_model_now(get_settings(), aws().bedrock, model_id)


@task(**RETRIES)
def sync_catalog(store: str, model_id: str) -> SyncReport:
    return generation.sync_catalog(engine(), get_settings(), store, model_id)


@task(**RETRIES)
def plan_generation(
    store: str, languages: Sequence[str] | None, limit: int, model_id: str
) -> generation.GenerationPlan:
    return generation.plan_generation(engine(), get_settings(), store, languages, limit, model_id)


@task(**RETRIES)
def plan_without_changes(
    store: str, languages: Sequence[str] | None, limit: int, model_id: str
) -> tuple[SyncReport, generation.GenerationPlan]:
    return generation.plan_without_changes(engine(), get_settings(), store, languages, limit, model_id)


@task(**RETRIES)
def claim_batch(
    store: str, model_id: str, languages: Sequence[str] | None, size: int, mode: str = "batch"
) -> str | None:
    return generation.claim(engine(), get_settings(), store, model_id, languages, size, mode)


@task(**RETRIES)
def write_batch_file(batch_id: str) -> generation.WrittenBatch:
    return generation.write_batch_file(engine(), aws().s3, get_settings(), batch_id)


@task(**RETRIES)
def request_job(batch_id: str) -> str | None:
    """The job name asked for, or None when the batch waits for a free job slot."""
    request = generation.request_job(engine(), aws().sns, get_settings(), batch_id)
    return request.job_name if request else None


@task(**RETRIES)
def send_on_demand(batch_id: str) -> generation.OnDemandRun | None:
    return generation.send_on_demand(engine(), aws(), get_settings(), batch_id)
