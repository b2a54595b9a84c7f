"""Tasks of generate-descriptions."""

from __future__ import annotations

from collections.abc import Sequence

from prefect import task

from descgen import generation
from descgen.budgets import BudgetCut
from descgen.db.catalog import SyncReport
from descgen.db.models import utcnow
from descgen.db.session import session_scope
from descgen.db.stores import take_due_stores as take_due
from descgen.model_check import CheckedModel
from descgen.model_check import check_model as check_model_now
from descgen.settings import get_settings
from tasks.connections import aws, engine
from tasks.retry_policy import RETRY_WHAT_HEALS


@task(**RETRY_WHAT_HEALS)  # a refused model stays refused: ModelRefused never heals
def check_model(model_id: str) -> CheckedModel:
    return check_model_now(get_settings(), aws().bedrock, model_id)


@task(**RETRY_WHAT_HEALS)
def sync_catalog(store: str, model_id: str) -> SyncReport:
    return generation.sync_catalog(engine(), get_settings(), store, model_id)


@task(**RETRY_WHAT_HEALS)
def plan_generation(
    store: str, languages: Sequence[str] | None, limit: int, model_id: str
) -> generation.GenerationPlan:
    return generation.plan_generation(engine(), get_settings(), store, languages, limit, model_id)


@task(**RETRY_WHAT_HEALS)
def plan_without_changes(
    store: str, languages: Sequence[str] | None, limit: int, model_id: str
) -> tuple[SyncReport, generation.GenerationPlan]:
    return generation.plan_without_changes(engine(), get_settings(), store, languages, limit, model_id)


@task(**RETRY_WHAT_HEALS)
def claim_batch(
    store: str, model_id: str, languages: Sequence[str] | None, size: int, mode: str = "batch"
) -> str | None:
    return generation.claim(engine(), get_settings(), store, model_id, languages, size, mode)


@task(**RETRY_WHAT_HEALS)
def write_batch_file(batch_id: str) -> generation.WrittenBatch:
    return generation.write_batch_file(engine(), aws().s3, get_settings(), batch_id)


# A retry may publish the request again: still one job (its clientRequestToken is the batch id).
@task(**RETRY_WHAT_HEALS)
def request_job(batch_id: str) -> str | None:
    """The job name asked for, or None when the batch waits for a free job slot."""
    request = generation.request_job(engine(), aws().sns, get_settings(), batch_id)
    return request.job_name if request else None


# No retries: every run buys its calls. A run that failed midway already paid for some
# answers, and a retry would buy them again; monitor-jobs releases its stale claim
# instead. Each call is sent again only while Bedrock refuses it unbilled
# (descgen.aws.converse), and a run for a batch that already ended does nothing.
@task
def send_on_demand(batch_id: str) -> generation.OnDemandRun | None:
    return generation.send_on_demand(engine(), aws(), get_settings(), batch_id)


@task(**RETRY_WHAT_HEALS)
def claim_pooled(model_id: str, pool: dict[str, int]) -> str | None:
    return generation.claim_pooled(engine(), get_settings(), model_id, pool)


@task(**RETRY_WHAT_HEALS)
def budget_cut(store: str, records: int, per_record_usd: float) -> BudgetCut:
    return generation.budget_cut(engine(), store, records, per_record_usd)


@task(**RETRY_WHAT_HEALS)
def take_due_stores(mark: bool = True) -> list[str]:
    """The stores whose window is open and that have not run in it, each marked as started (``mark``)."""
    with session_scope(engine()) as session:
        return take_due(session, utcnow(), mark=mark)
