"""A person's text: refused when the sanitizer would remove part of it, or when it is too short."""

import pytest

from descgen.human_text import HumanTextRefused, checked_human_text, what_sanitizing_removes
from descgen.quality.voice import LengthTarget
from descgen.sanitize import sanitize_html
from descgen.verdicts import PublishRules

RULES = PublishRules(frozenset({"p", "ul", "li", "strong", "em"}), {}, 2000)
WITH_LINKS = PublishRules(frozenset({"p", "a"}), {"a": frozenset({"href"})}, 2000)
FIVE_WORDS = LengthTarget(min=5, max=400)
TEXT = "<p>A sturdy <strong>French press</strong> for rich coffee.</p>"


def removed(html, rules=RULES):
    return what_sanitizing_removes(html, sanitize_html(html, rules.allowed_tags, rules.allowed_attributes))


@pytest.mark.parametrize(
    ("html", "lost"),
    [
        (TEXT, []),
        ("<p>Tom &amp; Jerry&#39;s <em>mug</em></p><!-- a note -->", []),  # entities and comments are no loss
        ('<p>See <a href="https://shop.example/care">care</a>.</p>', ['<a href="https://shop.example/care">']),
        ("<h2>Title</h2><p>x</p>", ["<h2>"]),
        ('<p class="lead">x</p>', ['class="lead" on <p>']),
        ("<p>x<script>alert(1)</script></p>", ["<script>"]),
        ("<p>a</p><b>1</b><b>2</b><i>3</i>", ["<b>", "<i>"]),  # each named once
        ("<p>cut short</p><p", ["the text 'short<p'"]),
        ("<p>nul\x00byte</p>", ["the text 'nul\\x00byte'"]),
    ],
)
def test_what_the_sanitizer_would_remove_is_named(html, lost):
    assert removed(html) == lost


def test_a_link_the_deployment_allows_is_kept():
    html = '<p>See <a href="https://shop.example/care">care</a>.</p>'
    assert removed(html, WITH_LINKS) == []
    assert removed('<p><a href="javascript:alert(1)">x</a></p>', WITH_LINKS) == ['href="javascript:alert(1)" on <a>']


def test_a_clean_text_long_enough_is_stored_as_sanitized():
    assert checked_human_text(TEXT, "en", RULES, FIVE_WORDS) == TEXT


def test_a_persons_link_is_refused_naming_it_never_dropped_in_silence():
    html = '<p>Care guide: <a href="https://shop.example/care">read it before the first use</a>.</p>'
    with pytest.raises(HumanTextRefused) as refused:
        checked_human_text(html, "en", RULES, FIVE_WORDS)
    assert str(refused.value).startswith(
        'the sanitizer would remove <a href="https://shop.example/care"> (allowed tags: em, li, p, strong, ul)'
    )


def test_many_removals_are_counted_after_the_first_three():
    with pytest.raises(HumanTextRefused, match=r"<h1>, <h2>, <h3> and 2 more \(allowed"):
        checked_human_text("<h1>a</h1><h2>b</h2><h3>c</h3><h4>d</h4><h5>e</h5>", "en", RULES, FIVE_WORDS)


@pytest.mark.parametrize(
    ("html", "language", "message"),
    [
        ("<p>By hand.</p>", "en", "the text has 2 words; the store's voice asks for at least 5 in en"),
        ("<p>   </p>", "en", "the text has 0 words"),
        ("<p>手作り</p>", "ja", "the text has 3 characters; the store's voice asks for at least 5 in ja"),
    ],
)
def test_a_text_shorter_than_the_voice_asks_is_refused(html, language, message):
    with pytest.raises(HumanTextRefused, match=message):
        checked_human_text(html, language, RULES, FIVE_WORDS)


def test_a_text_over_the_html_cap_is_refused():
    rules = PublishRules(RULES.allowed_tags, {}, 40)
    with pytest.raises(HumanTextRefused, match="over the cap of 40"):
        checked_human_text(TEXT, "en", rules, FIVE_WORDS)
