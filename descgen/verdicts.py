"""What becomes of one result: published, tried again, or given up.

The record id already chose the task; this checks that the text is really for it
and fit to publish. An answer is either structured (JSON conforming to
``descgen.structured_output.SeoAnswer``: marker, html, meta title, meta
description) or the original design's text (the marker, then HTML); both reach
this one table. Every output shape has one defined outcome:

======================================  ==========================================
text before the marker / the JSON       accepted; the preamble is dropped
code fences anywhere (``` or ~~~)       accepted; the fences are dropped (a fence
                                          still there in disguise: retry)
no marker (or an empty "marker")        retry: "missing marker"
a marker naming another product/lang    retry, and nothing is written anywhere
  (in the text, the JSON's marker, or     (looked for in the normalized text:
  anywhere in its html or meta fields,     entities decoded, tags glued, NFKC,
  in any disguise)                         case-folded; ``quality.normalize``)
the task's marker more than once        accepted; every copy is dropped (a copy
                                          in disguise left in the HTML: retry)
empty text (after cleaning)             retry: "empty answer"
cut by max_tokens                       retry: the end of the text is missing
structured: not JSON, or off-schema     retry, with the first schema error
  (a field missing, a meta over bound)
longer than max_description_chars       retry, with the length in the reason
                                          (the voice's length is the gate's check)
Bedrock error 429 / throttling          wait: retried without counting an attempt
Bedrock error 5xx, timeouts             retry (the error can heal)
Bedrock error 400 and other 4xx         failed (the same input fails again)
a line that was not JSON / not UTF-8    retry
======================================  ==========================================

An accepted answer then meets the quality gate (``quality.gate``) before it is
stored. "Retry" sends the task back to pending with ``attempts + 1``; the attempt limit
turns it into failed with this reason. "Wait" sends it back with its attempts
unchanged (the drain bounds waits with ``max_throttles``). A text answer's meta
fields are derived (``structured_output.derived_meta``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass, replace
from enum import StrEnum

from descgen.contract.messages import RecordResult
from descgen.contract.records import MARKER_PATTERN, make_marker
from descgen.quality.normalize import foreign_markers, has_fence, has_marker_shape
from descgen.sanitize import plain_text, sanitize_html
from descgen.settings import Settings
from descgen.structured_output import InvalidAnswer, derived_meta, parse_answer

_FENCE = re.compile(r"(?:```|~~~)[A-Za-z0-9_-]*")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_HEALABLE_NAMES = frozenset({"ServiceUnavailableException", "ModelTimeoutException", "InternalServerException"})
_THROTTLE_NAMES = frozenset({"ThrottlingException", "TooManyRequestsException", "ServiceQuotaExceededException"})


_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
REASON_CHARS = 500


def readable(text: str) -> str:
    """A reason fit for a database column and a log line: no control characters, bounded."""
    return _CONTROL_CHARACTERS.sub(" ", text).strip()[:REASON_CHARS]


class Verdict(StrEnum):
    ACCEPT = "accept"
    WAIT = "wait"  # throttled: try again, no attempt counted
    RETRY = "retry"
    FAIL = "fail"


@dataclass(frozen=True)
class PublishRules:
    allowed_tags: Set[str]
    allowed_attributes: Mapping[str, Set[str]]
    max_chars: int

    @classmethod
    def from_settings(cls, settings: Settings) -> PublishRules:
        return cls(
            allowed_tags=settings.allowed_tags,
            allowed_attributes=settings.allowed_attributes,
            max_chars=settings.max_description_chars,
        )

    def with_tags(self, tags: Iterable[str] | None) -> PublishRules:
        """A store's narrower tag list (its voice), never wider than the deployment's."""
        if tags is None:
            return self
        return replace(self, allowed_tags=frozenset(self.allowed_tags & set(tags)))


@dataclass(frozen=True)
class Judgement:
    verdict: Verdict
    html: str | None = None
    reason: str | None = None
    meta_title: str | None = None
    meta_description: str | None = None
    raw_body: str = ""  # the answer's HTML before sanitizing (the gate measures what was removed)
    meta_derived: bool = False  # a text answer: the meta fields are derived, not the model's


def judge(
    result: RecordResult,
    product_id: str,
    language_id: str,
    rules: PublishRules,
    *,
    structured: bool = False,
    title: str = "",
) -> Judgement:
    """The outcome for one result of the task ``(product_id, language_id)``.

    ``structured`` says the task asked for JSON; ``title`` (the product's) feeds the
    derived meta title of a text answer.
    """
    if result.status == "error":
        return _judge_error(result.error_code or "", result.error_message or "")
    # a lone surrogate cannot be stored or sanitized: it becomes "\ufffd", which the gate counts
    text = _without_fences(_without_surrogates(result.text or "")).strip()
    if not text:
        return Judgement(Verdict.RETRY, reason="empty answer")
    if result.stop_reason == "max_tokens":
        return Judgement(Verdict.RETRY, reason="answer cut by max_tokens")
    own = make_marker(product_id, language_id)
    foreign = foreign_markers(own, [text])
    if foreign:
        return _foreign(foreign, text, own)
    if structured:
        return _judge_structured(text, own, rules)
    first = MARKER_PATTERN.search(text)
    if first is None or first.group(0) != own:
        return Judgement(Verdict.RETRY, reason="missing marker")
    body = MARKER_PATTERN.sub("", text[first.end() :]).strip()
    judgement = _judge_html(body, rules)
    if judgement.verdict != Verdict.ACCEPT or judgement.html is None:
        return judgement
    meta_title, meta_description = derived_meta(title, judgement.html)
    return replace(judgement, meta_title=meta_title, meta_description=meta_description, meta_derived=True)


def _foreign(markers: list[str], text: str, own: str) -> Judgement:
    """Named as written where the text has them plainly; else as normalized (a disguise)."""
    plain = sorted({m.group(0) for m in MARKER_PATTERN.finditer(text)} - {own})
    names = ", ".join(plain) if plain else ", ".join(markers) + " (disguised)"
    return Judgement(Verdict.RETRY, reason=readable(f"marker names another product or language: {names}"))


def _judge_structured(text: str, marker: str, rules: PublishRules) -> Judgement:
    start, end = text.find("{"), text.rfind("}")
    try:
        answer = parse_answer(text[start : end + 1] if 0 <= start < end else text)
    except InvalidAnswer as error:
        return Judgement(Verdict.RETRY, reason=readable(str(error)))
    # the JSON's escapes are decoded now: look again, in every field
    fields = [_without_surrogates(f) for f in (answer.marker, answer.html, answer.meta_title, answer.meta_description)]
    foreign = foreign_markers(marker, fields)
    if foreign:
        return _foreign(foreign, " ".join(fields), marker)
    if not answer.marker.strip():
        return Judgement(Verdict.RETRY, reason="missing marker")
    if answer.marker.strip() != marker:
        return Judgement(Verdict.RETRY, reason=readable(f"marker {answer.marker!r} is not {marker}"))
    body = _without_fences(fields[1])
    judgement = _judge_html(MARKER_PATTERN.sub("", body).strip(), rules)
    if judgement.verdict != Verdict.ACCEPT:
        return judgement
    meta_title, meta_description = (plain_text(m) for m in fields[2:])
    if not meta_title or not meta_description:
        return Judgement(Verdict.RETRY, reason="empty meta title or meta description")
    meta = meta_title + " " + meta_description
    if has_marker_shape([meta]):
        return Judgement(Verdict.RETRY, reason="a marker in the meta fields")
    if has_fence([meta]):  # the reading just made (if one was needed), from the cache
        return Judgement(Verdict.RETRY, reason="a code fence in the meta fields")
    return replace(judgement, meta_title=meta_title, meta_description=meta_description)


def _judge_html(body: str, rules: PublishRules) -> Judgement:
    html = sanitize_html(body, rules.allowed_tags, rules.allowed_attributes)
    if not html:
        return Judgement(Verdict.RETRY, reason="empty answer")
    if len(html) > rules.max_chars:
        return Judgement(Verdict.RETRY, reason=f"{len(html)} characters, over {rules.max_chars}")
    if has_marker_shape([html]):
        # the task's own marker in a disguise the raw text hid: a reader would see it
        return Judgement(Verdict.RETRY, reason="a marker left in the text")
    if has_fence([html]):
        return Judgement(Verdict.RETRY, reason="a code fence left in the text")
    return Judgement(Verdict.ACCEPT, html=html, raw_body=body)


def _without_surrogates(text: str) -> str:
    """Each surrogate as U+FFFD; only a text that has one fails to encode (the regular expression is slow on prose)."""
    if text.isascii():
        return text
    try:
        text.encode()
    except UnicodeEncodeError:
        return _LONE_SURROGATE.sub("\ufffd", text)
    return text


def _without_fences(text: str) -> str:
    return _FENCE.sub("", text) if "```" in text or "~~~" in text else text


def _judge_error(code: str, message: str) -> Judgement:
    reason = readable(f"Bedrock error {code}: {message}").rstrip(":")
    if code == "429" or code in _THROTTLE_NAMES:
        return Judgement(Verdict.WAIT, reason=reason)
    if code.isdigit():
        status = int(code)
        can_heal = status == 408 or status >= 500
    else:
        # our own codes (unreadable line, result too large) and AWS exception names
        can_heal = code in _HEALABLE_NAMES or not code.endswith("Exception")
    return Judgement(Verdict.RETRY if can_heal else Verdict.FAIL, reason=reason)
