"""Concurrent generate and drain runs: nothing claimed twice, nothing applied twice, on both databases."""

from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy import func, insert, select

from descgen.db.batches import claim_batch, mark_submitted
from descgen.db.catalog import ensure_store
from descgen.db.models import DescriptionVersion, GenerationTask, Product
from descgen.db.results import apply_pages
from descgen.db.session import session_scope
from descgen.lifecycle import RetryBudget
from descgen.verdicts import PublishRules
from tests.builders import MODEL, answer, catalog, load, page, submit

RULES = PublishRules(frozenset({"p", "ul", "li", "span"}), {}, 5000)


def seed_pending_tasks(engine, count: int) -> str:
    """10,000 products with one pending task each, inserted in bulk."""
    with session_scope(engine) as session:
        ensure_store(session, "bulk", "Bulk", {"en": "English"})
        session.execute(
            insert(Product),
            [
                {
                    "store_id": "bulk",
                    "external_id": f"P{i}",
                    "title": f"Product {i}",
                    "seo_keywords": [],
                    "attributes": {},
                }
                for i in range(count)
            ],
        )
        products = session.scalars(select(Product.id).where(Product.store_id == "bulk")).all()
        session.execute(
            insert(GenerationTask),
            [
                {"store_id": "bulk", "product_id": p, "language_id": "en", "state": "pending", "fingerprint": "f"}
                for p in products
            ],
        )
    return "bulk"


def test_four_concurrent_claimers_claim_ten_thousand_tasks_exactly_once(engine):
    # GIVEN 10,000 pending tasks
    store = seed_pending_tasks(engine, 10_000)
    claimed: list[list[int]] = [[] for _ in range(4)]
    start = threading.Barrier(4)

    def claimer(slot: int) -> None:
        start.wait()
        while True:
            with session_scope(engine) as session:
                batch = claim_batch(session, store, MODEL, None, 250)
                if batch is None:
                    return
                ids = session.scalars(select(GenerationTask.id).where(GenerationTask.batch_id == batch.id)).all()
                claimed[slot].extend(ids)

    # WHEN four claimers race until nothing is left
    threads = [threading.Thread(target=claimer, args=(slot,)) for slot in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    # THEN every task was claimed once: no duplicates, no misses, and all four did real work
    every = [task_id for ids in claimed for task_id in ids]
    duplicates = sum(n - 1 for n in Counter(every).values() if n > 1)
    with session_scope(engine) as session:
        all_ids = set(session.scalars(select(GenerationTask.id)))
        left_pending = session.scalar(select(func.count()).where(GenerationTask.state == "pending"))
    misses = len(all_ids - set(every))
    assert (duplicates, misses, left_pending) == (0, 0, 0)
    if engine.dialect.name == "postgresql":  # SKIP LOCKED lets them work side by side; SQLite takes turns
        assert all(claimed), [len(ids) for ids in claimed]


def test_concurrent_drains_of_the_same_results_write_each_description_once(engine):
    # GIVEN a submitted batch and its results, delivered three times over to three drains at once
    store = load(engine, catalog("race", products=40, languages=("en", "de")))
    batch_id, tasks = submit(engine, store)
    pages = [page(batch_id, *(answer(engine, t) for t in tasks[i : i + 10])) for i in range(0, len(tasks), 10)]
    start = threading.Barrier(3)
    errors: list[BaseException] = []

    def drain(order: list) -> None:
        start.wait()
        try:
            for item in order:
                with session_scope(engine) as session:
                    apply_pages(session, [item], RULES, RetryBudget(3, 10))
        except BaseException as error:  # surfaced below
            errors.append(error)

    orders = [pages, list(reversed(pages)), pages[1::2] + pages[::2]]
    threads = [threading.Thread(target=drain, args=(order,)) for order in orders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    # THEN no drain failed, every task is done, and each description has exactly one version
    assert errors == []
    with session_scope(engine) as session:
        states = Counter(session.scalars(select(GenerationTask.state)))
        versions = session.scalar(select(func.count()).select_from(DescriptionVersion))
    assert states == {"done": 80}
    assert versions == 80


def test_two_generate_runs_at_once_split_the_work(engine):
    store = load(engine, catalog("split", products=50, languages=("en", "de")))
    results: list[list[int]] = [[], []]
    start = threading.Barrier(2)

    def run(slot: int) -> None:
        start.wait()
        with session_scope(engine) as session:
            batch = claim_batch(session, store, MODEL, None, 80)
            if batch is not None:
                mark_submitted(session, batch.id)
                results[slot] = list(
                    session.scalars(select(GenerationTask.id).where(GenerationTask.batch_id == batch.id))
                )

    threads = [threading.Thread(target=run, args=(slot,)) for slot in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not set(results[0]) & set(results[1])
    assert len(results[0]) + len(results[1]) == 100
