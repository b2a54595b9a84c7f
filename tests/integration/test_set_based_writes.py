"""The drain's writes are set-based: a page of texts is a fixed handful of statements, however
many texts it holds (one on PostgreSQL), with the same rows on PostgreSQL and SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict

import pytest
from sqlalchemy import Engine, select

from descgen.db.bulk import update_rows
from descgen.db.descriptions import NewText, hold_ai_texts, publish_ai_texts, write_version
from descgen.db.models import Description, DescriptionVersion, GenerationTask, OutboxEntry, Product
from descgen.db.outbox import idempotency_key
from descgen.db.results import task_rows
from descgen.db.session import make_engine, session_scope
from descgen.lifecycle import TaskState
from tests.builders import catalog, load, submit
from tests.integration.test_sync_streaming import statements


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def product_ids(engine: Engine, store: str) -> dict[str, int]:
    with session_scope(engine) as session:
        return dict(session.execute(select(Product.external_id, Product.id).where(Product.store_id == store)).all())


def texts_for(ids: dict[str, int], words: str) -> list[NewText]:
    return [
        NewText(product, language, f"<p>{words} {external} {language}</p>", "f" * 64, f"{words} title", None)
        for external, product in sorted(ids.items())
        for language in ("en", "de")
    ]


def test_a_page_of_texts_is_one_statement_on_postgresql_and_a_few_on_sqlite_however_many_texts(engine):
    store = load(engine, catalog(products=12))
    batch_id, _ = submit(engine, store)
    ids = product_ids(engine, store)
    few, many = dict(list(ids.items())[:2]), dict(list(ids.items())[2:])

    counts = []
    for chosen in (few, many):
        with session_scope(engine) as session, statements(engine) as sent:
            publish_ai_texts(session, store, batch_id, texts_for(chosen, "First"))
        counts.append(len(sent))

    assert counts[0] == counts[1]
    assert counts[0] == (1 if engine.dialect.name == "postgresql" else 7)  # SQLite: BEGIN, load the texts (3), then 3


def test_each_text_written_is_an_approved_version_with_an_outbox_row_in_the_order_given(engine):
    store = load(engine, catalog(products=3))
    batch_id, _ = submit(engine, store)
    ids = product_ids(engine, store)
    texts = list(reversed(texts_for(ids, "First")))

    with session_scope(engine) as session:
        written = publish_ai_texts(session, store, batch_id, texts)

    assert written == {(t.product_id, t.language_id) for t in texts}
    with session_scope(engine) as session:
        versions = session.scalars(select(DescriptionVersion).order_by(DescriptionVersion.id)).all()
        outbox = session.scalars(select(OutboxEntry).order_by(OutboxEntry.id)).all()
        current = {(d.product_id, d.language_id): d for d in session.scalars(select(Description))}
    assert [(v.product_id, v.language_id, v.html) for v in versions] == [
        (t.product_id, t.language_id, t.html) for t in texts
    ]
    for version in versions:
        description = current[(version.product_id, version.language_id)]
        assert (version.status, version.source, version.batch_id) == ("approved", "ai", batch_id)
        assert (
            (version.description_id, version.version)
            == (description.id, description.version)
            == (
                description.id,
                1,
            )
        )
    assert [(o.version_id, o.product_id, o.language_id) for o in outbox] == [
        (v.id, v.product_id, v.language_id) for v in versions
    ]
    assert [o.idempotency_key for o in outbox] == [idempotency_key(store, v.id) for v in versions]
    assert {(o.attempts, o.delivered_at, o.dead_at) for o in outbox} == {(0, None, None)}


def test_a_persons_text_is_kept_and_only_the_other_texts_of_the_page_get_versions(engine):
    store = load(engine, catalog(products=3))
    batch_id, _ = submit(engine, store)
    ids = product_ids(engine, store)
    with session_scope(engine) as session:
        publish_ai_texts(session, store, batch_id, texts_for(ids, "First"))
        write_version(session, store, ids["P2"], "en", "<p>A person wrote this.</p>", "human")

    with session_scope(engine) as session:
        written = publish_ai_texts(session, store, batch_id, texts_for(ids, "Second"))

    pairs = {(ids[p], lang) for p in ("P1", "P2", "P3") for lang in ("en", "de")}
    assert written == pairs - {(ids["P2"], "en")}
    with session_scope(engine) as session:
        kept = session.scalars(
            select(Description).where(Description.product_id == ids["P2"], Description.language_id == "en")
        ).one()
        second = session.scalars(select(DescriptionVersion).where(DescriptionVersion.html.like("%Second%"))).all()
        enqueued = session.scalar(select(OutboxEntry.id).order_by(OutboxEntry.id.desc()).limit(1))
    assert (kept.source, kept.html, kept.version) == ("human", "<p>A person wrote this.</p>", 2)
    assert {(v.product_id, v.language_id) for v in second} == written
    assert {v.version for v in second} == {2}
    assert enqueued == 6 + 1 + 5  # the first page, the person's edit, the second page but the kept text


def test_held_texts_are_drafts_of_the_current_description_or_of_none_and_never_over_a_persons(engine):
    store = load(engine, catalog(products=3))
    batch_id, _ = submit(engine, store)
    ids = product_ids(engine, store)
    with session_scope(engine) as session:
        publish_ai_texts(session, store, batch_id, [NewText(ids["P1"], "en", "<p>Current.</p>")])
        write_version(session, store, ids["P2"], "en", "<p>A person wrote this.</p>", "human")

    with session_scope(engine) as session, statements(engine) as sent:
        held = hold_ai_texts(session, store, batch_id, [t for t in texts_for(ids, "Held") if t.language_id == "en"])

    assert held == {(ids["P1"], "en"), (ids["P3"], "en")}
    assert len(sent) == (1 if engine.dialect.name == "postgresql" else 5)  # SQLite: BEGIN, load (3), insert
    with session_scope(engine) as session:
        drafts = session.scalars(select(DescriptionVersion).where(DescriptionVersion.status == "draft")).all()
        current = session.scalar(select(Description.id).where(Description.product_id == ids["P1"]))
    assert [(d.product_id, d.description_id, d.version, d.meta_title) for d in drafts] == [
        (ids["P1"], current, None, "Held title"),
        (ids["P3"], None, None, "Held title"),
    ]


def test_task_changes_setting_different_columns_are_one_update_and_a_column_not_set_keeps_its_value(engine):
    store = load(engine, catalog(products=2))
    _, tasks = submit(engine, store)
    done, retried, failed = tasks[0], tasks[1], tasks[2]

    with session_scope(engine) as session, statements(engine) as sent:
        update_rows(
            session,
            GenerationTask,
            [
                {"id": done.id, "state": TaskState.DONE, "reason": None},
                {"id": retried.id, "state": TaskState.PENDING, "reason": "again", "batch_id": None, "attempts": 1},
                {"id": failed.id, "state": TaskState.FAILED, "reason": "no", "attempts": 3},
            ],
        )

    if engine.dialect.name == "postgresql":
        assert len(sent) == 1
    with session_scope(engine) as session:
        rows = {t.id: t for t in session.scalars(select(GenerationTask))}
    assert (rows[done.id].state, rows[done.id].reason, rows[done.id].attempts) == ("done", None, 0)
    assert rows[done.id].batch_id == done.batch_id is not None
    assert (rows[retried.id].state, rows[retried.id].batch_id, rows[retried.id].attempts) == ("pending", None, 1)
    assert (rows[failed.id].state, rows[failed.id].batch_id, rows[failed.id].attempts) == ("failed", failed.batch_id, 3)
    assert rows[tasks[3].id].state == "submitted"


def test_the_task_rows_the_drain_reads_carry_each_column_under_its_own_name(engine):
    store = load(engine, catalog(products=1, languages=("en",)))
    batch_id, [task] = submit(engine, store, output_format="json")

    with session_scope(engine) as session:
        [row] = task_rows(session, {task.id: []}).values()
        product = session.get(Product, task.product_id)
        assert product is not None

    assert asdict(row) == {
        "id": task.id,
        "store_id": store,
        "product_id": task.product_id,
        "language_id": "en",
        "state": "submitted",
        "batch_id": batch_id,
        "attempts": 0,
        "sends": task.sends,
        "waits": 0,
        "fingerprint": task.fingerprint,
        "external_id": "P1",
        "title": "Product 1",
        "seo_keywords": ["kw1"],
        "attributes": {"size": "1"},
        "output_format": "json",
    }
