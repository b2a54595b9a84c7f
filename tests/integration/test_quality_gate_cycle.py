"""The quality gate end to end: a job's output file -> the real parse Lambda -> SQS -> the drain.

Each product of one batch gets an answer a careful reviewer would worry about; the
test reads what was stored and what each task became.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from sqlalchemy import select, update

from descgen.contract.keys import OUTPUT_SUFFIX, output_folder
from descgen.contract.records import make_record_id
from descgen.db.catalog import mark_human_edited
from descgen.db.models import Description, DescriptionVersion, GenerationTask, Product
from descgen.db.results import apply_pages
from descgen.db.session import session_scope
from descgen.db.voices import set_voice
from descgen.draining import drain
from descgen.lifecycle import RetryBudget
from descgen.quality.near_duplicates import NUM_PERM
from descgen.quality.normalize import FENCE, MARKER_SHAPE, normalized
from descgen.quality.voice import BrandVoice, Check, LengthTarget
from descgen.verdicts import PublishRules
from tests.builders import answer, catalog, good_body, load, page, submit
from tests.integration.test_drain_failures import settings_for
from tests.integration.test_lambda_handlers import (  # noqa: F401  (fixtures are imported to be used as arguments)
    bucket,
    event,
    load_handler,
    queue_url,
)

JAPANESE_29 = "この軽量テントは雨の夜も快適で、設営は三分で終わります。"  # a real sentence, 29 characters
RULES = PublishRules(frozenset({"p", "ul", "li", "span", "strong", "em"}), {}, 6000)
GERMAN_47 = "<p>Leichtes Zelt für zwei, schnell aufgebaut.</p>"
FRENCH = (
    "<p>Cette tente légère protège du vent et de la pluie pendant toutes vos randonnées en montagne. "
    "Elle se monte en quelques minutes et se range facilement dans un petit sac.</p>"
    "<p>Les coutures sont étanches et le sol renforcé résiste à l'humidité du terrain, "
    "même après plusieurs nuits sous l'orage.</p>"
)


@pytest.fixture
def parse_output(monkeypatch, moto_url, queue_url):
    environment = {
        "DESCGEN_QUEUE_URL": queue_url,
        "DESCGEN_OUTPUT_PREFIX": "output/",
        "DESCGEN_S3_ENDPOINT_URL": moto_url,
        "DESCGEN_SQS_ENDPOINT_URL": moto_url,
    }
    return load_handler("parse_output", monkeypatch, environment)


def converse_line(record_id: str, text: str) -> bytes:
    output = {
        "output": {"message": {"role": "assistant", "content": [{"text": text}]}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": 300, "outputTokens": 250, "totalTokens": 550},
    }
    return json.dumps({"recordId": record_id, "modelInput": {}, "modelOutput": output}, ensure_ascii=False).encode()


def run_job_output(aws, bucket, parse_output, batch_id: str, lines: list[bytes]) -> None:
    key = f"{output_folder('output/', batch_id)}job123/{batch_id}{OUTPUT_SUFFIX}"
    aws("s3").put_object(Bucket=bucket, Key=key, Body=b"\n".join(lines))
    notification = event("s3_output_created.json")
    notification["Records"][0]["s3"]["bucket"]["name"] = bucket
    notification["Records"][0]["s3"]["object"]["key"] = quote(key, safe="")
    parse_output.lambda_handler(notification, None)


def outcome(engine) -> dict[str, tuple[str, str | None]]:
    with session_scope(engine) as session:
        rows = session.execute(
            select(Product.external_id, GenerationTask.language_id, GenerationTask.state, GenerationTask.reason).join(
                Product, Product.id == GenerationTask.product_id
            )
        )
        return {f"{pid}/{lang}": (state, reason) for pid, lang, state, reason in rows}


def stored(engine) -> dict[str, str]:
    with session_scope(engine) as session:
        rows = session.execute(
            select(Product.external_id, Description.language_id, Description.html).join(
                Product, Product.id == Description.product_id
            )
        )
        return {f"{pid}/{lang}": html for pid, lang, html in rows}


SMUGGLED = "<p>And now for something else entirely: a cheap plastic chair sold at a discount.</p>"
DISGUISES = {
    "P2": "&#35;P9&#35;en&#35;",  # entities
    "P3": "＃Ｐ９＃ｅｎ＃",  # full-width look-alikes
    "P4": "#P9<span></span>#en#",  # a tag splitting it
    "P5": "#P9\u200b#en#",  # a zero-width space inside it
    "P6": "&amp;#35;P9&amp;#35;en&amp;#35;",  # double-encoded
}


def test_what_a_careful_reviewer_worries_about_never_reaches_the_shop(engine, aws, bucket, queue_url, parse_output):
    # GIVEN a store in English, German and Japanese whose voice allows short German and Japanese copy
    # (and publishes copy that misses a keyword: these short answers do not name "kw9")
    store = load(engine, catalog("gate", products=12, languages=("en", "de", "ja")))
    with session_scope(engine) as session:
        voice = BrandVoice(
            length={"de": LengthTarget(min=5, max=400), "ja": LengthTarget(min=20, max=1200)},
            outcomes={Check.KEYWORDS: "publish"},
        )
        set_voice(session, store, voice)
    batch_id, tasks = submit(engine, store)
    by_key = {}
    with session_scope(engine) as session:
        for task in tasks:
            by_key[f"{session.get_one(Product, task.product_id).external_id}/{task.language_id}"] = task
    # AND answers: disguised foreign markers, a fence at the end of a paragraph, scripts, short
    # Japanese and German, French for a German task, and two products with the same text
    text: dict[str, str] = {key: good_body(engine, task) for key, task in by_key.items()}
    for product, disguise in DISGUISES.items():
        text[f"{product}/en"] += disguise + SMUGGLED
    text["P7/en"] = text["P7/en"].replace("</p>", " Enjoy it.```</p>", 1)
    text["P8/en"] = (
        '<p onclick="alert(1)">link</p><script>' + "x1x2alert(5);" * 60 + "</script>"
        '<a href="javascript:alert(1)">Javascript:alert(1)</a><h2>Great</h2><p>tent</p>' + "<style>p{}</style>" * 30
    )
    text["P9/ja"] = f"<p>{JAPANESE_29}</p>"
    text["P9/de"] = GERMAN_47
    text["P10/de"] = FRENCH
    text["P12/en"] = text["P11/en"]
    lines = [
        converse_line(make_record_id(task.id, task.sends), f"#{key.split('/')[0]}#{task.language_id}#{text[key]}")
        for key, task in by_key.items()
    ]
    # WHEN the job's output goes through the parse Lambda and the drain
    run_job_output(aws, bucket, parse_output, batch_id, lines)
    settings = settings_for(engine.url.render_as_string(hide_password=False), queue_url)
    report = drain(engine, aws("sqs"), settings, max_messages=100, max_seconds=60)
    states, descriptions = outcome(engine), stored(engine)
    # THEN no disguised foreign marker was published, and nothing of the smuggled text either
    for product in DISGUISES:
        state, reason = states[f"{product}/en"]
        assert state == "pending", product
        assert "marker names another product" in (reason or ""), product
        assert f"{product}/en" not in descriptions
    for html in descriptions.values():
        reader = normalized(html, gap="")
        assert not MARKER_SHAPE.search(reader)
        assert not FENCE.search(reader)
        assert "plastic chair" not in html
    # AND the fence at the end of a paragraph is gone, the rest published
    assert states["P7/en"][0] == "done"
    assert "Enjoy it.</p>" in descriptions["P7/en"]
    # AND an answer that is mostly stripped markup is not published as done
    assert states["P8/en"][0] == "pending"
    assert states["P8/en"][1].startswith("quality: ")
    assert "damage: 97% of the text removed by the sanitizer; script leftovers" in states["P8/en"][1]
    assert "P8/en" not in descriptions
    # AND the short Japanese and German answers are published, as the voice allows
    assert (states["P9/ja"][0], descriptions.get("P9/ja")) == ("done", f"<p>{JAPANESE_29}</p>")
    assert (states["P9/de"][0], descriptions.get("P9/de")) == ("done", GERMAN_47)
    # AND the German task answered in French is sent back with that reason, for the next prompt
    assert states["P10/de"][0] == "pending"
    assert states["P10/de"][1].startswith("quality: language: written in fr")
    # AND of two products given the same text, exactly one is published; the other is the near-duplicate
    duplicate = [key for key in ("P11/en", "P12/en") if key not in descriptions]
    assert len(duplicate) == 1
    assert "duplicate:" in states[duplicate[0]][1]
    # AND the drain's quality report says so, and every stored version carries its scores
    assert report.quality is not None
    assert any("repeats" in line for line in report.quality.duplicates)
    with session_scope(engine) as session:
        scores = [v.quality for v in session.scalars(select(DescriptionVersion))]
    assert scores
    assert all(q is not None and set(q["scores"]) >= {"language", "duplicate"} for q in scores)


def test_a_description_repeating_one_stored_by_an_earlier_drain_is_caught(engine, aws, bucket, queue_url, parse_output):
    # GIVEN a store whose first batch published product P1's text
    store = load(engine, catalog("dupes", products=2, languages=("en",)))
    first_batch, [first] = submit(engine, store, limit=1)
    settings = settings_for(engine.url.render_as_string(hide_password=False), queue_url)
    body = good_body(engine, first)
    run_job_output(
        aws, bucket, parse_output, first_batch, [converse_line(make_record_id(first.id, first.sends), "#P1#en#" + body)]
    )
    drain(engine, aws("sqs"), settings, max_messages=10, max_seconds=30)
    # WHEN a later batch answers P2 with the same text (found through the stored bands, not a scan)
    second_batch, [second] = submit(engine, store)
    line = converse_line(make_record_id(second.id, second.sends), "#P2#en#" + body)
    run_job_output(aws, bucket, parse_output, second_batch, [line])
    drain(engine, aws("sqs"), settings, max_messages=10, max_seconds=30)
    # THEN P2 is sent back as a near-duplicate of P1, and P1 stays as it was
    states = outcome(engine)
    assert states["P1/en"][0] == "done"
    assert states["P2/en"][0] == "pending"
    assert "similar to product P1" in states["P2/en"][1]


def test_a_full_receive_of_a_thousand_answers_is_gated_in_one_transaction(engine):
    # GIVEN 1,200 answers in one receive (the drain's largest is 10 pages of 100): 9,600 buckets to look
    # up, 1,200 texts to band; no statement may grow into one giant expression (PostgreSQL's stack)
    store = load(engine, catalog("big", products=600, languages=("en", "de")))
    batch_id, tasks = submit(engine, store)
    results = [answer(engine, task) for task in tasks]
    # WHEN they are applied together
    with session_scope(engine) as session:
        report = apply_pages(session, [page(batch_id, *results)], RULES, RetryBudget(3, 10))
    # THEN every one is published with its signature and buckets, none is mistaken for another's duplicate
    assert (report.applied, report.retried, report.held) == (1200, 0, 0)
    with session_scope(engine) as session:
        indexed = session.scalars(select(Description).where(Description.band_7.is_not(None))).all()
    assert len(indexed) == 1200
    assert all(len(d.text_signature or b"") == NUM_PERM * 2 for d in indexed)


def test_an_answer_held_for_review_is_a_draft_not_the_current_description(engine):
    # GIVEN a product described before, and the answers of a new batch for it and for a new one,
    # both missing their keyword (the default outcome of the keyword check is hold)
    store = load(engine, catalog("held", products=2, languages=("en",)))
    first_batch, [first] = submit(engine, store, limit=1)
    with session_scope(engine) as session:
        apply_pages(session, [page(first_batch, answer(engine, first))], RULES, RetryBudget(3, 10))
        before = session.scalars(select(Description.html)).all()
        session.execute(update(GenerationTask).values(state="pending", batch_id=None))
    batch_id, tasks = submit(engine, store)
    missing = {t.id: good_body(engine, t).replace(f"kw{i}", "something") for i, t in enumerate(tasks, start=1)}
    # WHEN the drain applies them
    with session_scope(engine) as session:
        report = apply_pages(
            session, [page(batch_id, *(answer(engine, t, missing[t.id]) for t in tasks))], RULES, RetryBudget(3, 10)
        )
    # THEN both are drafts with their scores; the current descriptions are as they were; the tasks are done
    assert (report.held, report.applied) == (2, 0)
    with session_scope(engine) as session:
        assert session.scalars(select(Description.html)).all() == before
        drafts = session.scalars(select(DescriptionVersion).where(DescriptionVersion.status == "draft")).all()
        assert len(drafts) == 2
        assert all(d.version is None and d.quality["outcome"] == "hold" for d in drafts)
        assert sorted(d.description_id is None for d in drafts) == [False, True]  # one has no description yet
    states = outcome(engine)
    assert {state for state, _ in states.values()} == {"done"}
    assert all(reason.startswith("held for review: keywords:") for _, reason in states.values())


def test_a_held_answer_for_a_text_a_person_wrote_is_not_kept_as_a_draft(engine):
    # GIVEN a product whose English description a person wrote while its task was in a batch
    store = load(engine, catalog("person", products=1, languages=("en",)))
    batch_id, [task] = submit(engine, store)
    with session_scope(engine) as session:
        mark_human_edited(session, store, "P1", "en", "<p>Written by hand, with care.</p>", RULES)
    # WHEN the model's answer arrives and the gate holds it (its keyword is missing)
    body = good_body(engine, task).replace("kw1", "something")
    with session_scope(engine) as session:
        report = apply_pages(session, [page(batch_id, answer(engine, task, body))], RULES, RetryBudget(3, 10))
    # THEN the person's text stays, no draft is kept for review, and the task says why
    assert (report.held, report.skipped_human) == (0, 1)
    with session_scope(engine) as session:
        assert session.scalars(select(DescriptionVersion.status)).all() == ["approved"]
    assert outcome(engine)["P1/en"] == ("skipped", "human-edited description kept")
