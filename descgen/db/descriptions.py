"""Descriptions and their history: idempotent upserts, drafts, human edits (rollback: ``db/rollback.py``).

AI text is written with one ``INSERT .. SELECT .. ON CONFLICT DO UPDATE .. WHERE
source = 'ai'`` per page of results: a description a person edited is never
overwritten, even by a drain racing the edit, and the rows the statement writes are
exactly the ones that get a version row (so a batch can be undone) and an outbox row.
The page's texts travel once (``bulk.rows_of``); on PostgreSQL the three writes are
one statement.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, FromClause, and_, func, select, true
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from descgen.db.bulk import insert_from, is_postgres, row_set, rows_of
from descgen.db.models import BAND_COLUMNS, Description, DescriptionVersion, OutboxEntry, utcnow
from descgen.db.outbox import enqueued
from descgen.lifecycle import VersionStatus
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


def _on_conflict(insert: Any, *, keep_human_text: bool) -> Any:
    """The upsert of a current description: a new version of the text; a person's text is kept
    (``keep_human_text``) and only a person replaces it."""
    table = Description.__table__
    excluded = insert.excluded
    return insert.on_conflict_do_update(
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
        where=(table.c.source == "ai") if keep_human_text else None,
    )


_WRITTEN = (
    Description.id,
    Description.version,
    Description.product_id,
    Description.language_id,
    Description.meta_title,
    Description.meta_description,
    Description.source,
)
_VERSION_KEYS = (
    DescriptionVersion.id.label("version_id"),
    DescriptionVersion.store_id,
    DescriptionVersion.product_id,
    DescriptionVersion.language_id,
)
_DESCRIPTIONS = Description.__table__

# the texts of one write as rows its statements read (``bulk.rows_of``)
_TEXTS = row_set(
    "incoming_texts",
    Description.product_id,
    Description.language_id,
    Description.html,
    Description.meta_title,
    Description.meta_description,
    Description.fingerprint,
    DescriptionVersion.quality,
    Description.text_signature,
    *(getattr(Description, column) for column in BAND_COLUMNS),
)


def write_approved(
    session: Session,
    store_id: str,
    texts: Sequence[NewText],
    source: str,
    batch_id: str | None,
    *,
    rollback_of: str | None = None,
) -> set[tuple[int, str]]:
    """Write the texts as the current descriptions, each an approved version queued for the shop;
    returns the (product, language) pairs written.

    On PostgreSQL one statement: the upsert, the version rows of what it wrote and their outbox
    rows chained as CTEs. SQLite has no data-modifying CTEs: a statement each, what the upsert
    wrote found again as the texts' descriptions whose source is ``source`` (where it did not
    write, a person's text is there)."""
    if not texts:
        return set()
    now = utcnow()
    incoming = _text_rows(session, with_sketches(texts))
    upsert = _upsert(session, incoming, store_id, source, batch_id, now)
    versions: FromClause
    if is_postgres(session):
        written = upsert.returning(*_WRITTEN).cte("written")
        approved = _approved_versions(session, incoming, written, store_id, source, batch_id, now, rollback_of)
        versions = approved.returning(*_VERSION_KEYS).cte("versions")
    else:
        session.connection().execute(upsert)
        approved = _approved_versions(session, incoming, _DESCRIPTIONS, store_id, source, batch_id, now, rollback_of)
        session.connection().execute(approved)
        versions = _current_versions(incoming, source)
    statement = enqueued(session, versions, versions.c.version_id, now)
    rows = session.connection().execute(statement.returning(OutboxEntry.product_id, OutboxEntry.language_id))
    return {(product_id, language_id) for product_id, language_id in rows}


def write_current(
    session: Session, store_id: str, texts: Sequence[NewText], source: str, batch_id: str | None
) -> list[Any]:
    """The texts as the current descriptions (AI text never over a person's); the rows written,
    each with its description id, new version number and meta fields."""
    if not texts:
        return []
    incoming = _text_rows(session, with_sketches(texts))
    upsert = _upsert(session, incoming, store_id, source, batch_id, utcnow())
    return list(session.connection().execute(upsert.returning(*_WRITTEN)).all())


def _text_rows(session: Session, texts: Sequence[NewText]) -> FromClause:
    return rows_of(
        session,
        _TEXTS,
        [
            {
                "product_id": text.product_id,
                "language_id": text.language_id,
                "html": text.html,
                "meta_title": text.meta_title,
                "meta_description": text.meta_description,
                "fingerprint": text.fingerprint,
                "quality": text.quality,
                **sketch_columns(text.sketch),
            }
            for text in texts
        ],
    )


def _upsert(
    session: Session, texts: FromClause, store_id: str, source: str, batch_id: str | None, now: datetime
) -> Any:
    """``INSERT .. SELECT`` of the texts as the current descriptions, ``ON CONFLICT`` a new
    version of each; AI text never over a person's."""
    insert = insert_from(
        session,
        Description,
        {
            **_text_columns(texts, store_id, batch_id),
            "text_signature": texts.c.text_signature,
            **{column: texts.c[column] for column in BAND_COLUMNS},
            "source": source,
            "version": 1,
            "updated_at": now,
        },
        # the WHERE: SQLite reads ``SELECT .. FROM t ON CONFLICT`` as a join without one
        select().select_from(texts).where(true()).order_by(texts.c.position),
    )
    return _on_conflict(insert, keep_human_text=source == "ai")


def _approved_versions(
    session: Session,
    texts: FromClause,
    written: FromClause,
    store_id: str,
    source: str,
    batch_id: str | None,
    now: datetime,
    rollback_of: str | None,
) -> Any:
    """The approved version rows of the descriptions ``written`` (the upsert's rows, or the
    descriptions table: a row whose source is another's was not written)."""
    return _version_rows(
        session,
        texts,
        {
            "description_id": written.c.id,
            "version": written.c.version,
            "status": VersionStatus.APPROVED,
            "meta_title": written.c.meta_title,  # as written: a person's meta fields may have been kept
            "meta_description": written.c.meta_description,
            "source": source,
            "rollback_of": rollback_of,
        },
        select().select_from(texts.join(written, _same_pair(texts, written))).where(written.c.source == source),
        store_id,
        batch_id,
        now,
    )


def _version_rows(
    session: Session,
    texts: FromClause,
    values: Mapping[str, Any],
    source: Select[Any],
    store_id: str,
    batch_id: str | None,
    now: datetime,
) -> Any:
    """``INSERT INTO description_versions .. SELECT``: a version row of each text ``source``
    selects, in the texts' order; ``values``: what an approved version and a draft do not share."""
    return insert_from(
        session,
        DescriptionVersion,
        {**_text_columns(texts, store_id, batch_id), "quality": texts.c.quality, "created_at": now, **values},
        source.order_by(texts.c.position),
    )


def _text_columns(texts: FromClause, store_id: str, batch_id: str | None) -> dict[str, Any]:
    """The columns a current description and a version row take alike from a text."""
    return {
        "store_id": store_id,
        "product_id": texts.c.product_id,
        "language_id": texts.c.language_id,
        "html": texts.c.html,
        "meta_title": texts.c.meta_title,
        "meta_description": texts.c.meta_description,
        "fingerprint": texts.c.fingerprint,
        "batch_id": batch_id,
    }


def _current_versions(texts: FromClause, source: str) -> FromClause:
    """The version rows of the texts' current descriptions whose source is ``source``: on SQLite,
    those ``_approved_versions`` just wrote."""
    return (
        select(*_VERSION_KEYS)
        .join(
            _DESCRIPTIONS,
            and_(
                DescriptionVersion.description_id == Description.id, DescriptionVersion.version == Description.version
            ),
        )
        .join(texts, _same_pair(texts, _DESCRIPTIONS))
        .where(Description.source == source)
        .subquery("versions")
    )


def _same_pair(texts: FromClause, other: FromClause) -> ColumnElement[bool]:
    return and_(texts.c.product_id == other.c.product_id, texts.c.language_id == other.c.language_id)


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
    incoming = _text_rows(session, texts)
    drafts = _version_rows(
        session,
        incoming,
        {"description_id": Description.id, "version": None, "status": VersionStatus.DRAFT, "source": "ai"},
        select()
        .select_from(incoming.outerjoin(_DESCRIPTIONS, _same_pair(incoming, _DESCRIPTIONS)))
        .where(func.coalesce(Description.source, "ai") == "ai"),
        store_id,
        batch_id,
        utcnow(),
    )
    rows = session.connection().execute(drafts.returning(DescriptionVersion.product_id, DescriptionVersion.language_id))
    return {(product_id, language_id) for product_id, language_id in rows}


def publish_ai_texts(session: Session, store_id: str, batch_id: str, texts: Sequence[NewText]) -> set[tuple[int, str]]:
    """The pairs written; the others are held by a human edit."""
    return write_approved(session, store_id, texts, "ai", batch_id)


def write_version(session: Session, store_id: str, product_id: int, language_id: str, html: str, source: str) -> int:
    """One text as the new current version (a person's edit); returns its version number."""
    write_approved(session, store_id, [NewText(product_id, language_id, html)], source, None)
    return session.scalars(
        select(Description.version).where(Description.product_id == product_id, Description.language_id == language_id)
    ).one()
