"""The shortcuts that skip a reading find exactly what the full reading finds.

``foreign_markers``, ``has_marker_shape`` and ``has_fence`` skip ``normalized`` where
a text cannot read as a marker or a fence. Each is compared here with the full
reading on generated texts made of the disguises a model (or an attacker) could use:
entities, double escapes, JSON and script escapes, look-alikes, zero-width
characters, tags and comments splitting a marker, attribute values, fences, and
copies of the task's own marker (one, two, three, inside tags). Every code point
``fold`` turns into "#", "`" or "~" is checked too, so a new look-alike cannot slip
past the shortcut.
"""

from __future__ import annotations

import random
import re
import unicodedata

import pytest

from descgen.quality.normalize import (
    FENCE,
    MARKER_SHAPE,
    fold,
    foreign_markers,
    has_fence,
    has_marker_shape,
    normalized,
)

OWN = "#SKU-1#en#"
# Own markers the shortcut must see through, and some it must not trust (a tag or a quote inside).
OWN_MARKERS = (OWN, "#P.2_x#de-AT#", "#a#b#", '#x"y#en#', "#x<b>y#en#", "#X=Y#en#", "#A&amp;B#en#", "#x y#en#")

# What reads as nothing special: prose, tags, comments, attribute values, invisible characters.
_HARMLESS = (
    "x",
    "Stainless steel",
    " ",
    "\n",
    "ü",
    "„Gut“ – 5 €",
    "SKU-1",
    "en",
    "<b>",
    "</b>",
    "<p>",
    "<",
    ">",
    "=",
    '"',
    "'",
    '<a title="',
    '">',
    "<a title=",
    "<span data-x='",
    "'>",
    "<!--",
    "-->",
    "--!>",
    "<!-->",
    "<?",
    "</ ",
    "<![CDATA[",
    "]]>",
    "<script>",
    "</script>",
    "\\n",
    '\\"',
    "\\",
    "\\\\",
    "\u200b",
    "\u00ad",
    "\ufeff",
    "\U000e0023",
)
# Everything that reads as "#": the character, entities (double ones too), escapes, look-alikes.
_HASHES = (
    "#",
    "&#35;",
    "&#35",
    "&#x23;",
    "&#X023",
    "&num;",
    "&amp;#35;",
    "&amp;amp;num;",
    "\\u0023",
    "\\u{23}",
    "\\x23",
    "\\u0026#35;",
    "\uff03",
    "\ufe5f",
    "\u266f",
    "\u2317",
    "\u22d5",
    "\u29e3",
    "\u29e4",
    "\u29e5",
)
# Everything that reads as "`" or "~".
_FENCE_CHARACTERS = (
    "`",
    "~",
    "&#96;",
    "&grave;",
    "&#126;",
    "&tilde;",
    "\\u0060",
    "\\x7e",
    "\uff40",
    "\uff5e",
    "\u1fef",
)
_OTHERS = ("&", "&amp;", "&lt;b&gt;", "\\u0026", "\\\\u0023", "#P2#en#", "#sku-1#EN#", "##", "```", "~~~")


def _texts(seed: int, count: int, own: str = OWN) -> list[str]:
    """Texts that hold a marker, a fence or copies of ``own``, each disguised in one way or in many."""
    pick = random.Random(seed)
    texts = []
    for _ in range(count):
        kind = pick.randrange(4)
        if kind == 0:  # a marker, its "#" in one disguise (or three), split or not
            forms = [pick.choice(_HASHES)] * 3 if pick.random() < 0.6 else pick.choices(_HASHES, k=3)
            parts = [forms[0], "P2", forms[1], pick.choice(("en", "de")), forms[2]]
        elif kind == 1:  # a fence, in the same way
            forms = (
                [pick.choice(_FENCE_CHARACTERS)] * 3 if pick.random() < 0.6 else pick.choices(_FENCE_CHARACTERS, k=3)
            )
            parts = list(forms)
        elif kind == 2:  # copies of the own marker, with a little between them
            parts = [own]
            for _ in range(pick.randint(0, 3)):
                parts += [*pick.choices((*_HARMLESS, "y"), k=pick.randint(0, 2)), own]
            if pick.random() < 0.3:
                parts.append(pick.choice(_HASHES + _OTHERS))
        else:  # anything
            parts = pick.choices(_HARMLESS + _HASHES + _FENCE_CHARACTERS + _OTHERS + (own,), k=pick.randint(1, 10))
        text = []
        for part in parts:  # split by tags, comments and invisible characters, or not
            text.append(part)
            if pick.random() < 0.3:
                text.append(pick.choice(_HARMLESS))
        around = pick.choices(_HARMLESS, k=pick.randint(0, 3))
        texts.append("".join(around[: len(around) // 2] + text + around[len(around) // 2 :]))
    return texts


def _fully_read_foreign(own_marker: str, text: str) -> list[str]:
    own = fold(own_marker)
    glued = normalized(text, gap="").replace(own, "#")
    return sorted({m.group(0) for m in MARKER_SHAPE.finditer(glued)} - {own})


@pytest.mark.parametrize("seed", range(3))
def test_the_shortcuts_find_what_the_full_reading_finds_in_generated_disguises(seed: int) -> None:
    # GIVEN texts made of markers, disguises, tags, escapes and fences
    for text in _texts(seed, 4000):
        # WHEN each check looks at them (skipping the reading where it may)
        # THEN it finds what the full glued reading finds
        assert has_marker_shape([text]) == bool(MARKER_SHAPE.search(normalized(text, gap=""))), text
        assert has_fence([text]) == bool(FENCE.search(normalized(text, gap=""))), text
        assert foreign_markers(OWN, [text]) == _fully_read_foreign(OWN, text), text


@pytest.mark.parametrize("own_marker", OWN_MARKERS)
def test_the_own_marker_shortcut_finds_what_the_full_reading_finds(own_marker: str) -> None:
    # GIVEN texts holding copies of a task's own marker (one a reading can change, too), and disguises
    for text in _texts(sum(map(ord, own_marker)), 1500, own=own_marker):
        # WHEN the foreign markers are looked for  THEN the full reading finds the same
        assert foreign_markers(own_marker, [text]) == _fully_read_foreign(own_marker, text), text


def test_a_json_answer_with_its_own_marker_alone_is_skipped_and_three_copies_are_read() -> None:
    # GIVEN an answer whose every "#" is in its own marker, then one with three copies glued together
    answer = '{"marker": "#SKU-1#en#", "html": "<p>Good.</p>\\n"}'
    three = "#SKU-1#en#x#SKU-1#en#y#SKU-1#en#"
    # WHEN the foreign markers are looked for
    # THEN the first has none; the second reads "#x#y#" once its copies are reduced, as before
    assert foreign_markers(OWN, [answer]) == []
    assert foreign_markers(OWN, [three]) == ["#x#y#"] == _fully_read_foreign(OWN, three)


def _code_points() -> list[str]:
    """Every code point NFKC or case folding may change: unassigned and private-use ones are left alone."""
    every = (chr(code) for code in range(0x110000) if not 0xD800 <= code <= 0xDFFF)
    return [char for char in every if unicodedata.category(char) not in {"Cn", "Co"}]


def test_every_character_that_folds_into_a_marker_or_fence_character_is_read_in_full() -> None:
    # GIVEN every code point that fold turns into "#", "`" or "~" (NFKC, look-alikes, case folding)
    folded = {char: fold(char) for char in _code_points()}
    folding_into = {target: [c for c, f in folded.items() if target in f] for target in "#`~"}
    assert "\uff03" in folding_into["#"]
    assert "\uff5e" in folding_into["~"]
    for char in folding_into["#"]:
        # WHEN it stands for every "#" of a marker, or is the only one among the own marker's
        # THEN the check reads the text in full and finds the marker
        assert has_marker_shape([f"{char}P2{char}en{char}"]), hex(ord(char))
        assert foreign_markers(OWN, [f"{char}P2{char}en{char}"]), hex(ord(char))
        assert foreign_markers(OWN, [f"{OWN}x{char}en{char}"]), hex(ord(char))
    for char in folding_into["`"] + folding_into["~"]:
        assert has_fence([char * 3]), hex(ord(char))


def test_no_composed_character_folds_into_a_marker_or_fence_character() -> None:
    # GIVEN every character NFKC can compose from two or more others
    composed = [c for c in _code_points() if len(unicodedata.normalize("NFD", c)) > 1]
    # WHEN folded  THEN none reads as "#", "`" or "~" (so the characters of a text are enough to look at)
    assert not [c for c in composed if any(target in fold(c) for target in "#`~")]


_INVISIBLE_CHARACTERS = re.compile(
    "[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2"
    "\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f"
    "\ufeff\uffa0\ufff0-\ufffb]"
)
_INVISIBLE_BEYOND_THE_BMP = re.compile(
    "[\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)


def _folded_one_step_at_a_time(text: str) -> str:
    """``fold`` as first written: each substitution on every text, by regular expression."""
    text = _INVISIBLE_CHARACTERS.sub("", unicodedata.normalize("NFKC", text))
    if not text.isascii():
        text = re.sub("[\u266f\u2317\u22d5\u29e3-\u29e5]", "#", text)
        if re.search("[\U00010000-\U0010ffff]", text):
            text = _INVISIBLE_BEYOND_THE_BMP.sub("", text)
    return text.casefold()


def test_fold_gives_what_each_substitution_in_turn_gives_for_every_character_of_the_bmp() -> None:
    # GIVEN every character of the BMP, and the invisible ones beyond it
    for char in [chr(code) for code in range(0x10000) if not 0xD800 <= code <= 0xDFFF] + ["\U000e0023", "\U0001d173"]:
        # WHEN folded  THEN the result is the plain substitutions'
        assert fold(char) == _folded_one_step_at_a_time(char), hex(ord(char))


def test_fold_gives_what_each_substitution_in_turn_gives_for_mixed_texts() -> None:
    # GIVEN texts mixing ASCII, Latin-1, invisible characters, look-alikes, surrogates and characters beyond the BMP
    pick = random.Random(5)
    alphabet = [chr(code) for code in range(0x100)] + list(
        "„“–€ﬁ\u200b\u2060\ufeff\ufe0f\u266f\u29e4\u3164\uff03\ud800\U0001f600\U000e0023\U0001d173\U0001d400"
    )
    for _ in range(20000):
        text = "".join(pick.choices(alphabet, k=pick.randint(0, 12)))
        # WHEN folded  THEN the result is the plain substitutions'
        assert fold(text) == _folded_one_step_at_a_time(text), ascii(text)
