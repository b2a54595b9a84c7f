"""The operator's commands, on a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from descgen import cli
from descgen.db.models import Batch, Description, Product
from descgen.db.results import apply_pages
from descgen.db.session import session_scope
from descgen.lifecycle import RetryBudget
from descgen.settings import get_settings
from descgen.verdicts import PublishRules
from tests.builders import answer, catalog, page, submit


@pytest.fixture
def configured(database_url, monkeypatch):
    for key, value in {
        "DESCGEN_DATABASE_URL": database_url,
        "DESCGEN_BUCKET": "b",
        "DESCGEN_TOPIC_ARN": "t",
        "DESCGEN_QUEUE_URL": "q",
        "DESCGEN_DLQ_URL": "d",
    }.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def run(*argv) -> int:
    return cli.main([str(arg) for arg in argv])


def test_load_sync_status_edit_rollback_and_costs(configured, engine, tmp_path, capsys):
    # GIVEN a catalog file loaded and synced from the command line
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
    html = tmp_path / "p1.html"
    html.write_text("<p>By hand.</p>")
    assert run("mark-human-edited", "shop", "P1", "en", html) == 0
    assert run("status", "shop") == 0
    assert run("rollback-batch", batch_id) == 0
    assert run("costs", "--store", "shop") == 0
    # THEN each command said what it did, and the database agrees
    out = capsys.readouterr().out
    assert "shop P1/en: human-edited text saved as version 2" in out
    assert "tasks of shop: done 3, skipped 1" in out  # the human edit took its task out of the AI's hands
    # the batch made all four texts; the one a person changed since is kept, the others removed
    assert (
        f"batch {batch_id}: 0 descriptions restored, 3 removed, 1 kept (changed since), 3 tasks marked skipped" in out
    )
    month = f"{datetime.now(UTC):%Y-%m}"  # the batch never ended: it counts in the month it was made
    assert (
        f"shop             {month}        1         4        1,000        2,000       0.02          0.03       0.02"
        in out
    )
    with session_scope(engine) as session:
        remaining = {(d.source, d.html) for d in session.scalars(select(Description))}
    assert remaining == {("human", "<p>By hand.</p>")}


def test_rolling_back_an_unknown_batch_says_so(configured, capsys):
    assert run("rollback-batch", "nope-1") == 1
    assert "no batch nope-1" in capsys.readouterr().err


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
    assert "No such file" in errors[1]
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
    assert "store lines: 2 products read, 2 written, 1 invalid rows skipped" in captured.out
    assert (
        f"skipped: {path}: row 3, product 'P2': field attributes.size: Input should be a valid string" in captured.err
    )
    assert run("catalog", "schema") == 0
    assert json.loads(capsys.readouterr().out)["properties"]["products"]["type"] == "array"


def write(path, content) -> object:
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path
