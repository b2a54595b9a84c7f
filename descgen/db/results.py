"""Applying pages of results: one transaction per receive, idempotent. The SQL around ``deliveries``.

A result applies only to the task its record id names, and only while that task
is ``submitted`` in the same batch at the same send (the record id's number). A second delivery of the
same result (SQS and S3 both deliver at least once), a result for a task already
retried, or a record id seen twice therefore changes nothing: it is counted as
``stale``. Task rows are locked in id order (``FOR UPDATE`` on PostgreSQL) so
concurrent drains serialize on shared tasks without deadlocking.

The steps: read the task rows and the stores' voices; judge (pure); find the
near-duplicate neighbours of the accepted answers by their LSH buckets (an index
lookup, then only those texts); decide (pure); write the published texts, the
drafts, the quality tallies and the task changes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from descgen.contract.messages import ResultPage
from descgen.db.bulk import insert_rows, is_postgres, one_of, update_rows
from descgen.db.descriptions import NewText, hold_ai_texts, publish_ai_texts
from descgen.db.models import BAND_COLUMNS, Batch, Description, GenerationTask, Product, QualityTally, utcnow
from descgen.db.voices import voices
from descgen.deliveries import (
    SAMPLE_LIMIT,
    ApplyReport,
    BandKey,
    Delivery,
    Prejudged,
    TaskRow,
    band_keys,
    decide,
    deliveries_by_task,
    judge_deliveries,
)
from descgen.lifecycle import RetryBudget, TaskState, check_transition
from descgen.quality.gate import Neighbour
from descgen.verdicts import PublishRules

__all__ = ["ApplyReport", "apply_pages", "task_rows"]


def apply_pages(
    session: Session,
    pages: Sequence[ResultPage],
    rules: PublishRules,
    budget: RetryBudget,
    *,
    gate: bool = True,
    ahead: Prejudged | None = None,
) -> ApplyReport:
    """``ahead``: the pages judged already on a snapshot (the drain's read-ahead), used where still true."""
    report = ApplyReport()
    wanted = deliveries_by_task(pages, report)
    if not wanted:
        return report
    tasks = task_rows(session, wanted)
    store_voices = voices(session, {task.store_id for task in tasks.values()})
    ready = ahead.still_true(store_voices) if ahead is not None else None
    judged = judge_deliveries(wanted, tasks, rules, store_voices, report, gate=gate, ready=ready)
    neighbours = _neighbours(session, band_keys(judged)) if gate else {}
    now = utcnow()
    decision = decide(judged, store_voices, neighbours, budget, now, report, gate=gate)

    changes = decision.changes
    for batch_id, store_id, items in _per_store(decision.publish):
        written = publish_ai_texts(session, store_id, batch_id, [text for _, text in items])
        _finish(changes, report, items, written, held=False)
    for batch_id, store_id, items in _per_store(decision.hold):
        held = hold_ai_texts(session, store_id, batch_id, [text for _, text in items])
        _finish(changes, report, items, held, held=True)
    _tally(session, report)
    if changes:
        for change in changes:
            change.setdefault("updated_at", now)
        update_rows(session, GenerationTask, changes)  # by primary key, a statement per set of columns
    return report


def _per_store(
    by_batch: Mapping[str, Sequence[tuple[TaskRow, NewText]]],
) -> Iterator[tuple[str, str, list[tuple[TaskRow, NewText]]]]:
    """Each batch's texts per store: a pooled batch holds several stores, and a text goes to its own task's."""
    for batch_id, items in by_batch.items():
        stores: dict[str, list[tuple[TaskRow, NewText]]] = {}
        for task, text in items:
            stores.setdefault(task.store_id, []).append((task, text))
        for store_id, store_items in sorted(stores.items()):
            yield batch_id, store_id, store_items


def task_rows(session: Session, wanted: Mapping[int, Sequence[Delivery]], *, lock: bool = True) -> dict[int, TaskRow]:
    """The rows the decision reads; ``lock``: ``FOR UPDATE`` in id order (the read-ahead's snapshot takes none)."""
    statement = (
        select(  # TaskRow's fields, in its order
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
            Product.seo_keywords,
            Product.attributes,
            Batch.output_format,
        )
        .join(Product, Product.id == GenerationTask.product_id)
        .outerjoin(Batch, Batch.id == GenerationTask.batch_id)
        .where(one_of(GenerationTask.id, sorted(wanted), is_postgres(session)))
        .order_by(GenerationTask.id)
    )
    if lock:
        statement = statement.with_for_update(of=GenerationTask)
    return {row.id: TaskRow(*tuple(row)) for row in session.execute(statement)}


def _neighbours(session: Session, keys: Mapping[BandKey, set[int]]) -> dict[BandKey, list[Neighbour]]:
    """The current texts sharing a bucket with an answer (index lookups; few rows), by signature.

    A product's own current text is skipped where only its new answer is in the bucket (a
    regenerated store would otherwise compare every answer with its old text)."""
    wanted: dict[tuple[str, str], dict[int, set[int]]] = {}  # (store, language) -> band -> buckets
    for store_id, language_id, band, bucket in keys:
        wanted.setdefault((store_id, language_id), {}).setdefault(band, set()).add(bucket)
    bands = [getattr(Description, column) for column in BAND_COLUMNS]
    postgres = is_postgres(session)
    found: dict[BandKey, list[Neighbour]] = {}
    for (store_id, language_id), buckets in sorted(wanted.items()):
        hits = session.execute(
            select(Description.product_id, Description.text_signature, Product.external_id, *bands)
            .join(Product, Product.id == Description.product_id)
            .where(
                Description.store_id == store_id,
                Description.language_id == language_id,
                or_(*(one_of(bands[band], sorted(values), postgres) for band, values in sorted(buckets.items()))),
            )
        )
        for hit in hits:
            neighbour = Neighbour(hit.external_id, hit.text_signature or b"")
            for band, column in enumerate(BAND_COLUMNS):
                key = (store_id, language_id, band, getattr(hit, column))
                if key in keys and keys[key] != {hit.product_id}:
                    found.setdefault(key, []).append(neighbour)
    return found


def _finish(
    changes: list[dict[str, Any]],
    report: ApplyReport,
    items: Sequence[tuple[TaskRow, NewText]],
    written: set[tuple[int, str]],
    *,
    held: bool,
) -> None:
    """Task changes for texts stored (done) or kept from storing by a person's text (skipped)."""
    for task, text in items:
        if (text.product_id, text.language_id) in written:
            check_transition(task.id, TaskState.SUBMITTED, TaskState.DONE)
            reason = None
            if held:
                reason = "held for review: " + "; ".join((text.quality or {}).get("reasons", []))
                report.held += 1
            else:
                report.applied += 1
            if task.batch_id is not None:
                report.by_batch[(task.batch_id, task.store_id, "held" if held else "applied")] += 1
            changes.append({"id": task.id, "state": TaskState.DONE, "reason": reason[:500] if reason else None})
        else:
            check_transition(task.id, TaskState.SUBMITTED, TaskState.SKIPPED)
            changes.append({"id": task.id, "state": TaskState.SKIPPED, "reason": "human-edited description kept"})
            report.skipped_human += 1
            if len(report.human_kept) < SAMPLE_LIMIT:
                report.human_kept.append(f"{task.external_id}/{task.language_id}")


def _tally(session: Session, report: ApplyReport) -> None:
    """Add this receive's gate counts to the batch tallies (the quality report's numbers)."""
    if not report.quality.tallies:
        return
    insert_rows(
        session,
        QualityTally,
        [
            {"batch_id": batch_id, "store_id": store_id, "language_id": language_id, "name": name, "count": count}
            for (batch_id, store_id, language_id, name), count in sorted(report.quality.tallies.items())
        ],
        upsert=_add_counts,
    )


def _add_counts(insert: Any) -> Any:
    return insert.on_conflict_do_update(
        index_elements=[QualityTally.batch_id, QualityTally.language_id, QualityTally.name],
        set_={"count": QualityTally.count + insert.excluded.count},
    )
