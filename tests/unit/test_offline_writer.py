"""The offline writer: a prompt from descgen.prompts -> a deterministic Converse or Anthropic Messages response."""

from __future__ import annotations

import math
import re
from typing import Any

import pytest

from descgen.contract.records import find_markers
from descgen.prompts import ProductFacts, model_input
from local.offline_writer import estimate_tokens, write_converse_response, write_response
from tests.builders import anthropic_body

ALLOWED_TAGS = {"p", "ul", "li", "span", "strong"}
LATIN_LANGUAGES = ("en", "de", "fr", "es", "it", "nl")
# A word (or script) every phrasing of the language contains.
LANGUAGE_SIGNS = {
    "en": r"\bthe\b",
    "de": r"\bSie\b",
    "fr": r"\bvous\b",
    "es": r"\bpara\b",
    "it": r"\bper\b",
    "nl": r"\bje\b",
    "ja": r"[\u3040-\u309f]",  # hiragana
    "zh": r"您",
    "ar": r"[\u0600-\u06ff]",  # Arabic script, written right to left
}


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


@pytest.mark.parametrize("language_id", sorted(LANGUAGE_SIGNS))
def test_the_answer_starts_with_the_products_marker(language_id: str) -> None:
    # GIVEN a prompt for product SKU-9 in a language
    # WHEN the writer answers it
    text = text_of(answer(body_for(product("SKU-9"), language_id)))
    # THEN the text starts with that product's marker, and names no one else
    assert text.startswith(f"#SKU-9#{language_id}#")
    assert find_markers(text) == [("SKU-9", language_id)]


@pytest.mark.parametrize("language_id", sorted(LANGUAGE_SIGNS))
def test_the_answer_uses_only_the_allowed_tags(language_id: str) -> None:
    # GIVEN a prompt with keywords and attributes
    # WHEN the writer answers it
    text = text_of(answer(body_for(product(), language_id)))
    # THEN every tag is one the prompt allows (plus strong), without attributes
    tags = re.findall(r"<(/?)([^\s>/]+)([^>]*)>", text)
    assert tags
    assert {name for _, name, _ in tags} <= ALLOWED_TAGS
    assert all(not attributes.strip() for _, _, attributes in tags)


@pytest.mark.parametrize(("language_id", "sign"), sorted(LANGUAGE_SIGNS.items()))
def test_the_answer_is_written_in_the_requested_language(language_id: str, sign: str) -> None:
    # GIVEN prompts for several products in one language
    for number in range(12):
        # WHEN the writer answers each
        text = text_of(answer(body_for(product(f"p{number}"), language_id)))
        # THEN every phrasing is in that language
        assert re.search(sign, text, re.IGNORECASE), text


def test_a_language_without_its_own_phrases_falls_back_to_english() -> None:
    # GIVEN a prompt in Portuguese, which has no templates of its own
    # WHEN the writer answers it
    text = text_of(answer(body_for(product(), "pt")))
    # THEN the marker keeps the requested language and the text is English
    assert text.startswith("#p1#pt#")
    assert re.search(LANGUAGE_SIGNS["en"], text)


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
