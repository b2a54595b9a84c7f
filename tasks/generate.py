"""Tasks of generate-descriptions."""

from __future__ import annotations

from collections.abc import Sequence

from prefect import task

from descgen import generation
from descgen.db.catalog import SyncReport
from descgen.settings import get_settings
from tasks.connections import aws, engine

# Database and AWS hiccups heal within seconds; anything longer fails the run loudly.
RETRIES = {"retries": 3, "retry_delay_seconds": [2, 5, 15]}


@task(**RETRIES)
def sync_catalog(store: str, model_id: str) -> SyncReport:
    return generation.sync_catalog(engine(), store, model_id)


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
    return generation.claim(engine(), store, model_id, languages, size, mode)


@task(**RETRIES)
def write_batch_file(batch_id: str) -> generation.WrittenBatch:
    return generation.write_batch_file(engine(), aws().s3, get_settings(), batch_id)


@task(**RETRIES)
def publish_job_request(batch_id: str) -> str:
    return generation.publish_job_request(engine(), aws().sns, get_settings(), batch_id).job_name


@task(**RETRIES)
def send_on_demand(batch_id: str) -> generation.OnDemandRun | None:
    return generation.send_on_demand(engine(), aws(), get_settings(), batch_id)
