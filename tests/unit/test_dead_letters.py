"""What a dead letter's note keeps of a message, and how the dry run shows it: pure."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from descgen.dead_letters import (
    NEVER_SEEN,
    DeadLetter,
    batch_id_of,
    described,
    markdown_table,
    note_for,
    one_line,
    with_notes,
)

SEEN = datetime(2026, 12, 1, 15, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "limit", "shown"),
    [
        ("short", 10, "short"),
        ("exactly10!", 10, "exactly10!"),
        ("eleven char", 10, "eleven ch…"),
        ("two\nlines\r\nand\ttabs", 50, "two lines and tabs"),
        ("\x1b[31mred\x1b[0m", 50, "[31mred [0m"),  # a terminal escape loses its ESC
        ("  spaced   out  ", 50, "spaced out"),
        ("", 10, ""),
    ],
)
def test_a_text_is_shown_as_one_line_of_printable_characters_cut_at_its_limit(text, limit, shown):
    assert one_line(text, limit) == shown


@pytest.mark.parametrize(
    ("body", "batch_id"),
    [
        ('{"batchId": "demo-1", "results": []}', "demo-1"),
        ('{"batchId": 7}', None),
        ('["batchId"]', None),
        ("not json", None),
        ('{"batchId": "a\\nb"}', "a b"),
    ],
)
def test_the_batch_is_read_from_a_body_that_names_one(body, batch_id):
    assert batch_id_of(body) == batch_id


def test_a_note_keeps_the_batch_the_drain_read_before_the_bodys_own():
    note = note_for("m-1", '{"batchId": "in-body"}', 2, "could not\nbe applied", SEEN, batch_id="read")
    assert (note.batch_id, note.reason, note.receive_count) == ("read", "could not be applied", 2)
    assert note.first_seen == note.last_seen == SEEN
    assert note_for("m-1", '{"batchId": "in-body"}', 1, "r", SEEN).batch_id == "in-body"


def test_each_letter_gets_the_note_of_its_own_message_id_or_none():
    letters = [DeadLetter("m-1", None, 3, 2, "x"), DeadLetter("m-2", "b-2", 4, 3, "y")]
    note = note_for("m-2", "y", 2, "its batch is not in this database", SEEN)
    noted = with_notes(letters, {"m-2": note})
    assert [letter.note for letter in noted] == [None, note]
    assert NEVER_SEEN in described(noted[0])
    assert "its batch is not in this database (drain saw it 2x, last 2026-12-01 15:30 UTC)" in described(noted[1])


def test_an_empty_dead_letter_queue_is_said_in_words():
    assert markdown_table([]) == "The dead-letter queue is empty: nothing would be moved."
