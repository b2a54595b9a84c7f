"""Review decisions, pure: whether a draft may go live, and what a rejection does to its task.

The database side is ``db/review.py``; the store's policy (which answers are held for
a person at all) is the voice's ``ReviewPolicy``.
"""

from __future__ import annotations

import difflib
import re
from datetime import datetime

from descgen.lifecycle import OPEN_STATES, TaskState, VersionStatus
from descgen.prompts import REVIEW_REASON_PREFIX

MAX_NOTE = 500  # a reviewer's note goes into the next prompt: a sentence or two, not an essay


def approval_problem(
    status: str, created_at: datetime, current_source: str | None, newest_live_at: datetime | None
) -> str | None:
    """Why a version cannot become the current text (None: it can).

    A person's text is never replaced by approving a machine's; a draft older than the
    text that went live since would turn the clock back.
    """
    if status != VersionStatus.DRAFT:
        return f"it is {status}, not a draft"
    if current_source == "human":
        return "a person's text is current and is kept"
    if newest_live_at is not None and newest_live_at > created_at:
        return "a newer text went live since (review that one)"
    return None


def after_rejection(state: str, note: str | None, *, retry: bool) -> tuple[TaskState, str] | None:
    """The task's next state and reason once its draft is rejected (None: a newer answer is on its way).

    ``retry``: generated again, the note quoted in the prompt; otherwise left to a person.
    """
    if TaskState(state) in OPEN_STATES:
        return None
    said = " ".join((note or "").split())[:MAX_NOTE]
    if retry:
        return TaskState.PENDING, REVIEW_REASON_PREFIX + (said or "a reviewer rejected the text")
    return TaskState.SKIPPED, "rejected in review, left to a person" + (f": {said}" if said else "")


_BLOCK_END = re.compile(r"(</(?:p|li|ul|ol)>|<br\s*/?>)")


def text_diff(before: str, after: str, before_label: str, after_label: str) -> list[str]:
    """A unified diff of two HTML texts, one paragraph or list item per line (what a reviewer compares)."""
    return list(
        difflib.unified_diff(_lines(before), _lines(after), fromfile=before_label, tofile=after_label, lineterm="", n=1)
    )


def _lines(html: str) -> list[str]:
    return [line.strip() for line in _BLOCK_END.sub(r"\1\n", html).splitlines() if line.strip()]
