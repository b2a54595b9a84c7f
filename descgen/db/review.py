"""Review and approval in the database: drafts listed, approved (the current text, queued
for the shop in the same transaction) or rejected (the task retried with the note, or left
to a person). The decisions are ``descgen/review.py``'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from descgen.db.catalog import read_again
from descgen.db.descriptions import NewText, write_current
from descgen.db.models import Description, DescriptionVersion, GenerationTask, Product, utcnow
from descgen.db.outbox import Approved, enqueue
from descgen.lifecycle import LIVE_VERSIONS, TaskState, VersionStatus, check_transition, check_version_transition
from descgen.review import MAX_NOTE, after_rejection, approval_problem


@dataclass(frozen=True)
class VersionView:
    """One version as a reviewer reads it."""

    id: int
    store_id: str
    product: str  # the store's product id
    language_id: str
    version: int | None  # its number once it went live
    status: str
    source: str
    html: str
    meta_title: str | None
    meta_description: str | None
    reasons: tuple[str, ...]  # the quality gate's (and the review policy's) reasons
    batch_id: str | None
    created_at: datetime
    reviewed_by: str | None
    review_note: str | None


@dataclass
class ReviewReport:
    approved: list[int] = field(default_factory=list)
    rejected: list[int] = field(default_factory=list)
    retried: int = 0  # tasks generated again with the reviewer's note
    left_to_a_person: int = 0
    problems: list[str] = field(default_factory=list)  # "version N (P1/de): why not"


_COLUMNS = (DescriptionVersion, Product.external_id)


def _view(version: DescriptionVersion, external_id: str) -> VersionView:
    return VersionView(
        id=version.id,
        store_id=version.store_id,
        product=external_id,
        language_id=version.language_id,
        version=version.version,
        status=version.status,
        source=version.source,
        html=version.html,
        meta_title=version.meta_title,
        meta_description=version.meta_description,
        reasons=tuple((version.quality or {}).get("reasons", [])),
        batch_id=version.batch_id,
        created_at=version.created_at,
        reviewed_by=version.reviewed_by,
        review_note=version.review_note,
    )


def drafts(
    session: Session, store_id: str, *, batch_id: str | None = None, limit: int | None = None
) -> list[VersionView]:
    """The versions waiting for review, oldest first."""
    statement = (
        select(*_COLUMNS)
        .join(Product, Product.id == DescriptionVersion.product_id)
        .where(DescriptionVersion.store_id == store_id, DescriptionVersion.status == VersionStatus.DRAFT)
        .order_by(DescriptionVersion.id)
        .limit(limit)
    )
    if batch_id is not None:
        statement = statement.where(DescriptionVersion.batch_id == batch_id)
    return [_view(version, external_id) for version, external_id in session.execute(statement)]


def history(session: Session, store_id: str, product: str, language_id: str) -> list[VersionView]:
    """Every version of one product's text in one language, oldest first."""
    rows = session.execute(
        select(*_COLUMNS)
        .join(Product, Product.id == DescriptionVersion.product_id)
        .where(
            DescriptionVersion.store_id == store_id,
            Product.external_id == product,
            DescriptionVersion.language_id == language_id,
        )
        .order_by(DescriptionVersion.id)
    )
    return [_view(version, external_id) for version, external_id in rows]


def history_of_version(session: Session, store_id: str, version_id: int) -> list[VersionView]:
    """The history (``history``) of the product and language a version of the store belongs to."""
    found = session.execute(
        select(Product.external_id, DescriptionVersion.language_id)
        .join(Product, Product.id == DescriptionVersion.product_id)
        .where(DescriptionVersion.id == version_id, DescriptionVersion.store_id == store_id)
    ).first()
    return history(session, store_id, found.external_id, found.language_id) if found else []


def approve(
    session: Session, store_id: str, ids: Sequence[int], *, reviewer: str, note: str | None = None
) -> ReviewReport:
    """Drafts become the current texts (approved, queued for the shop); the others are reported."""
    report = ReviewReport()
    rows = _locked(session, store_id, ids, report)
    current = _current(session, [(v.product_id, v.language_id) for v, _ in rows])
    going: list[tuple[DescriptionVersion, str]] = []
    for version, external_id in rows:
        source, newest = current.get((version.product_id, version.language_id), (None, None))
        problem = approval_problem(version.status, version.created_at, source, newest)
        if problem is not None:
            report.problems.append(f"version {version.id} ({external_id}/{version.language_id}): {problem}")
        else:
            going.append((version, external_id))
    now = utcnow()
    for version, external_id in going:  # one at a time: drafts of one batch are few, and each has its own batch
        check_version_transition(version.id, version.status, VersionStatus.APPROVED)
        text = NewText(
            version.product_id,
            version.language_id,
            version.html,
            version.fingerprint,
            version.meta_title,
            version.meta_description,
            version.quality,
        )
        written = write_current(session, store_id, [text], "ai", version.batch_id)
        if not written:  # a person saved a text since we looked: theirs is kept
            report.problems.append(
                f"version {version.id} ({external_id}/{version.language_id}): a person's text is current and is kept"
            )
            continue
        read_again(session, [version.product_id])  # a pending task may ask for this very text again
        version.status = VersionStatus.APPROVED
        version.description_id = written[0].id
        version.version = written[0].version
        version.reviewed_by, version.review_note, version.reviewed_at = reviewer, _note(note), now
        report.approved.append(version.id)
        session.execute(
            update(GenerationTask)
            .where(
                GenerationTask.product_id == version.product_id,
                GenerationTask.language_id == version.language_id,
                GenerationTask.state == TaskState.DONE,
            )
            .values(reason=f"approved in review by {reviewer}"[:500], updated_at=now)
            .execution_options(synchronize_session=False)
        )
    session.flush()
    enqueue(
        session,
        [Approved(v.id, store_id, v.product_id, v.language_id) for v, _ in going if v.id in set(report.approved)],
    )
    return report


def reject(
    session: Session,
    store_id: str,
    ids: Sequence[int],
    *,
    reviewer: str,
    note: str | None = None,
    retry: bool = True,
) -> ReviewReport:
    """Drafts rejected; each one's task generated again with the note in the prompt (``retry``) or left to a person."""
    report = ReviewReport()
    now = utcnow()
    for version, external_id in _locked(session, store_id, ids, report):
        if version.status != VersionStatus.DRAFT:
            report.problems.append(
                f"version {version.id} ({external_id}/{version.language_id}): it is {version.status}, not a draft"
            )
            continue
        check_version_transition(version.id, version.status, VersionStatus.REJECTED)
        version.status = VersionStatus.REJECTED
        version.reviewed_by, version.review_note, version.reviewed_at = reviewer, _note(note), now
        report.rejected.append(version.id)
        task = session.scalars(
            select(GenerationTask)
            .where(GenerationTask.product_id == version.product_id, GenerationTask.language_id == version.language_id)
            .with_for_update()
        ).one_or_none()
        change = after_rejection(task.state, note, retry=retry) if task is not None else None
        if task is None or change is None:
            continue
        target, reason = change
        check_transition(task.id, TaskState(task.state), target)
        task.state, task.reason, task.updated_at = target, reason, now
        if target == TaskState.PENDING:
            task.batch_id, task.pending_since = None, now
            read_again(session, [task.product_id])  # a person's text saved since may skip it
            report.retried += 1
        else:
            report.left_to_a_person += 1
    session.flush()
    return report


def _note(note: str | None) -> str | None:
    return " ".join(note.split())[:MAX_NOTE] or None if note else None


def _locked(
    session: Session, store_id: str, ids: Sequence[int], report: ReviewReport
) -> list[tuple[DescriptionVersion, str]]:
    """The store's versions of ``ids``, locked, in id order; unknown ids reported."""
    rows = [
        (version, external_id)
        for version, external_id in session.execute(
            select(*_COLUMNS)
            .join(Product, Product.id == DescriptionVersion.product_id)
            .where(DescriptionVersion.store_id == store_id, DescriptionVersion.id.in_(sorted(set(ids))))
            .order_by(DescriptionVersion.id)
            .with_for_update(of=DescriptionVersion)
        )
    ]
    found = {version.id for version, _ in rows}
    report.problems.extend(f"version {i}: no such version in store {store_id}" for i in sorted(set(ids) - found))
    return rows


def _current(session: Session, pairs: Sequence[tuple[int, str]]) -> dict[tuple[int, str], tuple[str | None, Any]]:
    """Per (product, language): the current text's source and when the newest live version was made."""
    if not pairs:
        return {}
    products = sorted({product for product, _ in pairs})
    sources = {
        (row.product_id, row.language_id): row.source
        for row in session.execute(
            select(Description.product_id, Description.language_id, Description.source).where(
                Description.product_id.in_(products)
            )
        )
    }
    newest = {
        (row.product_id, row.language_id): row.newest
        for row in session.execute(
            select(
                DescriptionVersion.product_id,
                DescriptionVersion.language_id,
                func.max(DescriptionVersion.created_at).label("newest"),
            )
            .where(DescriptionVersion.product_id.in_(products), DescriptionVersion.status.in_(LIVE_VERSIONS))
            .group_by(DescriptionVersion.product_id, DescriptionVersion.language_id)
        )
    }
    return {pair: (sources.get(pair), newest.get(pair)) for pair in pairs}


__all__ = ["ReviewReport", "VersionView", "approve", "drafts", "history", "history_of_version", "reject"]
