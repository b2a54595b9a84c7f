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
_BEYOND_BMP = re.compile("[\U00010000-\U0010ffff]")
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
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    if not text.isascii():
        text = _HASH_LOOKALIKES.sub("#", text)
        if _BEYOND_BMP.search(text):
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
    own = fold(own_marker)
    found: set[str] = set()
    for text in texts:
        glued = normalized(text, gap="").replace(own, "#")
        found.update(m.group(0) for m in MARKER_SHAPE.finditer(glued))
    return sorted(found - {own})


def has_fence(texts: Iterable[str]) -> bool:
    return any(FENCE.search(normalized(text, gap="")) for text in texts)


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
