"""Applying pages of results: one transaction per receive, idempotent.

A result applies only to the task its record id names, and only while that task
is ``submitted`` in the same batch at the same send (the record id's number). A second delivery of the
same result (SQS and S3 both deliver at least once), a result for a task already
retried, or a record id seen twice therefore changes nothing: it is counted as
``stale``. Task rows are locked in id order (``FOR UPDATE`` on PostgreSQL) so
concurrent drains serialize on shared tasks without deadlocking.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from descgen.contract.messages import RecordResult, ResultPage
from descgen.contract.records import parse_record_id
from descgen.db.descriptions import NewText, publish_ai_texts
from descgen.db.models import Batch, GenerationTask, Product, utcnow
from descgen.lifecycle import RetryBudget, TaskState, check_transition, failure_change
from descgen.verdicts import PublishRules, Verdict, judge

log = logging.getLogger(__name__)

SAMPLE_LIMIT = 20  # reasons kept per report, for artifacts and logs


@dataclass
class ApplyReport:
    applied: int = 0
    skipped_human: int = 0
    retried: int = 0
    waited: int = 0  # throttled: back to pending without an attempt counted
    failed: int = 0
    stale: int = 0
    unknown: int = 0
    human_kept: list[str] = field(default_factory=list)  # "product/language" whose human text was kept
    reasons: list[str] = field(default_factory=list)

    def add(self, other: ApplyReport) -> None:
        for name in ("applied", "skipped_human", "retried", "waited", "failed", "stale", "unknown"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.human_kept.extend(other.human_kept[: SAMPLE_LIMIT - len(self.human_kept)])
        self.reasons.extend(other.reasons[: SAMPLE_LIMIT - len(self.reasons)])

    def note(self, reason: str) -> None:
        if len(self.reasons) < SAMPLE_LIMIT:
            self.reasons.append(reason)


def apply_pages(session: Session, pages: Sequence[ResultPage], rules: PublishRules, budget: RetryBudget) -> ApplyReport:
    report = ApplyReport()
    wanted: dict[int, list[tuple[str, int, RecordResult]]] = {}
    for page in pages:
        for result in page.results:
            parsed = parse_record_id(result.record_id)
            if parsed is None:
                report.unknown += 1
                log.warning("batch %s: unknown record id %r ignored", page.batch_id, result.record_id)
                continue
            task_id, send = parsed
            wanted.setdefault(task_id, []).append((page.batch_id, send, result))
    if not wanted:
        return report

    rows = session.execute(
        select(
            GenerationTask.id,
            GenerationTask.store_id,
            GenerationTask.product_id,
            GenerationTask.language_id,
            GenerationTask.state,
            GenerationTask.batch_id,
            GenerationTask.attempts,
            GenerationTask.sends,
            GenerationTask.waits,
            GenerationTask.fingerprint,
            Product.external_id,
            Product.title,
            Batch.output_format,
        )
        .join(Product, Product.id == GenerationTask.product_id)
        .outerjoin(Batch, Batch.id == GenerationTask.batch_id)
        .where(GenerationTask.id.in_(wanted))
        .order_by(GenerationTask.id)
        .with_for_update(of=GenerationTask)
    ).all()
    tasks = {row.id: row for row in rows}
    for task_id in wanted.keys() - tasks.keys():
        report.unknown += len(wanted[task_id])
        log.warning("results for task %d, which does not exist, ignored", task_id)

    # the state each task is in after the results seen so far in this receive
    state = {row.id: TaskState(row.state) for row in rows}
    accepted: dict[str, list[tuple[Any, NewText]]] = {}
    changes: list[dict[str, Any]] = []
    now = utcnow()
    for task_id, deliveries in wanted.items():
        task = tasks.get(task_id)
        if task is None:
            continue
        for batch_id, send, result in deliveries:
            if (state[task.id], task.batch_id, task.sends) != (TaskState.SUBMITTED, batch_id, send):
                report.stale += 1
                continue
            verdict = judge(
                result,
                task.external_id,
                task.language_id,
                rules,
                structured=task.output_format == "json",
                title=task.title,
            )
            if verdict.verdict == Verdict.ACCEPT:
                assert verdict.html is not None
                text = NewText(
                    task.product_id,
                    task.language_id,
                    verdict.html,
                    task.fingerprint,
                    verdict.meta_title,
                    verdict.meta_description,
                )
                accepted.setdefault(batch_id, []).append((task, text))
                state[task.id] = TaskState.DONE  # or skipped, once the upsert says a human holds it
                continue
            change = failure_change(
                task.id,
                state[task.id],
                task.attempts,
                task.sends,
                task.waits,
                verdict.reason or verdict.verdict.value,
                budget,
                now,
                can_heal=verdict.verdict != Verdict.FAIL,
                wait=verdict.verdict == Verdict.WAIT,
            )
            state[task.id] = change["state"]
            changes.append(change)
            waited = change["attempts"] == task.attempts
            report.waited += waited
            report.retried += change["state"] == TaskState.PENDING and not waited
            report.failed += change["state"] == TaskState.FAILED
            report.note(f"{task.external_id}/{task.language_id}: {verdict.reason}")

    for batch_id, items in accepted.items():
        written = publish_ai_texts(session, items[0][0].store_id, batch_id, [text for _, text in items])
        for task, text in items:
            if (text.product_id, text.language_id) in written:
                check_transition(task.id, TaskState.SUBMITTED, TaskState.DONE)
                changes.append({"id": task.id, "state": TaskState.DONE, "reason": None})
                report.applied += 1
            else:
                check_transition(task.id, TaskState.SUBMITTED, TaskState.SKIPPED)
                changes.append({"id": task.id, "state": TaskState.SKIPPED, "reason": "human-edited description kept"})
                report.skipped_human += 1
                if len(report.human_kept) < SAMPLE_LIMIT:
                    report.human_kept.append(f"{task.external_id}/{task.language_id}")
    if changes:
        for change in changes:
            change.setdefault("updated_at", now)
        session.execute(update(GenerationTask), changes)  # executemany, by primary key
    return report
