"""Descriptions and their history: idempotent upserts, human edits, rollback.

AI text is written with one ``INSERT .. ON CONFLICT DO UPDATE .. WHERE source =
'ai'`` per page of results: a description a person edited is never overwritten,
even by a drain racing the edit, and the rows the statement returns are exactly
the ones written. Each write adds a version row, so a batch can be undone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from descgen.db.models import BAND_COLUMNS, Batch, Description, DescriptionVersion, GenerationTask, utcnow
from descgen.db.session import DIALECT_INSERTS, dialect_insert
from descgen.lifecycle import TaskState, VersionStatus, legal_sources
from descgen.quality.near_duplicates import Sketch, sketches
from descgen.quality.normalize import normalized


@dataclass(frozen=True)
class NewText:
    product_id: int
    language_id: str
    html: str
    fingerprint: str | None = None
    meta_title: str | None = None
    meta_description: str | None = None
    quality: dict[str, Any] | None = None  # the gate's scores, outcome and reasons
    # the text's MinHash signature and bands: None, computed on writing; NO_SKETCH, none (the gate was off)
    sketch: Sketch | None = None


@lru_cache
def _upsert_statement(dialect: str, keep_human_text: bool) -> Any:
    """Built once per dialect and kind: executed with a list of rows, it compiles once and
    runs as batched INSERT .. RETURNING (a fresh ``.values([...])`` per page compiled every time)."""
    table = Description.__table__
    statement = DIALECT_INSERTS[dialect](table)
    excluded = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=[table.c.product_id, table.c.language_id],
        set_={
            "html": excluded.html,
            # a person's edit of the body (no meta given) keeps the meta fields
            "meta_title": func.coalesce(excluded.meta_title, table.c.meta_title),
            "meta_description": func.coalesce(excluded.meta_description, table.c.meta_description),
            "text_signature": excluded.text_signature,
            **{column: excluded[column] for column in BAND_COLUMNS},
            "source": excluded.source,
            "version": table.c.version + 1,
            "fingerprint": excluded.fingerprint,
            "batch_id": excluded.batch_id,
            "updated_at": excluded.updated_at,
        },
        # a person's text is kept; only a person replaces it
        where=(table.c.source == "ai") if keep_human_text else None,
    ).returning(
        table.c.id,
        table.c.version,
        table.c.product_id,
        table.c.language_id,
        table.c.meta_title,
        table.c.meta_description,
    )


def _upsert(
    session: Session, store_id: str, texts: Sequence[NewText], source: str, batch_id: str | None
) -> set[tuple[int, str]]:
    """Write the texts as the current descriptions; returns the (product, language) pairs written."""
    if not texts:
        return set()
    texts = with_sketches(texts)
    now = utcnow()
    dialect_insert(session)  # refuses an unsupported database with a clear message
    statement = _upsert_statement(session.get_bind().dialect.name, keep_human_text=source == "ai")
    rows = [
        {
            "store_id": store_id,
            "product_id": text.product_id,
            "language_id": text.language_id,
            "html": text.html,
            "meta_title": text.meta_title,
            "meta_description": text.meta_description,
            **sketch_columns(text.sketch),
            "source": source,
            "version": 1,
            "fingerprint": text.fingerprint,
            "batch_id": batch_id,
            "updated_at": now,
        }
        for text in texts
    ]
    written = session.connection().execute(statement, rows).all()
    by_key = {(t.product_id, t.language_id): t for t in texts}
    if written:
        session.connection().execute(
            insert(DescriptionVersion),
            [
                {
                    "store_id": store_id,
                    "product_id": row.product_id,
                    "language_id": row.language_id,
                    "description_id": row.id,
                    "version": row.version,
                    "status": VersionStatus.PUBLISHED,
                    "html": by_key[(row.product_id, row.language_id)].html,
                    "meta_title": row.meta_title,
                    "meta_description": row.meta_description,
                    "quality": by_key[(row.product_id, row.language_id)].quality,
                    "source": source,
                    "fingerprint": by_key[(row.product_id, row.language_id)].fingerprint,
                    "batch_id": batch_id,
                    "created_at": now,
                }
                for row in written
            ],
        )
    return {(row.product_id, row.language_id) for row in written}


def pairs_in(product_column: Any, language_column: Any, pairs: Iterable[tuple[int, str]]) -> ColumnElement[bool]:
    """``(product, language) IN pairs`` as one ``product IN (...)`` per language: a row-value IN
    of a thousand pairs exceeds PostgreSQL's expression stack; a few scalar INs do not."""
    by_language: dict[str, set[int]] = {}
    for product_id, language_id in pairs:
        by_language.setdefault(language_id, set()).add(product_id)
    return or_(
        *(
            and_(language_column == language_id, product_column.in_(sorted(products)))
            for language_id, products in sorted(by_language.items())
        )
    )


def with_sketches(texts: Sequence[NewText]) -> list[NewText]:
    """The texts, each with its sketch (computed in bulk for those without one)."""
    missing = [i for i, t in enumerate(texts) if t.sketch is None]
    done = list(texts)
    computed = sketches([(normalized(texts[i].html), texts[i].language_id) for i in missing])
    for i, sketch in zip(missing, computed, strict=True):
        done[i] = replace(texts[i], sketch=sketch)
    return done


def sketch_columns(sketch: Sketch | None) -> dict[str, Any]:
    """A description's signature and band columns for a sketch (all None for none)."""
    bands = sketch.bands if sketch and sketch.bands else (None,) * len(BAND_COLUMNS)
    return {
        "text_signature": (sketch.signature if sketch else b"") or None,
        **dict(zip(BAND_COLUMNS, bands, strict=True)),
    }


def hold_ai_texts(session: Session, store_id: str, batch_id: str, texts: Sequence[NewText]) -> set[tuple[int, str]]:
    """Store the texts as drafts for review, not as the current descriptions; returns the pairs held.

    A pair whose current description a person wrote is not held: a person's text is kept.
    """
    if not texts:
        return set()
    keys = [(t.product_id, t.language_id) for t in texts]
    current = {
        (row.product_id, row.language_id): row
        for row in session.execute(
            select(Description.id, Description.product_id, Description.language_id, Description.source).where(
                pairs_in(Description.product_id, Description.language_id, keys)
            )
        )
    }
    held = [t for t in texts if getattr(current.get((t.product_id, t.language_id)), "source", "ai") == "ai"]
    if held:
        now = utcnow()
        session.connection().execute(
            insert(DescriptionVersion),
            [
                {
                    "store_id": store_id,
                    "product_id": t.product_id,
                    "language_id": t.language_id,
                    "description_id": getattr(current.get((t.product_id, t.language_id)), "id", None),
                    "version": None,
                    "status": VersionStatus.DRAFT,
                    "html": t.html,
                    "meta_title": t.meta_title,
                    "meta_description": t.meta_description,
                    "quality": t.quality,
                    "source": "ai",
                    "fingerprint": t.fingerprint,
                    "batch_id": batch_id,
                    "created_at": now,
                }
                for t in held
            ],
        )
    return {(t.product_id, t.language_id) for t in held}


def publish_ai_texts(session: Session, store_id: str, batch_id: str, texts: Sequence[NewText]) -> set[tuple[int, str]]:
    """The pairs written; the others are held by a human edit."""
    return _upsert(session, store_id, texts, "ai", batch_id)


def write_version(session: Session, store_id: str, product_id: int, language_id: str, html: str, source: str) -> int:
    """One text as the new current version (a person's edit); returns its version number."""
    _upsert(session, store_id, [NewText(product_id, language_id, html)], source, None)
    return session.scalars(
        select(Description.version).where(Description.product_id == product_id, Description.language_id == language_id)
    ).one()


@dataclass
class RollbackReport:
    batch_id: str
    restored: int = 0
    removed: int = 0
    kept_newer: list[tuple[int, str]] = field(default_factory=list)
    tasks_skipped: int = 0
    already_rolled_back: bool = False


def roll_back_batch(session: Session, batch: Batch) -> RollbackReport:
    """Every description the batch wrote goes back to the version before it.

    A description changed again since (a later batch, a person) is kept and
    reported: rolling back must not destroy newer work. One the batch created
    is removed with its history. The batch's done tasks, and those still
    awaiting a result, become ``skipped`` with the reason and keep their
    fingerprint: a late result is then stale, and the same text is not bought
    again the next night; a change to the product (or a new prompt version) is.
    """
    report = RollbackReport(batch_id=batch.id)
    if batch.rolled_back_at is not None:
        report.already_rolled_back = True
        return report
    written = session.execute(
        select(DescriptionVersion, Description)
        .join(Description, Description.id == DescriptionVersion.description_id)
        .where(DescriptionVersion.batch_id == batch.id, DescriptionVersion.status == VersionStatus.PUBLISHED)
        .with_for_update(of=Description)
    ).all()
    for version, description in written:
        if description.version != version.version:
            report.kept_newer.append((description.product_id, description.language_id))
            continue
        previous = session.scalars(
            select(DescriptionVersion)
            .where(
                DescriptionVersion.description_id == description.id,
                DescriptionVersion.status == VersionStatus.PUBLISHED,
                DescriptionVersion.version < version.version,
            )
            .order_by(DescriptionVersion.version.desc())
            .limit(1)
        ).one_or_none()
        if previous is None:
            session.execute(delete(DescriptionVersion).where(DescriptionVersion.description_id == description.id))
            session.delete(description)
            report.removed += 1
            continue
        description.html = previous.html
        description.meta_title = previous.meta_title
        description.meta_description = previous.meta_description
        description.source = previous.source
        description.fingerprint = previous.fingerprint
        description.batch_id = previous.batch_id
        description.version = previous.version or description.version  # a published version has a number
        session.delete(version)
        [text] = with_sketches([NewText(description.product_id, description.language_id, previous.html)])
        for column, value in sketch_columns(text.sketch).items():
            setattr(description, column, value)
        report.restored += 1
    # submitted too: results of this batch still in SQS (or redriven later) must not write again
    report.tasks_skipped = session.execute(
        update(GenerationTask)
        .where(
            GenerationTask.batch_id == batch.id,
            GenerationTask.state.in_(legal_sources(TaskState.SKIPPED, {TaskState.DONE, TaskState.SUBMITTED})),
        )
        .values(state=TaskState.SKIPPED, reason=f"rolled back batch {batch.id}", updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    batch.rolled_back_at = utcnow()
    session.flush()
    return report
