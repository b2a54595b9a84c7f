"""One normalization before any check: every disguise of a marker or a fence reads as one."""

import sys
import unicodedata

import pytest

from descgen.quality.normalize import (
    SCRIPT_LIKE,
    broken_characters,
    fold,
    foreign_markers,
    has_fence,
    normalized,
    shown,
)

OWN = "#P1#en#"

# Each disguise of the marker "#P2#en#": what a sanitizer, a browser or a careless exporter
# turns back into it. The table is the rule: a disguise missing from it is a hole.
MARKER_DISGUISES = {
    "plain": "#P2#en#",
    "decimal entities": "&#35;P2&#35;en&#35;",
    "decimal entities with leading zeros": "&#00035;P2&#035;en&#35;",
    "hex entities": "&#x23;P2&#X23;en&#x0023;",
    "named entities": "&num;P2&num;en&num;",
    "decimal entities without semicolons": "&#35P2&#35en&#35",
    "hex entities without semicolons": "&#x23P2&#x23en&#x23",
    "named entities without semicolons": "&numP2&numen&num",
    "double-encoded entities": "&amp;#35;P2&amp;#35;en&amp;#35;",
    "five times encoded entities": "&amp;amp;amp;amp;#35;P2&amp;amp;amp;amp;#35;en&amp;amp;amp;amp;#35;",
    "entity-encoded letters": "#&#80;2#&#x65;n#",
    "full-width": "＃Ｐ２＃ｅｎ＃",
    "full-width as entities": "&#xFF03;P2&#65283;en&#xff03;",
    "small number sign": "﹟P2﹟en﹟",
    "music sharp": "♯P2♯en♯",
    "viewdata square and equal-and-parallel": "⌗P2⋕en⌗",
    "tags splitting it": "#P<b></b>2#e<span>n</span>#",
    "a tag with attributes splitting it": '#P2<span class="a b">#</span>en#',
    "a comment splitting it": "#P2<!-- not here -->#en#",
    "an empty comment splitting it": "#P2<!---->#en#",
    "an abruptly closed comment splitting it": "#P2<!-->#en#",
    "a bogus comment splitting it": "#P2</ x>#en<?php ?>#",
    "encoded tags splitting it": "#P2&lt;b&gt;&lt;/b&gt;#en#",
    "zero-width space": "#P\u200b2#en#",
    "zero-width joiner and non-joiner": "#P2\u200d#\u200cen#",
    "word joiner and BOM": "\u2060#P2#\ufeffen#",
    "soft hyphen": "#P\u00ad2#e\u00adn#",
    "soft hyphen as an entity": "#P&shy;2#en&#173;#",
    "zero-width space as an entity": "#P2&ZeroWidthSpace;#en#",
    "bidi override": "#\u202eP2#en\u202c#",
    "bidi isolates": "#\u2066P2\u2069#en#",
    "left-to-right mark as an entity": "#P2&lrm;#en&rlm;#",
    "variation selector": "#\ufe0fP2#en#",
    "combining grapheme joiner": "#P\u034f2#en#",
    "hangul filler": "#P2\u3164#en#",
    "tag characters": "#P\U000e00412#en\U000e007f#",
    "control characters": "#P\x002#en\x1f#",
    "upper case": "#p2#EN#",
    "mixed case": "#p2#En#",
    "inside a script": "<script>var next = '#P2#en#';</script>",
    "inside a style": "<style>/* #P2#en# */</style>",
    "inside a script as an escape": '<script>document.write("\\x23P2\\x23en\\x23")</script>',
    "inside an attribute": '<p title="#P2#en#">Steel</p>',
    "inside an attribute, single-quoted": "<img alt='#P2#en#'>",
    "inside an attribute, unquoted": "<img alt=#P2#en#>",
    "inside an attribute as entities": '<p data-x="&#35;P2&#35;en&#35;">Steel</p>',
    "inside a comment": "<!-- #P2#en# -->",
    "inside a CDATA section": "<![CDATA[#P2#en#]]>",
    "in JSON escapes": "\\u0023P2\\u0023en\\u0023",
    "in JSON escapes of full-width characters": "\\uff03P2\\uFF03en\\uff03",
    "sharing a '#' with the task's own marker": "#P1#en#P2#en#",
    "everything at once": "&amp;#x23;<b>P</b>&shy;２<!-- -->＃\u200bE&#x4E;&num;",
}


@pytest.mark.parametrize("disguise", MARKER_DISGUISES.values(), ids=MARKER_DISGUISES.keys())
def test_a_marker_naming_another_product_is_found_in_any_disguise(disguise):
    text = f"{OWN}<p>A sturdy French press for rich coffee. {disguise} Steel and glass.</p>"
    assert "#p2#en#" in foreign_markers(OWN, [text])


@pytest.mark.parametrize(
    "disguise",
    ["#P1#de#", "&#35;P1&#35;de&#35;", "＃P1＃DE＃", "#P1#d<b></b>e#", "#P1#d\u200be#"],
    ids=["plain", "entities", "full-width", "split by a tag", "zero-width space"],
)
def test_a_marker_naming_another_language_is_found_in_any_disguise(disguise):
    assert foreign_markers(OWN, [f"{OWN}\n<p>Rich coffee.</p>\n{disguise}"]) == ["#p1#de#"]


@pytest.mark.parametrize(
    "text",
    [
        "#P1#en#<p>A sturdy French press.</p>",
        "&#35;P1&#35;en&#35;<p>A sturdy French press.</p>",
        "＃Ｐ１＃ＥＮ＃<p>A sturdy French press.</p>",
        "<p>Our #1 pick for C# fans, #2 for F# fans.</p><ul><li>#3</li><li>#4</li></ul>",
        '<p>Water to the <a href="#fill">fill line</a>, then #press#.</p>',
        "<p>Mix 1 part coffee = 15 parts water.</p>",
        '{"html": "<ul><li>#1</li>\\n<li>#2</li>\\n<li>#3</li></ul>"}',
    ],
    ids=["own marker", "own marker as entities", "own marker full-width", "hash signs", "anchors", "prose", "json"],
)
def test_the_tasks_own_marker_and_ordinary_hash_signs_are_not_foreign(text):
    assert foreign_markers(OWN, [text]) == []


def test_markers_are_looked_for_in_every_text_given():
    assert foreign_markers(OWN, ["<p>Coffee.</p>", "Meta title #P3#en#", "#P4#fr#"]) == ["#p3#en#", "#p4#fr#"]


FENCE_DISGUISES = {
    "backticks": "```html",
    "tildes": "~~~",
    "backticks as entities": "&#96;&#x60;&grave;",
    "tildes as entities": "&#126;&#x7e;&tilde;".replace("&tilde;", "&#126;"),
    "double-encoded": "&amp;#96;&amp;#96;&amp;#96;",
    "full-width backticks": "｀｀｀",
    "full-width tildes": "～～～",
    "split by tags": "`<b></b>`<em>`</em>",
    "split by a comment": "``<!-- -->`",
    "zero-width characters inside": "`\u200b`\u2060`",
    "soft hyphens inside": "~&shy;~\u00ad~",
    "inside an attribute": '<p title="```">Steel</p>',
    "in JSON escapes": "\\u0060\\u0060\\u0060",
}


@pytest.mark.parametrize("disguise", FENCE_DISGUISES.values(), ids=FENCE_DISGUISES.keys())
def test_a_code_fence_is_found_in_any_disguise(disguise):
    assert has_fence([f"<p>Rich coffee {disguise} every morning.</p>"])


@pytest.mark.parametrize("text", ["<p>Two `quotes` and a ~ tilde, ~~ twice.</p>", "<p>`` `</p><p>~~</p>"])
def test_backticks_and_tildes_that_make_no_fence_are_not_one(text):
    assert not has_fence([text])


def test_paragraphs_stay_apart_in_the_words_and_inline_tags_glue_in_the_glued_reading():
    html = "<p>Rich</p><p>cof<b>fee</b> &amp; T&Eacute;A</p>"
    assert normalized(html).split() == ["rich", "cof", "fee", "&", "téa"]
    assert normalized(html, gap="") == "richcoffee & téa"


def test_the_words_a_reader_sees_leave_out_attributes_and_comments_and_the_glued_reading_adds_them():
    html = '<p title="Tip: brew">Rich coffee</p><!-- draft -->'
    assert normalized(html).split() == ["rich", "coffee"]
    assert normalized(html, gap="").split() == ["rich", "coffee", "tip:", "brew", "draft"]


def test_what_a_browser_shows_keeps_escaped_markup_as_text():
    assert shown("<p>&lt;script&gt;x&lt;/script&gt;</p>").strip() == "<script>x</script>"
    assert "<script" not in normalized("<p>&lt;script&gt;x&lt;/script&gt;</p>")


def test_every_invisible_character_is_removed_by_folding():
    # GIVEN every format character Unicode knows, and the other default-ignorable ones
    format_characters = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"]
    ignorable = "\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180f\u3164\ufe00\ufe0f\uffa0\U000e0100"
    controls = "\x00\x08\x0b\x1b\x7f\x85\x9f"
    invisible = "".join(format_characters) + ignorable + controls
    # THEN folding leaves nothing of them, and keeps tab and line breaks
    assert fold("a" + invisible + "b") == "ab"
    assert fold("a\tb\nc\r\n") == "a\tb\nc\r\n"


@pytest.mark.parametrize(
    ("text", "count"),
    [("Rich coffee", 0), ("Rich \ufffd coffee", 1), ("Rich \ud800 coffee \udfff", 2), ("\ufffd\ud83d", 2)],
)
def test_replacement_characters_and_lone_surrogates_are_counted_as_broken(text, count):
    assert broken_characters(text) == count


@pytest.mark.parametrize(
    "leftover",
    [
        "javascript:alert(1)",
        "java script:void(0)",
        "vbscript:msgbox",
        "data:text/html,x",
        "onerror=steal()",
        "onmouseover = x",
        "<script>",
        "< / script>",
        "<iframe src",
        "alert(1)",
        "alert`1`",
        "eval (code)",
        "string.fromcharcode(35)",
        "document.cookie",
        "document . write",
        "window.location",
    ],
)
def test_script_leftovers_are_recognized(leftover):
    assert SCRIPT_LIKE.search(fold(leftover))


@pytest.mark.parametrize(
    "prose",
    ["Only one is online.", "Evaluate the alerts and the document.", "A window location matters.", "Data: text"],
)
def test_ordinary_words_are_not_script_leftovers(prose):
    assert not SCRIPT_LIKE.search(fold(prose))
