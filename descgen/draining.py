"""The drain side of a cycle: SQS pages of results -> the database, nothing lost.

Per receive (up to 10 messages, long polling): decode every message, apply all
decoded pages in one transaction, commit, then delete exactly those messages in
batches. From the first full receive on, the next receive is judged in a second
process while one is written (``read_ahead``): the same decisions, on two cores.
What can go wrong, and what happens:

- a message that cannot be decoded: logged, not deleted; it comes back and after
  ``maxReceiveCount`` receives SQS moves it to the dead-letter queue;
- a page for a batch this database has no row for (another environment's queue, a
  database restored from before the batch): not applied, not deleted; it reaches the
  DLQ, where it keeps its paid-for results for 14 days instead of being thrown away;
- a page that cannot be applied (a constraint, bad data): the receive is applied
  message by message, so only the bad one stays behind (and reaches the DLQ);
- the database is down: checked before receiving anything, and if it goes down
  mid-receive nothing is deleted and the run fails loudly; the messages become
  visible again after the visibility timeout.

Each message left behind (and each applied one SQS would not delete) gets a note keyed by
its message id, written after the receive (``dead_letters.py``): the redrive dry run shows
it. A note that cannot be written is a warning, not a failure: the message is safe in SQS
either way, and failing the run for a diagnosis would hold back the good messages after it
(a database that is really down fails the next receive's commit, loudly).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError

from descgen.contract.messages import ContractError, ResultPage
from descgen.contract.sqs_batches import MAX_ENTRIES_PER_CALL, delete_messages
from descgen.db.batch_figures import batch_models
from descgen.db.dead_letters import known_batches, record_notes
from descgen.db.models import utcnow
from descgen.db.results import ApplyReport, apply_pages
from descgen.db.session import session_scope
from descgen.db.status import drain_quality_report, quality_report
from descgen.dead_letters import MessageNote, note_for
from descgen.deliveries import Prejudged
from descgen.lifecycle import RetryBudget
from descgen.metrics import DrainTally, drain_tallies
from descgen.quality.report import QualityReport
from descgen.read_ahead import ReadAhead
from descgen.settings import Settings
from descgen.verdicts import PublishRules

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import MessageTypeDef

log = logging.getLogger(__name__)


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached: nothing was deleted, nothing is lost."""


@dataclass
class DrainReport:
    receives: int = 0
    messages: int = 0
    undecodable: int = 0
    unapplied: int = 0
    left_behind: list[str] = field(default_factory=list)  # ids of the messages left for the dead-letter queue
    deleted: int = 0
    delete_failed: int = 0
    sqs_requests: int = 0
    seconds: float = 0.0
    stopped_because: str = ""
    results: ApplyReport = field(default_factory=ApplyReport)
    problems: list[str] = field(default_factory=list)
    quality: QualityReport | None = None  # what the quality gate saw, with the cost of its retries
    batch_quality: dict[str, QualityReport] = field(default_factory=dict)  # each batch touched, all its answers so far
    tallies: list[DrainTally] = field(default_factory=list)  # results per store and model: the drain's metrics


def check_database(engine: Engine) -> None:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except DBAPIError as error:
        raise DatabaseUnavailable(f"database unavailable, nothing received: {error.orig}") from error


def drain(
    engine: Engine,
    sqs: SQSClient,
    settings: Settings,
    *,
    max_messages: int,
    max_seconds: float,
    clock: Callable[[], float] = time.monotonic,
    on_receive: Callable[[DrainReport], None] | None = None,
) -> DrainReport:
    """Receive, apply and delete until the queue is empty or a budget runs out.

    ``on_receive`` sees the report after each receive (the flow's progress bar).
    """
    check_database(engine)
    report = DrainReport()
    rules = PublishRules.from_settings(settings)
    gate = settings.quality_gate
    started = clock()
    with ReadAhead(engine, rules, gate=gate, enabled=settings.drain_read_ahead) as ahead:
        pending: _Received | None = None  # received and being read ahead; applied after the next receive
        while True:
            remaining = max_seconds - (clock() - started)
            if remaining <= 0:
                report.stopped_because = f"time budget of {max_seconds:g}s used"
                break
            if report.messages >= max_messages:
                report.stopped_because = f"message budget of {max_messages} used"
                break
            messages = sqs.receive_message(
                QueueUrl=settings.queue_url,
                MaxNumberOfMessages=min(MAX_ENTRIES_PER_CALL, max_messages - report.messages),
                WaitTimeSeconds=min(settings.receive_wait_seconds, max(0, int(remaining))) if pending is None else 0,
                AttributeNames=["ApproximateReceiveCount"],
            ).get("Messages", [])
            report.receives += 1
            report.sqs_requests += 1
            if not messages and pending is None:
                report.stopped_because = "queue empty"
                break
            report.messages += len(messages)
            received = _Received(messages, ahead.submit([m["Body"] for m in messages])) if messages else None
            if pending is not None:
                _finish(engine, sqs, settings, pending, ahead.result(pending.future), rules, report, on_receive)
            pending = received
        if pending is not None:  # stopped by a budget with a receive in hand
            _finish(engine, sqs, settings, pending, ahead.result(pending.future), rules, report, on_receive)
    report.seconds = clock() - started
    if report.results.by_batch:
        with session_scope(engine) as session:
            models = batch_models(session, {batch_id for batch_id, _, _ in report.results.by_batch})
        report.tallies = drain_tallies(report.results.by_batch, models)
    if report.results.quality.tallies:
        with session_scope(engine) as session:
            report.quality = drain_quality_report(session, report.results.quality)
            for batch_id, store_id in sorted({key[:2] for key in report.results.quality.tallies}):
                report.batch_quality[batch_id] = quality_report(session, store_id, batch_id)
    return report


@dataclass
class _Received:
    messages: list[MessageTypeDef]
    future: Future[Prejudged] | None  # the read-ahead's judgement of it, if it has one


def _finish(
    engine: Engine,
    sqs: SQSClient,
    settings: Settings,
    received: _Received,
    prejudged: Prejudged | None,
    rules: PublishRules,
    report: DrainReport,
    on_receive: Callable[[DrainReport], None] | None,
) -> None:
    """Apply a receive, then delete the messages whose rows are committed."""
    budget = RetryBudget(settings.max_attempts, settings.max_throttles)
    left: list[MessageNote] = []
    done = _apply_receive(
        engine, received.messages, rules, budget, report, left, gate=settings.quality_gate, ahead=prejudged
    )
    if done:
        deleted = delete_messages(sqs, settings.queue_url, done)
        report.sqs_requests += deleted.requests
        report.deleted += deleted.entries - len(deleted.failed_receipts)
        report.delete_failed += len(deleted.failed_receipts)
        if deleted.failed_receipts:
            log.warning("%d message(s) could not be deleted; they will be applied again", len(deleted.failed_receipts))
            failed = set(deleted.failed_receipts)
            left += [
                _note(message, "applied, but SQS would not delete it (a new receive applies it again, as stale)")
                for message in received.messages
                if message["ReceiptHandle"] in failed
            ]
    _record(engine, left, report)
    if on_receive is not None:
        on_receive(report)


def _apply_receive(
    engine: Engine,
    messages: Sequence[MessageTypeDef],
    rules: PublishRules,
    budget: RetryBudget,
    report: DrainReport,
    left: list[MessageNote],
    *,
    gate: bool,
    ahead: Prejudged | None = None,
) -> list[str]:
    """Apply one receive; the receipt handles of the messages whose rows are committed.
    Each message left behind gets a note in ``left``."""
    decoded: list[tuple[MessageTypeDef, ResultPage]] = []
    for message in messages:
        try:
            decoded.append((message, ResultPage.from_json(message["Body"])))
        except ContractError as error:
            report.undecodable += 1
            _left_behind(report, left, message, f"undecodable: {error}")
    if not decoded:
        return []
    try:
        with session_scope(engine) as session:
            known = known_batches(session, {page.batch_id for _, page in decoded})
    except OperationalError as error:
        raise DatabaseUnavailable(f"database unavailable mid-drain, nothing deleted: {error.orig}") from error
    for message, page in decoded:
        if page.batch_id not in known:
            report.unapplied += 1
            _left_behind(report, left, message, "its batch is not in this database", page.batch_id)
    decoded = [(message, page) for message, page in decoded if page.batch_id in known]
    if not decoded:
        return []
    try:
        report.results.add(_commit(engine, [page for _, page in decoded], rules, budget, gate, ahead))
        return [message["ReceiptHandle"] for message, _ in decoded]
    except OperationalError as error:
        raise DatabaseUnavailable(f"database unavailable mid-drain, nothing deleted: {error.orig}") from error
    except Exception as error:  # one bad page must not hold back the others
        log.warning("a receive of %d pages failed (%s); applying them one by one", len(decoded), error)
    done = []
    for message, page in decoded:
        try:
            report.results.add(_commit(engine, [page], rules, budget, gate))
            done.append(message["ReceiptHandle"])
        except OperationalError as error:
            raise DatabaseUnavailable(f"database unavailable mid-drain: {error.orig}") from error
        except Exception as error:
            report.unapplied += 1
            _left_behind(report, left, message, f"could not be applied: {error!r}", page.batch_id)
    return done


# PostgreSQL's deadlock_detected and serialization_failure: the transaction lost a
# race (with a rollback, say) and may simply be run again.
_RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})
_COMMIT_ATTEMPTS = 3


def _commit(
    engine: Engine,
    pages: Sequence[ResultPage],
    rules: PublishRules,
    budget: RetryBudget,
    gate: bool,
    ahead: Prejudged | None = None,
) -> ApplyReport:
    for attempt in range(1, _COMMIT_ATTEMPTS + 1):
        try:
            with session_scope(engine) as session:
                return apply_pages(session, pages, rules, budget, gate=gate, ahead=ahead)
        except OperationalError as error:
            if getattr(error.orig, "sqlstate", None) not in _RETRYABLE_SQLSTATES or attempt == _COMMIT_ATTEMPTS:
                raise
            log.info("receive lost a race in the database (%s); applying it again", error.orig)
    raise AssertionError("unreachable: the last attempt returns or raises")


def _left_behind(
    report: DrainReport, left: list[MessageNote], message: MessageTypeDef, reason: str, batch_id: str | None = None
) -> None:
    """A message not deleted: named in the report and the log, noted for the redrive dry run."""
    if len(report.left_behind) < 100:
        report.left_behind.append(message["MessageId"])
    note = _note(message, reason, batch_id)  # one line each: the batch id and the error may quote the message
    shown = f" (batch {note.batch_id})" if batch_id is not None else ""
    _problem(report, f"message {note.message_id}{shown} left for the dead-letter queue: {note.reason}")
    left.append(note)


def _note(message: MessageTypeDef, reason: str, batch_id: str | None = None) -> MessageNote:
    receives = int(message.get("Attributes", {}).get("ApproximateReceiveCount", 1))
    return note_for(message["MessageId"], message["Body"], receives, reason, utcnow(), batch_id)


def _record(engine: Engine, notes: list[MessageNote], report: DrainReport) -> None:
    """Write the receive's notes; a failure is a problem reported, not the run's end (the module's docstring)."""
    if not notes:
        return
    try:
        with session_scope(engine) as session:
            record_notes(session, notes)
    except SQLAlchemyError as error:
        _problem(report, f"the notes of {len(notes)} message(s) left behind were not recorded: {error}")


def _problem(report: DrainReport, line: str) -> None:
    log.error(line)
    if len(report.problems) < 20:
        report.problems.append(line)
