"""The drain's notes of the messages it left behind: written, read by message id, pruned.

What a note holds and why: ``descgen/dead_letters.py``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from descgen.db.models import Batch, DeadLetterNote
from descgen.db.session import dialect_insert
from descgen.dead_letters import MessageNote

_NOTE_COLUMNS = ("message_id", "batch_id", "reason", "preview", "receive_count", "first_seen", "last_seen")


def record_notes(session: Session, notes: Sequence[MessageNote]) -> None:
    """Upsert by message id: a message received again keeps its first sighting, the rest is the latest."""
    latest = {note.message_id: note for note in notes}  # one row per id: ON CONFLICT cannot touch a row twice
    if not latest:
        return
    insert = dialect_insert(session)(DeadLetterNote).values(
        [{name: getattr(note, name) for name in _NOTE_COLUMNS} for note in latest.values()]
    )
    session.execute(
        insert.on_conflict_do_update(
            index_elements=[DeadLetterNote.message_id],
            set_={name: insert.excluded[name] for name in _NOTE_COLUMNS if name not in ("message_id", "first_seen")},
        )
    )


def notes_by_id(session: Session, message_ids: Collection[str]) -> dict[str, MessageNote]:
    if not message_ids:
        return {}
    rows = session.scalars(select(DeadLetterNote).where(DeadLetterNote.message_id.in_(message_ids)))
    return {row.message_id: MessageNote(**{name: getattr(row, name) for name in _NOTE_COLUMNS}) for row in rows}


def known_batches(session: Session, batch_ids: Collection[str]) -> set[str]:
    """The ones of ``batch_ids`` this database has a row for."""
    if not batch_ids:
        return set()
    return set(session.scalars(select(Batch.id).where(Batch.id.in_(batch_ids))))


def prune_notes(session: Session, last_seen_before: datetime, *, dry_run: bool) -> int:
    """Notes of messages no DLQ can still hold; how many there were (deleted unless ``dry_run``)."""
    old = DeadLetterNote.last_seen < last_seen_before
    stale = int(session.scalar(select(func.count()).where(old)) or 0)
    if stale and not dry_run:
        session.execute(delete(DeadLetterNote).where(old))
    return stale
