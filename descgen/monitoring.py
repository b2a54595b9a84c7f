"""monitor-jobs: follow every open batch to its end, so no task stays in flight.

For each open batch, oldest first:

- ``claimed`` for longer than ``stale_batch_minutes`` (the generate run died):
  republished if its input file made it to S3, else its tasks are released;
- ``published`` with no job found by its deterministic name after that long (the
  SNS delivery or the Lambda was lost): republished; the job's
  ``clientRequestToken`` is the batch id, so a second request cannot make a
  second job;
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
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Engine, func, select, update
from sqlalchemy.orm import Session

from descgen.aws.clients import AwsClients
from descgen.contract.keys import job_id_from_arn, manifest_key, output_folder, split_s3_uri
from descgen.db.batches import release_tasks
from descgen.db.models import Batch, GenerationTask, utcnow
from descgen.db.session import session_scope
from descgen.generation import publish_job_request
from descgen.lifecycle import BatchState, TaskState, after_failure, check_transition
from descgen.pricing import cost, price_for
from descgen.settings import Settings

log = logging.getLogger(__name__)

RUNNING = frozenset({"Submitted", "Validating", "Scheduled", "InProgress", "Stopping"})
WITH_RESULTS = frozenset({"Completed", "PartiallyCompleted"})
OPEN_BATCHES = (BatchState.CLAIMED, BatchState.PUBLISHED, BatchState.SUBMITTED, BatchState.ENDED)


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
    released_tasks: int = 0
    retried_tasks: int = 0
    failed_tasks: int = 0


def monitor(engine: Engine, clients: AwsClients, settings: Settings, store_id: str | None = None) -> MonitorReport:
    """Every open batch, oldest first; one batch's error does not hold back the others."""
    report = MonitorReport()
    with session_scope(engine) as session:
        where: list[ColumnElement[bool]] = [Batch.state.in_(OPEN_BATCHES)]
        if store_id:
            where.append(Batch.store_id == store_id)
        batch_ids = list(session.scalars(select(Batch.id).where(*where).order_by(Batch.created_at)))
    for batch_id in batch_ids:
        try:
            action = _follow(engine, clients, settings, batch_id, report)
        except Exception as error:  # reported, and the run fails once every batch had its turn
            log.exception("batch %s could not be followed", batch_id)
            action = f"error: {error!r}"
            report.errors.append(f"{batch_id}: {error!r}")
        with session_scope(engine) as session:
            batch = session.get_one(Batch, batch_id)
            report.batches.append(
                BatchView(
                    batch.id,
                    batch.store_id,
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


def _last_sign_of_life(batch: Batch) -> datetime:
    return max(t for t in (batch.created_at, batch.heartbeat_at, batch.published_at) if t is not None)


def _follow(engine: Engine, clients: AwsClients, settings: Settings, batch_id: str, report: MonitorReport) -> str:
    now = utcnow()
    stale = timedelta(minutes=settings.stale_batch_minutes)
    with session_scope(engine) as session:
        batch = session.get_one(Batch, batch_id, with_for_update=True)
        if batch.state == BatchState.CLAIMED:
            if now - _last_sign_of_life(batch) < stale:
                return "waiting for its generate run"
            if batch.input_uri is None or not _has_objects(clients.s3, *split_s3_uri(batch.input_uri)):
                report.released_tasks += release_tasks(session, batch.id, None, "generate run died before upload")
                batch.state = BatchState.RELEASED
                batch.closed_at = now
                return "released: its file never reached S3"
        elif batch.state == BatchState.PUBLISHED:
            job = _find_job(clients.bedrock, batch)
            if job is not None:
                batch.job_arn = job["jobArn"]
                batch.state = BatchState.SUBMITTED
            elif now - _last_sign_of_life(batch) < stale:
                return "waiting for its job to be created"
            elif batch.job_requests >= settings.max_job_requests:
                reason = f"no Bedrock job after {batch.job_requests} job requests"
                retried, failed = requeue_open_tasks(session, batch.id, reason, settings.max_attempts)
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


def _has_objects(s3: Any, bucket: str, prefix: str) -> bool:
    return bool(s3.list_objects_v2(Bucket=bucket, Prefix=prefix, MaxKeys=1).get("KeyCount"))


def _find_job(bedrock: Any, batch: Batch) -> dict[str, Any] | None:
    pages = bedrock.get_paginator("list_model_invocation_jobs").paginate(nameContains=batch.job_name)
    for page in pages:
        for summary in page["invocationJobSummaries"]:
            if summary["jobName"] == batch.job_name:
                return dict(summary)
    return None


def _track_job(session: Session, clients: AwsClients, settings: Settings, batch: Batch) -> None:
    assert batch.job_arn is not None
    job = clients.bedrock.get_model_invocation_job(jobIdentifier=batch.job_arn)
    batch.job_status = job["status"]
    batch.job_message = job.get("message")
    if job["status"] in RUNNING:
        return
    batch.state = BatchState.ENDED
    # The grace for results in flight starts when descgen sees the end, not at Bedrock's
    # endTime: a monitor paused for an hour must not give up on results still in SQS.
    batch.ended_at = utcnow()
    _record_real_cost(clients.s3, settings, batch)


def _record_real_cost(s3: Any, settings: Settings, batch: Batch) -> None:
    assert batch.job_arn is not None
    key = manifest_key(settings.output_prefix, batch.id, job_id_from_arn(batch.job_arn))
    try:
        manifest = json.loads(s3.get_object(Bucket=settings.bucket, Key=key)["Body"].read())
    except s3.exceptions.NoSuchKey:
        log.info("batch %s: no manifest (job %s)", batch.id, batch.job_status)
        return
    batch.input_tokens = int(manifest.get("inputTokenCount", 0))
    batch.output_tokens = int(manifest.get("outputTokenCount", 0))
    real = cost(price_for(settings.prices, batch.model_id), batch.input_tokens, batch.output_tokens)
    batch.cost_usd = real.batch_usd
    batch.on_demand_cost_usd = real.on_demand_usd


def _close_if_resolved(
    session: Session, clients: AwsClients, settings: Settings, batch: Batch, report: MonitorReport
) -> str:
    if batch.cost_usd is None and batch.job_status in WITH_RESULTS:
        _record_real_cost(clients.s3, settings, batch)  # the manifest was not there yet last time
    open_tasks = _open_tasks(session, batch.id)
    now = utcnow()
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
        retried, failed = requeue_open_tasks(session, batch.id, reason, settings.max_attempts)
        report.retried_tasks += retried
        report.failed_tasks += failed
    batch.state = BatchState.CLOSED
    batch.closed_at = now
    return f"closed (job {batch.job_status})"


def _open_tasks(session: Session, batch_id: str) -> int:
    return int(
        session.scalar(
            select(func.count()).where(GenerationTask.batch_id == batch_id, GenerationTask.state == TaskState.SUBMITTED)
        )
        or 0
    )


def _job_wrote_output(s3: Any, settings: Settings, batch: Batch) -> bool:
    if batch.job_arn is None:
        return False
    prefix = f"{output_folder(settings.output_prefix, batch.id)}{job_id_from_arn(batch.job_arn)}/{batch.id}"
    return _has_objects(s3, settings.bucket, prefix)


def requeue_open_tasks(session: Session, batch_id: str, reason: str, max_attempts: int) -> tuple[int, int]:
    """The batch's tasks still awaiting a result: pending with ``attempts + 1``, failed at the limit."""
    now = utcnow()
    changes = []
    open_tasks = session.execute(
        select(GenerationTask.id, GenerationTask.attempts).where(
            GenerationTask.batch_id == batch_id, GenerationTask.state == TaskState.SUBMITTED
        )
    )
    for task_id, attempts in open_tasks:
        target = after_failure(attempts + 1, max_attempts)
        check_transition(task_id, TaskState.SUBMITTED, target)
        change = {"id": task_id, "state": target, "attempts": attempts + 1, "reason": reason, "updated_at": now}
        if target == TaskState.PENDING:
            change |= {"batch_id": None, "pending_since": now}
        changes.append(change)
    if changes:
        session.execute(update(GenerationTask), changes)  # executemany, by primary key
    failed = sum(change["state"] == TaskState.FAILED for change in changes)
    return len(changes) - failed, failed
