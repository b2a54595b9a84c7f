"""Verdicts to the letter: the exact reason, verdict and fields of each outcome, and the rules a store
narrows. ``test_verdicts.py`` holds the table; these pin what it leaves open (``make mutation``).
"""

from __future__ import annotations

import json

import pytest

from descgen.contract.messages import RecordResult
from descgen.settings import Settings
from descgen.verdicts import Judgement, PublishRules, Verdict, judge, readable

RULES = PublishRules(frozenset({"p", "ul", "li", "span", "strong", "em"}), {}, 60)
BODY = "<p>A sturdy press.</p>"


def structured(marker="#P1#en#", html=BODY, meta_title="French Press 1L", meta_description="A sturdy press.") -> str:
    return json.dumps({"marker": marker, "html": html, "meta_title": meta_title, "meta_description": meta_description})


def judged(text: str, *, structured_answer: bool = True, title: str = "", rules: PublishRules = RULES) -> Judgement:
    return judge(
        RecordResult("t1a0", "ok", text=text, stop_reason="end_turn"),
        "P1",
        "en",
        rules,
        structured=structured_answer,
        title=title,
    )


# --- rules --------------------------------------------------------------------------------------------------


def test_publish_rules_come_from_the_settings():
    settings = Settings(bucket="b", topic_arn="t", queue_url="q", dlq_url="d", max_description_chars=1234,
                        allowed_attributes={"span": frozenset({"lang"})})  # fmt: skip
    assert PublishRules.from_settings(settings) == PublishRules(
        settings.allowed_tags, {"span": frozenset({"lang"})}, 1234
    )


def test_a_store_can_narrow_the_allowed_tags_never_widen_them():
    narrowed = RULES.with_tags(["p", "em", "script"])
    assert narrowed == PublishRules(frozenset({"p", "em"}), {}, 60)
    assert RULES.with_tags(None) is RULES


# --- text answers -------------------------------------------------------------------------------------------


def test_a_text_answers_meta_title_is_derived_from_the_products_title():
    assert judged("#P1#en#" + BODY, structured_answer=False, title="French Press 1L").meta_title == "French Press 1L"


def test_an_error_result_gives_the_code_and_message_as_they_came():
    coded = RecordResult("t1a0", "error", error_code="ModelTimeoutException", error_message=None)
    assert judge(coded, "P1", "en", RULES) == Judgement(Verdict.RETRY, reason="Bedrock error ModelTimeoutException")
    said = RecordResult("t1a0", "error", error_code="400", error_message="bad: input:")
    assert judge(said, "P1", "en", RULES) == Judgement(Verdict.FAIL, reason="Bedrock error 400: bad: input")


def test_an_empty_answer_is_a_retry():
    assert judged("  ", structured_answer=False) == Judgement(Verdict.RETRY, reason="empty answer")


def test_a_lone_surrogate_becomes_one_replacement_character():
    accepted = judged("#P1#en#<p>A sturdy press \ud83d.</p>", structured_answer=False)
    assert (accepted.verdict, accepted.html) == (Verdict.ACCEPT, "<p>A sturdy press \ufffd.</p>")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("#P2#en#" + BODY, "marker names another product or language: #P2#en#"),
        ("#P1#en#" + BODY + "#P3#de##P2#en#", "marker names another product or language: #P2#en#, #P3#de#"),
        ("#P1#en#<p>x &#35;P2&#35;en&#35;</p>", "marker names another product or language: #p2#en# (disguised)"),
    ],
)
def test_a_foreign_marker_is_named_as_written_or_as_read_when_disguised(text, reason):
    assert judged(text, structured_answer=False) == Judgement(Verdict.RETRY, reason=reason)


# --- html ---------------------------------------------------------------------------------------------------


def test_html_exactly_at_the_cap_is_accepted_and_one_character_over_is_not():
    at_cap = "<p>" + "a" * (60 - 7) + "</p>"
    accepted = judged("#P1#en#" + at_cap, structured_answer=False)
    assert (accepted.verdict, accepted.html, accepted.raw_body) == (Verdict.ACCEPT, at_cap, at_cap)
    over = "<p>" + "a" * (61 - 7) + "</p>"
    assert judged("#P1#en#" + over, structured_answer=False) == Judgement(
        Verdict.RETRY, reason="61 characters, over 60"
    )


def test_html_that_sanitizes_to_nothing_is_an_empty_answer():
    assert judged(structured(html="<script>x()</script>")) == Judgement(Verdict.RETRY, reason="empty answer")


# --- structured answers -------------------------------------------------------------------------------------


def test_a_structured_answer_is_read_from_its_first_brace_to_its_last():
    text = 'Here you are: {"note": "x"} is not it; ' + structured() + " hope that helps {:"
    # the first "{" to the last "}" is not JSON: the whole answer is judged off-schema
    assert judged(text).verdict == Verdict.RETRY
    wrapped = "Sure! " + structured() + " Enjoy."
    accepted = judged(wrapped)
    assert (accepted.verdict, accepted.html, accepted.meta_title, accepted.meta_description) == (
        Verdict.ACCEPT,
        BODY,
        "French Press 1L",
        "A sturdy press.",
    )


def test_a_structured_answer_that_starts_with_its_brace_is_read_whole():
    assert judged(structured()).verdict == Verdict.ACCEPT
    assert judged("{" + structured()[1:]).verdict == Verdict.ACCEPT


def test_a_structured_answer_with_no_closing_brace_is_off_schema():
    assert judged(structured()[:-1]).verdict == Verdict.RETRY


def test_a_foreign_marker_in_a_structured_field_is_named_as_written():
    assert judged(structured(html="<p>Also #P2#en#.</p>")) == Judgement(
        Verdict.RETRY, reason="marker names another product or language: #P2#en#"
    )
    assert judged(structured(meta_title="Ｐress ＃P2＃en＃")) == Judgement(
        Verdict.RETRY, reason="marker names another product or language: #p2#en# (disguised)"
    )


def test_an_empty_structured_marker_is_a_missing_marker():
    assert judged(structured(marker=" ")) == Judgement(Verdict.RETRY, reason="missing marker")


def test_fences_and_the_own_marker_in_the_structured_html_are_dropped():
    accepted = judged(structured(html="```html<p>A sturdy #P1#en# press.</p>```"))
    assert (accepted.verdict, accepted.html) == (Verdict.ACCEPT, "<p>A sturdy  press.</p>")


@pytest.mark.parametrize(
    ("meta_title", "meta_description"), [("<b></b>", "A sturdy press."), ("French Press 1L", "<b></b>")]
)
def test_an_empty_meta_field_is_retried(meta_title, meta_description):
    assert judged(structured(meta_title=meta_title, meta_description=meta_description)) == Judgement(
        Verdict.RETRY, reason="empty meta title or meta description"
    )


@pytest.mark.parametrize(
    ("meta_title", "meta_description", "reason"),
    [
        ("French Press #P1#en#", "A sturdy press.", "a marker in the meta fields"),
        ("French Press", "A sturdy press &#96;&#96;&#96; here.", "a code fence in the meta fields"),
    ],
)
def test_the_own_marker_or_a_fence_in_the_meta_fields_is_retried(meta_title, meta_description, reason):
    assert judged(structured(meta_title=meta_title, meta_description=meta_description)) == Judgement(
        Verdict.RETRY, reason=reason
    )


def test_a_reason_keeps_its_words_apart_where_control_characters_were():
    assert readable("a\x00b\nc\x7fd") == "a b\nc d"


def test_braces_inside_the_structured_html_do_not_cut_the_json_and_text_right_after_it_is_dropped():
    answer = structured(html="<p>A {sturdy} press.</p>")
    accepted = judged(answer + ".")
    assert (accepted.verdict, accepted.html) == (Verdict.ACCEPT, "<p>A {sturdy} press.</p>")
    assert judged(answer + " Enjoy.").verdict == Verdict.ACCEPT


def test_a_fence_written_as_json_escapes_in_the_structured_html_is_dropped():
    fenced = structured(html="<p>A \u0060\u0060\u0060 sturdy press.</p>").replace("`", "\\u0060")
    assert "\\u0060" in fenced
    accepted = judged(fenced)
    assert (accepted.verdict, accepted.html) == (Verdict.ACCEPT, "<p>A  sturdy press.</p>")


def test_two_disguised_foreign_markers_are_both_named():
    text = "#P1#en#<p>x &#35;P2&#35;en&#35; and &#35;P3&#35;de&#35;</p>"
    assert judged(text, structured_answer=False).reason == (
        "marker names another product or language: #p2#en#, #p3#de# (disguised)"
    )


def test_an_error_reason_keeps_its_last_letters():
    error = RecordResult("t1a0", "error", error_code="500", error_message="limit reached: MAX")
    assert judge(error, "P1", "en", RULES) == Judgement(Verdict.RETRY, reason="Bedrock error 500: limit reached: MAX")
    no_code = RecordResult("t1a0", "error", error_code=None, error_message="lost")
    assert judge(no_code, "P1", "en", RULES) == Judgement(Verdict.RETRY, reason="Bedrock error : lost")


def test_a_text_answer_judged_without_a_title_has_an_empty_meta_title():
    judgement = judge(RecordResult("t1a0", "ok", text="#P1#en#" + BODY, stop_reason="end_turn"), "P1", "en", RULES)
    assert (judgement.meta_title, judgement.meta_description) == ("", "A sturdy press.")


def test_the_own_marker_split_by_an_encoded_tag_in_the_meta_fields_is_still_seen():
    assert (
        judged(structured(meta_title="French #P1&lt;b&gt;&lt;/b&gt;#en# Press")).reason == "a marker in the meta fields"
    )


def test_a_structured_answer_without_braces_is_judged_whole():
    assert judged('["a"]') == Judgement(
        Verdict.RETRY,
        reason="structured answer breaks the schema (1 error(s)); answer: Input should be a valid dictionary or instance of SeoAnswer",
    )
