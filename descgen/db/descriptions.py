"""Descriptions and their history: idempotent upserts, drafts, human edits (rollback: ``db/rollback.py``).

AI text is written with one ``INSERT .. ON CONFLICT DO UPDATE .. WHERE source =
'ai'`` per page of results: a description a person edited is never overwritten,
even by a drain racing the edit, and the rows the statement returns are exactly
the ones written. Each write adds a version row, so a batch can be undone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from descgen.db.bulk import insert_rows
from descgen.db.models import BAND_COLUMNS, Description, DescriptionVersion, utcnow
from descgen.db.outbox import Approved, enqueue
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


def _keep_human_text(insert: Any) -> Any:
    return _on_conflict(insert, keep_human_text=True)


def _replace_any_text(insert: Any) -> Any:
    return _on_conflict(insert, keep_human_text=False)


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
    returns the (product, language) pairs written."""
    written = write_current(session, store_id, texts, source, batch_id)
    if not written:
        return set()
    by_key = {(t.product_id, t.language_id): t for t in texts}
    now = utcnow()
    versions = insert_rows(
        session,
        DescriptionVersion,
        [
            {
                "store_id": store_id,
                "product_id": row.product_id,
                "language_id": row.language_id,
                "description_id": row.id,
                "version": row.version,
                "status": VersionStatus.APPROVED,
                "html": by_key[(row.product_id, row.language_id)].html,
                "meta_title": row.meta_title,
                "meta_description": row.meta_description,
                "quality": by_key[(row.product_id, row.language_id)].quality,
                "source": source,
                "fingerprint": by_key[(row.product_id, row.language_id)].fingerprint,
                "batch_id": batch_id,
                "created_at": now,
                "rollback_of": rollback_of,
            }
            for row in written
        ],
        returning=(DescriptionVersion.id, DescriptionVersion.product_id, DescriptionVersion.language_id),
    )
    enqueue(session, [Approved(v.id, store_id, v.product_id, v.language_id) for v in versions])
    return {(row.product_id, row.language_id) for row in written}


def write_current(
    session: Session, store_id: str, texts: Sequence[NewText], source: str, batch_id: str | None
) -> list[Any]:
    """The texts as the current descriptions (AI text never over a person's); the rows written,
    each with its description id, new version number and meta fields."""
    if not texts:
        return []
    texts = with_sketches(texts)
    now = utcnow()
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
    upsert = _keep_human_text if source == "ai" else _replace_any_text
    return insert_rows(session, Description, rows, upsert=upsert, returning=_WRITTEN)


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
        insert_rows(
            session,
            DescriptionVersion,
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
    return write_approved(session, store_id, texts, "ai", batch_id)


def write_version(session: Session, store_id: str, product_id: int, language_id: str, html: str, source: str) -> int:
    """One text as the new current version (a person's edit); returns its version number."""
    write_approved(session, store_id, [NewText(product_id, language_id, html)], source, None)
    return session.scalars(
        select(Description.version).where(Description.product_id == product_id, Description.language_id == language_id)
    ).one()
