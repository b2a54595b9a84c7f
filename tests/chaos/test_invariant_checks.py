"""The chaos run's invariant checks catch what they are there for: each fed a broken state fails it.

A check that cannot fail would let ``make chaos`` report 0 violations whatever happened.
"""

from __future__ import annotations

import pytest

from chaos.invariants import (
    RunState,
    TaskRow,
    TextRow,
    bought_once_per_attempt,
    check,
    no_message_lost,
    product_token,
    tasks_settled,
    texts_in_their_product,
)


def task(task_id: int = 1, product: str = "P0001", state: str = "done", reason: str | None = None, sends: int = 1):
    return TaskRow(task_id, "chaos1", product, "en", state, reason, sends)


def text(product: str = "P0001", html: str | None = None, status: str = "current") -> TextRow:
    body = (
        html if html is not None else f"<p>Meet the <strong>Desk lamp {product_token('chaos1', product)}</strong>.</p>"
    )
    return TextRow("description 1", "chaos1", product, "en", body, status)


def healthy() -> RunState:
    """Two tasks done, their texts in place, each bought once, every message applied or dead-lettered."""
    return RunState(
        tasks=[task(1, "P0001"), task(2, "P0002", sends=2)],
        texts=[text("P0001"), text("P0002")],
        bought={("t1a1", "x"): 1, ("t2a1", "y"): 1, ("t2a2", "y"): 1, ("t1a1", "new prompt"): 1},
        sent={"m1", "m2", "m3"},
        applied={"m1", "m2"},
        dead_letters={"m3"},
    )


def test_a_healthy_run_passes_every_check():
    verdicts = check(healthy())
    assert [verdict.ok for verdict in verdicts] == [True] * 4
    assert "sent 3 = applied 2 + in DLQ 1" in verdicts[3].figures


@pytest.mark.parametrize(
    ("state", "reason", "expected"),
    [
        ("pending", None, "is still pending"),
        ("claimed", None, "is still claimed"),
        ("submitted", None, "is still submitted"),
        ("failed", None, "is failed without a reason"),
        ("failed", "  ", "is failed without a reason"),
    ],
)
def test_a_task_left_open_or_failed_without_a_reason_is_a_violation(state, reason, expected):
    run = healthy()
    run.tasks[1] = task(2, "P0002", state=state, reason=reason, sends=2)
    [violation] = tasks_settled(run).violations
    assert expected in violation


def test_failed_with_a_reason_skipped_and_held_tasks_are_settled():
    run = healthy()
    run.tasks += [
        task(3, "P0003", state="failed", reason="attempts exhausted: 400 Malformed input"),
        task(4, "P0004", state="skipped", reason="a human edited it"),
        task(5, "P0005", state="done", reason="held for review: too short"),
    ]
    verdict = tasks_settled(run)
    assert verdict.ok
    assert "held for review 1" in verdict.figures


def test_a_description_that_names_another_product_is_a_violation():
    run = healthy()
    run.texts.append(text("P0001", html=f"<p>The <strong>{product_token('chaos1', 'P0002')}</strong></p>"))
    [violation] = texts_in_their_product(run).violations
    assert "chaos1/P0001/en names tok-chaos1-P0002" in violation


def test_a_description_with_another_products_marker_is_a_violation():
    run = healthy()
    run.texts.append(text("P0001", html=f"<p>{product_token('chaos1', 'P0001')} #P0002#en#</p>"))
    [violation] = texts_in_their_product(run).violations
    assert "#P0002#en#" in violation


def test_a_record_bought_twice_is_a_violation():
    run = healthy()
    run.bought["t2a2", "y"] = 2
    [violation] = bought_once_per_attempt(run).violations
    assert violation == "record t2a2 (task 2, send 2) was bought 2 times for the same prompt"


def test_a_record_bought_for_a_send_never_made_or_for_no_task_is_a_violation():
    run = healthy()
    run.bought |= {("t1a2", "x"): 1, ("t99a1", "x"): 1, ("junk", "x"): 1}
    violations = bought_once_per_attempt(run).violations
    assert any("record t1a2 was bought for send 2; task 1 made 1" in v for v in violations)
    assert any("record t99a1 was bought but names no task" in v for v in violations)
    assert any("record junk was bought but names no task" in v for v in violations)


def test_a_message_neither_applied_nor_dead_lettered_is_lost():
    run = healthy()
    run.sent.add("m4")
    verdict = no_message_lost(run)
    assert verdict.violations == ["message m4 was sent, never applied, and is not in the DLQ"]
    assert "lost 1" in verdict.figures


def test_messages_left_in_the_queue_after_quiet_are_a_violation():
    run = healthy()
    run.left_in_queue = 2
    [violation] = no_message_lost(run).violations
    assert "2 messages still in the results queue" in violation


def test_an_empty_run_is_no_proof():
    verdicts = check(RunState())
    assert not verdicts[0].ok
    assert not verdicts[1].ok


def test_done_tasks_with_no_purchase_or_no_message_seen_mean_the_counts_are_broken():
    run = healthy()
    run.bought, run.sent, run.applied, run.dead_letters = {}, set(), set(), set()
    assert bought_once_per_attempt(run).violations == [
        "tasks are done but Bedrock billed no record: the count of purchases saw nothing"
    ]
    assert no_message_lost(run).violations == [
        "tasks are done but no result message was seen sent: the SQS ledger saw nothing"
    ]


def test_a_task_sent_again_with_a_new_prompt_after_its_product_changed_is_a_new_purchase():
    run = healthy()
    run.bought["t2a2", "the prompt after the title changed"] = 1
    assert bought_once_per_attempt(run).ok


def test_a_message_deleted_before_its_results_were_applied_is_a_violation():
    run = healthy()
    run.deleted_unapplied = ["record t2a2 of batch chaos1-1: task 2 still submitted for it"]
    [violation] = no_message_lost(run).violations
    assert violation == "deleted before it was applied: record t2a2 of batch chaos1-1: task 2 still submitted for it"
