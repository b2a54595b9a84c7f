"""The review decisions: when a draft may go live, and what a rejection does to its task."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from descgen.review import MAX_NOTE, after_rejection, approval_problem, text_diff

MADE = datetime(2026, 12, 1, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "source", "newest", "problem"),
    [
        ("draft", None, None, None),
        ("draft", "ai", MADE - timedelta(hours=1), None),
        ("draft", "human", None, "a person's text is current and is kept"),
        ("draft", "ai", MADE + timedelta(seconds=1), "a newer text went live since (review that one)"),
        ("approved", "ai", None, "it is approved, not a draft"),
        ("rejected", None, None, "it is rejected, not a draft"),
    ],
)
def test_only_a_draft_newer_than_the_live_text_and_over_no_persons_text_may_go_live(status, source, newest, problem):
    assert approval_problem(status, MADE, source, newest) == problem


@pytest.mark.parametrize("state", ["done", "failed", "skipped"])
def test_a_rejection_sends_the_task_back_with_the_note_or_leaves_it_to_a_person(state):
    assert after_rejection(state, " too  long\n", retry=True) == ("pending", "review: too long")
    assert after_rejection(state, None, retry=True) == ("pending", "review: a reviewer rejected the text")
    assert after_rejection(state, "too long", retry=False) == (
        "skipped",
        "rejected in review, left to a person: too long",
    )


@pytest.mark.parametrize("state", ["claimed", "submitted"])
def test_a_task_already_on_its_way_again_is_left_alone(state):
    assert after_rejection(state, "x", retry=True) is None


def test_a_note_is_bounded_before_it_reaches_a_prompt():
    _target, reason = after_rejection("done", "word " * 1000, retry=True) or ("", "")
    assert len(reason) == len("review: ") + MAX_NOTE


def test_a_diff_compares_paragraph_by_paragraph():
    before = "<p>Light tent.</p><ul><li>2 kg</li><li>green</li></ul>"
    after = "<p>Light tent.</p><ul><li>2 kg</li><li>blue</li></ul><p>New.</p>"
    diff = text_diff(before, after, "version 1", "draft 7")
    assert diff[:2] == ["--- version 1", "+++ draft 7"]
    assert [line for line in diff if line[:1] in "+-" and line[:3] not in ("---", "+++")] == [
        "-<li>green</li>",
        "+<li>blue</li>",
        "+<p>New.</p>",
    ]
    assert text_diff(before, before, "a", "b") == []
