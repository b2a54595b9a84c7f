"""A cached Ammonia cleaner sanitizes exactly as ``nh3.clean`` does with the same allowlist.

``sanitize_html`` and ``plain_text`` keep one ``nh3.Cleaner`` per allowlist instead of
building one per call; the output must not change by a character, whatever the HTML.
"""

from __future__ import annotations

import html
import random

import nh3
import pytest

from descgen.sanitize import DROPPED_WITH_CONTENT, plain_text, sanitize_html

_PIECES = (
    "<p>",
    "</p>",
    "<ul><li>",
    "</li></ul>",
    "<strong>",
    "</strong>",
    "<em>",
    "<span>",
    "</span>",
    '<a href="https://example.com" title="t">',
    '<a href="javascript:alert(1)">',
    "</a>",
    '<img src="x" onerror="alert(1)">',
    "<script>alert(1)</script>",
    "<style>p{}</style>",
    "<svg><text>#P2#en#</text></svg>",
    "<template>t</template>",
    "<!-- #P2#en# -->",
    "<![CDATA[x]]>",
    '<p title="#P2#en#" lang="de" class="c">',
    "<h2>",
    "</h2>",
    "<br>",
    "Stainless steel &amp; oak",
    "&#35;P2&#35;en&#35;",
    "&lt;script&gt;",
    "ü „Gut“ – 5 €",
    "```html",
    "\u200b",
    "<",
    ">",
    "&",
    '"',
    "  \n ",
    "x",
)

_ALLOWLISTS = (
    (frozenset({"p", "ul", "li", "span", "strong", "em"}), {}),
    (frozenset({"p", "strong"}), {}),
    (frozenset({"p", "a", "img", "h2", "script"}), {"a": frozenset({"href", "title"}), "p": {"lang"}}),
    (frozenset(), {}),
)


def _fragments(seed: int, count: int) -> list[str]:
    pick = random.Random(seed)
    return ["".join(pick.choices(_PIECES, k=pick.randint(0, 12))) for _ in range(count)]


def _cleaned_per_call(fragment: str, tags: frozenset[str], attributes: dict[str, frozenset[str]]) -> str:
    return nh3.clean(
        fragment,
        tags=set(tags),
        clean_content_tags=set(DROPPED_WITH_CONTENT - set(tags)),
        attributes={"*": set(), **{tag: set(attrs) for tag, attrs in attributes.items()}},
        url_schemes={"https"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


@pytest.mark.parametrize(("tags", "attributes"), _ALLOWLISTS)
def test_a_cached_cleaner_sanitizes_as_a_cleaner_built_per_call(
    tags: frozenset[str], attributes: dict[str, frozenset[str]]
) -> None:
    # GIVEN fragments of HTML, harmless and hostile, and an allowlist
    for fragment in _fragments(len(tags), 1500):
        # WHEN sanitized  THEN the result is nh3.clean's with the same options
        assert sanitize_html(fragment, tags, attributes) == _cleaned_per_call(fragment, tags, attributes), fragment


def test_an_allowlist_given_as_plain_sets_sanitizes_as_the_same_frozen_one() -> None:
    # GIVEN the same allowlist as mutable sets and as frozen ones
    fragment = '<p lang="de" title="t"><a href="https://e.com" title="x">a</a><em>b</em></p>'
    # WHEN sanitized  THEN both give the same text (the cache key is the allowlist's content)
    assert (
        sanitize_html(fragment, {"p", "a"}, {"a": {"href"}, "p": {"lang"}})
        == sanitize_html(fragment, frozenset({"a", "p"}), {"p": frozenset({"lang"}), "a": frozenset({"href"})})
        == '<p lang="de"><a href="https://e.com" rel="noopener noreferrer">a</a>b</p>'
    )


def test_plain_text_reads_as_a_cleaner_built_per_call() -> None:
    # GIVEN fragments of HTML
    for fragment in _fragments(99, 3000):
        # WHEN reduced to plain text  THEN it is what nh3.clean per call gives
        spaced = fragment.replace("<", " <")
        per_call = nh3.clean(spaced, tags=set(), clean_content_tags=set(DROPPED_WITH_CONTENT))
        assert plain_text(fragment) == " ".join(html.unescape(per_call).split()), fragment
