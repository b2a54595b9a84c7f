"""What the drain learned of a message it left behind, and how a dead letter is shown. Pure.

The drain leaves a message in the queue (and, after ``max_receive_count`` receives, SQS
moves it to the dead-letter queue) when it cannot decode it, when the batch it names is
not in the database, when the database refuses its page, or when SQS refuses to delete it
after its rows were committed. Each time, it keeps a note keyed by the SQS message id
(``db/dead_letters.py``; SQS keeps a message's id when it moves it to the DLQ): the batch,
the reason in one line, the start of the body, when it was first and last seen, how many
times it was received. A message received again updates its note.

The redrive dry run (``redrive.explain_dead_letters``) joins the DLQ's messages with the
notes by id. A dead letter with no note was never seen by the drain (it went to the DLQ
while the database was down, or its note could not be written).

Notes are history, not state: a note stays after its message is redriven and applied
(if a move task keeps the id and it fails again, its note shows the first sighting; the
fallback's receive/send/delete sends a copy with a new id, noted afresh if it fails). The
dry run shows only the notes of messages in the DLQ, so an old note misleads no one.
``prune-versions`` deletes the notes last seen longer ago than the DLQ keeps a message:
no message they describe can still be there.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from descgen.formats import count
from descgen.markdown import escaped

PREVIEW_CHARS = 200  # of the body: enough to recognise a page (its schema version and batch) or junk
REASON_CHARS = 500
BATCH_ID_CHARS = 100  # the column's width: a hostile page may name any batch id
NEVER_SEEN = "no note: never seen by the drain"


@dataclass(frozen=True)
class MessageNote:
    """What the drain learned of one message it left behind."""

    message_id: str
    batch_id: str | None  # the page's batch, if the body names one
    reason: str  # one line
    preview: str  # the start of the body, one line of printable characters
    receive_count: int
    first_seen: datetime
    last_seen: datetime


def one_line(text: str, limit: int) -> str:
    """``text`` as one line of printable characters (control characters, terminal escapes and
    line breaks become spaces), at most ``limit`` characters; ``…`` marks a cut."""
    head = text[: limit * 4]  # a body can be 256 KiB: only its start is ever shown
    flat = " ".join("".join(c if c.isprintable() else " " for c in head).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def batch_id_of(body: str) -> str | None:
    """The ``batchId`` a body names, if it is a JSON object that names one."""
    try:
        value = json.loads(body).get("batchId")
    except (ValueError, AttributeError):
        return None
    return one_line(value, BATCH_ID_CHARS) if isinstance(value, str) else None


def note_for(
    message_id: str,
    body: str,
    receive_count: int,
    reason: str,
    seen: datetime,
    batch_id: str | None = None,
) -> MessageNote:
    """The note of a message left behind now; ``batch_id`` if the drain read it, else the body's own."""
    return MessageNote(
        message_id=message_id,
        batch_id=one_line(batch_id, BATCH_ID_CHARS) if batch_id is not None else batch_id_of(body),
        reason=one_line(reason, REASON_CHARS),
        preview=one_line(body, PREVIEW_CHARS),
        receive_count=receive_count,
        first_seen=seen,
        last_seen=seen,
    )


@dataclass(frozen=True)
class DeadLetter:
    """A message in the DLQ as the dry run lists it, with the drain's note of it (None: never seen)."""

    message_id: str
    batch_id: str | None
    bytes: int
    receive_count: int
    preview: str
    note: MessageNote | None = None


def with_notes(letters: Sequence[DeadLetter], notes: Mapping[str, MessageNote]) -> list[DeadLetter]:
    """Each letter with the drain's note of its message id, if there is one."""
    return [replace(letter, note=notes.get(letter.message_id)) for letter in letters]


def reason_of(letter: DeadLetter) -> str:
    note = letter.note
    if note is None:
        return NEVER_SEEN
    return f"{note.reason} (drain saw it {note.receive_count}x, last {note.last_seen:%Y-%m-%d %H:%M} UTC)"


def batch_of(letter: DeadLetter) -> str:
    return letter.batch_id or (letter.note.batch_id if letter.note else None) or "-"


def described(letter: DeadLetter) -> str:
    """One plain line (a log line, the CLI): every field from AWS or a message is one line of printable text."""
    return (
        f"{letter.message_id}  batch {batch_of(letter)}  {count(letter.bytes)} bytes, received {letter.receive_count}x  "
        f"{reason_of(letter)}  preview: {letter.preview}"
    )


def markdown_table(letters: Sequence[DeadLetter]) -> str:
    """The dry run's artifact: a Markdown table, every string from SQS or a message escaped."""
    if not letters:
        return "The dead-letter queue is empty: nothing would be moved."
    lines = [
        f"{count(len(letters))} message(s) would be moved back to the results queue.",
        "",
        "| message | batch | reason (what the drain learned) | preview | bytes | receives |",
        "|---|---|---|---|---:|---:|",
    ]
    lines += [
        f"| {escaped(letter.message_id)} | {escaped(batch_of(letter))} | {escaped(reason_of(letter))} "
        f"| {escaped(letter.preview)} | {count(letter.bytes)} | {count(letter.receive_count)} |"
        for letter in letters
    ]
    return "\n".join(lines)
