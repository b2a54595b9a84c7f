"""Catalog files imported as a stream on a real database (SQLite and PostgreSQL): archive and restore,
partial imports, duplicates across chunks, all or nothing, progress."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from descgen.catalog_import import CatalogError, StoreIn
from descgen.db.batches import claim_batch
from descgen.db.catalog import LoadReport, existing_store, import_catalog, sync_tasks
from descgen.db.models import Description, GenerationTask, Product
from descgen.db.session import session_scope
from descgen.lifecycle import TaskState
from tests.builders import MODEL

FIXTURE = Path(__file__).parents[1] / "fixtures" / "shopify_products_export.csv"
STORE = {"id": "trail", "name": "Trail", "languages": {"en": "English"}}


def product(number: int, **changes: object) -> dict[str, object]:
    return {"id": f"P{number}", "title": f"Product {number}", "seo_keywords": [f"kw{number}"]} | changes


def jsonl(path: Path, *products: dict[str, object] | str, store: dict[str, object] = STORE) -> Path:
    lines = [json.dumps({"store": store})] + [p if isinstance(p, str) else json.dumps(p) for p in products]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def load(engine: Engine, path: Path, **options: object) -> LoadReport:
    with session_scope(engine) as session:
        return import_catalog(session, path, **options)


def products(engine: Engine, store: str = "trail") -> dict[str, tuple[str, bool]]:
    """external id -> (title, archived)"""
    with session_scope(engine) as session:
        rows = session.execute(
            select(Product.external_id, Product.title, Product.archived_at).where(Product.store_id == store)
        )
        return {external_id: (title, archived_at is not None) for external_id, title, archived_at in rows}


def test_a_shopify_export_imports_each_handle_as_one_product_with_its_variants(engine):
    # GIVEN Shopify's product export, and the store it belongs to (a CSV names none)
    store = StoreIn(id="nordwand", name="Nordwand", languages={"en": "English", "de": "Deutsch"})
    # WHEN it is imported
    report = load(engine, FIXTURE, store=store)
    # THEN one product per handle, the shop's archived product left out, variants folded into attributes
    assert (report.read, report.written, report.archived, report.skipped) == (6, 6, 0, 0)
    with session_scope(engine) as session:
        tent = session.scalars(select(Product).where(Product.external_id == "trail-tent-2p")).one()
        assert tent.attributes["Colour"] == "Green, Sand, Grey"
        assert tent.seo_keywords == ["tent", "camping", "ultralight", "backpacking", "2 person"]
        assert existing_store(session, "nordwand") == store  # the next CSV of this store needs only its id
    assert products(engine, "nordwand")["daunenschlafsack-minus-10"] == ("Daunenschlafsack −10 °C", False)
    assert "kerosene-stove-classic" not in products(engine, "nordwand")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "Handle,Title,Tags\ntrail-tent,Renamed,tent\nbad handle!,Stove,stove\n",
            "row 3, handle 'bad handle!': field Handle:",
        ),
        ("Handle,Title,Tags\ntrail-tent,Renamed,tent\n,Stove,stove\n", "row 3: field Handle: empty"),
        ("Handle,Title,Tags\ntrail-tent,Renamed,tent\nstove,,stove\n", "row 3, handle 'stove': field Title: empty"),
        (
            'Handle,Title,Tags\ntrail-tent,Renamed,tent\nstove,Stove,"' + "s" * 101 + '"\n',
            "row 3, handle 'stove': field Tags.0:",
        ),
        ("Handle,Title,Tags\ntrail-tent,Renamed,tent\nstove,Stove,a,b\n", "row 3, handle 'stove': field row: 4 cells"),
        (
            "Handle,Title,Tags\ntrail-tent,Renamed,tent\nstove,Stove,x\ntrail-tent,Again,y\n",
            "row 4, handle 'trail-tent': field Handle: the same id as row 2",
        ),
    ],
)
def test_each_bad_csv_row_is_one_line_and_the_database_is_left_as_it_was(engine, tmp_path, text, message):
    # GIVEN a store with two products, one of which the next file leaves out
    store = StoreIn(**STORE)
    good = tmp_path / "good.csv"
    good.write_text("Handle,Title,Tags\ntrail-tent,Trail Tent,tent\nold-stove,Old Stove,stove\n", encoding="utf-8")
    load(engine, good, store=store)
    before = products(engine)
    # WHEN a file whose first row is a good change (written in the first chunk) has a bad row after it
    bad = tmp_path / "bad.csv"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError) as raised:
        load(engine, bad, store=store, chunk_rows=1)
    # THEN one line names the file, row, handle and column; nothing was written, nothing archived
    assert str(raised.value).startswith(f"{bad}: {message}")
    assert str(raised.value).endswith("nothing was loaded")
    assert "\n" not in str(raised.value)
    assert products(engine) == before
    # AND the refused import left nothing behind that stops the next one
    assert load(engine, good, store=store).read == 2


def test_a_full_import_archives_what_the_file_left_out_and_a_later_one_restores_it(engine, tmp_path):
    # GIVEN three products, each with a description
    load(engine, jsonl(tmp_path / "all.jsonl", product(1), product(2), product(3)))
    with session_scope(engine) as session:
        sync_tasks(session, "trail", MODEL)
        for row in session.scalars(select(Product)):
            session.add(
                Description(store_id="trail", product_id=row.id, language_id="en", html="<p>x</p>", source="ai")
            )
    # WHEN the next full import has no P2
    report = load(engine, jsonl(tmp_path / "two.jsonl", product(1), product(3)))
    # THEN P2 is archived (kept, with its description), the others untouched
    assert (report.read, report.written, report.archived, report.restored) == (2, 0, 1, 0)
    assert products(engine) == {"P1": ("Product 1", False), "P2": ("Product 2", True), "P3": ("Product 3", False)}
    with session_scope(engine) as session:
        assert len(session.scalars(select(Description)).all()) == 3
    # AND an import that omits it again leaves its archive date alone (nothing to count)
    assert load(engine, jsonl(tmp_path / "two.jsonl", product(1), product(3))).archived == 0
    # WHEN a later import has P2 again
    report = load(engine, jsonl(tmp_path / "back.jsonl", product(1), product(2), product(3)))
    # THEN it is restored
    assert (report.written, report.archived, report.restored) == (1, 0, 1)
    assert products(engine)["P2"] == ("Product 2", False)


def test_a_partial_import_leaves_the_products_it_does_not_name_alone(engine, tmp_path):
    load(engine, jsonl(tmp_path / "all.jsonl", product(1), product(2), product(3)))
    report = load(engine, jsonl(tmp_path / "one.jsonl", product(2, title="Renamed")), partial=True)
    assert (report.read, report.written, report.archived) == (1, 1, 0)
    assert products(engine) == {"P1": ("Product 1", False), "P2": ("Renamed", False), "P3": ("Product 3", False)}


def test_sync_makes_no_task_for_an_archived_product_and_leaves_its_tasks_as_they_are(engine, tmp_path):
    # GIVEN three products synced, P3's task done
    load(engine, jsonl(tmp_path / "all.jsonl", product(1), product(2), product(3)))
    with session_scope(engine) as session:
        sync_tasks(session, "trail", MODEL)
        session.execute(
            GenerationTask.__table__.update()
            .where(GenerationTask.product_id == select(Product.id).where(Product.external_id == "P3").scalar_subquery())
            .values(state=TaskState.DONE)
        )
    # WHEN P3 is archived by a full import that also adds a language, and the store syncs with another model
    german = STORE | {"languages": {"en": "English", "de": "Deutsch"}}
    load(engine, jsonl(tmp_path / "two.jsonl", product(1), product(2), store=german))
    with session_scope(engine) as session:
        report = sync_tasks(session, "trail", "another-model")
    # THEN P1 and P2 get German tasks and their English ones go pending; P3 gets nothing and keeps its done task
    assert (report.created, report.marked_pending) == (2, 2)
    with session_scope(engine) as session:
        tasks = session.execute(
            select(Product.external_id, GenerationTask.language_id, GenerationTask.state).join(
                Product, Product.id == GenerationTask.product_id
            )
        )
        by_product = sorted((external_id, language, state) for external_id, language, state in tasks)
    assert [t for t in by_product if t[0] == "P3"] == [("P3", "en", TaskState.DONE)]
    assert len(by_product) == 5


def test_a_duplicate_id_in_a_streamed_file_is_refused_naming_both_rows_across_chunks(engine, tmp_path):
    # GIVEN a file whose P1 comes back four rows later, in another chunk
    path = jsonl(tmp_path / "dup.jsonl", product(1), product(2), product(3), product(4), product(1, title="Again"))
    # WHEN it is imported two rows per chunk
    with pytest.raises(CatalogError) as raised:
        load(engine, path, chunk_rows=2)
    # THEN both rows are named (the store on line 1, products from line 2) and nothing was written
    assert str(raised.value) == f"{path}: row 6, product 'P1': field id: the same id as row 2; nothing was loaded"
    assert products(engine) == {}


def test_skipped_rows_are_counted_and_listed_and_a_bad_row_keeps_its_product_from_being_archived(engine, tmp_path):
    load(engine, jsonl(tmp_path / "all.jsonl", product(1), product(2), product(3)))
    path = jsonl(tmp_path / "bad.jsonl", product(1), product(2, title=True), "{not json", product(1))
    report = load(engine, path, skip_invalid=True, chunk_rows=2)
    assert (report.read, report.skipped, report.archived) == (4, 3, 1)
    assert [problem.split(": ", 2)[1] for problem in report.problems] == [
        "row 3, product 'P2'",
        "row 4",
        "row 5, product 'P1'",
    ]
    # P2's row was bad, but the shop still sends P2: it stays; P3 is gone from the file: archived
    assert products(engine) == {"P1": ("Product 1", False), "P2": ("Product 2", False), "P3": ("Product 3", True)}


def test_progress_is_called_after_each_chunk_with_the_rows_read_so_far(engine, tmp_path):
    seen: list[int] = []
    path = jsonl(tmp_path / "five.jsonl", *(product(n) for n in range(1, 6)))
    report = load(engine, path, chunk_rows=2, progress=seen.append)
    assert seen == [2, 4, 5]
    assert report.written == 5


def test_a_pending_task_of_an_archived_product_is_not_claimed_until_the_product_returns(engine, tmp_path):
    # GIVEN two products with pending tasks, then a full import without P2
    load(engine, jsonl(tmp_path / "all.jsonl", product(1), product(2)))
    with session_scope(engine) as session:
        sync_tasks(session, "trail", MODEL)
    load(engine, jsonl(tmp_path / "one.jsonl", product(1)))
    # WHEN a batch is claimed
    with session_scope(engine) as session:
        batch = claim_batch(session, "trail", MODEL, None, 100)
        assert batch is not None
        claimed = sorted(
            session.scalars(
                select(Product.external_id)
                .join(GenerationTask, GenerationTask.product_id == Product.id)
                .where(GenerationTask.batch_id == batch.id)
            )
        )
    # THEN only P1's task goes; P2's stays pending, and is claimed once P2 is back
    assert claimed == ["P1"]
    load(engine, jsonl(tmp_path / "back.jsonl", product(1), product(2)))
    with session_scope(engine) as session:
        again = claim_batch(session, "trail", MODEL, None, 100)
        assert again is not None
        back = session.scalars(
            select(Product.external_id)
            .join(GenerationTask, GenerationTask.product_id == Product.id)
            .where(GenerationTask.batch_id == again.id)
        ).all()
    assert back == ["P2"]
