"""A store's brand voice: how its copy sounds and what the quality gate holds it to.

Versioned data (``db/voices.py`` keeps every version). Two parts:

- what shapes the model's answer (tone, audience, examples, glossary, forbidden
  words and claims, target length, tags): its digest, ``prompt_digest``, is part of
  every task's fingerprint, so a change regenerates exactly that store once;
- the gate's policy (``outcomes``, ``thresholds``): applied to answers as they come,
  it changes nothing already bought and is not in the fingerprint.

Length is in words for languages written with spaces and in characters for the
scripts written without (Japanese, Chinese, Thai, ...), so a 29-character Japanese
sentence and a 47-character German one are judged by what they say, not by bytes.
"""

from __future__ import annotations

import hashlib
import json
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

# Languages written without spaces between words: their length is counted in characters.
UNSPACED_LANGUAGES = frozenset({"ja", "zh", "th", "lo", "km", "my", "bo"})

Outcome = Literal["publish", "retry", "hold"]
Phrase = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class Check(StrEnum):
    """The quality gate's checks (``quality/gate.py``), one score and reason each."""

    LANGUAGE = "language"
    LENGTH = "length"
    META = "meta"
    KEYWORDS = "keywords"
    FORBIDDEN = "forbidden"
    GLOSSARY = "glossary"
    DAMAGE = "damage"
    DUPLICATE = "duplicate"


# What a failed check does unless the store says otherwise. Text that is in the wrong
# language, of the wrong length, says what the store forbids, is damaged by the sanitizer
# or repeats another product is worth another try; keyword and glossary misses often mean
# the model translated a term (a person decides).
DEFAULT_OUTCOMES: dict[Check, Outcome] = {
    Check.LANGUAGE: "retry",
    Check.LENGTH: "retry",
    Check.META: "retry",
    Check.KEYWORDS: "hold",
    Check.FORBIDDEN: "retry",
    Check.GLOSSARY: "hold",
    Check.DAMAGE: "retry",
    Check.DUPLICATE: "retry",
}


class LengthTarget(BaseModel):
    """Words (characters for unspaced scripts) the description's text should have."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    min: int = Field(ge=1)
    max: int = Field(ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> LengthTarget:
        if self.min > self.max:
            raise ValueError(f"length min {self.min} is above max {self.max}")
        return self


DEFAULT_WORDS = LengthTarget(min=40, max=400)
DEFAULT_CHARACTERS = LengthTarget(min=80, max=1200)


class GlossaryTerm(BaseModel):
    """A term the copy must use as the store says: ``translations`` per language id (the term itself elsewhere)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    term: Phrase
    translations: dict[str, Phrase] = Field(default_factory=dict)

    def in_language(self, language_id: str) -> str:
        return self.translations.get(language_id) or self.translations.get(language_id.split("-")[0]) or self.term


class Thresholds(BaseModel):
    """Where each scored check passes; the defaults are explained in ``quality/gate.py``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    language_confidence: float = Field(0.5, ge=0, le=1)
    keyword_share: float = Field(0.5, ge=0, le=1)
    duplicate_similarity: float = Field(0.7, gt=0, le=1)
    sanitizer_removed_share: float = Field(0.2, ge=0, le=1)
    broken_elements: int = Field(2, ge=0)


class ReviewPolicy(BaseModel):
    """Which answers a person reads before they go live (the rest by the checks' outcomes)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    hold_all: bool = Field(False, description="every answer is held for review")
    sample_percent: float = Field(
        0, ge=0, le=100, description="this share of the answers that would go live is held for review too"
    )

    def holds(self, key: str) -> bool:
        """Whether the answer named by ``key`` is held: the same key always draws the same (a
        stable sample: a rerun or a second delivery decides alike)."""
        if self.hold_all:
            return True
        if self.sample_percent <= 0:
            return False
        draw = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big") % 10_000
        return draw < round(self.sample_percent * 100)


class BrandVoice(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    tone: str = Field("", max_length=300, description="how the copy sounds, e.g. 'warm, plain, no hype'")
    audience: str = Field("", max_length=300, description="who reads it")
    examples: list[Annotated[str, StringConstraints(max_length=400)]] = Field(
        default_factory=list, max_length=5, description="a few sentences in the store's voice"
    )
    glossary: list[GlossaryTerm] = Field(default_factory=list, max_length=200)
    forbidden: list[Phrase] = Field(default_factory=list, max_length=200, description="words and claims never used")
    length: dict[str, LengthTarget] = Field(
        default_factory=dict, description="per language id (or its base, 'de' for 'de-CH'); defaults otherwise"
    )
    allowed_tags: list[Literal["p", "ul", "ol", "li", "span", "strong", "em", "br"]] | None = Field(
        None, description="tags the copy may use (within the deployment's allowlist); default: the deployment's"
    )
    outcomes: dict[Check, Outcome] = Field(default_factory=dict, description="what a failed check does")
    thresholds: Thresholds = Field(default_factory=Thresholds)
    review: ReviewPolicy = Field(default_factory=ReviewPolicy, description="which answers a person reads first")

    def outcome(self, check: Check) -> Outcome:
        return self.outcomes.get(check, DEFAULT_OUTCOMES[check])

    def length_for(self, language_id: str) -> LengthTarget:
        given = self.length.get(language_id) or self.length.get(language_id.split("-")[0])
        if given is not None:
            return given
        return DEFAULT_CHARACTERS if counts_characters(language_id) else DEFAULT_WORDS

    def prompt_part(self) -> dict[str, object]:
        """The fields that shape the model's answer (the rest is the gate's policy)."""
        return self.model_dump(mode="json", exclude={"outcomes", "thresholds", "review"})

    def prompt_digest(self) -> str:
        canonical = json.dumps(self.prompt_part(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def counts_characters(language_id: str) -> bool:
    return language_id.split("-")[0].lower() in UNSPACED_LANGUAGES
