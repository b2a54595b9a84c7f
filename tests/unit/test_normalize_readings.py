"""The two readings of a text, exactly: spaced (words, as a reader sees them) and glued (what hides:
escapes decoded, what tags carry appended). ``test_quality_normalize.py`` holds the disguises; these
pin each decoding step's output (``make mutation`` found them unpinned).
"""

from __future__ import annotations

import pytest

from descgen.quality.normalize import normalized, script_leftovers


@pytest.mark.parametrize(
    ("text", "glued", "spaced"),
    [
        # backslash escapes: read only where what hides is looked for
        ("x \\u0023P2\\u0023en\\u0023", "x #p2#en#", "x \\u0023p2\\u0023en\\u0023"),
        ("a \\u{23} b \\x23 c", "a # b # c", "a \\u{23} b \\x23 c"),
        ('line\\nbreak \\"q\\"', 'line\nbreak "q"', 'line\\nbreak \\"q\\"'),
        # a code point that is a surrogate or beyond Unicode is a broken character; its neighbours are not
        (
            "\\ud7ff|\\ud800|\\udfff|\\ue000|\\u{10ffff}|\\u{110000}",
            "\ud7ff|\ufffd|\ufffd|\ue000|\U0010ffff|\ufffd",
            "\\ud7ff|\\ud800|\\udfff|\\ue000|\\u{10ffff}|\\u{110000}",
        ),
        # entities, "#" references without their semicolon, and entities of entities
        ("&#35de x", "#de x", "#de x"),
        ("&num;P2&num;", "#p2#", "#p2#"),
        ("a &amp;#35; b", "a # b", "a # b"),
        ("a &amp;amp;amp;#35; b", "a # b", "a # b"),
        ("plain & simple", "plain & simple", "plain & simple"),
        # what tags carry: attribute values, comments, bogus comments (glued reading only)
        ('<p title="#P2#en#">x</p>', "x #p2#en#", " x "),
        ("<p title=x>y</p>", "y x", " y "),
        ("<p>x</p><!-- #P2#en# -->", "x  #p2#en# ", " x  "),
        ("<?php #P2#en# ?>x", "x php #p2#en# ?", " x"),
        ("</ #P2#en#>x", "x  #p2#en#", " x"),
        ("<!x #P2#en#>y", "y x #p2#en#", " y"),
        ("a<b></b>b", "ab", "a  b"),
        ("see \u266fP2\u266fen\u266f", "see #p2#en#", "see #p2#en#"),
    ],
)
def test_each_reading_of_a_text_exactly(text, glued, spaced):
    assert normalized(text, gap="") == glued
    assert normalized(text) == spaced


def test_a_comment_hidden_in_an_encoded_attribute_is_read_too():
    assert "#p2#en#" in normalized('<p title="&lt;!-- #P2#en# --&gt;">x</p>', gap="")


def test_script_leftovers_are_found_only_where_a_hint_of_one_is():
    assert script_leftovers(["nothing here", "onload = go"]) == {"onload ="}
    assert script_leftovers(["nothing here"]) == set()


def test_what_several_tags_carry_is_read_in_order_space_separated():
    assert normalized('<p title="#P2#en#">x</p><!-- y --><a href=z>w</a>', gap="") == "xw #p2#en#  y  z"
