"""Rolling a batch back, and undoing that: recorded as new versions, decided by ``descgen/rollback.py``.

Rolling back batch X puts back, for each text X wrote that is still current, the text
from before it (versions with ``rollback_of = X``; where X created the description, the
description goes and a version with empty text records the removal). Undoing it puts
X's texts back where the rollback's are still current. Newer work (a later batch, a
person) is kept and reported. ``dry_run`` decides and reports without writing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, delete, func, insert, select, update
from sqlalchemy.orm import Session

from descgen.db.catalog import read_again
from descgen.db.descriptions import NewText, write_approved
from descgen.db.models import Batch, Description, DescriptionVersion, GenerationTask, Product, utcnow
from descgen.db.outbox import Approved, enqueue
from descgen.lifecycle import LIVE_VERSIONS, TaskState, VersionStatus, check_transition, legal_sources
from descgen.rollback import Action, VersionText, Written, step


@dataclass
class RollbackReport:
    batch_id: str
    undo: bool = False
    dry_run: bool = False
    restored: int = 0
    removed: int = 0
    kept_newer: list[tuple[str, str]] = field(default_factory=list)  # (product, language) changed since
    left_without: list[tuple[str, str]] = field(default_factory=list)  # no description now
    tasks_skipped: int = 0
    already_rolled_back: bool = False
    not_rolled_back: bool = False  # undo asked of a batch that is not rolled back


def roll_back_batch(session: Session, batch: Batch, *, dry_run: bool = False) -> RollbackReport:
    """Every text the batch wrote that is still current goes back to the one before it.

    The batch's done tasks, and those still awaiting a result, become ``skipped`` and
    keep their fingerprint: a late result is then stale, and the same text is not bought
    again the next night; a change to the product (or a new prompt version) is.
    """
    report = RollbackReport(batch.id, dry_run=dry_run)
    if batch.rolled_back_at is not None:
        report.already_rolled_back = True
        return report
    mine = _newest(session, DescriptionVersion.batch_id == batch.id, DescriptionVersion.rollback_of.is_(None))
    written = [_written(session, version, product, before=_text_before(session, version)) for version, product in mine]
    _apply(session, written, report, rollback_of=batch.id, batch_id=None)
    if dry_run:
        return report
    # submitted too: results of this batch still in SQS (or redriven later) must not write again
    report.tasks_skipped = session.execute(
        update(GenerationTask)
        .where(
            GenerationTask.batch_id == batch.id,
            GenerationTask.state.in_(legal_sources(TaskState.SKIPPED, {TaskState.DONE, TaskState.SUBMITTED})),
        )
        .values(state=TaskState.SKIPPED, reason=f"rolled back batch {batch.id}", updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]  # an UPDATE's result is a CursorResult
    batch.rolled_back_at = utcnow()
    session.flush()
    return report


def undo_rollback(session: Session, batch: Batch, *, dry_run: bool = False) -> RollbackReport:
    """The batch's texts come back where its rollback's texts are still current."""
    report = RollbackReport(batch.id, undo=True, dry_run=dry_run)
    if batch.rolled_back_at is None:
        report.not_rolled_back = True
        return report
    rollback = _newest(session, DescriptionVersion.rollback_of == batch.id)
    written = [
        _written(session, version, product, before=_batch_text(session, batch.id, version))
        for version, product in rollback
    ]
    _apply(session, written, report, rollback_of=None, batch_id=batch.id)
    if dry_run:
        return report
    session.execute(
        update(GenerationTask)
        .where(GenerationTask.batch_id == batch.id, GenerationTask.reason == f"rolled back batch {batch.id}")
        .values(reason=f"batch {batch.id} restored", updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    batch.rolled_back_at = None
    session.flush()
    return report


def regenerate_removed(session: Session, batch: Batch) -> list[tuple[str, str]]:
    """The batch's rolled-back tasks whose product has no description now, pending again
    (the next generate run buys them anew); returns (product, language) of each."""
    rows = session.execute(
        select(GenerationTask, Product.external_id)
        .join(Product, Product.id == GenerationTask.product_id)
        .outerjoin(
            Description,
            (Description.product_id == GenerationTask.product_id)
            & (Description.language_id == GenerationTask.language_id),
        )
        .where(
            GenerationTask.batch_id == batch.id,
            GenerationTask.state == TaskState.SKIPPED,
            Description.id.is_(None),
        )
        .order_by(GenerationTask.id)
        .with_for_update(of=GenerationTask)
    ).all()
    now = utcnow()
    for task, _ in rows:
        check_transition(task.id, TaskState.SKIPPED, TaskState.PENDING)
        task.state, task.reason, task.batch_id, task.pending_since = TaskState.PENDING, "regeneration asked", None, now
        task.attempts = 0
    read_again(session, [task.product_id for task, _ in rows])
    session.flush()
    return [(product, task.language_id) for task, product in rows]


def _apply(
    session: Session,
    written: Sequence[Written],
    report: RollbackReport,
    *,
    rollback_of: str | None,
    batch_id: str | None,
) -> None:
    restore: dict[tuple[str, str], list[NewText]] = {}  # (store, source) -> texts
    changed: list[int] = []  # products whose text this changes
    for item in written:
        action = step(item)
        where = (item.product, item.language_id)
        if action == Action.KEEP:
            report.kept_newer.append(where)
            continue
        changed.append(item.product_id)
        if action == Action.REMOVE:
            report.removed += 1
            report.left_without.append(where)
            if not report.dry_run:
                _remove(session, item.store_id, item, rollback_of)
        else:
            report.restored += 1
            before = item.before
            assert before is not None  # restore: there is a text before
            text = NewText(
                item.product_id,
                item.language_id,
                before.html,
                before.fingerprint,
                before.meta_title,
                before.meta_description,
                before.quality,
            )
            restore.setdefault((item.store_id, before.source), []).append(text)
    if report.dry_run:
        return
    for (store_id, source), texts in sorted(restore.items()):
        write_approved(session, store_id, texts, source, batch_id, rollback_of=rollback_of)
    # a text back may be one made from what a pending task asks again: the sync's rules answer that
    read_again(session, changed)


def _remove(session: Session, store_id: str, item: Written, rollback_of: str | None) -> None:
    """The description goes; its history stays, with a version of empty text saying it went."""
    description = session.scalars(
        select(Description).where(
            Description.product_id == item.product_id, Description.language_id == item.language_id
        )
    ).one()
    session.execute(
        update(DescriptionVersion)
        .where(DescriptionVersion.description_id == description.id)
        .values(description_id=None)
        .execution_options(synchronize_session=False)
    )
    removal = session.execute(
        insert(DescriptionVersion)
        .values(
            store_id=store_id,
            product_id=item.product_id,
            language_id=item.language_id,
            status=VersionStatus.APPROVED,
            html="",
            source="ai",
            rollback_of=rollback_of,
            created_at=utcnow(),
        )
        .returning(DescriptionVersion.id)
    ).scalar_one()
    session.execute(delete(Description).where(Description.id == description.id))
    enqueue(session, [Approved(removal, store_id, item.product_id, item.language_id)])


def _newest(session: Session, *conditions: ColumnElement[bool]) -> list[tuple[DescriptionVersion, str]]:
    """The newest live version per (product, language) among those matching, with the product id."""
    newest = (
        select(func.max(DescriptionVersion.id))
        .where(DescriptionVersion.status.in_(LIVE_VERSIONS), *conditions)
        .group_by(DescriptionVersion.product_id, DescriptionVersion.language_id)
    )
    return [
        (version, product)
        for version, product in session.execute(
            select(DescriptionVersion, Product.external_id)
            .join(Product, Product.id == DescriptionVersion.product_id)
            .where(DescriptionVersion.id.in_(newest))
            .order_by(DescriptionVersion.id)
        )
    ]


def _written(session: Session, version: DescriptionVersion, product: str, *, before: VersionText | None) -> Written:
    current = session.scalars(
        select(Description.version)
        .where(Description.product_id == version.product_id, Description.language_id == version.language_id)
        .with_for_update()
    ).one_or_none()
    ours = None if _is_removal(version) else version.version
    return Written(version.product_id, version.language_id, product, ours, current, before, version.store_id)


def _text_before(session: Session, version: DescriptionVersion) -> VersionText | None:
    """The live text of the same product and language just before ``version`` (None: none, or removed)."""
    previous = session.scalars(
        select(DescriptionVersion)
        .where(
            DescriptionVersion.product_id == version.product_id,
            DescriptionVersion.language_id == version.language_id,
            DescriptionVersion.status.in_(LIVE_VERSIONS),
            DescriptionVersion.id < version.id,
        )
        .order_by(DescriptionVersion.id.desc())
        .limit(1)
    ).one_or_none()
    return None if previous is None or _is_removal(previous) else _text(previous)


def _batch_text(session: Session, batch_id: str, version: DescriptionVersion) -> VersionText | None:
    """The batch's own text of the same product and language, as it was before the rollback."""
    written = session.scalars(
        select(DescriptionVersion)
        .where(
            DescriptionVersion.product_id == version.product_id,
            DescriptionVersion.language_id == version.language_id,
            DescriptionVersion.batch_id == batch_id,
            DescriptionVersion.status.in_(LIVE_VERSIONS),
            DescriptionVersion.id < version.id,
        )
        .order_by(DescriptionVersion.id.desc())
        .limit(1)
    ).one_or_none()
    return None if written is None else _text(written)


def _is_removal(version: DescriptionVersion) -> bool:
    return version.rollback_of is not None and version.html == ""


def _text(version: DescriptionVersion) -> VersionText:
    return VersionText(
        version.html,
        version.meta_title,
        version.meta_description,
        version.source,
        version.fingerprint,
        version.quality,
    )


__all__ = ["RollbackReport", "regenerate_removed", "roll_back_batch", "undo_rollback"]
