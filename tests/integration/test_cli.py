"""The operator's commands, on a real database (SQLite and PostgreSQL).

Every error is one line on stderr, exit status 2 for bad input and 1 for a failure,
with no traceback unless ``--debug``; the commands need only DESCGEN_DATABASE_URL.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, make_url, select

from descgen import cli
from descgen.db.models import Batch, Description, GenerationTask, Product
from descgen.db.results import apply_pages
from descgen.db.session import session_scope
from descgen.lifecycle import RetryBudget
from descgen.settings import DatabaseSettings
from descgen.verdicts import PublishRules
from local.demo import DATABASE as DEMO_DATABASE
from local.demo import SAMPLE_PRODUCT
from local.stack import REPO
from tests.builders import answer, catalog, page, submit

# A person's text the default voice accepts: 40 words or more, only allowed tags.
BY_HAND = (
    "<p>Written by hand: a sturdy press of brushed steel that keeps coffee hot for an hour. "
    "The double wall stays cool to the touch, the fine mesh filter holds back the grounds, "
    "and every part goes into the dishwasher. It makes four large cups, enough for a slow "
    "breakfast with friends.</p>"
)


@pytest.fixture
def configured(database_url, monkeypatch, tmp_path):
    """DESCGEN_DATABASE_URL and nothing else: no AWS location, no .env in the working directory."""
    for key in [key for key in os.environ if key.startswith("DESCGEN_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("DESCGEN_DATABASE_URL", database_url)
    monkeypatch.chdir(tmp_path)
    cli.settings.cache_clear()
    yield
    cli.settings.cache_clear()


@pytest.fixture
def shop(configured, tmp_path):
    """A store 'shop' (en, de) with two products, loaded and synced from the command line."""
    assert (
        run("load-catalog", write(tmp_path / "catalog.json", catalog("shop", products=2, languages=("en", "de")))) == 0
    )
    assert run("sync", "shop") == 0
    return "shop"


def run(*argv) -> int:
    return cli.main([str(arg) for arg in argv])


def write(path: Path, content) -> Path:
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def one_error_line(capsys) -> str:
    """The one line the command wrote on stderr (and no traceback)."""
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    return lines[0]


def count(engine, model) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


# --- what the commands do --------------------------------------------------------------


def test_load_sync_status_edit_rollback_and_costs(configured, engine, tmp_path, capsys):
    # GIVEN a catalog file loaded and synced from the command line, with only the database URL set
    document = tmp_path / "catalog.json"
    document.write_text(json.dumps(catalog("shop", products=2, languages=("en", "de"))))
    assert run("load-catalog", document) == 0
    assert run("sync", "shop") == 0
    assert "4 new and 0 changed tasks to send" in capsys.readouterr().out
    # AND a batch whose results were applied, with real costs recorded
    batch_id, tasks = submit(engine, "shop")
    with session_scope(engine) as session:
        apply_pages(
            session,
            [page(batch_id, *(answer(engine, t) for t in tasks))],
            PublishRules({"p", "ul", "li"}, {}, 5000),
            RetryBudget(3, 10),
        )
        batch = session.get_one(Batch, batch_id)
        batch.input_tokens, batch.output_tokens, batch.cost_usd, batch.on_demand_cost_usd = 1000, 2000, 0.0165, 0.033
    # WHEN an admin saves a text, the batch is rolled back, and costs are asked for
    html = write(tmp_path / "p1.html", BY_HAND)
    assert run("mark-human-edited", "shop", "P1", "en", html) == 0
    assert run("status", "shop") == 0
    assert run("rollback-batch", batch_id) == 0
    assert run("costs", "--store", "shop") == 0
    # THEN each command said what it did, and the database agrees
    out = capsys.readouterr().out
    assert "shop P1/en: human-edited text saved as version 2" in out
    assert "tasks of shop: done 3, skipped 1" in out  # the human edit took its task out of the AI's hands
    # the batch made all four texts; the one a person changed since is kept, the others removed
    assert f"batch {batch_id}: 0 texts restored, 3 removed, 1 kept (changed since), 3 tasks marked skipped" in out
    month = f"{datetime.now(UTC):%Y-%m}"  # the batch never ended: it counts in the month it was made
    assert (
        f"shop             {month}        1         4         1,000         2,000       $0.0165       $0.0330"
        "       $0.0165" in out
    )  # money and counts as descgen.formats writes them
    with session_scope(engine) as session:
        remaining = {(d.source, d.html) for d in session.scalars(select(Description))}
    assert remaining == {("human", BY_HAND)}


def test_a_bad_catalog_file_is_one_line_exit_2_and_the_database_unchanged(configured, engine, tmp_path, capsys):
    good = catalog("strict", products=2, languages=("en",))
    assert run("load-catalog", write(tmp_path / "good.json", good)) == 0
    capsys.readouterr()
    bad = catalog("strict", products=3, languages=("en",))
    bad["products"][0]["title"] = "Renamed"  # a good change that must not land with the bad row
    bad["products"][2]["seo_keywords"] = "tent, camping"
    for path in (write(tmp_path / "bad.json", bad), tmp_path / "missing.json", write(tmp_path / "x.json", "{nope")):
        assert run("load-catalog", path) == 2
    errors = capsys.readouterr().err.strip().splitlines()
    assert len(errors) == 3
    assert errors[0].startswith(f"error: {tmp_path / 'bad.json'}: row 3, product 'P3': field seo_keywords:")
    assert errors[1] == (
        f"error: Invalid value for 'FILE': file '{tmp_path / 'missing.json'}' does not exist. "
        "(see descgen load-catalog --help)"
    )
    assert "not JSON" in errors[2]
    with session_scope(engine) as session:
        titles = sorted(session.scalars(select(Product.title)))
    assert titles == ["Product 1", "Product 2"]


def test_json_lines_load_and_skip_invalid_lists_the_bad_rows(configured, engine, tmp_path, capsys):
    document = catalog("lines", products=3, languages=("en", "de"))
    document["products"][1]["attributes"] = {"size": 2}
    lines = [json.dumps({"store": document["store"]})] + [json.dumps(p) for p in document["products"]]
    path = tmp_path / "catalog.jsonl"
    path.write_text("\n".join(lines) + "\n")
    assert run("load-catalog", path) == 2
    assert run("load-catalog", path, "--skip-invalid") == 0
    captured = capsys.readouterr()
    assert (
        "store lines: 3 products read, 2 written, 0 archived (not in the file), 0 restored, 1 invalid rows skipped"
        in captured.out
    )
    assert (
        f"skipped: {path}: row 3, product 'P2': field attributes.size: Input should be a valid string" in captured.err
    )
    assert run("catalog", "schema") == 0
    assert json.loads(capsys.readouterr().out)["properties"]["products"]["type"] == "array"


# --- bad input: one line, exit 2 --------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ("status", "shpo"),
        ("sync", "shpo"),
        ("costs", "--store", "shpo"),
        ("quality", "shpo"),
        ("voice", "show", "shpo"),
        ("voice", "set", "shpo", "{voice}"),
        ("mark-human-edited", "shpo", "P1", "en", "{text}"),
    ],
)
def test_a_store_id_typo_is_an_error_everywhere(shop, engine, tmp_path, capsys, argv):
    files = {
        "{voice}": write(tmp_path / "voice.json", {"tone": "plain"}),
        "{text}": write(tmp_path / "t.html", BY_HAND),
    }
    capsys.readouterr()
    assert run(*(files.get(arg, arg) for arg in argv)) == 2
    assert one_error_line(capsys) == "error: no store 'shpo': did you mean 'shop'?"
    assert count(engine, Description) == 0


def test_a_language_the_store_does_not_publish_in_is_refused(shop, engine, tmp_path, capsys):
    capsys.readouterr()
    assert run("mark-human-edited", shop, "P1", "fr", write(tmp_path / "t.html", BY_HAND)) == 2
    assert one_error_line(capsys) == "error: store 'shop' has no language 'fr' (its languages: de, en)"
    assert count(engine, Description) == 0


def test_sync_refuses_a_model_outside_the_catalog_and_names_the_known_ones(configured, engine, tmp_path, capsys):
    assert run("load-catalog", write(tmp_path / "c.json", catalog("shop", products=2, languages=("en",)))) == 0
    capsys.readouterr()
    assert run("sync", "shop", "--model", "anthropic.claude-v9") == 2
    line = one_error_line(capsys)
    assert line.startswith("error: model anthropic.claude-v9 is not in the model catalog; use one of: ")
    assert "us.anthropic.claude-haiku-4-5-20251001-v1:0" in line
    assert count(engine, GenerationTask) == 0  # nothing synced for a model no run could use


def test_a_persons_link_is_refused_by_name_not_dropped_in_silence(shop, engine, tmp_path, capsys):
    linked = BY_HAND.replace("coffee hot", '<a href="https://shop.example/care">coffee hot</a>')
    capsys.readouterr()
    assert run("mark-human-edited", shop, "P1", "en", write(tmp_path / "t.html", linked)) == 2
    assert one_error_line(capsys).startswith(
        'error: the sanitizer would remove <a href="https://shop.example/care"> (allowed tags: '
    )
    assert count(engine, Description) == 0


def test_links_the_deployment_allows_are_kept_in_a_persons_text(shop, engine, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DESCGEN_ALLOWED_TAGS", '["p", "a"]')
    monkeypatch.setenv("DESCGEN_ALLOWED_ATTRIBUTES", '{"a": ["href"]}')
    cli.settings.cache_clear()
    linked = BY_HAND.replace("coffee hot", '<a href="https://shop.example/care">coffee hot</a>')
    assert run("mark-human-edited", shop, "P1", "en", write(tmp_path / "t.html", linked)) == 0
    with session_scope(engine) as session:
        [html] = session.scalars(select(Description.html))
    assert '<a href="https://shop.example/care" rel="noopener noreferrer">coffee hot</a>' in html


def test_a_trivially_short_text_is_refused_by_the_stores_voice(shop, engine, tmp_path, capsys):
    capsys.readouterr()
    assert run("mark-human-edited", shop, "P1", "en", write(tmp_path / "t.html", "<p>Nice</p>")) == 2
    assert one_error_line(capsys) == (
        "error: the text has 1 words; the store's voice asks for at least 40 in en "
        "(descgen voice show STORE; descgen voice set changes it)"
    )
    assert count(engine, Description) == 0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("rollback-batch", "shop-1"), "error: no batch 'shop-1' (descgen status STORE lists a store's batches)"),
        (
            ("quality", "shop", "--batch", "shop-1"),
            "error: store 'shop' has no batch 'shop-1' (descgen status shop lists them)",
        ),
        (
            ("voice", "set", "shop", "{bad json}"),
            "error: {bad json}: not JSON (Expecting value: line 1 column 1 (char 0))",
        ),
        (
            ("voice", "set", "shop", "{bad voice}"),
            "error: {bad voice}: voice field tone: Input should be a valid string (1 problem(s))",
        ),
        (("status",), "error: Missing argument 'STORE'. (see descgen status --help)"),
        (("status", "shop", "--all"), "error: No such option: --all (see descgen status --help)"),
        (("stauts", "shop"), "error: No such command 'stauts'. Did you mean 'status'? (see descgen --help)"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(shop, tmp_path, capsys, argv, message):
    files = {
        "{bad json}": write(tmp_path / "v.json", "tone: plain"),
        "{bad voice}": write(tmp_path / "w.json", {"tone": 1}),
    }
    capsys.readouterr()
    assert run(*(files.get(arg, arg) for arg in argv)) == 2
    for placeholder, path in files.items():
        message = message.replace(placeholder, str(path))
    assert one_error_line(capsys) == message


def test_a_bad_setting_is_named(shop, monkeypatch, capsys):
    monkeypatch.setenv("DESCGEN_MAX_DESCRIPTION_CHARS", "0")
    cli.settings.cache_clear()
    capsys.readouterr()
    assert run("sync", "shop") == 2
    assert (
        one_error_line(capsys)
        == "error: setting DESCGEN_MAX_DESCRIPTION_CHARS: Input should be greater than or equal to 1"
    )


# --- failures: one line, exit 1 ---------------------------------------------------------


def test_a_database_that_is_down_is_one_line_naming_it_without_its_password(configured, monkeypatch, capsys):
    monkeypatch.setenv("DESCGEN_DATABASE_URL", "postgresql+psycopg://descgen:s3cret@127.0.0.1:1/descgen")
    cli.settings.cache_clear()
    assert run("status", "shop") == 1
    line = one_error_line(capsys)
    assert line.startswith("error: cannot reach the database at postgresql+psycopg://descgen:***@127.0.0.1:1/descgen: ")
    assert "s3cret" not in line


def test_a_sqlite_file_that_does_not_exist_is_not_created_and_says_how_to_make_one(
    configured, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("DESCGEN_DATABASE_URL", f"sqlite:///{tmp_path / 'typo.sqlite3'}")
    cli.settings.cache_clear()
    assert run("costs") == 1
    assert one_error_line(capsys) == (
        f"error: no database at sqlite:///{tmp_path / 'typo.sqlite3'} ({tmp_path / 'typo.sqlite3'} does not exist): "
        "run descgen migrate or make demo, or set DESCGEN_DATABASE_URL"
    )
    assert not (tmp_path / "typo.sqlite3").exists()


def test_debug_adds_the_traceback_to_the_one_line(configured, monkeypatch, capsys):
    monkeypatch.setenv("DESCGEN_DATABASE_URL", "postgresql+psycopg://descgen:s3cret@127.0.0.1:1/descgen")
    cli.settings.cache_clear()
    assert run("status", "shop", "--debug") == 1
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):")
    assert "psycopg.OperationalError" in err  # the cause is kept for whoever debugs
    assert err.strip().splitlines()[-1].startswith("error: cannot reach the database at")


@pytest.mark.parametrize(
    ("error", "status", "line"),
    [
        (
            RuntimeError("boom\n  at line 2"),
            1,
            "unexpected RuntimeError: boom\n  at line 2 (run it again with --debug for the traceback)",
        ),
        (KeyboardInterrupt(), 130, "interrupted"),
        (cli.DatabaseUnavailable("cannot reach the database at x"), 1, "cannot reach the database at x"),
        (cli.BadInput("f.json: not JSON"), 2, "f.json: not JSON"),
    ],
)
def test_every_exception_maps_to_one_status_and_message(error, status, line):
    assert cli.explain(error) == (status, line)


def test_the_installed_command_answers_in_one_line_too(tmp_path):
    environment = {"PATH": "/usr/bin:/bin", "DESCGEN_DATABASE_URL": f"sqlite:///{tmp_path / 'none.sqlite3'}"}
    done = subprocess.run(
        [sys.executable, "-m", "descgen.cli", "status", "demo"],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.startswith("error: no database at sqlite:///")
    assert done.stderr.count("\n") == 1


# --- the default database is the demo's -------------------------------------------------


def test_the_default_database_is_the_one_make_demo_writes():
    default = make_url(DatabaseSettings.model_fields["database_url"].default).database
    assert default is not None
    assert REPO / default == DEMO_DATABASE  # make runs in the repository's folder


def test_the_demo_ends_with_the_commands_that_read_what_it_made(monkeypatch, tmp_path, capsys):
    from local.demo import print_commands

    url = f"sqlite:///{DEMO_DATABASE}"
    monkeypatch.chdir(REPO)
    print_commands("demo", url)
    from_the_repository = capsys.readouterr().out.splitlines()
    monkeypatch.chdir(tmp_path)
    print_commands("demo", url)
    from_elsewhere = capsys.readouterr().out.splitlines()
    descgen = Path(sys.executable).with_name("descgen")
    shown = descgen.relative_to(REPO) if descgen.is_relative_to(REPO) else descgen
    if not (REPO / ".env").is_file():  # a developer's .env may name another database: then every line names it
        assert from_the_repository[2:10] == [
            f"{shown} {command}"
            for command in (
                "status demo",
                "quality demo",
                "review list demo",
                f"show demo {SAMPLE_PRODUCT} de",
                "export demo --format csv --dir descgen-published",
                "voice show demo",
                "costs --store demo",
                "--help",
            )
        ]
    assert from_elsewhere[2] == f"DESCGEN_DATABASE_URL={url} {descgen} status demo"
