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
- the product is the JSON between ``<product>\\n`` and ``\\n</product>``.

A prompt without a marker or product block is answered without a marker, as a real
model that was not asked for one would. The description is HTML with ``<p>``,
``<ul>``, ``<li>``, ``<span>`` and ``<strong>`` only; every piece of product text in
it is HTML-escaped, so a title that contains markup stays text.

Structured output: a Converse body whose ``outputConfig.textFormat`` carries a JSON
schema (``structure.jsonSchema.schema``, a JSON string) is answered with one JSON
object holding every property of the schema, filled by name: ``marker`` -> the
prompt's marker ("" without one), ``html`` -> the description above (no marker),
``meta_title`` -> a title in the prompt's language of at most 60 characters,
``meta_description`` -> a sentence in that language of at most 155 characters, any
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
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from descgen.contract.records import MARKER_PATTERN

DEFAULT_MODEL_ID = "anthropic.claude-3-5-haiku-20241022-v1:0"
_PRODUCT_BLOCK = re.compile(r"<product>\n(?P<data>.*?)\n</product>", re.DOTALL)
_LANGUAGE_CODE = re.compile(r"\(language code (?P<language>[A-Za-z0-9-]{2,16})\)")
_MAX_KEYWORD_BULLETS = 3
_MAX_ATTRIBUTE_BULLETS = 2
_MIN_BULLETS = 4
_MAX_BULLETS = 5
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
    """One language's templates. ``{title}``, ``{keyword}``, ``{name}``, ``{value}`` arrive escaped."""

    openings: tuple[str, ...]
    keyword_bullets: tuple[str, ...]
    attribute_bullet: str
    fillers: tuple[str, ...]
    closings: tuple[str, ...]
    # Ends every closing paragraph; starts with a space where the script separates sentences with one.
    assurance: str
    # Structured answers' meta fields; ``{title}`` arrives as plain text (JSON escapes it, not HTML).
    meta_title: str
    meta_description: str


PHRASES: dict[str, Phrases] = {
    "en": Phrases(
        openings=(
            "<p>Discover the <strong>{title}</strong>, a thoughtful choice for everyday use that combines reliable "
            "quality with a design you will enjoy for years. Whether it is for you or a gift, it fits naturally "
            "into your routine and makes every day a little easier.</p>",
            "<p>Meet the <strong>{title}</strong>: made for people who value quality, comfort and good design in "
            "equal measure. From the first use you will notice the care that went into every detail, and it keeps "
            "delivering long after the novelty has worn off.</p>",
            "<p>Looking for something that simply works? The <strong>{title}</strong> brings together practical "
            "features and a clean, modern look, so you get dependable performance without compromise, day after "
            "day.</p>",
        ),
        keyword_bullets=(
            "<li><span>{keyword}</span>: designed with {keyword} in mind, so the {title} meets your expectations "
            "from the very first day.</li>",
            "<li><span>{keyword}</span> you can count on, backed by careful workmanship and materials chosen to "
            "last.</li>",
            "<li>Ideal if you are searching for <span>{keyword}</span>: practical, well made and easy to love.</li>",
        ),
        attribute_bullet="<li><strong>{name}:</strong> {value}, exactly as described, so you know what you are "
        "getting.</li>",
        fillers=(
            "<li>Easy to use and easy to care for, so you can spend your time enjoying it rather than maintaining "
            "it.</li>",
            "<li>Carefully checked quality that holds up to daily use, season after season.</li>",
            "<li>A smart choice for gifts, with a timeless look that suits many styles and homes.</li>",
            "<li>Thoughtful details that make a real difference in daily life, from the first day to the "
            "hundredth.</li>",
        ),
        closings=(
            "<p>Order the <strong>{title}</strong> today and enjoy a product that brings quality and convenience "
            "together. It is a purchase you will be glad you made.</p>",
            "<p>Bring home the <strong>{title}</strong> and see the difference that thoughtful design makes. Add it "
            "to your cart now while it is in stock.</p>",
            "<p>With the <strong>{title}</strong> you choose lasting value over quick compromises. Treat yourself or "
            "someone special today.</p>",
        ),
        assurance=" Every order is packed with care and shipped quickly, and our customer service team is happy to "
        "help with any question.",
        meta_title="{title} | Buy online",
        meta_description="Discover the {title}: reliable quality, thoughtful design and fast shipping. Order yours online today.",
    ),
    "de": Phrases(
        openings=(
            "<p>Entdecken Sie <strong>{title}</strong>, eine durchdachte Wahl für den Alltag, die zuverlässige "
            "Qualität mit einem Design verbindet, an dem Sie lange Freude haben. Ob für Sie selbst oder als "
            "Geschenk: Es fügt sich ganz natürlich in Ihren Alltag ein.</p>",
            "<p>Lernen Sie <strong>{title}</strong> kennen: gemacht für alle, die Qualität, Komfort und gutes Design "
            "gleichermaßen schätzen. Schon beim ersten Gebrauch spüren Sie die Sorgfalt, die in jedem Detail "
            "steckt.</p>",
            "<p>Sie suchen etwas, das einfach funktioniert? <strong>{title}</strong> vereint praktische Funktionen "
            "und einen klaren, modernen Look und sorgt so Tag für Tag für verlässliche Leistung ohne "
            "Kompromisse.</p>",
        ),
        keyword_bullets=(
            "<li><span>{keyword}</span>: mit Blick auf {keyword} entwickelt, damit {title} Ihre Erwartungen vom "
            "ersten Tag an erfüllt.</li>",
            "<li><span>{keyword}</span>, auf das Sie sich verlassen können, dank sorgfältiger Verarbeitung und "
            "langlebiger Materialien.</li>",
            "<li>Ideal, wenn Sie nach <span>{keyword}</span> suchen: praktisch, hochwertig verarbeitet und einfach "
            "zu lieben.</li>",
        ),
        attribute_bullet="<li><strong>{name}:</strong> {value}, genau wie beschrieben, damit Sie wissen, was Sie "
        "bekommen.</li>",
        fillers=(
            "<li>Einfach zu bedienen und leicht zu pflegen, damit Sie Ihre Zeit mit Genießen statt mit Pflege "
            "verbringen.</li>",
            "<li>Sorgfältig geprüfte Qualität, die dem täglichen Gebrauch Saison für Saison standhält.</li>",
            "<li>Eine kluge Geschenkidee mit zeitlosem Look, der zu vielen Stilen und Wohnungen passt.</li>",
            "<li>Durchdachte Details, die im Alltag den Unterschied machen, vom ersten bis zum hundertsten Tag.</li>",
        ),
        closings=(
            "<p>Bestellen Sie <strong>{title}</strong> noch heute und genießen Sie ein Produkt, das Qualität und "
            "Komfort vereint. Ein Kauf, über den Sie sich lange freuen werden.</p>",
            "<p>Holen Sie sich <strong>{title}</strong> nach Hause und erleben Sie, was durchdachtes Design "
            "ausmacht. Legen Sie es jetzt in den Warenkorb, solange der Vorrat reicht.</p>",
            "<p>Mit <strong>{title}</strong> entscheiden Sie sich für dauerhaften Wert statt schneller Kompromisse. "
            "Gönnen Sie sich oder einem lieben Menschen noch heute etwas Besonderes.</p>",
        ),
        assurance=" Jede Bestellung wird sorgfältig verpackt und schnell versandt, und unser Kundenservice hilft "
        "Ihnen gern bei allen Fragen weiter.",
        meta_title="{title} | Online kaufen",
        meta_description="Entdecken Sie {title}: zuverlässige Qualität, durchdachtes Design und schneller Versand. Jetzt online bestellen.",
    ),
    "fr": Phrases(
        openings=(
            "<p>Découvrez <strong>{title}</strong>, un choix réfléchi pour le quotidien qui associe une qualité "
            "fiable à un design que vous apprécierez pendant des années. Pour vous ou pour offrir, il s'intègre "
            "naturellement à votre routine.</p>",
            "<p>Voici <strong>{title}</strong> : conçu pour celles et ceux qui accordent autant d'importance à la "
            "qualité qu'au confort et au beau design. Dès la première utilisation, vous remarquerez le soin apporté "
            "à chaque détail.</p>",
            "<p>Vous cherchez un produit qui fonctionne, tout simplement ? <strong>{title}</strong> réunit des "
            "fonctions pratiques et un style épuré et moderne, pour des performances fiables jour après jour, sans "
            "compromis.</p>",
        ),
        keyword_bullets=(
            "<li><span>{keyword}</span> : pensé pour {keyword}, afin que {title} réponde à vos attentes dès le "
            "premier jour.</li>",
            "<li><span>{keyword}</span> sur lequel vous pouvez compter, grâce à une fabrication soignée et à des "
            "matériaux durables.</li>",
            "<li>Idéal si vous recherchez <span>{keyword}</span> : pratique, bien fini et facile à adopter.</li>",
        ),
        attribute_bullet="<li><strong>{name} :</strong> {value}, exactement comme décrit, pour savoir précisément "
        "ce que vous achetez.</li>",
        fillers=(
            "<li>Simple à utiliser et facile à entretenir : vous profitez de votre achat au lieu de vous en "
            "occuper.</li>",
            "<li>Une qualité contrôlée avec soin, qui résiste à un usage quotidien saison après saison.</li>",
            "<li>Une excellente idée cadeau, au style intemporel qui s'accorde avec de nombreux intérieurs.</li>",
            "<li>Des détails bien pensés qui font la différence au quotidien, du premier au centième jour.</li>",
        ),
        closings=(
            "<p>Commandez <strong>{title}</strong> dès aujourd'hui et profitez d'un produit qui allie qualité et "
            "praticité. Un achat dont vous serez ravi.</p>",
            "<p>Adoptez <strong>{title}</strong> et constatez la différence qu'apporte un design bien pensé. "
            "Ajoutez-le à votre panier tant qu'il est en stock.</p>",
            "<p>Avec <strong>{title}</strong>, vous choisissez une valeur durable plutôt que des compromis. "
            "Faites-vous plaisir ou faites plaisir à un proche dès aujourd'hui.</p>",
        ),
        assurance=" Chaque commande est emballée avec soin et expédiée rapidement, et notre service client répond "
        "volontiers à toutes vos questions.",
        meta_title="{title} | Acheter en ligne",
        meta_description="Découvrez {title} : qualité fiable, design soigné et livraison rapide. Commandez en ligne dès aujourd'hui.",
    ),
    "es": Phrases(
        openings=(
            "<p>Descubre <strong>{title}</strong>, una elección pensada para el día a día que combina una calidad "
            "fiable con un diseño que disfrutarás durante años. Para ti o para regalar, encaja con naturalidad en "
            "tu rutina.</p>",
            "<p>Te presentamos <strong>{title}</strong>: creado para quienes valoran por igual la calidad, la "
            "comodidad y el buen diseño. Desde el primer uso notarás el cuidado puesto en cada detalle.</p>",
            "<p>¿Buscas algo que simplemente funcione? <strong>{title}</strong> reúne funciones prácticas y un "
            "estilo limpio y moderno para ofrecerte un rendimiento fiable día tras día, sin concesiones.</p>",
        ),
        keyword_bullets=(
            "<li><span>{keyword}</span>: diseñado pensando en {keyword}, para que {title} cumpla tus expectativas "
            "desde el primer día.</li>",
            "<li><span>{keyword}</span> en el que puedes confiar, gracias a un acabado cuidadoso y materiales "
            "duraderos.</li>",
            "<li>Ideal si buscas <span>{keyword}</span>: práctico, bien hecho y fácil de querer.</li>",
        ),
        attribute_bullet="<li><strong>{name}:</strong> {value}, tal como se describe, para que sepas exactamente "
        "lo que compras.</li>",
        fillers=(
            "<li>Fácil de usar y de mantener, para que dediques tu tiempo a disfrutarlo y no a cuidarlo.</li>",
            "<li>Calidad revisada con esmero que resiste el uso diario temporada tras temporada.</li>",
            "<li>Un regalo acertado, con un estilo atemporal que combina con muchos hogares.</li>",
            "<li>Detalles bien pensados que marcan la diferencia en el día a día, desde el primer día hasta el "
            "centésimo.</li>",
        ),
        closings=(
            "<p>Pide <strong>{title}</strong> hoy mismo y disfruta de un producto que une calidad y comodidad. Una "
            "compra de la que te alegrarás.</p>",
            "<p>Llévate <strong>{title}</strong> a casa y descubre la diferencia que marca un diseño bien pensado. "
            "Añádelo a tu carrito mientras haya existencias.</p>",
            "<p>Con <strong>{title}</strong> eliges un valor duradero en lugar de soluciones rápidas. Date un "
            "capricho o sorprende a alguien especial hoy.</p>",
        ),
        assurance=" Cada pedido se prepara con cuidado y se envía rápidamente, y nuestro equipo de atención al "
        "cliente estará encantado de ayudarte.",
        meta_title="{title} | Comprar online",
        meta_description="Descubre {title}: calidad fiable, diseño cuidado y envío rápido. Haz tu pedido online hoy mismo.",
    ),
    "it": Phrases(
        openings=(
            "<p>Scopri <strong>{title}</strong>, una scelta pensata per la vita di tutti i giorni che unisce una "
            "qualità affidabile a un design che apprezzerai per anni. Per te o da regalare, si inserisce con "
            "naturalezza nella tua routine.</p>",
            "<p>Ecco <strong>{title}</strong>: creato per chi apprezza allo stesso modo qualità, comfort e buon "
            "design. Fin dal primo utilizzo noterai la cura riposta in ogni dettaglio.</p>",
            "<p>Cerchi qualcosa che funzioni e basta? <strong>{title}</strong> riunisce funzioni pratiche e uno "
            "stile pulito e moderno, per prestazioni affidabili giorno dopo giorno, senza compromessi.</p>",
        ),
        keyword_bullets=(
            "<li><span>{keyword}</span>: progettato pensando a {keyword}, perché {title} soddisfi le tue "
            "aspettative fin dal primo giorno.</li>",
            "<li><span>{keyword}</span> su cui puoi contare, grazie a una lavorazione accurata e a materiali "
            "durevoli.</li>",
            "<li>Ideale se cerchi <span>{keyword}</span>: pratico, ben fatto e facile da amare.</li>",
        ),
        attribute_bullet="<li><strong>{name}:</strong> {value}, esattamente come descritto, così sai sempre cosa "
        "stai acquistando.</li>",
        fillers=(
            "<li>Facile da usare e da pulire, così puoi dedicare il tuo tempo a goderti l'acquisto.</li>",
            "<li>Qualità controllata con cura, che resiste all'uso quotidiano stagione dopo stagione.</li>",
            "<li>Un'ottima idea regalo, con uno stile senza tempo che si adatta a molti ambienti.</li>",
            "<li>Dettagli studiati che fanno la differenza ogni giorno, dal primo al centesimo utilizzo.</li>",
        ),
        closings=(
            "<p>Ordina <strong>{title}</strong> oggi stesso e goditi un prodotto che unisce qualità e praticità. Un "
            "acquisto di cui sarai felice.</p>",
            "<p>Porta a casa <strong>{title}</strong> e scopri la differenza che fa un design ben studiato. "
            "Aggiungilo al carrello finché è disponibile.</p>",
            "<p>Con <strong>{title}</strong> scegli un valore duraturo invece di compromessi veloci. Concediti un "
            "regalo o sorprendi una persona cara oggi stesso.</p>",
        ),
        assurance=" Ogni ordine viene imballato con cura e spedito rapidamente, e il nostro servizio clienti è sempre "
        "pronto ad aiutarti.",
        meta_title="{title} | Acquista online",
        meta_description="Scopri {title}: qualità affidabile, design curato e spedizione rapida. Ordina online oggi stesso.",
    ),
    "nl": Phrases(
        openings=(
            "<p>Ontdek <strong>{title}</strong>, een doordachte keuze voor elke dag die betrouwbare kwaliteit "
            "combineert met een ontwerp waar je jarenlang plezier van hebt. Voor jezelf of als cadeau: het past "
            "moeiteloos in je dagelijkse routine.</p>",
            "<p>Maak kennis met <strong>{title}</strong>: gemaakt voor wie kwaliteit, comfort en goed design even "
            "belangrijk vindt. Vanaf het eerste gebruik merk je de zorg die in elk detail is gestoken.</p>",
            "<p>Op zoek naar iets dat gewoon werkt? <strong>{title}</strong> brengt praktische functies en een "
            "strakke, moderne uitstraling samen, zodat je dag na dag kunt rekenen op betrouwbare prestaties.</p>",
        ),
        keyword_bullets=(
            "<li><span>{keyword}</span>: ontworpen met {keyword} in gedachten, zodat {title} vanaf de eerste dag "
            "aan je verwachtingen voldoet.</li>",
            "<li><span>{keyword}</span> waarop je kunt rekenen, dankzij zorgvuldige afwerking en duurzame "
            "materialen.</li>",
            "<li>Ideaal als je op zoek bent naar <span>{keyword}</span>: praktisch, goed gemaakt en makkelijk in "
            "gebruik.</li>",
        ),
        attribute_bullet="<li><strong>{name}:</strong> {value}, precies zoals beschreven, zodat je weet wat je "
        "krijgt.</li>",
        fillers=(
            "<li>Eenvoudig te gebruiken en makkelijk te onderhouden, zodat je er vooral van kunt genieten.</li>",
            "<li>Zorgvuldig gecontroleerde kwaliteit die dagelijks gebruik seizoen na seizoen doorstaat.</li>",
            "<li>Een slim cadeau met een tijdloze look die bij veel stijlen en interieurs past.</li>",
            "<li>Doordachte details die in het dagelijks leven echt verschil maken, van de eerste tot de honderdste "
            "dag.</li>",
        ),
        closings=(
            "<p>Bestel <strong>{title}</strong> vandaag nog en geniet van een product dat kwaliteit en gemak "
            "samenbrengt. Een aankoop waar je blij van wordt.</p>",
            "<p>Haal <strong>{title}</strong> in huis en ervaar het verschil dat doordacht design maakt. Leg het nu "
            "in je winkelwagen zolang de voorraad strekt.</p>",
            "<p>Met <strong>{title}</strong> kies je voor blijvende waarde in plaats van snelle compromissen. "
            "Verwen jezelf of iemand anders vandaag nog.</p>",
        ),
        assurance=" Elke bestelling wordt zorgvuldig verpakt en snel verzonden, en onze klantenservice helpt je graag "
        "bij al je vragen.",
        meta_title="{title} | Online kopen",
        meta_description="Ontdek {title}: betrouwbare kwaliteit, doordacht design en snelle verzending. Bestel vandaag nog online.",
    ),
    "ja": Phrases(
        openings=(
            "<p><strong>{title}</strong>は、確かな品質と長く愛用できるデザインを兼ね備えた、毎日の暮らしにぴったりの"
            "アイテムです。ご自身用にもギフトにも最適で、いつもの生活に自然になじみます。</p>",
            "<p>品質、快適さ、そして美しいデザインのすべてを大切にする方のために生まれた<strong>{title}</strong>。"
            "初めて使ったその日から、細部まで行き届いたこだわりを実感していただけます。</p>",
            "<p>シンプルに、きちんと使えるものをお探しですか？<strong>{title}</strong>は実用的な機能とすっきりとした"
            "モダンな見た目を両立し、毎日安定した使い心地をお届けします。</p>",
        ),
        keyword_bullets=(
            "<li><span>{keyword}</span>を重視して設計されているため、{title}は使い始めたその日から期待に応えます。</li>",
            "<li>丁寧な仕上げと耐久性の高い素材で、安心して使える<span>{keyword}</span>を実現しました。</li>",
            "<li><span>{keyword}</span>をお探しの方に最適。実用的で作りがよく、長く愛用していただけます。</li>",
        ),
        attribute_bullet="<li><strong>{name}：</strong>{value}。記載どおりの仕様なので、安心してお選びいただけます。</li>",
        fillers=(
            "<li>使いやすく、お手入れも簡単。手間をかけずに毎日気持ちよくお使いいただけます。</li>",
            "<li>一つひとつ丁寧に検品された品質で、日々の使用にもしっかり耐えます。</li>",
            "<li>飽きのこないデザインで、さまざまなインテリアやスタイルに合わせやすく、贈り物にも喜ばれます。</li>",
            "<li>毎日の暮らしで違いを実感できる、細やかな工夫が随所に施されています。</li>",
        ),
        closings=(
            "<p>品質と使いやすさを兼ね備えた<strong>{title}</strong>を、ぜひ今日からお試しください。きっと満足して"
            "いただける一品です。</p>",
            "<p>考え抜かれたデザインの違いを、<strong>{title}</strong>でぜひ実感してください。在庫があるうちに、"
            "今すぐカートに追加しましょう。</p>",
            "<p><strong>{title}</strong>なら、その場しのぎではない長く続く価値が手に入ります。ご自身へのご褒美や"
            "大切な方への贈り物にどうぞ。</p>",
        ),
        assurance="ご注文の商品は丁寧に梱包して迅速にお届けします。ご不明な点があれば、カスタマーサービスまでお気軽にお問い合わせください。",
        meta_title="{title}｜オンライン通販",
        meta_description="{title}は確かな品質と考え抜かれたデザインが魅力です。今すぐオンラインでご注文ください。",
    ),
    "zh": Phrases(
        openings=(
            "<p><strong>{title}</strong>兼具可靠的品质与经久耐看的设计，是日常生活的贴心之选。无论自用还是送礼，"
            "它都能自然融入您的生活。</p>",
            "<p>专为同样重视品质、舒适与出色设计的您打造——<strong>{title}</strong>。从第一次使用起，您就能感受到"
            "每一个细节中的用心。</p>",
            "<p>想要一款简单好用的产品吗？<strong>{title}</strong>将实用功能与简洁现代的外观完美结合，日复一日为您"
            "带来稳定可靠的表现。</p>",
        ),
        keyword_bullets=(
            "<li><span>{keyword}</span>：以{keyword}为设计核心，让{title}从第一天起就满足您的期待。</li>",
            "<li>值得信赖的<span>{keyword}</span>，源自精细的做工和耐用的材料。</li>",
            "<li>如果您正在寻找<span>{keyword}</span>，它实用、做工精良，让人爱不释手。</li>",
        ),
        attribute_bullet="<li><strong>{name}：</strong>{value}，与描述完全一致，让您买得放心。</li>",
        fillers=(
            "<li>操作简单，易于清洁保养，让您把时间花在享受上。</li>",
            "<li>每件产品都经过仔细检验，经得起日常使用的考验。</li>",
            "<li>经典百搭的外观适合多种风格与空间，也是送礼的理想选择。</li>",
            "<li>处处可见的贴心细节，让日常使用的每一天都更加舒心。</li>",
        ),
        closings=(
            "<p>立即订购<strong>{title}</strong>，享受品质与便利兼得的好物。这将是一次让您满意的购买。</p>",
            "<p>把<strong>{title}</strong>带回家，亲身体验用心设计带来的不同。趁有现货，现在就加入购物车吧。</p>",
            "<p>选择<strong>{title}</strong>，就是选择持久的价值。今天就犒劳自己，或为重要的人送上一份心意。</p>",
        ),
        assurance="每笔订单都会精心包装并快速发货，如有任何疑问，我们的客服团队随时乐意为您服务。",
        meta_title="{title}｜在线购买",
        meta_description="{title}兼具可靠品质与用心设计，快速发货。立即在线订购。",
    ),
    # Right to left: the markup carries no dir attribute (the prompt allows none); the page sets direction.
    "ar": Phrases(
        openings=(
            "<p>اكتشف <strong>{title}</strong>، الخيار المدروس للاستخدام اليومي الذي يجمع بين الجودة الموثوقة "
            "والتصميم الذي ستستمتع به لسنوات. سواء كان لك أو هدية لمن تحب، فهو يندمج بسهولة في روتينك اليومي.</p>",
            "<p>تعرّف على <strong>{title}</strong>: صُمّم لمن يقدّر الجودة والراحة والتصميم الأنيق بالقدر نفسه. "
            "منذ الاستخدام الأول ستلاحظ العناية الواضحة في كل تفصيل.</p>",
            "<p>هل تبحث عن منتج يؤدي مهمته ببساطة؟ يجمع <strong>{title}</strong> بين الوظائف العملية والمظهر "
            "العصري الأنيق، ليمنحك أداءً موثوقًا يومًا بعد يوم دون تنازلات.</p>",
        ),
        keyword_bullets=(
            "<li><span>{keyword}</span>: صُمّم مع مراعاة {keyword}، ليلبي {title} توقعاتك منذ اليوم الأول.</li>",
            "<li><span>{keyword}</span> يمكنك الاعتماد عليه، بفضل التصنيع الدقيق والمواد المتينة.</li>",
            "<li>مثالي إذا كنت تبحث عن <span>{keyword}</span>: عملي ومتقن الصنع وسهل الاستخدام.</li>",
        ),
        attribute_bullet="<li><strong>{name}:</strong> {value}، تمامًا كما هو موصوف، لتعرف بالضبط ما تشتريه.</li>",
        fillers=(
            "<li>سهل الاستخدام وسهل العناية، لتقضي وقتك في الاستمتاع به بدلًا من صيانته.</li>",
            "<li>جودة مفحوصة بعناية تتحمل الاستخدام اليومي موسمًا بعد موسم.</li>",
            "<li>هدية ذكية بمظهر خالد يناسب العديد من الأذواق والمساحات.</li>",
            "<li>تفاصيل مدروسة تصنع فرقًا حقيقيًا في حياتك اليومية، من اليوم الأول حتى اليوم المئة.</li>",
        ),
        closings=(
            "<p>اطلب <strong>{title}</strong> اليوم واستمتع بمنتج يجمع بين الجودة والراحة. إنها عملية شراء لن "
            "تندم عليها.</p>",
            "<p>أحضر <strong>{title}</strong> إلى منزلك واكتشف الفرق الذي يصنعه التصميم المدروس. أضفه إلى سلة "
            "التسوق الآن طالما أنه متوفر.</p>",
            "<p>مع <strong>{title}</strong> تختار قيمة تدوم بدلًا من الحلول المؤقتة. دلّل نفسك أو من تحب اليوم.</p>",
        ),
        assurance=" يتم تغليف كل طلب بعناية وشحنه بسرعة، ويسعد فريق خدمة العملاء لدينا بمساعدتك في أي استفسار.",
        meta_title="{title} | تسوق عبر الإنترنت",
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
    "ja": "この商品",
    "zh": "这款产品",
    "ar": "هذا المنتج",
}
# What a JSON schema property of another type gets.
_EMPTY_VALUES: dict[str, Any] = {"integer": 0, "number": 0, "boolean": False, "array": [], "object": {}, "null": None}


@dataclass(frozen=True)
class PromptFacts:
    """What the writer understood from a prompt."""

    marker: str | None
    product_id: str | None
    language_id: str
    product: dict[str, Any] | None


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
    product: dict[str, Any] | None = None
    block = _PRODUCT_BLOCK.search(user_text)
    if block is not None:
        try:
            data = json.loads(block["data"])  # the \u003c escapes decode back to "<" here
        except ValueError:
            data = None
        product = data if isinstance(data, dict) else None
    return PromptFacts(
        marker=marker.group(0) if marker else None,
        product_id=marker["product"] if marker else None,
        language_id=language_id,
        product=product,
    )


def describe_product(product: Mapping[str, Any] | None, language_id: str, variant_key: str) -> str:
    """The description HTML. ``variant_key`` picks the phrasing, so equal keys give equal text."""
    phrases = phrases_for(language_id)
    product = product or {}
    raw_keywords = product.get("keywords")
    keywords = [_text(k) for k in raw_keywords if _text(k)] if isinstance(raw_keywords, list) else []
    raw_attributes = product.get("attributes")
    attributes = sorted(raw_attributes.items()) if isinstance(raw_attributes, dict) else []
    variant = int.from_bytes(hashlib.sha256(variant_key.encode("utf-8")).digest()[:8], "big")

    def escaped(value: Any) -> str:
        return html.escape(_text(value), quote=False)

    title_html = escaped(_title(product, language_id))
    # Consecutive templates for consecutive keywords, so two keywords never read the same.
    first_keyword_template = variant >> 16
    bullets = [
        phrases.keyword_bullets[(first_keyword_template + index) % len(phrases.keyword_bullets)].format(
            keyword=escaped(keyword), title=title_html
        )
        for index, keyword in enumerate(keywords[:_MAX_KEYWORD_BULLETS])
    ]
    bullets += [
        phrases.attribute_bullet.format(name=escaped(name), value=escaped(value))
        for name, value in attributes[:_MAX_ATTRIBUTE_BULLETS]
    ]
    shift = (variant >> 24) % len(phrases.fillers)
    fillers = phrases.fillers[shift:] + phrases.fillers[:shift]
    bullets += fillers[: max(0, _MIN_BULLETS - len(bullets))]
    opening = phrases.openings[variant % len(phrases.openings)]
    closing = phrases.closings[(variant >> 8) % len(phrases.closings)]
    return "\n".join(
        [
            opening.format(title=title_html),
            "<ul>",
            *bullets[:_MAX_BULLETS],
            "</ul>",
            closing.format(title=title_html).removesuffix("</p>") + phrases.assurance + "</p>",
        ]
    )


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
    html_text = describe_product(facts.product, facts.language_id, variant_key)
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
    max_length = spec.get("maxLength")
    limit = max_length if isinstance(max_length, int) and max_length > 0 else None
    if name == "marker":
        value = facts.marker or ""
    elif name == "html":
        value = html_text
    elif name == "meta_title":
        value = _fitted(phrases.meta_title, title, min(limit or META_TITLE_MAX, META_TITLE_MAX))
    elif name == "meta_description":
        value = _fitted(phrases.meta_description, title, min(limit or META_DESCRIPTION_MAX, META_DESCRIPTION_MAX))
    else:
        value = f"{name.replace('_', ' ')}: {title}"
    enum = spec.get("enum")
    if isinstance(enum, list) and enum and value not in enum:
        value = enum[0]
    return _shortened(value, limit) if isinstance(value, str) and limit else value


def _fitted(template: str, title: str, limit: int) -> str:
    """The template with the title shortened so the whole stays within ``limit`` characters."""
    room = limit - len(template.replace("{title}", ""))
    return _shortened(template.format(title=_shortened(title, max(room, 1))), limit)


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(limit - 1, 0)].rstrip() + "…"


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
