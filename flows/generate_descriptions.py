"""generate-descriptions: pending tasks -> JSONL in S3 -> one Bedrock job per batch."""

from __future__ import annotations

from typing import Annotated

from prefect import flow, get_run_logger
from pydantic import Field

from descgen.batching import RemainderAction
from descgen.generation import OnDemandRun, WrittenBatch
from descgen.settings import get_settings
from descgen.stores import STORE_ID_PATTERN
from flows.artifacts import generate_artifacts
from tasks.generate import (
    claim_batch,
    plan_generation,
    publish_job_request,
    send_on_demand,
    sync_catalog,
    write_batch_file,
)

Store = Annotated[str, Field(pattern=f"^{STORE_ID_PATTERN.pattern}$", description="the store's id, e.g. acme")]
Languages = Annotated[
    list[str] | None, Field(description='only these language ids (e.g. ["de", "fr"]); all of the store\'s if empty')
]
Limit = Annotated[int, Field(ge=1, le=1_000_000, description="at most this many (product, language) tasks")]
Model = Annotated[str | None, Field(description="Bedrock model id; the configured default if empty")]
DryRun = Annotated[bool, Field(description="only count and estimate the cost; claim and send nothing")]


@flow(name="generate-descriptions", flow_run_name="generate {store}: up to {limit} (dry run: {dry_run})")
def generate_descriptions(
    store: Store, languages: Languages = None, limit: Limit = 50_000, model: Model = None, dry_run: DryRun = False
) -> list[WrittenBatch]:
    log = get_run_logger()
    model_id = model or get_settings().model_id
    synced = sync_catalog(store, model_id)
    log.info(
        "catalog: %d new and %d changed tasks to send, %d unchanged",
        synced.created,
        synced.marked_pending,
        synced.unchanged,
    )
    plan = plan_generation(store, languages, limit, model_id)
    written: list[WrittenBatch] = []
    if not dry_run:
        for size in plan.jobs.job_sizes:
            batch_id = claim_batch(store, model_id, languages, size)
            if batch_id is None:  # another run took them
                break
            written.append(write_batch_file(batch_id))
            publish_job_request(batch_id)
            log.info("batch %s: %d records sent", batch_id, written[-1].estimate.records)
    on_demand: OnDemandRun | None = None
    if plan.jobs.remainder_action == RemainderAction.ON_DEMAND and not dry_run:
        batch_id = claim_batch(store, model_id, languages, plan.jobs.remainder, mode="on_demand")
        if batch_id is not None:
            on_demand = send_on_demand(batch_id)
            log.info(
                "remainder of %d records sent on demand for $%.4f", on_demand.records, on_demand.cost.on_demand_usd
            )
    elif plan.jobs.remainder:
        log.info("remainder of %d records under the batch minimum waits for a later run", plan.jobs.remainder)
    generate_artifacts(store, plan, written, on_demand, dry_run)
    return written
