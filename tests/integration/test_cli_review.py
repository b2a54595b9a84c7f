"""The review, history, rollback, export and outbox commands, on a real database."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from descgen.db.models import Batch, DescriptionVersion
from descgen.db.session import make_engine, session_scope
from tests.integration.test_cli import configured, one_error_line, run  # noqa: F401  (a fixture, used by name)
from tests.integration.test_review import held_batch


def drafts_of(engine) -> list[int]:
    with session_scope(engine) as session:
        return list(
            session.scalars(
                select(DescriptionVersion.id)
                .where(DescriptionVersion.status == "draft")
                .order_by(DescriptionVersion.id)
            )
        )


def held(database_url):
    engine = make_engine(database_url)
    store, batch_id, _tasks, _ = held_batch(engine, products=3)
    return engine, store, batch_id


@pytest.mark.usefixtures("configured")
def test_review_lists_shows_approves_and_rejects_drafts(database_url, capsys):
    engine, store, _batch_id = held(database_url)
    first, second, third = drafts_of(engine)
    assert run("review", "list", store) == 0
    listed = capsys.readouterr().out
    assert all(str(v) in listed for v in (first, second, third))
    assert "review: held by the store's review policy" in listed
    assert run("review", "show", store, first) == 0
    assert "--- version" in capsys.readouterr().out
    assert run("review", "approve", store, first, "--reviewer", "ana") == 0
    assert "1 approved, 0 rejected" in capsys.readouterr().out
    assert run("review", "reject", store, second, "--note", "warmer please") == 0
    assert "1 rejected (1 to generate again" in capsys.readouterr().out
    assert run("review", "reject", store, "--all", "--leave-to-a-person") == 0
    assert "(0 to generate again, 1 left to a person)" in capsys.readouterr().out
    assert drafts_of(engine) == []


@pytest.mark.usefixtures("configured")
def test_review_refuses_what_it_cannot_do_in_one_line(database_url, capsys):
    engine, store, _ = held(database_url)
    first, *_ = drafts_of(engine)
    assert run("review", "approve", store) == 2
    assert "name the versions, or give --all" in one_error_line(capsys)
    assert run("review", "approve", "nope", first) == 2
    assert "no store 'nope'" in one_error_line(capsys)
    assert run("review", "approve", store, first) == 0
    capsys.readouterr()
    assert run("review", "approve", store, first) == 2
    assert "it is approved, not a draft" in one_error_line(capsys)
    assert run("review", "show", store, 999999) == 2
    assert "has no version 999999" in one_error_line(capsys)


@pytest.mark.usefixtures("configured")
def test_show_prints_the_history_and_the_last_change(database_url, capsys):
    engine, store, _ = held(database_url)
    first, *_ = drafts_of(engine)
    run("review", "approve", store, first)
    with session_scope(engine) as session:
        product = session.get_one(DescriptionVersion, first)
        external = product.product_id
    capsys.readouterr()
    assert run("show", store, f"P{external}", "en") == 0
    out = capsys.readouterr().out
    assert "approved" in out
    assert "by operator" in out
    assert run("show", store, "P1", "xx") == 2
    assert "xx" in one_error_line(capsys)


@pytest.mark.usefixtures("configured")
def test_rollback_dry_run_changes_nothing_and_undo_restores(database_url, capsys):
    engine, store, _ = held(database_url)
    run("review", "approve", store, "--all")
    with session_scope(engine) as session:
        batch_id = session.scalars(select(Batch.id)).one()
    capsys.readouterr()
    assert run("rollback-batch", batch_id, "--dry-run") == 0
    out = capsys.readouterr().out
    assert "dry run, nothing changed" in out
    assert "3 would be removed" in out
    assert "descgen regenerate" in out
    with session_scope(engine) as session:
        assert session.get_one(Batch, batch_id).rolled_back_at is None
    assert run("rollback-batch", batch_id) == 0
    assert "3 removed" in capsys.readouterr().out
    assert run("rollback-batch", batch_id, "--undo") == 0
    assert "3 texts restored" in capsys.readouterr().out
    assert run("rollback-batch", "no-such-batch") == 2
    assert "no batch" in one_error_line(capsys)


@pytest.mark.usefixtures("configured")
def test_export_writes_jsonl_and_shopify_csv(database_url, capsys, tmp_path):
    _, store, _ = held(database_url)
    run("review", "approve", store, "--all")
    capsys.readouterr()
    assert run("export", store, "--dir", tmp_path / "out") == 0
    [path] = [line.removeprefix("wrote ") for line in capsys.readouterr().out.splitlines()]
    lines = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 3
    assert run("export", store, "--format", "csv", "--dir", tmp_path / "out") == 0
    [path] = [line.removeprefix("wrote ") for line in capsys.readouterr().out.splitlines()]
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["Handle"] for row in rows] == ["P1", "P2", "P3"]
    assert run("export", store, "--format", "xml") == 2
    assert "xml" in one_error_line(capsys)


@pytest.mark.usefixtures("configured")
def test_outbox_commands_say_when_there_is_nothing_dead(database_url, capsys):
    _, store, _ = held(database_url)
    assert run("outbox", "dead") == 0
    assert "no dead outbox rows" in capsys.readouterr().out
    assert run("outbox", "redrive", store, 12345) == 2
    assert "not dead rows of acme: 12345" in one_error_line(capsys)
