"""One normalization before any check: what a reader (or a careless exporter) would see.

``normalized`` removes every tag and comment, decodes entities until nothing changes
(``&amp;#35;`` too), applies Unicode NFKC (full-width and compatibility look-alikes
become ASCII), removes what a reader does not see (format characters such as
zero-width spaces and joiners, soft hyphens and bidi controls; variation selectors,
Hangul fillers and other default-ignorable characters; control characters) and
case-folds. Markers, fences and forbidden words are looked for in that text, never
in the raw answer. A script's or style's text stays in: a marker inside it is seen.

A browser glues inline elements together (``#8<b></b>#de#`` reads ``#8#de#``) but
separates paragraphs; ``normalized`` gives both readings, so a disguise has nowhere
to hide. The glued one, the reading that looks for what hides, also reads what tags
carry (attribute values, comments) and backslash escapes (JSON's ``\\u0023``, a
script's ``\\x23``).

The checks (``foreign_markers``, ``has_marker_shape``, ``has_fence``) skip the
reading of a text that cannot read as what they look for: no "&", no escape, no
character that folds into "#", "`" or "~" (and for ``foreign_markers`` no "#" but
those of at most two copies of the task's own marker). Anything else is read in full.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

# Characters that read as "#" but that NFKC leaves alone (NFKC already maps the
# full-width "＃" and the small "﹟"): music sharp, viewdata square, equal-and-parallel,
# equals-and-slanted-parallel and its kin.
_HASH_LOOKALIKES = re.compile("[\u266f\u2317\u22d5\u29e3-\u29e5]")
# What a reader does not see: control characters but tab, line feed, form feed and carriage
# return; every format character (Cf) and every other default-ignorable code point (the
# combining grapheme joiner, Hangul fillers, variation selectors, tag characters). Regular
# expressions, 25 times faster than a category lookup per character; the rare characters
# beyond the BMP apart, because a class holding them is four times slower on every text.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2"
    "\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f"
    "\ufeff\uffa0\ufff0-\ufffb]"
)
# The invisible characters below U+0100, as bytes: a Latin-1 text (most prose) is cleaned as
# bytes, twenty times faster than by a regular expression.
_LATIN1_INVISIBLE = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), *range(0x7F, 0xA0), 0xAD])
# Either class, in one search: prose beyond Latin-1 usually has neither, and is searched once.
_INVISIBLE_OR_LOOKALIKE = re.compile(_INVISIBLE.pattern[:-1] + _HASH_LOOKALIKES.pattern[1:])
_INVISIBLE_BEYOND_BMP = re.compile(
    "[\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)
_MAX_DECODE_ROUNDS = 8
# A tag, a comment (HTML5 closes "<!-->" and "<!--->" at once, and "--!>" closes one too) or
# what a browser drops as a bogus comment ("<!x>", "<?x>", "</ x>", "</>").
_TAG = re.compile(r"<!--(?:-?>|.*?(?:--!?>|$))|<[!?/A-Za-z][^>]*(?:>|$)", re.DOTALL)
# What tags carry that the text does not show: a comment's or bogus comment's content
# ("<![CDATA[...]]>" too), attribute values.
_TAG_CONTENT = re.compile(
    r"""<!--(.*?)(?:--!?>|$)|<(?:[!?]|/(?![A-Za-z]))(.*?)(?:>|$)|=\s*(?:"([^"]*)"?|'([^']*)'?|([^\s"'>]+))""",
    re.DOTALL,
)
# "#" as a reference without its semicolon, read as "#" even where a browser would take the
# next letters along ("&#x23de" is "⏞" to it, "#de" to whoever wrote it).
_HASH_REFERENCE = re.compile(r"&(?:#0*35|#[xX]0*23|num)(?![0-9A-Za-z]*;)")
_BOGUS_END_TAG = re.compile(r"</[^A-Za-z]")
# JSON's and a script's escapes: "\u0023", "\u{23}", "\x23" are "#" once a parser or a script reads
# them, and a JSON string's "\n" is a line break (so "#1\n#2\n#3" is no marker).
_BACKSLASH_ESCAPE = re.compile(r'\\(?:u([0-9a-fA-F]{4})|u\{([0-9a-fA-F]{1,6})\}|x([0-9a-fA-F]{2})|([nrtf"/\\]))')
_SHORT_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "f": "\f", '"': '"', "/": "/", "\\": "\\"}
# Anything shaped like "#<id>#<language>#" once normalized: a marker, or a disguise of one.
MARKER_SHAPE = re.compile(r"#(?P<product>[^#\s]{1,64})#(?P<language>[^#\s]{1,16})#")
FENCE = re.compile(r"```|~~~")
# Leftovers of code a sanitizer kept as text: a script's or handler's words without their tags.
SCRIPT_LIKE = re.compile(
    r"java\s*script\s*:|vb\s*script\s*:|data:text/html|\bon[a-z]{3,}\s*=|<\s*/?\s*(?:script|iframe|style)\b"
    r"|\b(?:alert|eval|fromcharcode)\s*[(`]|\bdocument\s*\.\s*(?:cookie|write|location)|\bwindow\s*\.\s*location"
)


_BROKEN = re.compile("[\ufffd\ud800-\udfff]")
# every SCRIPT_LIKE match contains one of these (the regular expression is slow on long prose)
_SCRIPT_HINTS = ("script", "data:", "=", "alert", "eval", "fromcharcode", "document", "window", "<")


def _decoded(text: str) -> str:
    if "&" not in text:
        return text
    return html.unescape(_HASH_REFERENCE.sub("#", text))


def _unescaped(match: re.Match[str]) -> str:
    code_point, braced, byte, short = match.groups()
    if short:
        return _SHORT_ESCAPES[short]
    code = int(code_point or braced or byte, 16)
    return "\ufffd" if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF else chr(code)


def _carried(text: str) -> str:
    """What the tags of ``text`` carry: comment contents and attribute values, space-separated."""
    if "=" not in text and "<!" not in text and "<?" not in text and not _BOGUS_END_TAG.search(text):
        return ""
    tags = "".join(_TAG.findall(text))
    return "".join(" " + part for parts in _TAG_CONTENT.findall(tags) for part in parts if part)


def _read(text: str, gap: str) -> str:
    """Tags and comments out (``gap`` in their place), entities decoded, until nothing changes.

    A regular expression, not a parser: the published HTML is nh3's output, which is
    well-formed, and on a raw answer a rough reading finds more, never less (a script's
    text stays in, so a marker inside it is seen). nh3 per reading would cost 45 µs.
    The glued reading (``gap=""``) appends what the tags carry, and reads it the same way.
    """
    finding = not gap
    if finding and "\\" in text:
        text = _BACKSLASH_ESCAPE.sub(_unescaped, text)
    for _ in range(_MAX_DECODE_ROUNDS):
        carried = _carried(text) if finding else ""
        stripped = _TAG.sub(gap, text) + carried
        decoded = _decoded(stripped)
        if decoded == stripped and not carried:
            return decoded
        text = decoded
    return text


def fold(text: str) -> str:
    """NFKC, invisible characters removed, look-alikes of "#" mapped, case-folded."""
    text = unicodedata.normalize("NFKC", text)
    try:
        latin = text.encode("latin-1")
    except UnicodeEncodeError:
        pass
    else:
        # below U+0100: no look-alike of "#", nothing beyond the BMP
        return latin.translate(None, _LATIN1_INVISIBLE).decode("latin-1").casefold()
    # one search where prose has none of them (the substitutions touch disjoint characters)
    if _INVISIBLE_OR_LOOKALIKE.search(text):
        text = _HASH_LOOKALIKES.sub("#", _INVISIBLE.sub("", text))
    # beyond the BMP a character takes four bytes in UTF-16: cheaper than a search
    if len(text.encode("utf-16-le", "surrogatepass")) > 2 * len(text):
        text = _INVISIBLE_BEYOND_BMP.sub("", text)
    return text.casefold()


@lru_cache(maxsize=1024)  # the verdict, the gate and the report read the same texts several times
def normalized(text: str, *, gap: str = " ") -> str:
    """The text a reader sees, folded for comparison; ``gap`` is what a tag becomes.

    ``gap=" "`` reads words (block elements separate them); ``gap=""`` glues every
    element to the next, as a browser does inline ones: a marker or fence split by
    tags is whole again. Whitespace never belongs to a marker, so the glued reading
    finds every marker the spaced one does; it also reads attribute values and
    comments (after the text), where a marker or fence may hide from the reader.
    """
    return fold(_read(text, gap))


def shown(text: str) -> str:
    """What a browser shows, folded: tags out once, entities decoded once (``&lt;script&gt;`` stays)."""
    return fold(html.unescape(_TAG.sub(" ", text)))


def foreign_markers(own_marker: str, texts: Iterable[str]) -> list[str]:
    """Every marker-shaped string in the glued readings of ``texts`` that is not ``own_marker``.

    The task's own marker is first reduced to its last "#": one that shares it
    ("#P1#en#P2#en#") is found, and its inside ("#en#...#") is never taken for one.
    """
    read = [text for text in texts if _may_read_foreign_marker(text, own_marker)]
    if not read:
        return []
    own = fold(own_marker)
    found: set[str] = set()
    for text in read:
        glued = normalized(text, gap="").replace(own, "#")
        found.update(m.group(0) for m in MARKER_SHAPE.finditer(glued))
    return sorted(found - {own})


def has_marker_shape(texts: Iterable[str]) -> bool:
    """Whether a glued reading of ``texts`` holds anything shaped like a marker (the task's own too)."""
    return any(
        _may_read_any(text, "#", _HASH_SOURCES) and MARKER_SHAPE.search(normalized(text, gap="")) for text in texts
    )


def has_fence(texts: Iterable[str]) -> bool:
    return any(_may_read_any(text, "`~", _FENCE_SOURCES) and FENCE.search(normalized(text, gap="")) for text in texts)


# The shortcuts below skip a reading only where it cannot find anything; whatever might
# (an entity, an escape, a look-alike) is read in full. A glued reading is made of the
# text's own characters, spaces, and the characters of its entities and backslash
# escapes; ``fold`` turns a character into "#", "`" or "~" only for the characters listed
# here (tests/unit/test_normalize_shortcuts.py checks every code point), and decodes
# nothing. So a text with no "&", no backslash before "u" or "x" and none of these
# characters reads with none of them.
_HASH_SOURCES = "\u22d5\u2317\u266f\u29e3\u29e4\u29e5\ufe5f\uff03"
_FENCE_SOURCES = "\u1fef\uff40\uff5e"
# A marker the shortcut can follow through a reading: no character a tag, an attribute, an
# entity or an escape is made of, and nothing ``fold`` changes but its case.
_PLAIN_MARKER = re.compile(r"#[A-Za-z0-9_.-]+#[A-Za-z0-9-]+#")


def _may_read_any(text: str, ascii_chars: str, beyond_ascii: str) -> bool:
    """False only where the glued reading of ``text`` holds none of ``ascii_chars``
    (``beyond_ascii``: the characters ``fold`` turns into one of them).

    Plain ``in`` first: the verdict asks nine times an answer, for texts that are mostly ASCII.
    """
    for char in ascii_chars:
        if char in text:
            return True
    if "&" in text or "\\u" in text or "\\x" in text:
        return True
    return not text.isascii() and any(char in text for char in beyond_ascii)


def _may_read_foreign_marker(text: str, own_marker: str) -> bool:
    """False only where the glued reading of ``text``, the own marker reduced to "#", has no marker shape.

    Each literal copy of a plain own marker reads as itself or not at all (a tag cannot
    start, end or split inside it, an attribute value or comment holds it whole, and
    a reading never copies it twice), so where every "#" of the text is in one of at
    most two copies, the reading reduces to at most two "#": never a marker shape,
    which takes three.
    """
    if _may_read_any(text, "", _HASH_SOURCES):
        return True
    if "#" not in text:
        return False
    if not _PLAIN_MARKER.fullmatch(own_marker):
        return True
    rest = text.split(own_marker)
    return len(rest) > 3 or any("#" in piece for piece in rest)


def broken_characters(text: str) -> int:
    """Replacement characters and lone surrogates: text that will show as "�" in the shop."""
    return len(_BROKEN.findall(text))


def script_leftovers(readings: Iterable[str]) -> set[str]:
    """The script-like leftovers in the readings (a cheap look for their letters first: prose has none)."""
    return {
        m.group(0)
        for reading in readings
        if any(hint in reading for hint in _SCRIPT_HINTS)
        for m in SCRIPT_LIKE.finditer(reading)
    }
