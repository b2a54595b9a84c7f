"""Structured SEO output: the JSON a model answers with where it supports a schema.

One pydantic model is the schema. Bedrock's structured output (Converse
``outputConfig.textFormat``) compiles the schema into a grammar, and that grammar
takes no length bounds (``maxLength`` and friends are refused with a 400), so the
schema sent on the wire is the same model with its bounds removed and every
object closed (``additionalProperties: false``); the bounds are checked here,
after the answer arrives, by validating against the full model.

A model without structured output is asked for the original design's text (the
marker, then HTML); its meta fields are derived by ``derived_meta``: the title
is the product title, the description the first sentence of the body, each cut
at a word boundary to its bound.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from descgen.sanitize import plain_text

META_TITLE_MAX = 60
META_DESCRIPTION_MAX = 160
SCHEMA_NAME = "seo_product_description"
_LENGTH_KEYWORDS = frozenset({"maxLength", "minLength", "maximum", "minimum", "maxItems", "minItems"})


class SeoAnswer(BaseModel):
    """What the model returns: the marker (a cross-check), the body, and the two meta fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    marker: str = Field(description="exactly the marker given in the instructions, #<productId>#<languageId>#")
    html: str = Field(min_length=1, description="the product description as HTML, only the allowed tags")
    meta_title: str = Field(
        min_length=1, max_length=META_TITLE_MAX, description=f"SEO title, at most {META_TITLE_MAX} characters"
    )
    meta_description: str = Field(
        min_length=1,
        max_length=META_DESCRIPTION_MAX,
        description=f"SEO meta description, at most {META_DESCRIPTION_MAX} characters",
    )


class InvalidAnswer(ValueError):
    """An answer that is not JSON or does not conform to the schema (the reason is one line)."""


def _wire(schema: Any) -> Any:
    if isinstance(schema, dict):
        cleaned = {key: _wire(value) for key, value in schema.items() if key not in _LENGTH_KEYWORDS}
        if isinstance(cleaned.get("title"), str):  # a schema's label, not a property named "title"
            cleaned.pop("title")
        if cleaned.get("type") == "object":
            cleaned["additionalProperties"] = False
        return cleaned
    if isinstance(schema, list):
        return [_wire(item) for item in schema]
    return schema


WIRE_SCHEMA_JSON = json.dumps(_wire(SeoAnswer.model_json_schema()), sort_keys=True, separators=(",", ":"))
# Part of every structured task's fingerprint: a new schema regenerates the catalog once.
SCHEMA_DIGEST = hashlib.sha256(WIRE_SCHEMA_JSON.encode()).hexdigest()[:12]


def output_config() -> dict[str, Any]:
    """Converse ``outputConfig`` asking for the schema."""
    return {
        "textFormat": {
            "type": "json_schema",
            "structure": {
                "jsonSchema": {
                    "name": SCHEMA_NAME,
                    "description": "an SEO product description with its meta title and meta description",
                    "schema": WIRE_SCHEMA_JSON,
                }
            },
        }
    }


def parse_answer(text: str) -> SeoAnswer:
    """The answer's JSON, validated with its bounds; ``InvalidAnswer`` with a one-line reason otherwise."""
    try:
        data = json.loads(text)
    except ValueError as error:
        raise InvalidAnswer(f"structured answer is not JSON: {error}") from error
    try:
        return SeoAnswer.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "answer"
        raise InvalidAnswer(
            f"structured answer breaks the schema ({error.error_count()} error(s)); {where}: {first['msg']}"
        ) from error


_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s")


def derived_meta(title: str, body_html: str) -> tuple[str, str]:
    """Meta title and description for an answer that has none (the text-only path)."""
    text = plain_text(body_html)
    first_sentence = _SENTENCE_END.split(text, maxsplit=1)[0] if text else ""
    return _cut(title.strip(), META_TITLE_MAX), _cut(first_sentence, META_DESCRIPTION_MAX)


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    space = head.rfind(" ")
    return (head[:space] if space > limit // 2 else head).rstrip(" ,;:-") + "…"
