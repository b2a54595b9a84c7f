"""A marker or a code fence in disguise never reaches the published text (descgen/verdicts.py)."""

import json

import pytest

from descgen.contract.messages import RecordResult
from descgen.verdicts import PublishRules, Verdict, judge

RULES = PublishRules(
    allowed_tags=frozenset({"p", "ul", "li", "span", "strong", "em"}),
    allowed_attributes={},
    max_chars=6000,
)
BODY = "<p>A sturdy French press for rich coffee.</p><ul><li>Steel</li></ul>"
META = {"meta_title": "French Press 1L | Rich coffee", "meta_description": "A sturdy steel French press."}

# Disguises of "#P2#en#" (another product) and "#P1#de#" (another language).
FOREIGN = {
    "decimal entities": "&#35;P2&#35;en&#35;",
    "hex entities": "&#x23;P2&#x23;en&#x23;",
    "named entities": "&num;P2&num;en&num;",
    "entities without semicolons": "&#35P2&#x23en&num",
    "double-encoded entities": "&amp;#35;P2&amp;#35;en&amp;#35;",
    "full-width": "＃Ｐ２＃ｅｎ＃",
    "look-alikes": "♯P2﹟en⌗",
    "split by tags": "#P<strong></strong>2#<em>en</em>#",
    "split by a comment": "#P2<!-- x -->#en#",
    "zero-width space": "#P2\u200b#en#",
    "soft hyphen": "#P&shy;2#en#",
    "bidi controls": "#\u202eP2\u202c#en#",
    "case changed": "#p2#EN#",
    "another language": "#P1#DE#",
    "inside a script": "<script>var next = '#P2#en#'</script>",
    "inside an attribute": '<p title="&#35;P2&#35;en&#35;">Glass</p>',
    "inside a comment": "<!-- #P2#en# -->",
}


def ok(text: str) -> RecordResult:
    return RecordResult("t1a0", "ok", text=text, stop_reason="end_turn")


# a deployment that lets titles through on paragraphs (DESCGEN_ALLOWED_ATTRIBUTES)
RULES_WITH_TITLES = PublishRules(RULES.allowed_tags, {"p": frozenset({"title"})}, RULES.max_chars)


def judge_text(text: str, rules: PublishRules = RULES):
    return judge(ok(text), "P1", "en", rules, title="French Press 1L")


def judge_json(text: str):
    return judge(ok(text), "P1", "en", RULES, structured=True)


def assert_retried_for_another_marker(judgement) -> None:
    assert judgement.verdict == Verdict.RETRY
    assert "another product or language" in judgement.reason
    assert judgement.html is None


@pytest.mark.parametrize("disguise", FOREIGN.values(), ids=FOREIGN.keys())
@pytest.mark.parametrize("where", ["before the marker", "in the body", "at the end"])
def test_a_text_answer_with_another_marker_in_disguise_is_retried_and_never_accepted(disguise, where):
    text = {
        "before the marker": f"{disguise}\n#P1#en#{BODY}",
        "in the body": f"#P1#en#<p>A sturdy {disguise} French press.</p>",
        "at the end": f"#P1#en#{BODY}{disguise}",
    }[where]
    assert_retried_for_another_marker(judge_text(text))


@pytest.mark.parametrize("disguise", FOREIGN.values(), ids=FOREIGN.keys())
@pytest.mark.parametrize("field", ["marker", "html", "meta_title", "meta_description"])
def test_a_structured_answer_with_another_marker_in_disguise_in_any_field_is_retried(disguise, field):
    answer = {"marker": "#P1#en#", "html": BODY, **META}
    answer[field] = disguise if field == "marker" else f"{answer[field][:15]} {disguise}"  # within its bound
    for text in (json.dumps(answer), json.dumps(answer, ensure_ascii=False)):
        assert_retried_for_another_marker(judge_json(text))


@pytest.mark.parametrize(
    "text",
    [
        '{"marker": "\\u0023P2\\u0023en\\u0023", "html": "<p>x</p>", "meta_title": "French Press 1L", '
        '"meta_description": "A sturdy steel French press."}',
        '{"marker": "#P1#en#", "html": "<p>x \\u0023P2\\u0023en\\u0023</p>", "meta_title": "French Press 1L", '
        '"meta_description": "A sturdy steel French press."}',
        '{"marker": "#P1#en#", "html": "<p>x</p>", "meta_title": "French Press \\uff03P2\\uff03en\\uff03", '
        '"meta_description": "A sturdy steel French press."}',
        '{"marker": "#P1#en#", "html": "<p>x</p>", "meta_title": "French Press 1L", '
        '"meta_description": "A sturdy \\u0026#35;P2\\u0026#35;en\\u0026#35; French press."}',
        # a key twice: the parser keeps the last one, the marker in the first is still the model's word
        '{"marker": "\\u0023P2\\u0023en\\u0023", "marker": "#P1#en#", "html": "<p>x</p>", '
        '"meta_title": "French Press 1L", "meta_description": "A sturdy steel French press."}',
    ],
    ids=["marker", "html", "meta title, full-width", "meta description, entities", "a key given twice"],
)
def test_a_marker_in_json_escapes_is_found(text):
    assert_retried_for_another_marker(judge_json(text))


@pytest.mark.parametrize(
    "body",
    [
        "<p>A sturdy &#35;P1&#35;en&#35; French press.</p>",
        "<p>A sturdy ＃P1＃en＃ French press.</p>",
        "<p>A sturdy #P1<em></em>#en# French press.</p>",
        '<p title="&#35;P1&#35;en&#35;">A sturdy French press.</p>',
    ],
    ids=["entities", "full-width", "split by a tag", "in an attribute the deployment allows"],
)
def test_the_tasks_own_marker_in_disguise_left_in_the_body_is_retried(body):
    judgement = judge_text("#P1#en#" + body, RULES_WITH_TITLES)
    assert (judgement.verdict, judgement.reason) == (Verdict.RETRY, "a marker left in the text")


@pytest.mark.parametrize(
    "fence",
    [
        "&#96;&#96;&#96;",
        "&grave;&grave;&grave;",
        "&#126;&#x7E;&#126",
        "&amp;#96;&amp;#96;&amp;#96;",
        "｀｀｀",
        "～～～",
        "`<em></em>``",
        "`\u200b`\u200b`",
        "~&shy;~&shy;~",
    ],
    ids=[
        "entities",
        "named entities",
        "tildes as entities",
        "double-encoded",
        "full-width backticks",
        "full-width tildes",
        "split by a tag",
        "zero-width spaces",
        "soft hyphens",
    ],
)
@pytest.mark.parametrize("structured", [False, True], ids=["text", "structured"])
def test_a_code_fence_in_disguise_in_the_body_is_retried(fence, structured):
    body = f"<p>A sturdy French press {fence} for rich coffee.</p>"
    if structured:
        judgement = judge_json(json.dumps({"marker": "#P1#en#", "html": body, **META}))
    else:
        judgement = judge_text("#P1#en#" + body)
    assert (judgement.verdict, judgement.reason) == (Verdict.RETRY, "a code fence left in the text")


def test_a_code_fence_in_an_attribute_the_deployment_allows_is_retried():
    judgement = judge_text('#P1#en#<p title="&#96;&#96;&#96;">A sturdy French press.</p>', RULES_WITH_TITLES)
    assert (judgement.verdict, judgement.reason) == (Verdict.RETRY, "a code fence left in the text")


def test_attributes_no_one_allowed_are_stripped_with_whatever_they_hid():
    judgement = judge_text('#P1#en#<p title="&#35;P2&#35;en&#35;" lang="&#96;&#96;&#96;">A sturdy French press.</p>')
    assert judgement.verdict == Verdict.RETRY  # the raw answer names P2: nothing is written
    judgement = judge_text('#P1#en#<p title="x" lang="en">A sturdy French press.</p>')
    assert (judgement.verdict, judgement.html) == (Verdict.ACCEPT, "<p>A sturdy French press.</p>")


@pytest.mark.parametrize(
    "text",
    [
        "```html\n#P1#en#" + BODY + "\n```",
        "~~~\n#P1#en#" + BODY + "\n~~~",
        "#P1#en#<p>A sturdy ```French``` press.</p>",
    ],
    ids=["backticks around", "tildes around", "inside the body"],
)
def test_plain_code_fences_are_dropped_and_never_reach_the_published_text(text):
    judgement = judge_text(text)
    assert judgement.verdict == Verdict.ACCEPT
    assert "```" not in judgement.html
    assert "~~~" not in judgement.html


@pytest.mark.parametrize(
    "meta_title",
    ["&#96;&#96;&#96; French Press 1L", "\\u0060\\u0060\\u0060 French Press 1L", "~&#126;~ French Press 1L"],
    ids=["entities", "json escapes", "tildes"],
)
def test_a_code_fence_in_disguise_in_a_meta_field_never_reaches_the_published_text(meta_title):
    # written by hand: json.dumps would escape the backslashes of "\\u0060"
    text = f'{{"marker": "#P1#en#", "html": "<p>x</p>", "meta_title": "{meta_title}", "meta_description": "A sturdy press."}}'
    judgement = judge_json(text)
    assert judgement.verdict == Verdict.RETRY
    assert "code fence" in judgement.reason


@pytest.mark.parametrize(
    "body",
    [
        "<p>Our #1 pick for C# fans; #2 for F# fans.</p>",
        "<p>Ten cups ~ two litres; `Steel` finish.</p>",
        "<p>Ratio 1:15 = rich coffee, 1:17 = lighter.</p>",
        "<ul><li>#1</li>\n<li>#2</li>\n<li>#3</li></ul>",
    ],
    ids=["hash signs", "single backticks and tildes", "equals signs", "hash signs a line apart"],
)
def test_hash_signs_backticks_and_tildes_that_make_no_marker_or_fence_are_accepted(body):
    for judgement in (
        judge_text("#P1#en#\n" + body),
        judge_json(json.dumps({"marker": "#P1#en#", "html": body, **META})),
    ):
        assert (judgement.verdict, judgement.html) == (Verdict.ACCEPT, body)
