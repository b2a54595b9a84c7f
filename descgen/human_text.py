"""A person's text, checked before it becomes a product's description.

Two rules, both refusals with one line that says what to change:

- **Nothing is lost to the sanitizer.** The allowlist (``DESCGEN_ALLOWED_TAGS``,
  ``DESCGEN_ALLOWED_ATTRIBUTES``, narrowed by the store's voice) is the shop's policy
  for every text, a person's as much as the model's. So a person's link is neither
  kept against it nor dropped in silence: the text is refused and the error names
  what would be removed (``<a href="…">``, ``<h2>``, ``class="…" on <p>``). A shop
  that wants links allows them for every text (``"a"`` in the tags, ``{"a": ["href"]}``
  in the attributes; only https URLs pass), and then a person's links are kept.
- **Not trivially short.** At least the minimum length the store's voice sets for the
  language, counted as the quality gate counts it (words, or characters for scripts
  written without spaces), and no longer than the cap on stored HTML.
"""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

from descgen.quality.gate import text_length
from descgen.quality.normalize import normalized
from descgen.quality.voice import LengthTarget, counts_characters
from descgen.sanitize import sanitize_html
from descgen.verdicts import PublishRules

_SHOWN = 3  # removed items named in the error; the rest are counted
_TAG_CHARS = 80  # a long URL is cut in the error, not in the text


class HumanTextRefused(ValueError):
    """A person's text descgen will not store as it is; the message says why and what to change."""


def checked_human_text(html: str, language_id: str, rules: PublishRules, length: LengthTarget) -> str:
    """The sanitized text, identical in content to ``html``; ``HumanTextRefused`` otherwise."""
    cleaned = sanitize_html(html, rules.allowed_tags, rules.allowed_attributes)
    removed = what_sanitizing_removes(html, cleaned)
    if removed:
        shown = ", ".join(removed[:_SHOWN]) + (f" and {len(removed) - _SHOWN} more" if len(removed) > _SHOWN else "")
        raise HumanTextRefused(
            f"the sanitizer would remove {shown} (allowed tags: {', '.join(sorted(rules.allowed_tags))}); "
            "take it out of the text, or allow it for every text with DESCGEN_ALLOWED_TAGS / DESCGEN_ALLOWED_ATTRIBUTES"
        )
    count = text_length(normalized(cleaned), language_id)
    if count < length.min:
        unit = "characters" if counts_characters(language_id) else "words"
        raise HumanTextRefused(
            f"the text has {count} {unit}; the store's voice asks for at least {length.min} in {language_id} "
            "(descgen voice show STORE; descgen voice set changes it)"
        )
    if len(cleaned) > rules.max_chars:
        raise HumanTextRefused(
            f"the text is {len(cleaned)} characters of HTML, over the cap of {rules.max_chars} "
            "(DESCGEN_MAX_DESCRIPTION_CHARS)"
        )
    return cleaned


def what_sanitizing_removes(before: str, after: str) -> list[str]:
    """The elements and attributes of ``before`` that ``after`` (its sanitized form) lacks, and lost text.

    Judged on the sanitizer's own output, so the allowlist is decided in one place only.
    A comment is not content; an attribute the sanitizer adds (``rel`` on links) is no loss.
    """
    written, kept = _Markup.read(before), _Markup.read(after)
    removed: dict[str, None] = {}  # in the order written, each named once
    lost_tags = written.tags - kept.tags
    for tag, raw in written.openings:
        if lost_tags[tag] > 0:
            lost_tags[tag] -= 1
            removed[_cut(raw)] = None
    lost_attributes = written.attributes - kept.attributes
    for (tag, name), value in written.attribute_values.items():
        if kept.tags[tag] and lost_attributes[(tag, name)] > 0:
            removed[_cut(f'{name}="{value}"') + f" on <{tag}>"] = None
    if not removed:  # no element lost, yet text changed: a broken tag, a control character
        lost_words = list((Counter(written.text.split()) - Counter(kept.text.split())).elements())
        if lost_words:
            removed[f"the text {_cut(' '.join(lost_words))!r}"] = None
    return list(removed)


def _cut(text: str) -> str:
    return text if len(text) <= _TAG_CHARS else text[: _TAG_CHARS - 1] + "…"


class _Markup(HTMLParser):
    """What a fragment holds: its opening tags as written, their attributes, and its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: Counter[str] = Counter()
        self.openings: list[tuple[str, str]] = []
        self.attributes: Counter[tuple[str, str]] = Counter()
        self.attribute_values: dict[tuple[str, str], str] = {}  # the first value of each, to show
        self.text = ""

    @classmethod
    def read(cls, fragment: str) -> _Markup:
        markup = cls()
        markup.feed(fragment)
        markup.close()
        return markup

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        self.openings.append((tag, self.get_starttag_text() or f"<{tag}>"))
        for name, value in attrs:
            self.attributes[(tag, name)] += 1
            self.attribute_values.setdefault((tag, name), value or "")
        self.text += " "  # "</p><p>" separates two words

    def handle_data(self, data: str) -> None:
        self.text += data
