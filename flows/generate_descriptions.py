"""generate-descriptions: pending tasks -> JSONL in S3 -> one Bedrock job per batch."""

from __future__ import annotations

from contextlib import AbstractContextManager, suppress
from dataclasses import dataclass
from typing import Annotated, Literal

from prefect import flow, get_client, get_run_logger
from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
from prefect.concurrency.sync import concurrency
from prefect.events import emit_event
from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound
from prefect.runtime import flow_run
from pydantic import Field

from descgen.batching import RemainderAction
from descgen.budgets import BudgetCut
from descgen.formats import count, money
from descgen.generation import GenerationPlan, OnDemandRun, WrittenBatch
from descgen.model_catalog import load_model_catalog
from descgen.settings import get_settings
from descgen.stores import STORE_ID_PATTERN
from flows.artifacts import BatchProgress, generate_artifacts
from tasks.generate import (
    budget_cut,
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
# A night's changes in one run: 20 jobs in flight x 50,000 records, Bedrock's default batch quotas
# (the plan splits them into jobs; a job over the account's quota waits for a free slot).
RUN_LIMIT = 1_000_000
Limit = Annotated[int, Field(ge=1, le=RUN_LIMIT, description="at most this many (product, language) tasks")]
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
BUDGET_EVENT = "descgen.store.budget-reached"  # a store's monthly budget stopped part of a run


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
        records = count(written[-1].estimate.records)
        if request_job(batch_id) is None:
            log.info("batch %s: %s records written; waits for a free job slot", batch_id, records)
        else:
            log.info("batch %s: %s records sent", batch_id, records)
        progress.sent(len(written))
    return written


def send_remainder(store: str, model_id: str, languages: list[str] | None, plan: GenerationPlan) -> OnDemandRun | None:
    """What is under the batch minimum: on demand now (within the store's budget), or left for a later run."""
    log = get_run_logger()
    if plan.jobs.remainder_action != RemainderAction.ON_DEMAND:
        if plan.jobs.remainder:
            log.info(
                "remainder of %s records under the batch minimum waits for a later run", count(plan.jobs.remainder)
            )
        return None
    size = plan.jobs.remainder
    if plan.estimate.records:  # on demand costs twice the batch price: the budget is asked again
        cut = budget_cut(store, size, plan.estimate.cost.on_demand_usd / plan.estimate.records)
        if cut.reached:
            budget_reached(cut, dry_run=False)
        size = cut.allowed
    if not size:
        return None
    batch_id = claim_batch(store, model_id, languages, size, mode="on_demand")
    if batch_id is None:
        return None
    run = send_on_demand(batch_id)
    if run is not None:
        log.info("remainder of %s records sent on demand for %s", count(run.records), money(run.cost.on_demand_usd))
    return run


def budget_reached(cut: BudgetCut, *, dry_run: bool) -> None:
    """The store's monthly budget stops part of the run: a warning, and the event an automation alerts on."""
    get_run_logger().warning(
        "store %s: its monthly budget of %s (%s spent) pays for %s of %s records; the rest waits%s",
        cut.store_id,
        money(cut.budget_usd or 0.0),
        money(cut.spent_usd),
        count(cut.allowed),
        count(cut.wanted),
        " (dry run: nothing was stopped)" if dry_run else "",
    )
    if dry_run:
        return
    emit_event(
        event=BUDGET_EVENT,
        resource={"prefect.resource.id": f"descgen.store.{cut.store_id}", "prefect.resource.name": cut.store_id},
        payload={
            "budget_usd": cut.budget_usd,
            "spent_usd": round(cut.spent_usd, 6),
            "wanted": cut.wanted,
            "allowed": cut.allowed,
        },
    )


def within_budget(
    store: str, languages: list[str] | None, model_id: str, plan: GenerationPlan, *, dry_run: bool
) -> GenerationPlan:
    """The plan, cut to what the store's monthly budget still pays for at batch prices."""
    if not plan.estimate.records:
        return plan
    cut = budget_cut(store, plan.pending, plan.estimate.cost.batch_usd / plan.estimate.records)
    if not cut.reached:
        return plan
    budget_reached(cut, dry_run=dry_run)
    return plan if dry_run else plan_generation(store, languages, cut.allowed, model_id)


@dataclass(frozen=True)
class StoreRun:
    store: str
    plan: GenerationPlan
    written: list[WrittenBatch]


def generate_store(
    store: str,
    languages: list[str] | None,
    limit: int,
    model_id: str,
    dry_run: bool,
    *,
    model_warning: str | None = None,
    pool_remainder: bool = False,
) -> StoreRun:
    """One store's run under its concurrency limit: sync, plan within budget, batches, and the remainder
    (on demand or left) unless ``pool_remainder``: generate-due-stores pools it with other stores'."""
    with one_run_per_store(store):
        if dry_run:  # the same sync and plan, rolled back
            synced, plan = plan_without_changes(store, languages, limit, model_id)
        else:
            synced = sync_catalog(store, model_id)
            plan = plan_generation(store, languages, limit, model_id)
        get_run_logger().info(
            "store %s: %s new and %s changed tasks to send, %s unchanged",
            store,
            count(synced.created),
            count(synced.marked_pending),
            count(synced.unchanged),
        )
        plan = within_budget(store, languages, model_id, plan, dry_run=dry_run)
        written = [] if dry_run else send_batch_jobs(store, model_id, languages, plan)
        on_demand = None if dry_run or pool_remainder else send_remainder(store, model_id, languages, plan)
        generate_artifacts(store, plan, written, on_demand, dry_run, model_warning=model_warning)
        return StoreRun(store, plan, written)


def checked_model(model: str | None) -> tuple[str, str | None]:
    """The model asked for (or the configured default), after Bedrock's word on it; and its warning."""
    model_id = model or get_settings().model_id
    checked = check_model(model_id)  # Bedrock's word on the model, before anything is claimed
    if checked.warning:
        get_run_logger().warning(checked.warning)
    return model_id, checked.warning


def run_name() -> str:
    """What the run was asked, resolved: the store, its languages, the model and the limit."""
    asked = flow_run.parameters
    languages = ", ".join(asked.get("languages") or []) or "all languages"
    model = asked.get("model") or f"{get_settings().model_id} (default)"
    dry = " (dry run)" if asked.get("dry_run") else ""
    return f"generate {asked['store']}: {languages}, up to {count(asked['limit'])} with {model}{dry}"


@flow(name="generate-descriptions", flow_run_name=run_name)
def generate_descriptions(
    store: Store, languages: Languages = None, limit: Limit = RUN_LIMIT, model: Model = None, dry_run: DryRun = False
) -> list[WrittenBatch]:
    """Pending (product, language) tasks of one store -> JSONL in S3 -> one Bedrock batch job per batch.

    Args:
        store: the store's id, e.g. acme
        languages: only these language ids (e.g. ["de", "fr"]); all of the store's if empty
        limit: at most this many (product, language) tasks
        model: a model of the catalog; the configured default (DESCGEN_MODEL_ID) if empty
        dry_run: only count and estimate the cost; claim and send nothing
    """
    check_known_names(store, languages, model or get_settings().model_id)  # before a limit, a claim or an artifact
    model_id, warning = checked_model(model)
    return generate_store(store, languages, limit, model_id, dry_run, model_warning=warning).written
