"""The offline writer's structured output: a Converse body with a JSON schema -> one JSON object that fits it."""

from __future__ import annotations

import json
from typing import Any

import jsonschema  # a dev dependency through checkov
import pytest

from descgen.contract.records import find_markers
from descgen.prompts import ProductFacts, model_input
from local.offline_writer import requested_schema, write_converse_response

LANGUAGES = ("en", "de", "fr", "es", "it", "nl", "pt", "ja", "zh", "ar")


def product(product_id: str = "p1", title: str = "Trail Runner 2") -> ProductFacts:
    return ProductFacts(product_id, title, ("running shoes", "lightweight"), {"color": "blue"})


def structured_body(facts: ProductFacts, language_id: str = "en", max_tokens: int = 1024) -> dict[str, Any]:
    return model_input(facts, language_id, max_tokens=max_tokens, temperature=0.2, structured=True)


def with_schema(body: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """The body with its schema replaced."""
    text_format = body["outputConfig"]["textFormat"]
    json_schema = {**text_format["structure"]["jsonSchema"], "schema": json.dumps(schema)}
    return {**body, "outputConfig": {"textFormat": {**text_format, "structure": {"jsonSchema": json_schema}}}}


def text_of(response: dict[str, Any]) -> str:
    return "".join(block["text"] for block in response["output"]["message"]["content"])


def answer_of(body: dict[str, Any]) -> dict[str, Any]:
    return dict(json.loads(text_of(write_converse_response(body))))


def test_the_answer_is_one_json_object_that_fits_descgens_schema() -> None:
    # GIVEN the body descgen writes for structured output
    body = structured_body(product("SKU-9"))
    # WHEN the writer answers it
    answer = answer_of(body)
    # THEN the text is JSON that conforms to the schema the body carries
    jsonschema.validate(answer, requested_schema(body))
    # AND the marker is the prompt's, and the HTML body is the text answer's, without the marker
    assert answer["marker"] == "#SKU-9#en#"
    plain = model_input(product("SKU-9"), "en", max_tokens=1024, temperature=0.2, structured=False)
    assert text_of(write_converse_response(plain)) == f"#SKU-9#en#\n{answer['html']}"
    assert find_markers(answer["html"]) == []


@pytest.mark.parametrize("language_id", LANGUAGES)
def test_the_meta_fields_are_in_the_language_and_within_their_bounds(language_id: str) -> None:
    # GIVEN a structured prompt in a language
    # WHEN the writer answers it
    answer = answer_of(structured_body(product(), language_id))
    english = answer_of(structured_body(product(), "en"))
    # THEN the meta title and description name the product, in that language, within 60 and 155 characters
    assert "Trail Runner 2" in answer["meta_title"]
    assert "Trail Runner 2" in answer["meta_description"]
    assert len(answer["meta_title"]) <= 60
    assert len(answer["meta_description"]) <= 155
    if language_id != "en":
        assert answer["meta_description"] != english["meta_description"]


def test_a_long_title_is_shortened_so_the_meta_fields_keep_their_bounds() -> None:
    # GIVEN a product whose title alone is longer than either bound
    title = "Ultralight Waterproof Trail Running Shoe with Recycled Mesh Upper " * 3
    # WHEN the writer answers it
    answer = answer_of(structured_body(product(title=title.strip())))
    # THEN both meta fields are cut to fit, the title shortened inside the sentence
    assert len(answer["meta_title"]) <= 60
    assert len(answer["meta_description"]) <= 155
    assert answer["meta_description"].startswith("Discover the Ultralight")
    assert answer["meta_description"].endswith("today.")
    # AND the first keyword, which the shortened title would lose, leads the meta title
    assert answer["meta_title"].startswith("running shoes – Ultralight Waterproof")


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Trail Running Shoes X", "Trail Running Shoes X | Buy online"),
        (
            "Lightweight Trail Running Shoes for Long Mountain Days",
            "Lightweight Trail Running Shoes for Long Mountain Days",
        ),
        ("Trail Runner 2", "running shoes – Trail Runner 2"),
    ],
    ids=["template-fits", "title-alone-fits", "keyword-first"],
)
def test_the_meta_title_holds_the_first_keyword(title: str, expected: str) -> None:
    # GIVEN a product whose first keyword is "running shoes", with a short, a long or a keyword-less title
    # WHEN the writer answers a structured prompt for it
    answer = answer_of(structured_body(product(title=title)))
    # THEN the meta title keeps the keyword: the shop's template if it fits, the title alone, or the keyword first
    assert answer["meta_title"] == expected


def test_other_properties_are_filled_by_type_keeping_max_length_enum_and_required() -> None:
    # GIVEN a schema of another shape: a short string, an enum, other types, and a required name without a property
    schema = {
        "type": "object",
        "properties": {
            "marker": {"type": "string"},
            "meta_title": {"type": "string", "maxLength": 20},
            "tagline": {"type": "string", "maxLength": 12},
            "tone": {"type": "string", "enum": ["warm", "formal"]},
            "word_count": {"type": "integer"},
            "featured": {"type": "boolean"},
            "bullets": {"type": "array", "items": {"type": "string"}},
            "note": {"type": ["string", "null"]},
        },
        "required": ["marker", "meta_title", "tagline", "tone", "summary"],
    }
    # WHEN the writer answers a body with it
    answer = answer_of(with_schema(structured_body(product()), schema))
    # THEN every property and required name is there, fitting its declaration
    jsonschema.validate(answer, schema)
    assert set(answer) == {*schema["properties"], "summary"}
    assert len(answer["meta_title"]) <= 20
    assert len(answer["tagline"]) <= 12
    assert answer["tone"] == "warm"
    assert (answer["word_count"], answer["featured"], answer["bullets"]) == (0, False, [])
    assert isinstance(answer["note"], str)
    assert answer["summary"]


def test_the_same_prompt_gives_the_same_bytes() -> None:
    body = structured_body(product("p7"), "de")
    assert write_converse_response(body) == write_converse_response(body)


def test_a_small_max_tokens_cuts_the_json_short() -> None:
    # GIVEN a structured prompt that allows only 40 output tokens
    # WHEN the writer answers it
    response = write_converse_response(structured_body(product(), max_tokens=40))
    # THEN the JSON stops early and does not parse, and the stop reason says why
    assert response["stopReason"] == "max_tokens"
    assert response["usage"]["outputTokens"] == 40
    with pytest.raises(ValueError, match=r"Unterminated|Expecting"):
        json.loads(text_of(response))


@pytest.mark.parametrize(
    ("schema", "message"),
    [("{not json", "JSON schema given as a JSON string"), ('{"type": "array"}', "must describe an object")],
    ids=["not-json", "not-an-object"],
)
def test_a_schema_that_is_not_a_json_object_schema_is_rejected(schema: str, message: str) -> None:
    # GIVEN a text format whose schema is not JSON, or not an object's schema
    body = structured_body(product())
    body["outputConfig"]["textFormat"]["structure"]["jsonSchema"]["schema"] = schema
    # WHEN / THEN the writer refuses it (the emulator answers a 400)
    with pytest.raises(ValueError, match=message):
        write_converse_response(body)
