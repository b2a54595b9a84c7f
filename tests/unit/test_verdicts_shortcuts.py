"""The verdict's cheap looks before a regular expression change nothing.

A text is searched for surrogates and fences only where it may hold one; here the
shortcuts are compared with the plain substitutions on generated texts.
"""

from __future__ import annotations

import random

from descgen.verdicts import _FENCE, _LONE_SURROGATE, _without_fences, _without_surrogates

_PIECES = (
    "x",
    "ü",
    "€",
    "\U0001f600",
    "\ud800",
    "\udfff",
    "\ud83d",
    "\ude00",
    "\ufffd",
    "`",
    "``",
    "```",
    "~",
    "~~~json",
    "```html\n",
    " ",
)


def _texts(seed: int, count: int) -> list[str]:
    pick = random.Random(seed)
    return ["".join(pick.choices(_PIECES, k=pick.randint(0, 8))) for _ in range(count)]


def test_surrogates_become_replacement_characters_exactly_where_the_substitution_puts_them() -> None:
    # GIVEN texts with and without lone surrogates (and characters beyond the BMP)
    for text in _texts(1, 5000):
        # WHEN cleaned  THEN the result is the substitution's
        assert _without_surrogates(text) == _LONE_SURROGATE.sub("\ufffd", text), ascii(text)


def test_fences_are_dropped_exactly_where_the_substitution_drops_them() -> None:
    # GIVEN texts with fences, backticks and tildes
    for text in _texts(2, 5000):
        # WHEN the fences are dropped  THEN the result is the substitution's
        assert _without_fences(text) == _FENCE.sub("", text), ascii(text)
