"""A store's brand voice: versioned, set from the catalog file or the CLI, part of every task's fingerprint."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import update

from descgen.db.catalog import CatalogError, load_catalog, sync_tasks
from descgen.db.models import Batch, GenerationTask, StoreVoice
from descgen.db.results import apply_pages
from descgen.db.session import session_scope
from descgen.db.status import task_states
from descgen.db.voices import current_voice, set_voice
from descgen.generation import plan_without_changes
from descgen.lifecycle import RetryBudget, TaskState
from descgen.quality.voice import BrandVoice, Check, GlossaryTerm
from descgen.settings import Settings
from descgen.verdicts import PublishRules
from local.offline_writer import describe_product
from tests.builders import MODEL, answer, catalog, good_body, load, page, submit
from tests.integration.test_cli import configured, run  # noqa: F401  (a fixture, used as an argument)

RULES = PublishRules(frozenset({"p", "ul", "li", "span", "strong", "em"}), {}, 6000)


def settings(engine) -> Settings:
    url = engine.url.render_as_string(hide_password=False)
    return Settings(database_url=url, bucket="b", topic_arn="t", queue_url="q", dlq_url="d")


def states(engine, store: str) -> dict[str, int]:
    with session_scope(engine) as session:
        return dict(task_states(session, store))


def close_every_task(engine) -> None:
    """As if every task had been generated: done with its current fingerprint."""
    with session_scope(engine) as session:
        session.execute(update(GenerationTask).values(state=TaskState.DONE))


def test_a_new_voice_regenerates_exactly_its_store_once_and_the_dry_run_prices_it(engine):
    # GIVEN two stores whose every task is done
    for store in ("north", "south"):
        load(engine, catalog(store, products=3, languages=("en", "de")))
    close_every_task(engine)
    # WHEN north's voice changes (its tone, which shapes the prompt)
    with session_scope(engine) as session:
        version, changed = set_voice(session, "north", BrandVoice(tone="warm and plain"))
    assert (version, changed) == (1, True)
    # THEN a dry run of north prices exactly its six tasks, and changes nothing
    synced, plan = plan_without_changes(engine, settings(engine), "north", None, 1000, MODEL)
    assert (synced.marked_pending, plan.pending) == (6, 6)
    assert plan.estimate.cost.batch_usd > 0
    assert states(engine, "north") == {"done": 6}
    # AND the real sync marks north's six tasks pending, once; south is untouched
    with session_scope(engine) as session:
        assert sync_tasks(session, "north", MODEL).marked_pending == 6
        assert sync_tasks(session, "south", MODEL).marked_pending == 0
    close_every_task(engine)
    with session_scope(engine) as session:
        assert sync_tasks(session, "north", MODEL).marked_pending == 0


def test_a_change_to_the_gates_policy_only_is_a_new_version_that_regenerates_nothing(engine):
    load(engine, catalog("policy", products=2, languages=("en",)))
    close_every_task(engine)
    with session_scope(engine) as session:
        set_voice(session, "policy", BrandVoice(outcomes={Check.KEYWORDS: "publish"}))
        version, _ = current_voice(session, "policy")
        assert sync_tasks(session, "policy", MODEL).marked_pending == 0
    assert version == 1


def test_setting_the_same_voice_again_changes_nothing(engine):
    load(engine, catalog("same", products=1, languages=("en",)))
    voice = BrandVoice(tone="calm", forbidden=["miracle"])
    with session_scope(engine) as session:
        assert set_voice(session, "same", voice) == (1, True)
        assert set_voice(session, "same", voice) == (1, False)
        assert set_voice(session, "same", voice.model_copy(update={"tone": "calm, brief"})) == (2, True)
        assert session.query(StoreVoice).count() == 2


def test_the_catalog_file_sets_the_voice_and_a_bad_voice_is_refused_with_its_field(engine):
    document = catalog("filed", products=1, languages=("en", "de"))
    document["store"]["voice"] = {
        "tone": "friendly",
        "glossary": [{"term": "tent", "translations": {"de": "Zelt"}}],
        "length": {"de": {"min": 30, "max": 200}},
    }
    with session_scope(engine) as session:
        load_catalog(session, document)
        version, voice = current_voice(session, "filed")
    assert version == 1
    assert voice.glossary == [GlossaryTerm(term="tent", translations={"de": "Zelt"})]
    document["store"]["voice"] = {"length": {"de": {"min": 300, "max": 200}}}
    with (
        session_scope(engine) as session,
        pytest.raises(CatalogError, match=r"store: field voice\.length\.de: .*above max"),
    ):
        load_catalog(session, document)
    document["store"]["voice"] = {"tone": "x", "colour": "blue"}
    with (
        session_scope(engine) as session,
        pytest.raises(CatalogError, match=r"store: field voice\.colour: Extra inputs"),
    ):
        load_catalog(session, document)


def test_the_cli_shows_and_sets_a_voice_and_says_what_a_change_means(configured, engine, tmp_path, capsys):
    load(engine, catalog("cli", products=1, languages=("en",)))
    voice_file = tmp_path / "voice.json"
    voice_file.write_text(json.dumps({"tone": "warm", "forbidden": ["cheap"]}))
    assert run("voice", "show", "cli") == 0
    assert "the default voice (never set)" in capsys.readouterr().out
    assert run("voice", "set", "cli", voice_file) == 0
    assert "voice version 1; the next sync regenerates" in capsys.readouterr().out
    assert run("voice", "set", "cli", voice_file) == 0
    assert "already version 1; nothing changed" in capsys.readouterr().out
    voice_file.write_text(json.dumps({"tone": "warm", "forbidden": ["cheap"], "outcomes": {"keywords": "publish"}}))
    assert run("voice", "set", "cli", voice_file) == 0
    assert "only the gate's policy changed, nothing is regenerated" in capsys.readouterr().out
    assert run("voice", "show", "cli") == 0
    shown = capsys.readouterr().out
    assert "version 2" in shown
    assert '"cheap"' in shown
    # a bad file and a bad voice: one line each, exit 2, nothing stored
    voice_file.write_text("{not json")
    assert run("voice", "set", "cli", voice_file) == 2
    voice_file.write_text(json.dumps({"examples": ["a"] * 9}))
    assert run("voice", "set", "cli", voice_file) == 2
    assert run("voice", "set", "nowhere", tmp_path / "missing.json") == 2
    errors = capsys.readouterr().err.strip().splitlines()
    assert len(errors) == 3
    assert "voice field examples" in errors[1]


def test_the_quality_report_of_a_store_from_the_command_line(configured, engine, capsys):
    # GIVEN a batch whose answers met the gate: one good, one in the wrong language, one a copy of the first
    store = load(engine, catalog("report", products=3, languages=("de",)))
    batch_id, [first, second, third] = submit(engine, store)
    french = describe_product({"title": "Tente", "keywords": ["kw2"], "attributes": {}}, "fr", "P2/fr")
    results = page(
        batch_id,
        answer(engine, first),
        answer(engine, second, french),
        answer(engine, third, good_body(engine, first)),
    )
    with session_scope(engine) as session:
        batch = session.get_one(Batch, batch_id)
        batch.record_count, batch.estimated_cost_usd = 3, 0.03  # a cent a record
        apply_pages(session, [results], RULES, RetryBudget(3, 10))
    # WHEN the operator asks for the store's quality report
    assert run("quality", "report") == 0
    out = capsys.readouterr().out
    # THEN it gives pass rates per check and language, the reasons, and the duplicate found
    assert "3 answers gated: 1 published, 0 held for review, 2 sent back (retries cost about $0.0200)" in out
    assert "| language | 67% | 67% |" in out
    assert "| duplicate | 67% | 67% |" in out
    assert "1 × language: written in fr # not de" in out
    assert "P3/de (sent back): quality: duplicate: 1.00 similar to product P1's text" in out


def test_the_operators_commands_need_only_the_database_url(database_url, engine, monkeypatch, capsys):
    # GIVEN only DESCGEN_DATABASE_URL, as after make demo (no AWS location configured anywhere)
    for key in ("DESCGEN_BUCKET", "DESCGEN_TOPIC_ARN", "DESCGEN_QUEUE_URL", "DESCGEN_DLQ_URL"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("DESCGEN_DATABASE_URL", database_url)
    load(engine, catalog("bare", products=1, languages=("en",)))
    # WHEN the operator reads the voice and the quality report
    # THEN both answer, with no "Field required" for settings they do not use
    assert run("voice", "show", "bare") == 0
    assert run("quality", "bare") == 0
    assert "No answers met the quality gate yet." in capsys.readouterr().out
    # AND a typo in a store or batch id is one line on stderr, exit 2, never a report of defaults
    assert run("quality", "baer") == 2
    assert run("voice", "show", "baer") == 2
    assert run("quality", "bare", "--batch", "nope") == 2
    errors = capsys.readouterr().err.strip().splitlines()
    assert errors == [
        "error: no store 'baer': did you mean 'bare'?",
        "error: no store 'baer': did you mean 'bare'?",
        "error: store 'bare' has no batch 'nope' (descgen status bare lists them)",
    ]
