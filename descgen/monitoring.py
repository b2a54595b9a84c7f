"""monitor-jobs: follow every open batch to its end, so no task stays in flight.

First the job slots: batches ``waiting`` for a free slot of their model's
jobs-in-flight quota are published as slots free, oldest first and fair across
stores (``batching.next_for_slots``); one that waited past
``max_slot_wait_hours`` goes back to pending with an attempt counted. Then, for
each open batch, oldest first:

- ``claimed`` for longer than ``stale_batch_minutes`` (the generate run died):
  republished if its input file made it to S3, else its tasks are released;
- ``published`` with no job found by its deterministic name after that long (the
  SNS delivery or the Lambda was lost): republished; the job's
  ``clientRequestToken`` is the batch id, so a second request cannot make a
  second job. If create_bedrock_job left its wait marker (Bedrock refused the
  request with ServiceQuotaExceeded or Throttling), the request was a wait, not
  lost: the batch goes back to ``waiting`` and the request is not counted;
- ``submitted``: the job's status is recorded; when it ends, the manifest's
  token counts give the real cost, at batch prices and what on-demand would
  have cost;
- ``ended``: once every task has its result the batch is closed. Tasks still
  without one go back to pending with ``attempts + 1`` (failed at the limit):
  at once if the job wrote no output (Failed, Stopped or Expired with nothing
  written), else after ``result_grace_minutes`` so results still on their way
  through SQS are not paid for twice.

Every step moves a batch forward or leaves it as it was: running it again
changes nothing.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, Engine, func, select, update
from sqlalchemy.orm import Session

from descgen.aws.clients import AwsClients
from descgen.batching import WaitingBatch, next_for_slots
from descgen.billing import share_the_bill
from descgen.contract.bedrock_jobs import RUNNING_JOB_STATUSES, find_job
from descgen.contract.keys import job_id_from_arn, job_wait_key, manifest_key, output_folder, split_s3_uri
from descgen.db.batch_figures import store_shares
from descgen.db.batches import jobs_in_flight, release_tasks
from descgen.db.models import Batch, GenerationTask, utcnow
from descgen.db.session import session_scope
from descgen.generation import publish_job_request, request_job
from descgen.lifecycle import OPEN_STATES, BatchState, RetryBudget, TaskState, failure_change
from descgen.metrics import ClosedBatch, per_store, store_label
from descgen.pricing import UnknownModelPrice, cost, price_for
from descgen.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

log = logging.getLogger(__name__)

WITH_RESULTS = frozenset({"Completed", "PartiallyCompleted"})
OPEN_BATCHES = (
    BatchState.CLAIMED,
    BatchState.WAITING,
    BatchState.PUBLISHED,
    BatchState.SUBMITTED,
    BatchState.ENDED,
)


@dataclass
class BatchView:
    """One row of the monitor's artifact."""

    batch_id: str
    store_id: str
    state: str
    job_status: str | None
    records: int
    input_tokens: int | None
    output_tokens: int | None
    cost_usd: float | None
    on_demand_cost_usd: float | None
    action: str


@dataclass
class MonitorReport:
    batches: list[BatchView] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    republished: int = 0
    published_from_wait: int = 0
    released_tasks: int = 0
    retried_tasks: int = 0
    failed_tasks: int = 0
    closed: list[ClosedBatch] = field(default_factory=list)  # batches closed after their job ended: the metrics


def monitor(engine: Engine, clients: AwsClients, settings: Settings, store_id: str | None = None) -> MonitorReport:
    """Every open batch, oldest first; one batch's error does not hold back the others."""
    report = MonitorReport()
    try:
        publish_into_free_slots(engine, clients, settings, report, store_id)
    except Exception as error:  # reported; the batches are still followed
        log.exception("waiting batches could not be published")
        report.errors.append(f"job slots: {error!r}")
    with session_scope(engine) as session:
        where: list[ColumnElement[bool]] = [Batch.state.in_(OPEN_BATCHES)]
        if store_id:
            where.append(Batch.store_id == store_id)
        batch_ids = list(session.scalars(select(Batch.id).where(*where).order_by(Batch.created_at)))
    for batch_id in batch_ids:
        closed_before = len(report.closed)
        try:
            action = _follow(engine, clients, settings, batch_id, report)
        except Exception as error:  # reported, and the run fails once every batch had its turn
            del report.closed[closed_before:]  # a close that was not committed did not happen
            log.exception("batch %s could not be followed", batch_id)
            action = f"error: {error!r}"
            report.errors.append(f"{batch_id}: {error!r}")
        with session_scope(engine) as session:
            batch = session.get_one(Batch, batch_id)
            report.batches.append(
                BatchView(
                    batch.id,
                    store_label(batch.store_id),
                    batch.state,
                    batch.job_status,
                    batch.record_count,
                    batch.input_tokens,
                    batch.output_tokens,
                    batch.cost_usd,
                    batch.on_demand_cost_usd,
                    action,
                )
            )
    return report


def publish_into_free_slots(
    engine: Engine, clients: AwsClients, settings: Settings, report: MonitorReport, store_id: str | None = None
) -> None:
    """Waiting batches take the slots their models have free; one past its wait budget is given up."""
    now = utcnow()
    budget = timedelta(hours=settings.max_slot_wait_hours)
    with session_scope(engine) as session:
        rows = session.execute(
            select(Batch.id, Batch.store_id, Batch.model_id, Batch.waiting_since, Batch.created_at).where(
                Batch.state == BatchState.WAITING
            )
        ).all()
        waiting = [WaitingBatch(r.id, r.store_id, r.model_id, r.waiting_since or r.created_at) for r in rows]
        expired = [batch for batch in waiting if now - batch.waiting_since >= budget]
        for batch in expired:
            reason = f"waited over {settings.max_slot_wait_hours:g} h for a Bedrock job slot"
            retried, failed = requeue_open_tasks(session, batch.batch_id, reason, _budget(settings))
            report.retried_tasks += retried
            report.failed_tasks += failed
            row = session.get_one(Batch, batch.batch_id, with_for_update=True)
            row.state, row.closed_at, row.job_message = BatchState.CLOSED, now, reason
        waiting = [batch for batch in waiting if batch not in expired]
        free = {
            model: settings.quota(model).max_jobs_in_flight - jobs_in_flight(session, model)
            for model in {batch.model_id for batch in waiting}
        }
    # every store's batches compete for the slots; only the chosen of this store are sent when one is named
    store_of = {batch.batch_id: batch.store_id for batch in waiting}
    for batch_id in next_for_slots(waiting, free):
        if store_id and store_of[batch_id] != store_id:
            continue
        if request_job(engine, clients.sns, settings, batch_id) is not None:
            report.published_from_wait += 1


def _budget(settings: Settings) -> RetryBudget:
    return RetryBudget(settings.max_attempts, settings.max_throttles)


def _last_sign_of_life(batch: Batch) -> datetime:
    return max(t for t in (batch.created_at, batch.heartbeat_at, batch.published_at) if t is not None)


def _follow(engine: Engine, clients: AwsClients, settings: Settings, batch_id: str, report: MonitorReport) -> str:
    now = utcnow()
    stale = timedelta(minutes=settings.stale_batch_minutes)
    with session_scope(engine) as session:
        batch = session.get_one(Batch, batch_id, with_for_update=True)
        if batch.state == BatchState.WAITING:
            in_flight = jobs_in_flight(session, batch.model_id)
            return (
                f"waiting for a job slot ({in_flight} of {settings.quota(batch.model_id).max_jobs_in_flight} in flight)"
            )
        if batch.state == BatchState.CLAIMED:
            if now - _last_sign_of_life(batch) < stale:
                return "waiting for its generate run"
            if batch.input_uri is None or not _has_objects(clients.s3, *split_s3_uri(batch.input_uri)):
                report.released_tasks += release_tasks(session, batch.id, None, "generate run died before upload")
                batch.state = BatchState.RELEASED
                batch.closed_at = now
                return "released: its file never reached S3"
        elif batch.state == BatchState.PUBLISHED:
            job = find_job(clients.bedrock, batch.job_name) if batch.job_name else None
            if job is not None:
                batch.job_arn = job["jobArn"]
                batch.state = BatchState.SUBMITTED
            elif now - _last_sign_of_life(batch) < stale:
                return "waiting for its job to be created"
            elif _took_wait_marker(clients.s3, settings, batch.id):
                batch.state, batch.waiting_since = BatchState.WAITING, now
                batch.job_requests = max(0, batch.job_requests - 1)
                return "back to waiting: Bedrock had no job slot for its request"
            elif batch.job_requests >= settings.max_job_requests:
                reason = f"no Bedrock job after {batch.job_requests} job requests"
                retried, failed = requeue_open_tasks(session, batch.id, reason, _budget(settings))
                report.retried_tasks += retried
                report.failed_tasks += failed
                batch.state = BatchState.CLOSED
                batch.job_message = reason
                batch.closed_at = now
                return f"closed: {reason}"
        # still claimed or published here: its file is in S3 but no job came of it; ask again (idempotent)
        republish = batch.state in (BatchState.CLAIMED, BatchState.PUBLISHED)
    if republish:
        publish_job_request(engine, clients.sns, settings, batch_id)
        report.republished += 1
        return "republished its job request"
    with session_scope(engine) as session:
        batch = session.get_one(Batch, batch_id, with_for_update=True)
        if batch.state == BatchState.SUBMITTED:
            _track_job(session, clients, settings, batch)
        if batch.state == BatchState.ENDED:
            return _close_if_resolved(session, clients, settings, batch, report)
        return f"job {batch.job_status}"


def _has_objects(s3: S3Client, bucket: str, prefix: str) -> bool:
    return bool(s3.list_objects_v2(Bucket=bucket, Prefix=prefix, MaxKeys=1).get("KeyCount"))


def _track_job(session: Session, clients: AwsClients, settings: Settings, batch: Batch) -> None:
    assert batch.job_arn is not None
    job = clients.bedrock.get_model_invocation_job(jobIdentifier=batch.job_arn)
    batch.job_status = job["status"]
    batch.job_message = job.get("message")
    if job["status"] in RUNNING_JOB_STATUSES:
        return
    batch.state = BatchState.ENDED
    # The grace for results in flight starts when descgen sees the end, not at Bedrock's
    # endTime: a monitor paused for an hour must not give up on results still in SQS.
    batch.ended_at = utcnow()
    _record_real_cost(session, clients.s3, settings, batch)


def _record_real_cost(session: Session, s3: S3Client, settings: Settings, batch: Batch) -> None:
    assert batch.job_arn is not None
    key = manifest_key(settings.output_prefix, batch.id, job_id_from_arn(batch.job_arn))
    try:
        manifest = json.loads(s3.get_object(Bucket=settings.bucket, Key=key)["Body"].read())
    except s3.exceptions.NoSuchKey:
        log.info("batch %s: no manifest (job %s)", batch.id, batch.job_status)
        return
    batch.input_tokens = int(manifest.get("inputTokenCount", 0))
    batch.output_tokens = int(manifest.get("outputTokenCount", 0))
    try:
        price = price_for(settings.catalog, batch.model_id)
    except UnknownModelPrice as error:  # the tokens are kept; the cost waits for a price
        log.warning("batch %s: %s", batch.id, error)
        return
    real = cost(price, batch.input_tokens, batch.output_tokens)
    batch.cost_usd = real.batch_usd
    batch.on_demand_cost_usd = real.on_demand_usd
    share_the_bill(session, s3, settings, batch, price)  # each store's part, pooled batches read their lines


def _close_if_resolved(
    session: Session, clients: AwsClients, settings: Settings, batch: Batch, report: MonitorReport
) -> str:
    if batch.cost_usd is None and batch.job_status in WITH_RESULTS:
        _record_real_cost(session, clients.s3, settings, batch)  # the manifest was not there yet last time
    open_tasks = _open_tasks(session, batch.id)
    now = utcnow()
    retried_by_store: Counter[str] = Counter()
    if open_tasks:
        wrote_output = batch.job_status in WITH_RESULTS or _job_wrote_output(clients.s3, settings, batch)
        grace = timedelta(minutes=settings.result_grace_minutes)
        if wrote_output and batch.ended_at is not None and now - batch.ended_at < grace:
            return f"job {batch.job_status}; {open_tasks} results still expected"
        reason = (
            f"no result in the output of job {batch.job_status}"
            if wrote_output
            else f"job {batch.job_status}: {batch.job_message or 'no output'}"
        )
        retried, failed = requeue_open_tasks(session, batch.id, reason, _budget(settings), retried_by_store)
        report.retried_tasks += retried
        report.failed_tasks += failed
    batch.state = BatchState.CLOSED
    batch.closed_at = now
    whole = ClosedBatch(
        batch.id,
        store_label(batch.store_id),
        batch.model_id,
        batch.input_tokens,
        batch.output_tokens,
        batch.cost_usd,
        batch.published_at,
        batch.ended_at,
        sum(retried_by_store.values()),
    )
    report.closed.extend(per_store(whole, store_shares(session, batch.id), retried_by_store))
    return f"closed (job {batch.job_status})"


def _open_tasks(session: Session, batch_id: str) -> int:
    return int(
        session.scalar(
            select(func.count()).where(GenerationTask.batch_id == batch_id, GenerationTask.state == TaskState.SUBMITTED)
        )
        or 0
    )


def _job_wrote_output(s3: S3Client, settings: Settings, batch: Batch) -> bool:
    if batch.job_arn is None:
        return False
    prefix = f"{output_folder(settings.output_prefix, batch.id)}{job_id_from_arn(batch.job_arn)}/{batch.id}"
    return _has_objects(s3, settings.bucket, prefix)


def requeue_open_tasks(
    session: Session, batch_id: str, reason: str, budget: RetryBudget, retried_by_store: Counter[str] | None = None
) -> tuple[int, int]:
    """The batch's tasks still awaiting a result: pending with ``attempts + 1``, failed at the limit.

    ``retried_by_store``, if given, counts the tasks sent back to pending per store (the metrics')."""
    now = utcnow()
    open_tasks = session.execute(
        select(
            GenerationTask.id,
            GenerationTask.store_id,
            GenerationTask.state,
            GenerationTask.attempts,
            GenerationTask.sends,
            GenerationTask.waits,
        ).where(GenerationTask.batch_id == batch_id, GenerationTask.state.in_(OPEN_STATES))
    )
    store_of: dict[int, str] = {}
    changes = []
    for row in open_tasks:
        store_of[row.id] = row.store_id
        changes.append(
            failure_change(row.id, TaskState(row.state), row.attempts, row.sends, row.waits, reason, budget, now)
        )
    if changes:
        session.execute(update(GenerationTask), changes)  # executemany, by primary key
    if retried_by_store is not None:
        retried_by_store.update(store_of[c["id"]] for c in changes if c["state"] == TaskState.PENDING)
    failed = sum(change["state"] == TaskState.FAILED for change in changes)
    return len(changes) - failed, failed


def _took_wait_marker(s3: S3Client, settings: Settings, batch_id: str) -> bool:
    """True if create_bedrock_job said the last request was a wait; the marker is used up."""
    key = job_wait_key(settings.output_prefix, batch_id)
    if not _has_objects(s3, settings.bucket, key):
        return False
    s3.delete_object(Bucket=settings.bucket, Key=key)
    return True
