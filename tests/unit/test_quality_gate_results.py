"""The quality gate's checks, each result exactly: score, pass or fail, and the reason it gives.

The rule tests (``test_quality_gate.py``) say which checks fail; these pin what each check
reports at its boundaries, so a threshold moved by one, a score computed another way or a
reason that no longer says what failed is caught (``make mutation`` found them unpinned).
"""

from __future__ import annotations

import pytest

from descgen.quality.gate import (
    Candidate,
    CheckResult,
    Neighbour,
    Subject,
    _contains,
    _detector,
    _language,
    _whole,
    assess,
    broken_elements,
    detect_language,
    read_checks,
)
from descgen.quality.near_duplicates import sketches
from descgen.quality.normalize import normalized
from descgen.quality.voice import BrandVoice, Check, GlossaryTerm, LengthTarget, Thresholds
from tests.unit.test_quality_gate import ENGLISH, GERMAN, META_DESCRIPTION, META_TITLE, read, subject


def result(candidate, which: Check, voice: BrandVoice | None = None, about: Subject | None = None) -> CheckResult:
    return next(r for r in read_checks(candidate, about or subject(), voice or BrandVoice()) if r.check == which)


def rounded(r: CheckResult) -> tuple[Check, float, bool, str]:
    return (r.check, round(r.score, 4), r.passed, r.reason)


def words(n: int) -> str:
    return "<p>" + " ".join(["coffee"] * n) + "</p>"


# --- language -------------------------------------------------------------------------------------------


def test_a_text_in_the_requested_language_passes_with_its_probability():
    assert rounded(result(read(ENGLISH), Check.LANGUAGE)) == (Check.LANGUAGE, 0.9303, True, "en (0.93)")


def test_a_text_in_another_language_fails_with_the_share_of_the_requested_one():
    assert rounded(_language(normalized(GERMAN), "en", BrandVoice())) == (
        Check.LANGUAGE,
        0.0033,
        False,
        "written in de (0.97), not en (0.00)",
    )


def test_ten_characters_are_enough_to_tell_a_language_and_nine_are_not():
    assert _language("abcdefghi", "en", BrandVoice()) == CheckResult(Check.LANGUAGE, 0.0, True, "too short to tell")
    assert rounded(_language("abcdefghij", "en", BrandVoice()))[2:] == (False, "written in nl (0.90), not en (0.02)")


def test_the_language_is_read_from_the_middle_of_a_long_text():
    # GIVEN German around 160 characters of English, exactly in the middle
    german, english = normalized(GERMAN), normalized(ENGLISH)
    mixed = german[:200] + english[:160] + german[200:400]
    # THEN the guesses are those for the English alone, with five guesses that add up to at most 1
    assert detect_language(mixed) == detect_language(english[:160])
    guesses = detect_language(english)
    assert len(guesses) == 5
    assert next(iter(guesses)) == "en"
    assert sum(guesses.values()) <= 1.0


def test_languages_the_detector_cannot_tell_apart_are_added_up_as_one():
    croatian = normalized(
        "<p>Ovaj čajnik od nehrđajućeg čelika brzo kuha vodu i lako se čisti. "
        "Savršen je za svaku kuhinju i obitelj koja voli čaj.</p>"
    )
    raw = {g["lang"]: g["score"] for g in _detector().detect(croatian, model="lite", k=5)}
    merged = detect_language(croatian)
    assert merged["hr"] == pytest.approx(sum(raw.get(code, 0.0) for code in ("hr", "bs", "sr", "sh")))
    assert not {"bs", "sr", "sh"} & set(merged)


# --- length ---------------------------------------------------------------------------------------------

TEN_TO_TWENTY = BrandVoice(length={"en": LengthTarget(min=10, max=20)})


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (10, (1.0, True, "10 words")),
        (20, (1.0, True, "20 words")),
        (9, (0.9, False, "9 words, below 10-20")),
        (25, (0.8, False, "25 words, above 10-20")),
    ],
)
def test_length_passes_within_the_target_both_ends_included_and_scores_the_distance(count, expected):
    assert rounded(result(read(words(count)), Check.LENGTH, TEN_TO_TWENTY)) == (Check.LENGTH, *expected)


# --- meta -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "description", "expected"),
    [
        ("t" * 10, "d" * 50, (1.0, True, "within bounds")),
        ("t" * 60, "d" * 160, (1.0, True, "within bounds")),
        ("t" * 9, "d" * 50, (0.5, False, "meta title has 9 characters, not 10-60")),
        ("t" * 10, "d" * 161, (0.5, False, "meta description has 161 characters, not 50-160")),
        (
            "t" * 61,
            "d" * 49,
            (0.0, False, "meta title has 61 characters, not 10-60; meta description has 49 characters, not 50-160"),
        ),
    ],
)
def test_meta_fields_pass_within_their_bounds_both_ends_included(title, description, expected):
    candidate = read(ENGLISH, meta_title=title, meta_description=description)
    assert rounded(result(candidate, Check.META)) == (Check.META, *expected)


def test_derived_meta_fields_are_ours_and_not_judged():
    candidate = read(ENGLISH, meta_title="x", meta_description="y", meta_derived=True)
    assert result(candidate, Check.META) == CheckResult(Check.META, 1.0, True, "derived from the text")


# --- keywords -------------------------------------------------------------------------------------------


def test_no_keywords_means_nothing_to_check():
    assert result(read(ENGLISH), Check.KEYWORDS, about=subject(keywords=())) == CheckResult(
        Check.KEYWORDS, 1.0, True, "no keywords"
    )


def test_keywords_missing_everywhere_are_each_named_and_scored_by_share_and_place():
    candidate = read("<p>A steel press for coffee lovers.</p>", meta_title="A press for everyone")
    about = subject(keywords=("french press", "coffee", "glass", "filter"))
    assert rounded(result(candidate, Check.KEYWORDS, about=about)) == (
        Check.KEYWORDS,
        round((1 / 4 + 0 + 0) / 3, 4),
        False,
        "primary keyword 'french press' not in the first paragraph; primary keyword 'french press' not in the meta "
        "title; 1 of 4 keywords used (missing 'french press', 'glass', 'filter')",
    )


def test_a_keyword_in_the_first_paragraph_only_scores_two_thirds():
    candidate = read("<p>The french press.</p>", meta_title="A press for everyone")
    assert rounded(result(candidate, Check.KEYWORDS, about=subject(keywords=("french press",)))) == (
        Check.KEYWORDS,
        round(2 / 3, 4),
        False,
        "primary keyword 'french press' not in the meta title",
    )


def test_a_keyword_is_looked_for_as_the_glossary_translates_it():
    voice = BrandVoice(glossary=[GlossaryTerm(term="french press", translations={"de": "Stempelkanne"})])
    german = read("<p>Diese Stempelkanne macht guten Kaffee.</p>", "de", meta_title="Die Stempelkanne aus Stahl")
    about = Subject("P1", "de", "French Press", ("french press",), {})
    assert result(german, Check.KEYWORDS, voice, about) == CheckResult(Check.KEYWORDS, 1.0, True, "1 of 1 keywords")


# --- forbidden words ------------------------------------------------------------------------------------


def test_forbidden_words_are_whole_words_and_all_of_them_are_named():
    voice = BrandVoice(forbidden=["sturdy", "best ever", "cheap"])
    used = read("<p>The best ever press, sturdy and built to last.</p>", meta_description="d" * 60)
    assert result(used, Check.FORBIDDEN, voice) == CheckResult(
        Check.FORBIDDEN, 0.0, False, "uses 'best ever', 'sturdy'"
    )
    # a word that only starts with a forbidden one is not it
    clean = read("<p>Sturdyness is not a word, cheapskates are people.</p>", meta_description="d" * 60)
    assert result(clean, Check.FORBIDDEN, voice) == CheckResult(Check.FORBIDDEN, 1.0, True, "none used")


# --- glossary -------------------------------------------------------------------------------------------


def test_glossary_terms_the_product_mentions_are_scored_by_the_share_used_as_the_voice_says():
    voice = BrandVoice(
        glossary=[
            GlossaryTerm(term="steel", translations={"de": "Edelstahl"}),
            GlossaryTerm(term="glass", translations={"de": "Borosilikatglas"}),
            GlossaryTerm(term="kettle", translations={"de": "Wasserkocher"}),  # the product does not mention it
        ]
    )
    about = Subject("P1", "de", "Press aus steel und glass", (), {})
    half = read("<p>Eine Kanne aus Edelstahl und Glas.</p>", "de")
    assert result(half, Check.GLOSSARY, voice, about) == CheckResult(
        Check.GLOSSARY, 0.5, False, "not used as the glossary says: 'glass' as 'Borosilikatglas'"
    )
    both = read("<p>Eine Kanne aus Edelstahl und Borosilikatglas.</p>", "de")
    assert result(both, Check.GLOSSARY, voice, about) == CheckResult(Check.GLOSSARY, 1.0, True, "2 terms used")
    none = read("<p>Eine Kanne.</p>", "de")
    assert result(none, Check.GLOSSARY, voice, Subject("P1", "de", "Kanne", (), {})) == CheckResult(
        Check.GLOSSARY, 1.0, True, "no glossary term applies"
    )
    wrong = read("<p>Eine Kanne.</p>", "de")
    assert result(wrong, Check.GLOSSARY, voice, about) == CheckResult(
        Check.GLOSSARY,
        0.0,
        False,
        "not used as the glossary says: 'steel' as 'Edelstahl', 'glass' as 'Borosilikatglas'",
    )


# --- damage ---------------------------------------------------------------------------------------------


def test_damage_reports_the_share_removed_and_the_broken_elements():
    written = "<p>Good text here for you</p><script>alert(1)</script><p></p><li>x</li>stray"
    candidate = read("<p>Good text here for you</p><p></p><li>x</li>stray", raw=written)
    assert result(candidate, Check.DAMAGE) == CheckResult(
        Check.DAMAGE, 0.75, False, "25% of the text removed by the sanitizer; 3 empty or orphan elements"
    )


def test_a_clean_answer_has_nothing_removed():
    assert result(read(ENGLISH), Check.DAMAGE) == CheckResult(Check.DAMAGE, 1.0, True, "0% removed")


def test_script_leftovers_and_broken_characters_score_zero_and_are_named():
    escaped = read("<p>Good coffee &lt;script&gt;alert(1)&lt;/script&gt; every day \ufffd.</p>")
    damage = result(escaped, Check.DAMAGE)
    assert (damage.score, damage.passed) == (0.0, False)
    assert damage.reason.startswith("script leftovers: ")
    assert damage.reason.endswith("; 1 broken characters (\ufffd or lone surrogates)")


def test_elements_count_as_broken_past_the_threshold_only():
    assert broken_elements("<p>a</p><p></p><li>x</li>stray") == 3
    assert broken_elements("<p>a</p> \n ") == 0
    assert broken_elements("<p>a</p>&nbsp;") == 0
    two = read("<p>Good text here for you</p><p></p><p> </p>")  # two empty paragraphs: at the threshold
    assert result(two, Check.DAMAGE) == CheckResult(Check.DAMAGE, 1.0, True, "0% removed")


# --- near duplicates ------------------------------------------------------------------------------------


def signature(html: str) -> bytes:
    [sketch] = sketches([(normalized(html), "en")])
    return sketch.signature


def duplicate(candidate, neighbours, voice: BrandVoice | None = None):
    gate = assess(candidate, subject(product="P1"), voice or BrandVoice(), neighbours)
    return next(r for r in gate.results if r.check == Check.DUPLICATE), gate.duplicate_of


def test_the_same_text_as_another_product_is_its_duplicate_the_first_named_among_equals():
    same = signature(ENGLISH)
    neighbours = [Neighbour("P1", same), Neighbour("P2", same), Neighbour("P3", same)]
    assert duplicate(read(ENGLISH), neighbours) == (
        CheckResult(Check.DUPLICATE, 0.0, False, "1.00 similar to product P2's text (threshold 0.7)"),
        "P2",
    )


def test_a_similarity_at_the_threshold_is_a_duplicate_and_one_under_it_is_not():
    same = [Neighbour("P2", signature(ENGLISH))]
    voice = BrandVoice(thresholds=Thresholds(duplicate_similarity=1.0))
    assert duplicate(read(ENGLISH), same, voice)[1] == "P2"
    assert duplicate(read(ENGLISH), [], voice) == (CheckResult(Check.DUPLICATE, 1.0, True, "closest 0.00"), None)


def test_the_answer_is_not_its_own_duplicate():
    assert duplicate(read(ENGLISH), [Neighbour("P1", signature(ENGLISH))]) == (
        CheckResult(Check.DUPLICATE, 1.0, True, "closest 0.00"),
        None,
    )


# --- the outcome ----------------------------------------------------------------------------------------


def test_the_worst_outcome_wins_and_a_retry_on_the_last_attempt_is_held():
    voice = BrandVoice(forbidden=["rich"], length={"en": LengthTarget(min=10, max=20)})
    candidate = read(ENGLISH, meta_title=META_TITLE, meta_description=META_DESCRIPTION)
    assert assess(candidate, subject(), voice, []).outcome == "retry"
    assert assess(candidate, subject(), voice, [], last_attempt=True).outcome == "hold"
    kept = BrandVoice(
        outcomes={Check.FORBIDDEN: "publish", Check.LENGTH: "hold"},
        forbidden=["rich"],
        length={"en": LengthTarget(min=10, max=20)},
    )
    assert assess(candidate, subject(), kept, []).outcome == "hold"


# --- finding terms --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "term", "language", "found"),
    [
        ("tents in the camp", "tent", "en", True),  # at the start of a word: "tent" finds "tents"
        ("xtent", "tent", "en", False),  # inside a word, one letter in
        ("x_tent", "tent", "en", False),  # "_" is part of a word
        ("attent tent", "tent", "en", True),  # the second place counts when the first is inside a word
        ("french\npress", "french press", "en", True),  # any whitespace between a term's words
        ("このフレンチプレス", "プレス", "ja", True),  # an unspaced script: anywhere
    ],
)
def test_a_term_is_contained_where_a_word_starts_with_it(text, term, language, found):
    assert _contains(text, term, language) is found


@pytest.mark.parametrize(
    ("text", "term", "found"),
    [
        ("tents", "tent", False),
        ("tents tent", "tent", True),
        ("tent.", "tent", True),
        ("best  ever", "best ever", True),
    ],
)
def test_a_whole_term_ends_a_word_too(text, term, found):
    assert _whole(text, term) is found


# --- counts over several answers ------------------------------------------------------------------------


def test_script_leftovers_name_the_first_three_alone():
    escaped = read(
        "<p>Good coffee &lt;script&gt; alert(1) eval(2) document.cookie javascript:go every morning of the week.</p>"
    )
    damage = result(escaped, Check.DAMAGE)
    assert damage == CheckResult(Check.DAMAGE, 0.0, False, "script leftovers: '<script', 'alert(', 'document.cookie'")


def test_script_leftovers_alone_score_zero():
    damage = result(read("<p>Good coffee every morning, javascript: go now, for the whole family.</p>"), Check.DAMAGE)
    assert (damage.score, damage.passed) == (0.0, False)


def test_a_partly_similar_neighbour_lowers_the_score_without_failing():
    from descgen.quality.near_duplicates import similarity
    from tests.unit.test_quality_gate import ENGLISH_KETTLE

    candidate = read(ENGLISH)
    other = signature(ENGLISH.split("<ul>")[0] + "<ul>" + ENGLISH_KETTLE.split("<ul>")[1])  # half the same
    close = similarity(candidate.sketch.signature, other)
    assert 0 < close < 0.7
    assert duplicate(candidate, [Neighbour("P2", other)]) == (
        CheckResult(Check.DUPLICATE, 1 - close, True, f"closest {close:.2f}"),
        None,
    )


def test_a_fifth_of_the_text_removed_by_the_sanitizer_is_still_within_the_threshold():
    candidate = read("<p>abcdefgh</p>", raw="<p>abcdefgh</p><script>ij</script>")
    assert result(candidate, Check.DAMAGE) == CheckResult(Check.DAMAGE, 0.8, True, "20% removed")


def test_an_answer_without_paragraphs_is_searched_for_its_keyword_at_its_start():
    candidate = read("<ul><li>French press, steel</li><li>Rich coffee</li></ul>", meta_title="French press for coffee")
    assert result(candidate, Check.KEYWORDS).passed


def test_a_share_removed_exactly_at_the_threshold_passes():
    candidate = read("<p>abc</p>", raw="<p>abc</p><script>d</script>")
    voice = BrandVoice(thresholds=Thresholds(sanitizer_removed_share=0.25))
    assert result(candidate, Check.DAMAGE, voice) == CheckResult(Check.DAMAGE, 0.75, True, "25% removed")


def test_a_handler_split_by_an_empty_tag_is_a_script_leftover():
    candidate = read("<p>Good coffee on<em></em>click=go every morning for you.</p>")
    assert result(candidate, Check.DAMAGE) == CheckResult(Check.DAMAGE, 0.0, False, "script leftovers: 'onclick='")


def test_a_term_of_invisible_characters_only_is_found_nowhere():
    assert _contains("anything at all", "\u200b", "en") is False


def test_without_paragraphs_the_first_300_characters_are_the_first_paragraph():
    words = "a " * 150  # 300 characters
    plain = words + "z"
    candidate = Candidate(
        f"<ul><li>{plain}</li></ul>", f"<ul><li>{plain}</li></ul>", "z title", "d", False, plain, read(ENGLISH).sketch
    )
    keywords = result(candidate, Check.KEYWORDS, about=subject(keywords=("z",)))
    assert keywords.reason == "primary keyword 'z' not in the first paragraph"
