"""generate-due-stores: every store whose nightly window is open, and the small ones' remainders pooled.

One scheduled deployment for every store: the store list comes from the database,
each store with its own window and time zone (``descgen.schedules``; set in its
catalog file), so adding a store is a catalog import, not an edit of prefect.yaml.
Each store runs as generate-descriptions would, one run per store at a time. What
each leaves under the batch minimum is pooled, per model, into shared batch jobs
(``descgen.pooling``); what even the pool cannot fill follows each store's own
remainder policy (on demand, or wait).
"""

from __future__ import annotations

from typing import Annotated

from prefect import flow, get_run_logger
from prefect.concurrency.sync import concurrency
from prefect.runtime import flow_run
from pydantic import Field

from descgen.formats import count
from descgen.generation import GenerationPlan
from descgen.pooling import PoolPlan, plan_pools
from descgen.settings import get_settings
from flows.artifacts import pooling_artifact
from flows.generate_descriptions import (
    RUN_LIMIT,
    DryRun,
    Model,
    StoreRun,
    checked_model,
    generate_store,
    send_remainder,
)
from tasks.generate import claim_pooled, request_job, take_due_stores, write_batch_file
from tasks.known_names import check_known_names

StoreLimit = Annotated[
    int, Field(ge=1, le=RUN_LIMIT, description="at most this many (product, language) tasks per store")
]
Stores = Annotated[
    list[str] | None, Field(description="these stores now, due or not (e.g. for a backfill); the due ones if empty")
]


def send_pools(model_id: str, pools: PoolPlan) -> list[str]:
    """One claimed batch, file and job per pool, holding each pooled store's concurrency limit meanwhile."""
    log = get_run_logger()
    sent = []
    for pool in pools.pools:
        with concurrency([f"generate-{store}" for store in sorted(pool)], occupy=1, strict=True):
            batch_id = claim_pooled(model_id, pool)
            if batch_id is None:  # other runs took them
                continue
            written = write_batch_file(batch_id)
            waits = request_job(batch_id) is None
            log.info(
                "pooled batch %s: %s records of %s stores %s",
                batch_id,
                count(written.estimate.records),
                count(len(pool)),
                "waits for a free job slot" if waits else "sent",
            )
            sent.append(batch_id)
    return sent


def run_name() -> str:
    """The stores (or "due stores"), the model and the limit per store, resolved."""
    asked = flow_run.parameters
    stores = ", ".join(asked.get("stores") or []) or "due stores"
    model = asked.get("model") or f"{get_settings().model_id} (default)"
    dry = " (dry run)" if asked.get("dry_run") else ""
    return f"generate {stores}: up to {count(asked['limit'])} each with {model}{dry}"


@flow(name="generate-due-stores", flow_run_name=run_name)
def generate_due_stores(
    stores: Stores = None, limit: StoreLimit = RUN_LIMIT, model: Model = None, dry_run: DryRun = False
) -> list[StoreRun]:
    """Every store due now (or the stores named), each within its budget; remainders pooled across stores.

    Args:
        stores: these stores now, due or not (e.g. for a backfill); the due ones if empty
        limit: at most this many (product, language) tasks per store
        model: a model of the catalog; the configured default (DESCGEN_MODEL_ID) if empty
        dry_run: only count and estimate the cost; claim and send nothing
    """
    log = get_run_logger()
    model_id = model or get_settings().model_id
    for store in stores or []:
        check_known_names(store, None, model_id)
    chosen = list(stores) if stores else take_due_stores(mark=not dry_run)
    if not chosen:
        log.info("no store is due")
        return []
    model_id, warning = checked_model(model)
    runs = [
        generate_store(store, None, limit, model_id, dry_run, model_warning=warning, pool_remainder=True)
        for store in chosen
    ]
    plans: dict[str, GenerationPlan] = {run.store: run.plan for run in runs}
    remainders = {store: plan.jobs.remainder for store, plan in plans.items() if plan.jobs.remainder}
    pools = plan_pools(remainders, get_settings().quota(model_id))
    pooled = [] if dry_run else send_pools(model_id, pools)
    left = {} if dry_run else {store: send_remainder(store, model_id, None, plans[store]) for store in pools.left}
    pooling_artifact(model_id, plans, pools, pooled, left, dry_run)
    return runs
