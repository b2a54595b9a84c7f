"""What becomes of one result: published, tried again, or given up.

The record id already chose the task; this checks that the text is really for it
and fit to publish. Every output shape has one defined outcome:

======================================  ==========================================
text before the marker (a preamble)     accepted; the preamble is dropped
code fences around the answer           accepted; the fences are dropped
no marker                               retry: "missing marker"
a marker naming another product/lang    retry, and nothing is written anywhere
the task's marker more than once        accepted; every copy is dropped
empty text (after cleaning)             retry: "empty answer"
cut by max_tokens                       retry: the end of the text is missing
shorter/longer than the length bounds   retry, with the length in the reason
Bedrock error 429, 5xx, throttling      retry (the error can heal)
Bedrock error 400 and other 4xx         failed (the same input fails again)
a line that was not JSON / not UTF-8    retry
======================================  ==========================================

"Retry" sends the task back to pending with ``attempts + 1``; the attempt limit
turns it into failed with this reason.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Set
from dataclasses import dataclass
from enum import StrEnum

from descgen.contract.messages import RecordResult
from descgen.contract.records import MARKER_PATTERN, find_markers
from descgen.sanitize import sanitize_html
from descgen.settings import Settings

_FENCE_LINE = re.compile(r"^[ \t]*```[A-Za-z0-9_-]*[ \t]*$", re.MULTILINE)
_HEALABLE_NAMES = frozenset(
    {"ThrottlingException", "ServiceUnavailableException", "ModelTimeoutException", "InternalServerException"}
)


_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
REASON_CHARS = 500


def readable(text: str) -> str:
    """A reason fit for a database column and a log line: no control characters, bounded."""
    return _CONTROL_CHARACTERS.sub(" ", text).strip()[:REASON_CHARS]


class Verdict(StrEnum):
    ACCEPT = "accept"
    RETRY = "retry"
    FAIL = "fail"


@dataclass(frozen=True)
class PublishRules:
    allowed_tags: Set[str]
    allowed_attributes: Mapping[str, Set[str]]
    min_chars: int
    max_chars: int

    @classmethod
    def from_settings(cls, settings: Settings) -> PublishRules:
        return cls(
            allowed_tags=settings.allowed_tags,
            allowed_attributes=settings.allowed_attributes,
            min_chars=settings.min_description_chars,
            max_chars=settings.max_description_chars,
        )


@dataclass(frozen=True)
class Judgement:
    verdict: Verdict
    html: str | None = None
    reason: str | None = None


def judge(result: RecordResult, product_id: str, language_id: str, rules: PublishRules) -> Judgement:
    if result.status == "error":
        return _judge_error(result.error_code or "", result.error_message or "")
    text = _FENCE_LINE.sub("", result.text or "").strip()
    if not text:
        return Judgement(Verdict.RETRY, reason="empty answer")
    if result.stop_reason == "max_tokens":
        return Judgement(Verdict.RETRY, reason="answer cut by max_tokens")
    markers = find_markers(text)
    if not markers:
        return Judgement(Verdict.RETRY, reason="missing marker")
    foreign = sorted({m for m in markers if m != (product_id, language_id)})
    if foreign:
        names = ", ".join(f"#{p}#{lang}#" for p, lang in foreign)
        return Judgement(Verdict.RETRY, reason=f"marker names another product or language: {names}")
    first = MARKER_PATTERN.search(text)
    assert first is not None  # markers is not empty
    body = MARKER_PATTERN.sub("", text[first.end() :]).strip()
    html = sanitize_html(body, rules.allowed_tags, rules.allowed_attributes)
    if not html:
        return Judgement(Verdict.RETRY, reason="empty answer")
    if not rules.min_chars <= len(html) <= rules.max_chars:
        return Judgement(Verdict.RETRY, reason=f"{len(html)} characters, outside {rules.min_chars}-{rules.max_chars}")
    return Judgement(Verdict.ACCEPT, html=html)


def _judge_error(code: str, message: str) -> Judgement:
    reason = readable(f"Bedrock error {code}: {message}").rstrip(":")
    if code.isdigit():
        status = int(code)
        can_heal = status in (408, 429) or status >= 500
    else:
        # our own codes (unreadable line, result too large) and AWS exception names
        can_heal = code in _HEALABLE_NAMES or not code.endswith("Exception")
    return Judgement(Verdict.RETRY if can_heal else Verdict.FAIL, reason=reason)
