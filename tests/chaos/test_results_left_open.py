"""The chaos run's look at a deleted message: were its results applied when the drain deleted it?"""

from __future__ import annotations

from chaos.invariants import results_left_open
from descgen.db.results import apply_pages
from descgen.db.session import session_scope
from descgen.lifecycle import RetryBudget
from descgen.verdicts import PublishRules
from tests.builders import answer, catalog, load, page, submit

RULES = PublishRules(frozenset({"p", "ul", "li", "span", "strong", "em"}), {}, 5000)


def test_a_message_deleted_before_its_results_were_applied_is_found_and_one_deleted_after_is_not(engine):
    # GIVEN a submitted batch of two tasks and the message with their results
    store = load(engine, catalog("acme", products=2, languages=("en",)))
    batch_id, tasks = submit(engine, store)
    body = page(batch_id, *(answer(engine, task) for task in tasks)).to_json()
    # WHEN it is deleted before the drain applied it, THEN both results are still open
    assert results_left_open(engine, [body]) == [
        f"record t{task.id}a0 of batch {batch_id}: task {task.id} still submitted for it" for task in tasks
    ]
    # WHEN it is deleted after the drain committed it, THEN nothing is open
    with session_scope(engine) as session:
        apply_pages(session, [page(batch_id, *(answer(engine, task) for task in tasks))], RULES, RetryBudget(3, 10))
    # (the quality gate's outcome does not matter: published, held or retried, the task left "submitted")
    assert results_left_open(engine, [body]) == []


def test_an_undecodable_message_names_no_result():
    assert results_left_open(engine=None, bodies=["not a page"]) == []  # type: ignore[arg-type]
