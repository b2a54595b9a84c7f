"""Each output shape has one defined outcome (the table in descgen/verdicts.py)."""

import json

import pytest

from descgen.contract.messages import RecordResult
from descgen.verdicts import PublishRules, Verdict, judge

RULES = PublishRules(
    allowed_tags=frozenset({"p", "ul", "li", "span", "strong", "em"}),
    allowed_attributes={},
    max_chars=2000,
)
BODY = "<p>A sturdy French press for rich coffee.</p><ul><li>Steel</li></ul>"


def ok(text, stop_reason="end_turn"):
    return RecordResult("t1a0", "ok", text=text, stop_reason=stop_reason)


def verdict_of(text, **kwargs):
    return judge(ok(text, **kwargs), "P1", "en", RULES)


def test_a_clean_answer_is_accepted_without_its_marker():
    judgement = verdict_of("#P1#en#" + BODY)
    assert judgement.verdict == Verdict.ACCEPT
    assert judgement.html == BODY


def test_text_before_the_marker_is_dropped_and_the_rest_accepted():
    judgement = verdict_of("Here is your description:\n#P1#en#" + BODY)
    assert (judgement.verdict, judgement.html) == (Verdict.ACCEPT, BODY)


def test_code_fences_are_dropped_and_the_rest_accepted():
    judgement = verdict_of("```html\n#P1#en#" + BODY + "\n```")
    assert (judgement.verdict, judgement.html) == (Verdict.ACCEPT, BODY)


def test_the_tasks_own_marker_twice_is_accepted_with_both_copies_dropped():
    judgement = verdict_of("#P1#en#" + BODY + "#P1#en#")
    assert (judgement.verdict, judgement.html) == (Verdict.ACCEPT, BODY)


def test_a_missing_marker_is_retried():
    judgement = verdict_of(BODY)
    assert (judgement.verdict, judgement.reason) == (Verdict.RETRY, "missing marker")


@pytest.mark.parametrize("marker", ["#P2#en#", "#P1#de#"])
def test_a_marker_naming_another_product_or_language_is_retried_and_never_accepted(marker):
    judgement = verdict_of(marker + BODY)
    assert judgement.verdict == Verdict.RETRY
    assert marker in judgement.reason
    assert judgement.html is None


def test_two_different_markers_are_retried_even_when_one_is_right():
    judgement = verdict_of("#P1#en#" + BODY + "#P9#en#")
    assert judgement.verdict == Verdict.RETRY
    assert "#P9#en#" in judgement.reason


@pytest.mark.parametrize("text", ["", "   ", "```html\n```", "#P1#en#", "#P1#en#<script>x</script>"])
def test_an_empty_answer_is_retried(text):
    assert verdict_of(text).reason == "empty answer"


def test_an_answer_cut_by_max_tokens_is_retried():
    judgement = verdict_of("#P1#en#<p>This sentence stops in the mid", stop_reason="max_tokens")
    assert (judgement.verdict, judgement.reason) == (Verdict.RETRY, "answer cut by max_tokens")


def test_an_answer_over_the_stored_html_cap_is_retried_with_its_length_and_a_short_one_is_left_to_the_gate():
    assert "3007 characters, over 2000" in verdict_of("#P1#en#<p>" + "x" * 3000 + "</p>").reason
    assert verdict_of("#P1#en#<p>short</p>").verdict == Verdict.ACCEPT  # the voice's length is the gate's check


def test_unsafe_html_is_sanitized_before_it_is_accepted():
    judgement = verdict_of(
        '#P1#en#<p onclick="steal()">Nice <script>alert(1)</script><a href="javascript:x">press</a></p>'
        '<img src="x" onerror="y"><iframe src="//evil"></iframe><p style="color:red">Great <b>coffee</b> maker</p>'
    )
    assert judgement.verdict == Verdict.ACCEPT
    assert judgement.html == "<p>Nice press</p><p>Great coffee maker</p>"


@pytest.mark.parametrize(
    ("code", "verdict"),
    [
        ("429", Verdict.WAIT),
        ("500", Verdict.RETRY),
        ("503", Verdict.RETRY),
        ("ThrottlingException", Verdict.WAIT),
        ("ServiceQuotaExceededException", Verdict.WAIT),
        ("408", Verdict.RETRY),
        ("MalformedOutput", Verdict.RETRY),
        ("400", Verdict.FAIL),
        ("403", Verdict.FAIL),
        ("ValidationException", Verdict.FAIL),
    ],
)
def test_throttling_waits_an_error_that_can_heal_is_retried_and_one_that_cannot_is_failed(code, verdict):
    judgement = judge(RecordResult("t1a0", "error", error_code=code, error_message="boom"), "P1", "en", RULES)
    assert judgement.verdict == verdict
    assert code in judgement.reason


def test_an_error_message_with_control_characters_becomes_a_storable_bounded_reason():
    judgement = judge(
        RecordResult("t1a0", "error", error_code="500", error_message="bad\x00 byte" + "x" * 900), "P1", "en", RULES
    )
    assert "\x00" not in judgement.reason
    assert len(judgement.reason) == 500


@pytest.mark.parametrize(
    ("language", "body"),
    [
        ("ja", "<p>このフレンチプレスは毎朝のコーヒーを豊かにします。☕ 耐久性のあるステンレス製です。</p>"),
        ("ar", "<p>مكبس القهوة الفرنسي هذا يجعل قهوتك الصباحية أغنى وأكثر متعة كل يوم.</p>"),
        ("he", "<p>מכבש הקפה הצרפתי הזה הופך את הקפה של הבוקר לעשיר יותר 🎉 בכל יום מחדש.</p>"),
    ],
)
def test_cjk_right_to_left_and_emoji_answers_are_accepted_unchanged(language, body):
    judgement = judge(ok(f"#P1#{language}#{body}"), "P1", language, RULES)
    assert (judgement.verdict, judgement.html) == (Verdict.ACCEPT, body)


# --- structured answers: the same table, reached through the JSON schema -----------------------

META = {"meta_title": "French Press 1L | Rich coffee", "meta_description": "A sturdy steel French press."}


def structured(**fields):
    return json.dumps({"marker": "#P1#en#", "html": BODY, **META, **fields})


def judge_json(text, stop_reason="end_turn"):
    return judge(ok(text, stop_reason), "P1", "en", RULES, structured=True)


def test_a_structured_answer_is_accepted_with_its_body_and_meta_fields():
    judgement = judge_json(structured())
    assert (judgement.verdict, judgement.html) == (Verdict.ACCEPT, BODY)
    assert (judgement.meta_title, judgement.meta_description) == (META["meta_title"], META["meta_description"])


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"marker": "#P1#en#", "html": "<p>cut', "not JSON"),
        (json.dumps({"marker": "#P1#en#", "html": BODY, "meta_title": "T"}), "meta_description"),
        (structured(meta_title="x" * 61), "meta_title"),
        (structured(html=7), "html"),
        (structured(extra="field"), "extra"),
        (structured(marker=""), "missing marker"),
        (structured(marker="P1 en"), "is not #P1#en#"),
    ],
)
def test_a_structured_answer_off_its_schema_or_without_its_marker_is_retried_with_the_reason(text, reason):
    judgement = judge_json(text)
    assert judgement.verdict == Verdict.RETRY
    assert reason in judgement.reason
    assert judgement.html is None


@pytest.mark.parametrize(
    "text",
    [
        structured(marker="#P2#en#"),
        structured(html="<p>Mine.</p>#P2#en#<p>Someone else's text.</p>"),
        structured(meta_description="Buy #P1#de# now"),
    ],
)
def test_a_foreign_marker_anywhere_in_a_structured_answer_is_retried_and_never_accepted(text):
    judgement = judge_json(text)
    assert judgement.verdict == Verdict.RETRY
    assert "another product or language" in judgement.reason
    assert judgement.html is None


def test_fences_and_a_preamble_around_the_json_are_dropped():
    judgement = judge_json("Here is the JSON:\n```json\n" + structured() + "\n```")
    assert (judgement.verdict, judgement.html) == (Verdict.ACCEPT, BODY)


def test_a_structured_answer_cut_by_max_tokens_is_retried():
    judgement = judge_json(structured()[:40], stop_reason="max_tokens")
    assert (judgement.verdict, judgement.reason) == (Verdict.RETRY, "answer cut by max_tokens")


def test_a_text_answer_gets_meta_fields_derived_from_the_title_and_its_first_sentence():
    judgement = judge(ok("#P1#en#" + BODY), "P1", "en", RULES, title="French Press 1L")
    assert judgement.verdict == Verdict.ACCEPT
    assert judgement.meta_title == "French Press 1L"
    assert judgement.meta_description == "A sturdy French press for rich coffee."
