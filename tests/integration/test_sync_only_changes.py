"""The sync reads only the products changed since their last sync, and misses no change.

On SQLite and PostgreSQL: a change by import, by hand in SQL, in the voice, the languages or the
model; a sync that dies; a product whose task is in a batch, or whose batch ends mid-sync; a
dry run; a rollback or a review that changes what the sync's rules answer.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, event, select, update

from descgen.db.catalog import load_catalog, mark_human_edited, sync_tasks
from descgen.db.models import Batch, GenerationTask, Product
from descgen.db.results import apply_pages
from descgen.db.review import drafts, reject
from descgen.db.rollback import roll_back_batch
from descgen.db.session import make_engine, session_scope
from descgen.db.voices import set_voice
from descgen.lifecycle import RetryBudget, TaskState
from descgen.quality.voice import BrandVoice
from descgen.syncing import SyncReport
from tests.builders import MODEL, answer, catalog, load, page, submit
from tests.integration.test_review import RULES, held_batch
from tests.integration.test_sync_streaming import Crash, crash_at, statements, tasks_by_pair

OTHER_MODEL = "amazon.nova-lite-v1:0"


def described(engine: Engine, document: dict) -> str:
    """The catalog loaded, synced, and every task done: a night behind it."""
    store = load(engine, document)
    with session_scope(engine) as session:
        session.execute(update(GenerationTask).where(GenerationTask.store_id == store).values(state=TaskState.DONE))
    return store


def pending(engine: Engine, store: str) -> set[tuple[str, str]]:
    return {pair for pair, task in tasks_by_pair(engine, store).items() if task[0] == TaskState.PENDING}


def sync(engine: Engine, store: str, model: str = MODEL, **options: object) -> SyncReport:
    with session_scope(engine) as session:
        return sync_tasks(session, store, model, **options)  # type: ignore[arg-type]  # keyword options


def read(report: SyncReport) -> int:
    """The pairs the sync read and decided on."""
    return report.created + report.marked_pending + report.unchanged + report.in_flight + report.human_edited


def test_an_import_that_retitles_one_product_makes_the_sync_read_that_product_alone(engine):
    # GIVEN a described catalog of six products in two languages
    document = catalog(products=6, languages=("en", "de"))
    store = described(engine, document)
    # WHEN an import retitles P2 and a sync runs
    document["products"][1]["title"] = "Product 2, now bigger"
    with session_scope(engine) as session:
        load_catalog(session, document)
    with statements(engine) as sent:
        report = sync(engine, store)
    # THEN it read P2's two pairs, sent them again, and did not read the other five products
    assert (report.marked_pending, read(report), report.products_read) == (2, 2, 1)
    assert pending(engine, store) == {("P2", "en"), ("P2", "de")}
    task_reads = [s for s in sent if s.lstrip().startswith("SELECT generation_tasks")]
    assert len(task_reads) == 1
    # AND the next sync reads nothing
    assert (read(sync(engine, store)), pending(engine, store)) == (0, {("P2", "en"), ("P2", "de")})


@pytest.mark.parametrize(
    "change",
    [
        {"title": "Renamed by hand"},
        {"seo_keywords": ["kw3", "by hand"]},
        {"attributes": {"size": "3", "colour": "red"}},
    ],
)
def test_a_fact_changed_by_hand_in_sql_is_read_and_sent_again(engine, change):
    # GIVEN a described catalog
    store = described(engine, catalog(products=4, languages=("en", "de")))
    # WHEN someone edits a product's row in SQL, not through an import
    with session_scope(engine) as session:
        session.execute(update(Product).where(Product.external_id == "P3").values(**change))
    # THEN the next sync reads that product and sends its pairs again
    report = sync(engine, store)
    assert (report.marked_pending, read(report)) == (2, 2)
    assert pending(engine, store) == {("P3", "en"), ("P3", "de")}


def test_a_row_written_with_the_same_facts_is_not_read_again(engine):
    # GIVEN a described catalog
    store = described(engine, catalog(products=3, languages=("en",)))
    # WHEN a product's row is written with the values it has (an import tool that rewrites every row)
    with session_scope(engine) as session:
        session.execute(
            update(Product)
            .where(Product.external_id == "P1")
            .values(title="Product 1", seo_keywords=["kw1"], attributes={"size": "1"})
        )
    # THEN the sync has nothing to read
    assert (read(sync(engine, store)), pending(engine, store)) == (0, set())


def test_a_new_voice_another_model_or_a_new_language_reads_every_product(engine):
    # GIVEN a described catalog
    document = catalog(products=3, languages=("en", "de"))
    store = described(engine, document)
    # WHEN the store's voice changes, every pair is read and sent (the prompt is not the same)
    with session_scope(engine) as session:
        set_voice(session, store, BrandVoice(tone="warm and plain"))
    report = sync(engine, store)
    assert (report.marked_pending, report.products_read) == (6, 3)
    # WHEN the next run uses another model, every pair is read again
    with session_scope(engine) as session:
        session.execute(update(GenerationTask).where(GenerationTask.store_id == store).values(state=TaskState.DONE))
    report = sync(engine, store, OTHER_MODEL)
    assert (report.marked_pending, report.products_read) == (6, 3)
    # WHEN a language is added, every product is read and gets its new task
    document["store"]["languages"]["fr"] = "fr"
    with session_scope(engine) as session:
        load_catalog(session, document)
    report = sync(engine, store, OTHER_MODEL)
    assert (report.created, read(report), report.products_read) == (3, 9, 3)


def test_a_full_sync_reads_every_product(engine):
    store = described(engine, catalog(products=3, languages=("en", "de")))
    report = sync(engine, store, full=True)
    assert (report.unchanged, report.products_read) == (6, 3)


def test_a_sync_that_dies_mid_way_is_finished_by_the_next_one_reading_only_what_is_left(engine):
    # GIVEN two described stores whose every product is retitled
    documents = {name: catalog(name, products=4, languages=("en",)) for name in ("whole", "crash")}
    for document in documents.values():
        described(engine, document)
        for product in document["products"]:
            product["title"] += ", renamed"
        with session_scope(engine) as session:
            load_catalog(session, document)
    sync(engine, "whole", page_products=2)
    # WHEN the other's sync dies marking its second page (two products a page) as synced
    marking = "WITH synced_products" if engine.dialect.name == "postgresql" else "UPDATE products"
    with pytest.raises(Crash), crash_at(engine, marking, 2):
        sync(engine, "crash", page_products=2)
    # THEN the rerun reads only the page that was lost, and leaves what one sync leaves
    report = sync(engine, "crash", page_products=2)
    assert (report.marked_pending, report.products_read) == (2, 2)
    assert tasks_by_pair(engine, "crash") == tasks_by_pair(engine, "whole")


def test_a_product_changed_while_its_task_is_in_a_batch_is_read_again_once_the_batch_is_over(engine):
    # GIVEN a catalog whose tasks are in a batch
    document = catalog(products=2, languages=("en",))
    store = load(engine, document)
    submit(engine, store)
    # WHEN P1 is retitled, synced while in flight, and its old batch then ends with its result
    document["products"][0]["title"] = "Product 1, now bigger"
    with session_scope(engine) as session:
        load_catalog(session, document)
    assert sync(engine, store).in_flight == 1
    with session_scope(engine) as session:
        session.execute(update(GenerationTask).values(state=TaskState.DONE, batch_id=None))
    # THEN the next sync reads P1 again and sends it for its new title; P2 is not read
    report = sync(engine, store)
    assert (report.marked_pending, read(report)) == (1, 1)
    assert pending(engine, store) == {("P1", "en")}


def test_a_dry_run_leaves_every_product_to_be_read_by_the_real_sync(engine):
    # GIVEN a described catalog with P1 retitled
    document = catalog(products=2, languages=("en",))
    store = described(engine, document)
    document["products"][0]["title"] = "Product 1, now bigger"
    with session_scope(engine) as session:
        load_catalog(session, document)
    # WHEN a dry run syncs and rolls back
    with session_scope(engine) as session:
        assert sync_tasks(session, store, MODEL, commit_pages=False).marked_pending == 1
        session.rollback()
    # THEN the real sync still reads P1 and sends it
    assert sync(engine, store).marked_pending == 1
    assert pending(engine, store) == {("P1", "en")}


def test_facts_version_counts_changes_of_the_facts_only(engine):
    store = described(engine, catalog(products=1, languages=("en",)))
    with session_scope(engine) as session:
        versions = [session.scalar(select(Product.facts_version))]
        for values in ({"title": "New"}, {"title": "New"}, {"archived_at": None}, {"attributes": {"a": "b"}}):
            session.execute(update(Product).values(**values))
            versions.append(session.scalar(select(Product.facts_version)))
    assert versions == [1, 2, 2, 2, 3]
    assert store


def test_a_task_whose_batch_ends_while_the_sync_runs_leaves_its_product_to_be_read_again(engine):
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite's BEGIN IMMEDIATE holds the write lock from a page's read to its commit: no drain between")
    # GIVEN a product retitled while its task is in a batch
    document = catalog("race", products=1, languages=("en",))
    store = load(engine, document)
    submit(engine, store)
    document["products"][0]["title"] = "Product 1, renamed"
    with session_scope(engine) as session:
        load_catalog(session, document)
    # WHEN the batch's result lands (the task done, for the old title) after the sync read the task
    other = make_engine(engine.url.render_as_string(hide_password=False))
    finished: list[bool] = []

    def finish_now(_conn, _cursor, statement, _parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]
        if statement.startswith("SELECT descriptions.product_id") and not finished:
            with session_scope(other) as session:
                session.execute(update(GenerationTask).values(state=TaskState.DONE, batch_id=None))
            finished.append(True)

    event.listen(engine, "before_cursor_execute", finish_now)
    try:
        assert sync(engine, store).in_flight == 1
    finally:
        event.remove(engine, "before_cursor_execute", finish_now)
        other.dispose()
    # THEN the next sync reads the product and sends it for its new title
    assert finished
    report = sync(engine, store)
    assert (report.products_read, report.marked_pending) == (1, 1)


def apply(engine: Engine, batch_id: str, tasks: list[GenerationTask], text: str) -> None:
    with session_scope(engine) as session:
        results = [answer(engine, task, f"<p>{text} {'and more words ' * 10}</p>") for task in tasks]
        apply_pages(session, [page(batch_id, *results)], RULES, RetryBudget(3, 10), gate=False)


def test_a_rollback_to_the_text_a_pending_task_asks_for_again_skips_it(engine):
    # GIVEN a title A described, renamed B and described, then back to A: its task pending for A again
    document = catalog(products=1, languages=("en",))
    store = load(engine, document)
    apply(engine, *submit(engine, store), "Text for A")
    document["products"][0]["title"] = "Product 1, B"
    load(engine, document)
    second, tasks = submit(engine, store)
    apply(engine, second, tasks, "Text for B")
    document["products"][0]["title"] = "Product 1"
    load(engine, document)
    assert pending(engine, store) == {("P1", "en")}
    # WHEN the batch that wrote B is rolled back: the text made for A is current again
    with session_scope(engine) as session:
        assert roll_back_batch(session, session.get_one(Batch, second)).restored == 1
    # THEN the next sync skips the task, as for any text made from what the catalog says: nothing is bought
    assert sync(engine, store).unchanged == 1
    [(state, _, reason, _, _)] = tasks_by_pair(engine, store).values()
    assert (state, reason) == ("skipped", "unchanged since its last description")


def test_a_draft_rejected_after_a_person_wrote_the_text_is_not_bought_again(engine):
    # GIVEN a draft held for review, then a person's text for the same product, synced
    store, _, _, _ = held_batch(engine, products=1)
    with session_scope(engine) as session:
        [draft] = drafts(session, store)
        mark_human_edited(session, store, draft.product, "en", "<p>" + "Written by a person. " * 20 + "</p>", RULES)
    sync(engine, store)
    # WHEN the reviewer then rejects the draft, asking for it again
    with session_scope(engine) as session:
        assert reject(session, store, [draft.id], reviewer="ana", note="warmer").retried == 1
    # THEN the next sync skips the task: the person's text stands and nothing is bought
    assert sync(engine, store).human_edited == 1
    assert pending(engine, store) == set()


def test_a_product_row_another_transaction_holds_is_left_for_the_next_sync_not_waited_for(engine):
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite has one writer at a time: no product row is held while a sync writes")
    # GIVEN two retitled products, and an import's transaction holding P1's row
    document = catalog("held", products=2, languages=("en",))
    store = described(engine, document)
    for product in document["products"]:
        product["title"] += ", renamed"
    with session_scope(engine) as session:
        load_catalog(session, document)
    url = engine.url.render_as_string(hide_password=False)
    impatient = make_engine(url)  # a sync that would wait for the row fails within 3 s instead
    event.listen(impatient, "connect", lambda connection, _: connection.execute("SET lock_timeout = '3s'"))
    other = make_engine(url)
    try:
        with other.begin() as holding:
            holding.execute(select(Product.id).where(Product.external_id == "P1").with_for_update(key_share=True))
            # WHEN the store syncs meanwhile
            report = sync(impatient, store)
        # THEN it sent both, marked P2 synced, and left P1 to be read again
        assert (report.products_read, report.marked_pending) == (2, 2)
        assert read(sync(engine, store)) == 1
    finally:
        impatient.dispose()
        other.dispose()
