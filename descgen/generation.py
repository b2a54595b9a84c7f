"""The generate side of a cycle: plan, claim, write the JSONL to S3, publish the job.

Each function is one step with its own transaction, so a run that dies between
steps leaves a batch that ``monitor-jobs`` can finish or release: claimed tasks
are never stranded.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError
from sqlalchemy import Engine, Row
from sqlalchemy.orm import Session

from descgen.aws.clients import AwsClients
from descgen.aws.converse import converse_paid_once
from descgen.aws.uploads import upload_file
from descgen.batching import JobPlan, plan_jobs
from descgen.budgets import BudgetCut, cut_to_budget
from descgen.contract.keys import input_key, output_folder, s3_uri
from descgen.contract.messages import JobRequest, RecordResult
from descgen.contract.output_lines import result_from_model_output
from descgen.contract.records import make_record_id
from descgen.contract.sqs_batches import MessageSender, pack_pages
from descgen.db.batches import (
    batch_tasks_with_products,
    claim_batch,
    claim_pool,
    count_pending,
    job_name_for,
    jobs_in_flight,
    mark_submitted,
    oldest_pending_since,
    pending_sample,
    release_tasks,
)
from descgen.db.catalog import SyncReport, facts, sync_tasks
from descgen.db.models import Batch, utcnow
from descgen.db.session import session_scope
from descgen.db.shares import budget_of, spent_since, write_estimates, write_real
from descgen.db.voices import current_voice
from descgen.lifecycle import BatchState
from descgen.model_catalog import ModelInfo
from descgen.pooling import attribute, usage_by_store
from descgen.pricing import Cost, cost, estimate_tokens, price_for
from descgen.prompts import LineTemplate, model_input, product_data, prompt_version
from descgen.quality.voice import BrandVoice
from descgen.schedules import month_start
from descgen.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_bedrock_runtime import BedrockRuntimeClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sns import SNSClient


@dataclass(frozen=True)
class Estimate:
    records: int
    input_tokens: int
    output_tokens: int
    cost: Cost
    languages: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class GenerationPlan:
    model_id: str
    pending: int
    jobs: JobPlan
    estimate: Estimate  # of everything planned, priced both ways


@dataclass(frozen=True)
class WrittenBatch:
    batch_id: str
    input_uri: str
    input_bytes: int
    released: int  # claimed tasks that did not fit the file-size quota
    estimate: Estimate


class ModelSettings(Protocol):
    """What the output-format choice reads: ``Settings``, or the CLI's own."""

    @property
    def structured_output(self) -> bool: ...

    def model(self, model_id: str) -> ModelInfo: ...


def structured_for(settings: ModelSettings, model_id: str) -> bool:
    """JSON answers (body, meta title, meta description) where the model supports them and settings allow."""
    return settings.structured_output and settings.model(model_id).structured_output


def sync_catalog(engine: Engine, settings: Settings, store_id: str, model_id: str) -> SyncReport:
    with session_scope(engine) as session:
        return sync_tasks(session, store_id, model_id, prompt_version(structured_for(settings, model_id)))


def task_request(
    row: Row[Any], settings: Settings, *, structured: bool, voice: BrandVoice
) -> tuple[str, dict[str, Any]]:
    """A ``LINE_COLUMNS`` row's record id (naming the task and this send) and its model input, in the
    store's voice; a task the quality gate sent back carries the reason, so the prompt can say what to fix."""
    body = model_input(
        facts(row),
        row.language_id,
        max_tokens=settings.max_output_tokens,
        temperature=settings.temperature,
        structured=structured,
        voice=voice,
        retry_reason=row.reason,
    )
    return make_record_id(row.task_id, row.sends), body


class _Lines:
    """A batch's input lines: one template per store and language (``prompts.LineTemplate``), and each
    product's data encoded once for its languages (a product's tasks are created side by side)."""

    def __init__(self, session: Session, settings: Settings, *, structured: bool) -> None:
        self._voices = _Voices(session)
        self._settings = settings
        self._structured = structured
        self._templates: dict[tuple[str, str], LineTemplate] = {}
        self._product: tuple[int | None, str] = (None, "")

    def line(self, row: Row[Any]) -> bytes:
        """The input line of a ``LINE_COLUMNS`` row."""
        key = (row.store_id, row.language_id)
        template = self._templates.get(key)
        if template is None:
            template = self._templates[key] = LineTemplate(
                row.language_id,
                max_tokens=self._settings.max_output_tokens,
                temperature=self._settings.temperature,
                structured=self._structured,
                voice=self._voices[row.store_id],
            )
        if self._product[0] != row.product_id:
            self._product = (row.product_id, product_data(facts(row)))
        return template.line(make_record_id(row.task_id, row.sends), row.external_id, self._product[1], row.reason)


class _Tally:
    """Counts what went into a file while it streams past."""

    def __init__(self) -> None:
        self.records = 0
        self.bytes = 0
        self.input_tokens = 0
        self.languages: Counter[str] = Counter()

    def add(self, line: bytes, language_id: str) -> None:
        self.records += 1
        self.bytes += len(line)
        self.input_tokens += estimate_tokens(len(line))
        self.languages[language_id] += 1

    def estimate(self, settings: Settings, model_id: str) -> Estimate:
        output_tokens = self.records * settings.max_output_tokens
        return Estimate(
            records=self.records,
            input_tokens=self.input_tokens,
            output_tokens=output_tokens,
            cost=cost(price_for(settings.catalog, model_id), self.input_tokens, output_tokens),
            languages=dict(self.languages),
        )

    def scaled(self, records: int) -> _Tally:
        """A sample's tally as that of ``records`` lines like them (one language's: the counter is scaled too)."""
        whole = _Tally()
        whole.records = records
        whole.bytes = round(self.bytes * records / self.records)
        whole.input_tokens = round(self.input_tokens * records / self.records)
        whole.languages = Counter({language: records for language in self.languages})
        return whole


def plan_generation(
    engine: Engine, settings: Settings, store_id: str, languages: Sequence[str] | None, limit: int, model_id: str
) -> GenerationPlan:
    """What a run will send and what it will cost; claims nothing."""
    with session_scope(engine) as session:
        return _plan(session, settings, store_id, languages, limit, model_id)


def plan_without_changes(
    engine: Engine, settings: Settings, store_id: str, languages: Sequence[str] | None, limit: int, model_id: str
) -> tuple[SyncReport, GenerationPlan]:
    """The catalog sync and the plan a run would make, then rolled back: a dry run changes nothing.

    (A committed sync with another model id would mark the whole catalog pending.)
    """
    with Session(engine) as session:
        try:
            version = prompt_version(structured_for(settings, model_id))
            return sync_tasks(session, store_id, model_id, version, commit_pages=False), _plan(
                session, settings, store_id, languages, limit, model_id
            )
        finally:
            session.rollback()


# the plan's estimate builds the lines of every pending task up to this many; beyond, of a sample
# of about this many (every k-th task of each language), scaled to each language's count: an
# estimate's error, not a night's CPU (a line costs about 60 us to build; 300,000 cost 18 s)
PLAN_SAMPLE_LINES = 3_000


def _plan(
    session: Session, settings: Settings, store_id: str, languages: Sequence[str] | None, limit: int, model_id: str
) -> GenerationPlan:
    pending = min(count_pending(session, store_id, languages), limit)
    jobs = plan_jobs(
        pending,
        settings.quota(model_id),
        settings.remainder_policy,
        oldest_pending_since(session, store_id, languages),
        timedelta(hours=settings.remainder_max_age_hours),
        utcnow(),
    )
    samples: dict[str, _Tally] = {}
    in_language: dict[str, int] = {}
    lines = _Lines(session, settings, structured=structured_for(settings, model_id))
    for row in pending_sample(session, store_id, languages, pending, every=-(-pending // PLAN_SAMPLE_LINES) or 1):
        samples.setdefault(row.language_id, _Tally()).add(lines.line(row), row.language_id)
        in_language[row.language_id] = row.in_language
    estimates = [
        tally.scaled(in_language[language]).estimate(settings, model_id) for language, tally in samples.items()
    ]
    return GenerationPlan(model_id=model_id, pending=pending, jobs=jobs, estimate=_sum(estimates, settings, model_id))


def claim(
    engine: Engine,
    settings: Settings,
    store_id: str,
    model_id: str,
    languages: Sequence[str] | None,
    size: int,
    mode: str = "batch",
) -> str | None:
    output_format = "json" if structured_for(settings, model_id) else "text"
    with session_scope(engine) as session:
        batch = claim_batch(session, store_id, model_id, languages, size, mode, output_format)
        return batch.id if batch else None


def claim_pooled(engine: Engine, settings: Settings, model_id: str, pool: Mapping[str, int]) -> str | None:
    """One batch for several stores' remainders (``descgen.pooling``); None if none were left."""
    output_format = "json" if structured_for(settings, model_id) else "text"
    with session_scope(engine) as session:
        batch = claim_pool(session, model_id, pool, output_format)
        return batch.id if batch else None


def budget_cut(engine: Engine, store_id: str, records: int, per_record_usd: float) -> BudgetCut:
    """How many of ``records`` the store's monthly budget still pays for at ``per_record_usd`` each."""
    with session_scope(engine) as session:
        budget, timezone = budget_of(session, store_id)
        spent = spent_since(session, store_id, month_start(timezone, utcnow())) if budget is not None else 0.0
    return cut_to_budget(store_id, records, per_record_usd, budget, spent)


class BatchNoLongerOpen(RuntimeError):
    """monitor-jobs released the batch (this run looked dead): its tasks are someone else's now."""


def _open_batch(session: Session, batch_id: str, states: tuple[BatchState, ...]) -> Batch:
    """The batch, row-locked, if it is still in one of ``states``; marks the run alive."""
    batch = session.get_one(Batch, batch_id, with_for_update=True)
    if batch.state not in states:
        raise BatchNoLongerOpen(f"batch {batch_id} is {batch.state}: monitor-jobs released it, nothing more is sent")
    batch.heartbeat_at = utcnow()
    return batch


def write_batch_file(engine: Engine, s3: S3Client, settings: Settings, batch_id: str) -> WrittenBatch:
    """Write the batch's JSONL to ``input/<batch>.jsonl``, within the file-size quota.

    The lines are spooled to a temporary file in one short transaction and
    uploaded outside any: an upload of a gigabyte must not hold database locks
    (on SQLite it would hold the only write lock).
    """
    key = input_key(settings.input_prefix, batch_id)
    tallies: dict[str, _Tally] = {}  # per store: a pooled batch holds several
    overflow: list[int] = []
    with tempfile.TemporaryFile() as spool:
        with session_scope(engine) as session:
            batch = _open_batch(session, batch_id, (BatchState.CLAIMED,))
            model_id, structured = batch.model_id, batch.output_format == "json"
            max_bytes = settings.quota(model_id).max_file_bytes
            lines = _Lines(session, settings, structured=structured)
            written = 0
            for row in batch_tasks_with_products(session, batch_id):
                line = lines.line(row)
                if overflow or written + len(line) > max_bytes:
                    overflow.append(row.task_id)
                    continue
                tallies.setdefault(row.store_id, _Tally()).add(line, row.language_id)
                written += len(line)
                spool.write(line)
        spool.seek(0)
        upload_file(s3, settings.bucket, key, spool)
    per_store = {store_id: tally.estimate(settings, model_id) for store_id, tally in tallies.items()}
    estimate = _sum(per_store.values(), settings, model_id)
    with session_scope(engine) as session:
        batch = _open_batch(session, batch_id, (BatchState.CLAIMED,))
        released = release_tasks(session, batch_id, overflow, "did not fit the input file quota") if overflow else 0
        batch.input_uri = s3_uri(settings.bucket, key)
        batch.output_uri = s3_uri(settings.bucket, output_folder(settings.output_prefix, batch_id))
        batch.job_name = job_name_for(batch_id)
        batch.input_bytes = written
        batch.record_count = estimate.records
        batch.estimated_input_tokens = estimate.input_tokens
        batch.estimated_output_tokens = estimate.output_tokens
        batch.estimated_cost_usd = estimate.cost.batch_usd
        batch.estimated_on_demand_cost_usd = estimate.cost.on_demand_usd
        write_estimates(session, batch_id, {store: (e.records, e.cost) for store, e in per_store.items()})
        return WrittenBatch(batch_id, batch.input_uri, written, released, estimate)


class _Voices(dict[str, BrandVoice]):
    """Each store's current voice, read once per batch (a pooled batch holds several stores)."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def __missing__(self, store_id: str) -> BrandVoice:
        self[store_id] = voice = current_voice(self.session, store_id)[1]
        return voice


def _sum(estimates: Iterable[Estimate], settings: Settings, model_id: str) -> Estimate:
    """Several stores' estimates as one (the batch's)."""
    records = input_tokens = output_tokens = 0
    languages: Counter[str] = Counter()
    for estimate in estimates:
        records += estimate.records
        input_tokens += estimate.input_tokens
        output_tokens += estimate.output_tokens
        languages.update(estimate.languages)
    spent = cost(price_for(settings.catalog, model_id), input_tokens, output_tokens)
    return Estimate(records, input_tokens, output_tokens, spent, dict(languages))


def request_job(engine: Engine, sns: SNSClient, settings: Settings, batch_id: str) -> JobRequest | None:
    """Ask for the batch's job if its model has a free job slot; else it waits for monitor-jobs.

    Slots are counted from descgen's own batches (published, or with a job not yet
    seen to end): never more jobs in flight per model than its quota. Jobs that
    others run on the same account are not counted; if they take the slot,
    Bedrock answers ServiceQuotaExceededException, create_bedrock_job reports a
    wait, and monitor-jobs puts the batch back in line.
    """
    with session_scope(engine) as session:
        batch = _open_batch(session, batch_id, (BatchState.CLAIMED, BatchState.WAITING))
        if jobs_in_flight(session, batch.model_id) >= settings.quota(batch.model_id).max_jobs_in_flight:
            if batch.state != BatchState.WAITING:
                batch.state = BatchState.WAITING
                batch.waiting_since = utcnow()
            return None
    return publish_job_request(engine, sns, settings, batch_id)


def publish_job_request(engine: Engine, sns: SNSClient, settings: Settings, batch_id: str) -> JobRequest:
    """Ask for the batch's job; safe to repeat (the job's clientRequestToken is the batch id)."""
    with session_scope(engine) as session:
        batch = _open_batch(session, batch_id, (BatchState.CLAIMED, BatchState.WAITING, BatchState.PUBLISHED))
        if not (batch.input_uri and batch.output_uri and batch.job_name):
            raise RuntimeError(f"batch {batch_id} has no input file yet: write it before publishing")
        request = JobRequest(
            batch_id=batch.id,
            job_name=batch.job_name,
            model_id=batch.model_id,
            s3_input_uri=batch.input_uri,
            s3_output_uri=batch.output_uri,
            invocation_type=batch.invocation_type,
        )
    sns.publish(TopicArn=settings.topic_arn, Message=request.to_json())
    with session_scope(engine) as session:
        batch = session.get_one(Batch, batch_id, with_for_update=True)
        mark_submitted(session, batch_id)
        if batch.state in (BatchState.CLAIMED, BatchState.WAITING):
            batch.state = BatchState.PUBLISHED
        batch.job_requests += 1
        batch.published_at = utcnow()
    return request


@dataclass(frozen=True)
class OnDemandRun:
    batch_id: str
    records: int
    input_tokens: int
    output_tokens: int
    cost: Cost  # batch_usd: what the same tokens would have cost in a batch job


HEARTBEAT_EVERY = 20  # records between signs of life during on-demand calls


def send_on_demand(engine: Engine, clients: AwsClients, settings: Settings, batch_id: str) -> OnDemandRun | None:
    """A remainder too small for a batch job: one ``converse`` call per record, at real-time prices.

    The answers take the same road as a job's: pages of results into SQS, applied
    by drain-results. Tasks are marked submitted before the pages are sent, so
    the drain never sees a result for a task it does not expect. Run again for a
    batch already sent, it does nothing and returns None: the calls are not bought
    twice. A run that fails midway (before the batch ended) is not run again: its
    calls already bought would be bought again, so the task has no Prefect retries,
    and monitor-jobs releases the stale claim; its tasks go back to pending. If the
    send itself failed for good, monitor-jobs retries the tasks once the result
    grace period is over.
    """
    with session_scope(engine) as session:
        try:
            batch = _open_batch(session, batch_id, (BatchState.CLAIMED,))
        except BatchNoLongerOpen:
            return None
        model_id, structured = batch.model_id, batch.output_format == "json"
        voices = _Voices(session)
        requests = []
        store_of: dict[str, str] = {}  # record id -> its task's store
        for row in batch_tasks_with_products(session, batch_id):
            requests.append(task_request(row, settings, structured=structured, voice=voices[row.store_id]))
            store_of[requests[-1][0]] = row.store_id
    results = []
    for number, (record_id, body) in enumerate(requests, start=1):
        results.append(_invoke(clients.bedrock_runtime, model_id, record_id, body))
        if number % HEARTBEAT_EVERY == 0:
            with session_scope(engine) as session:
                _open_batch(session, batch_id, (BatchState.CLAIMED,))
    input_tokens = sum(r.usage.input_tokens for r in results if r.usage)
    output_tokens = sum(r.usage.output_tokens for r in results if r.usage)
    spent = cost(price_for(settings.catalog, model_id), input_tokens, output_tokens)
    with session_scope(engine) as session:
        batch = _open_batch(session, batch_id, (BatchState.CLAIMED,))
        mark_submitted(session, batch_id)
        now = utcnow()
        batch.state = BatchState.ENDED
        batch.job_status = "Completed"  # every record was answered, one call each
        batch.job_message = "sent on demand: under the batch minimum"
        batch.published_at = batch.ended_at = now
        batch.input_tokens, batch.output_tokens = input_tokens, output_tokens
        batch.cost_usd = batch.on_demand_cost_usd = spent.on_demand_usd
        _on_demand_shares(session, settings, batch_id, model_id, results, store_of)
    with MessageSender(clients.sqs, settings.queue_url, max_request_bytes=settings.max_message_bytes) as sender:
        for message in pack_pages(
            batch_id, results, page_size=settings.page_size, max_message_bytes=settings.max_message_bytes
        ):
            sender.add(message)
    return OnDemandRun(batch_id, len(results), input_tokens, output_tokens, spent)


def _on_demand_shares(
    session: Session,
    settings: Settings,
    batch_id: str,
    model_id: str,
    results: Sequence[RecordResult],
    store_of: Mapping[str, str],
) -> None:
    """Each store's part of an on-demand run, at the on-demand price it paid (``batch_shares``)."""
    usage = usage_by_store(((r.record_id, r.usage) for r in results), store_of)
    price = price_for(settings.catalog, model_id)
    total_in = sum(u.input_tokens for u in usage.values())
    total_out = sum(u.output_tokens for u in usage.values())
    shares = [replace(s, cost_usd=s.on_demand_cost_usd) for s in attribute(total_in, total_out, usage, price)]
    write_estimates(
        session, batch_id, {s.store_id: (s.records, Cost(s.cost_usd, s.on_demand_cost_usd)) for s in shares}
    )
    write_real(session, batch_id, shares)


def _invoke(runtime: BedrockRuntimeClient, model_id: str, record_id: str, body: dict[str, Any]) -> RecordResult:
    """One on-demand call; any failure becomes an error result for the record, judged like a batch's.

    Sent again only while Bedrock refuses it unbilled (``converse_paid_once``): never paid twice.
    """
    try:
        return result_from_model_output(record_id, converse_paid_once(runtime, model_id, body))
    except ClientError as error:  # throttling heals, validation does not
        details = error.response.get("Error", {})
        code, message = str(details.get("Code", "Unknown")), str(details.get("Message"))
    except (BotoCoreError, ValueError) as error:  # timeouts, dropped connections, a body that is not JSON
        code, message = "ServiceUnavailableException", f"{type(error).__name__}: {error}"
    return RecordResult(record_id, "error", error_code=code, error_message=message)
