"""The pure core at its boundaries: the exact values each rule returns where a test that only looks
at the common case cannot tell a rule from its neighbour (found by ``make mutation``).

Token estimates, job plans and slots, the failure change a drain or monitor writes, version
transitions, rollback steps and review decisions.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from descgen.batching import JobPlan, RemainderAction, WaitingBatch, next_for_slots, plan_jobs
from descgen.lifecycle import (
    IllegalTransition,
    IllegalVersionChange,
    RetryBudget,
    TaskState,
    VersionStatus,
    after_failure,
    check_transition,
    check_version_transition,
    failure_change,
)
from descgen.model_catalog import ModelQuota
from descgen.pricing import estimate_tokens
from descgen.review import after_rejection, approval_problem, text_diff
from descgen.rollback import Action, VersionText, Written, step

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
QUOTA = ModelQuota(min_records=100, max_records=50_000, max_file_bytes=1_000_000_000, max_jobs_in_flight=20)


# --- token estimates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text_bytes", "tokens"),
    [(0, 1), (1, 1), (4, 1), (5, 2), (8, 2), (9, 3), (4000, 1000), (4001, 1001)],
)
def test_a_prompt_is_estimated_at_one_token_per_four_bytes_rounded_up_and_never_zero(text_bytes, tokens):
    assert estimate_tokens(text_bytes) == tokens


# --- job plans and job slots ---------------------------------------------------------------------------


def test_a_count_that_fits_in_jobs_has_no_remainder():
    plan = plan_jobs(50_050, QUOTA, "defer", None, timedelta(hours=24), NOW)
    assert plan == JobPlan((25_025, 25_025), 0, RemainderAction.NONE)
    assert plan.batch_records == 50_050


@pytest.mark.parametrize(
    ("policy", "waited_hours", "action"),
    [
        ("defer", 23, RemainderAction.DEFER),
        ("defer", 24, RemainderAction.ON_DEMAND),
        ("on_demand", 0, RemainderAction.ON_DEMAND),
    ],
)
def test_a_remainder_waits_until_it_is_old_enough_unless_the_policy_sends_it_now(policy, waited_hours, action):
    plan = plan_jobs(99, QUOTA, policy, NOW - timedelta(hours=waited_hours), timedelta(hours=24), NOW)
    assert plan == JobPlan((), 99, action)
    assert plan.batch_records == 0


def test_a_model_with_no_free_slot_listed_gets_no_batch():
    waiting = [WaitingBatch("b1", "acme", "model-a", NOW), WaitingBatch("b2", "acme", "model-b", NOW)]
    assert next_for_slots(waiting, {"model-a": 1}) == ["b1"]
    assert next_for_slots(waiting, {}) == []


# --- task and version transitions ------------------------------------------------------------------------


def test_after_a_failure_a_task_can_heal_unless_told_otherwise():
    assert after_failure(1, 3) == TaskState.PENDING
    assert after_failure(3, 3) == TaskState.FAILED
    assert after_failure(1, 3, can_heal=False) == TaskState.FAILED


def test_a_failure_change_is_the_whole_row_update():
    # a retry: an attempt counted, out of its batch, pending since now, a new record id next time
    assert failure_change(7, TaskState.SUBMITTED, 0, 1, 2, "oops", RetryBudget(3, 10), NOW) == {
        "id": 7,
        "state": TaskState.PENDING,
        "attempts": 1,
        "sends": 2,
        "waits": 2,
        "reason": "oops",
        "updated_at": NOW,
        "batch_id": None,
        "pending_since": NOW,
    }
    # the last attempt: failed, and it keeps its batch (where it failed)
    assert failure_change(7, TaskState.SUBMITTED, 2, 3, 0, "again", RetryBudget(3, 10), NOW) == {
        "id": 7,
        "state": TaskState.FAILED,
        "attempts": 3,
        "sends": 4,
        "waits": 0,
        "reason": "again",
        "updated_at": NOW,
    }


def test_a_wait_counts_no_attempt_while_the_wait_budget_lasts_and_one_attempt_after():
    budget = RetryBudget(3, 2)
    waited = failure_change(7, TaskState.SUBMITTED, 1, 1, 1, "throttled", budget, NOW, wait=True)
    assert (waited["state"], waited["attempts"], waited["waits"]) == (TaskState.PENDING, 1, 2)
    spent = failure_change(7, TaskState.SUBMITTED, 2, 1, 2, "throttled", budget, NOW, wait=True)
    assert (spent["state"], spent["attempts"], spent["waits"]) == (TaskState.FAILED, 3, 2)
    cannot_heal = failure_change(7, TaskState.SUBMITTED, 0, 1, 0, "400", budget, NOW, can_heal=False)
    assert (cannot_heal["state"], cannot_heal["attempts"]) == (TaskState.FAILED, 1)


def test_an_illegal_transition_names_the_task_and_both_states():
    with pytest.raises(IllegalTransition, match="task 7 cannot go from done to claimed") as raised:
        check_transition(7, TaskState.DONE, TaskState.CLAIMED)
    assert (raised.value.task_id, raised.value.current, raised.value.target) == (7, TaskState.DONE, TaskState.CLAIMED)
    with pytest.raises(IllegalTransition, match="task 9 cannot go from done to failed"):
        failure_change(9, TaskState.DONE, 0, 0, 0, "x", RetryBudget(1, 1), NOW)


@pytest.mark.parametrize(
    ("current", "target", "legal"),
    [
        ("draft", VersionStatus.APPROVED, True),
        ("draft", VersionStatus.REJECTED, True),
        ("approved", VersionStatus.PUBLISHED, True),
        ("draft", VersionStatus.PUBLISHED, False),
        ("rejected", VersionStatus.APPROVED, False),
        ("published", VersionStatus.APPROVED, False),
    ],
)
def test_a_version_moves_only_along_its_transitions(current, target, legal):
    if legal:
        check_version_transition(5, current, target)
    else:
        with pytest.raises(IllegalVersionChange, match=f"^version 5 is {current}; it cannot become {target.value}$"):
            check_version_transition(5, current, target)


# --- rollback steps -------------------------------------------------------------------------------------

BEFORE = VersionText("<p>old</p>", "Old", "Old text", "ai", "f0", None)


@pytest.mark.parametrize(
    ("ours", "current", "before", "action"),
    [
        (2, 2, BEFORE, Action.RESTORE),  # still ours, a text before it: it comes back
        (1, 1, None, Action.REMOVE),  # still ours, nothing before: the description goes
        (2, 3, BEFORE, Action.KEEP),  # changed since: newer work is kept
        (2, None, BEFORE, Action.KEEP),  # removed since
        (None, None, BEFORE, Action.RESTORE),  # ours was a removal, still in force: the text comes back
    ],
)
def test_a_rollback_step_restores_removes_or_keeps(ours, current, before, action):
    assert step(Written(1, "en", "P1", ours, current, before)) == action


# --- review decisions -----------------------------------------------------------------------------------


def test_a_draft_may_go_live_unless_a_newer_text_did_since():
    created = NOW
    assert approval_problem("draft", created, "ai", None) is None
    assert approval_problem("draft", created, "ai", created) is None  # the same instant is not newer
    assert approval_problem("draft", created, "ai", created + timedelta(seconds=1)) == (
        "a newer text went live since (review that one)"
    )


def test_a_rejection_without_a_note_leaves_the_task_to_a_person_with_nothing_appended():
    assert after_rejection("done", None, retry=False) == (TaskState.SKIPPED, "rejected in review, left to a person")
    assert after_rejection("done", "  too   salesy ", retry=False) == (
        TaskState.SKIPPED,
        "rejected in review, left to a person: too salesy",
    )


def test_a_review_diff_shows_one_line_of_context_around_a_change():
    before = "<p>one</p><p>two</p><p>three</p><p>four</p><p>five</p>"
    after = "<p>one</p><p>two</p><p>THREE</p><p>four</p><p>five</p>"
    assert text_diff(before, after, "live", "draft") == [
        "--- live",
        "+++ draft",
        "@@ -2,3 +2,3 @@",
        " <p>two</p>",
        "-<p>three</p>",
        "+<p>THREE</p>",
        " <p>four</p>",
    ]
