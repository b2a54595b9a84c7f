"""generate-descriptions: pending tasks -> JSONL in S3 -> one Bedrock job per batch."""

from __future__ import annotations

from contextlib import AbstractContextManager, suppress
from typing import Annotated, Literal

from prefect import flow, get_client, get_run_logger
from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
from prefect.concurrency.sync import concurrency
from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound
from pydantic import Field

from descgen.batching import RemainderAction
from descgen.generation import GenerationPlan, OnDemandRun, WrittenBatch
from descgen.model_catalog import load_model_catalog
from descgen.settings import get_settings
from descgen.stores import STORE_ID_PATTERN
from flows.artifacts import BatchProgress, generate_artifacts
from tasks.generate import (
    check_model,
    claim_batch,
    plan_generation,
    plan_without_changes,
    request_job,
    send_on_demand,
    sync_catalog,
    write_batch_file,
)
from tasks.known_names import check_known_names

Store = Annotated[str, Field(pattern=f"^{STORE_ID_PATTERN.pattern}$", description="the store's id, e.g. acme")]
Languages = Annotated[
    list[str] | None, Field(description='only these language ids (e.g. ["de", "fr"]); all of the store\'s if empty')
]
Limit = Annotated[int, Field(ge=1, le=1_000_000, description="at most this many (product, language) tasks")]
# The Prefect form offers the shipped catalog's usable models; a model added with DESCGEN_MODELS
# is reached as the configured default (DESCGEN_MODEL_ID), the empty choice.
USABLE_MODELS = tuple(
    m.id for m in load_model_catalog().models if m.batch and m.lifecycle != "EOL" and m.price is not None
)
ModelChoice = Literal[USABLE_MODELS]  # type: ignore[valid-type]  # built from the catalog at import
Model = Annotated[
    ModelChoice | None, Field(description="a model of the catalog; the configured default (DESCGEN_MODEL_ID) if empty")
]
DryRun = Annotated[bool, Field(description="only count and estimate the cost; claim and send nothing")]


def one_run_per_store(store: str) -> AbstractContextManager[None]:
    """The global concurrency limit ``generate-<store>``: one slot, created on first use.

    Whichever deployment starts it (nightly, ad hoc), a second run for the same store
    waits for the first to finish. Claiming is atomic anyway; this keeps two runs from
    syncing the same catalog at once. An operator may change the limit (0 holds the store's runs).
    """
    name = f"generate-{store}"
    with get_client(sync_client=True) as client:
        try:
            client.read_global_concurrency_limit_by_name(name)  # keep a limit an operator set
        except ObjectNotFound:
            with suppress(ObjectAlreadyExists):  # another run created it meanwhile
                client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=name, limit=1))
    return concurrency(name, occupy=1, strict=True)


def send_batch_jobs(store: str, model_id: str, languages: list[str] | None, plan: GenerationPlan) -> list[WrittenBatch]:
    """One claimed batch, one JSONL file, one job request per planned job."""
    log = get_run_logger()
    progress = BatchProgress(store, len(plan.jobs.job_sizes))
    written: list[WrittenBatch] = []
    for size in plan.jobs.job_sizes:
        batch_id = claim_batch(store, model_id, languages, size)
        if batch_id is None:  # another run took them
            break
        written.append(write_batch_file(batch_id))
        if request_job(batch_id) is None:
            log.info("batch %s: %d records written; waits for a free job slot", batch_id, written[-1].estimate.records)
        else:
            log.info("batch %s: %d records sent", batch_id, written[-1].estimate.records)
        progress.sent(len(written))
    return written


def send_remainder(store: str, model_id: str, languages: list[str] | None, plan: GenerationPlan) -> OnDemandRun | None:
    """What is under the batch minimum: on demand now, or left for a later run."""
    log = get_run_logger()
    if plan.jobs.remainder_action != RemainderAction.ON_DEMAND:
        if plan.jobs.remainder:
            log.info("remainder of %d records under the batch minimum waits for a later run", plan.jobs.remainder)
        return None
    batch_id = claim_batch(store, model_id, languages, plan.jobs.remainder, mode="on_demand")
    if batch_id is None:
        return None
    run = send_on_demand(batch_id)
    if run is not None:
        log.info("remainder of %d records sent on demand for $%.4f", run.records, run.cost.on_demand_usd)
    return run


@flow(name="generate-descriptions", flow_run_name="generate {store}: up to {limit} (dry run: {dry_run})")
def generate_descriptions(
    store: Store, languages: Languages = None, limit: Limit = 50_000, model: Model = None, dry_run: DryRun = False
) -> list[WrittenBatch]:
    """Pending (product, language) tasks of one store -> JSONL in S3 -> one Bedrock batch job per batch.

    Args:
        store: the store's id, e.g. acme
        languages: only these language ids (e.g. ["de", "fr"]); all of the store's if empty
        limit: at most this many (product, language) tasks
        model: a model of the catalog; the configured default (DESCGEN_MODEL_ID) if empty
        dry_run: only count and estimate the cost; claim and send nothing
    """
    model_id = model or get_settings().model_id
    check_known_names(store, languages, model_id)  # before the store's concurrency limit, a claim or an artifact
    with one_run_per_store(store):
        checked = check_model(model_id)  # Bedrock's word on the model, before anything is claimed
        if checked.warning:
            get_run_logger().warning(checked.warning)
        if dry_run:  # the same sync and plan, rolled back
            synced, plan = plan_without_changes(store, languages, limit, model_id)
        else:
            synced = sync_catalog(store, model_id)
            plan = plan_generation(store, languages, limit, model_id)
        get_run_logger().info(
            "catalog: %d new and %d changed tasks to send, %d unchanged",
            synced.created,
            synced.marked_pending,
            synced.unchanged,
        )
        written = [] if dry_run else send_batch_jobs(store, model_id, languages, plan)
        on_demand = None if dry_run else send_remainder(store, model_id, languages, plan)
        generate_artifacts(store, plan, written, on_demand, dry_run, model_warning=checked.warning)
        return written
