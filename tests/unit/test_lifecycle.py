"""The task state machine: declared once, enforced everywhere."""

import itertools

import pytest

from descgen.lifecycle import TRANSITIONS, IllegalTransition, TaskState, check_transition, legal_sources


def test_every_state_is_declared_and_the_happy_path_is_legal():
    assert set(TRANSITIONS) == set(TaskState)
    path = [TaskState.PENDING, TaskState.CLAIMED, TaskState.SUBMITTED, TaskState.DONE]
    for current, target in itertools.pairwise(path):
        check_transition(1, current, target)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (TaskState.PENDING, TaskState.DONE),
        (TaskState.DONE, TaskState.CLAIMED),
        (TaskState.CLAIMED, TaskState.DONE),
        (TaskState.FAILED, TaskState.DONE),
        (TaskState.SKIPPED, TaskState.SUBMITTED),
    ],
)
def test_an_illegal_transition_raises_naming_the_task_and_both_states(current, target):
    with pytest.raises(IllegalTransition, match=f"task 42 cannot go from {current.value} to {target.value}"):
        check_transition(42, current, target)


def test_a_bulk_update_may_not_start_from_a_state_that_cannot_reach_its_target():
    assert legal_sources(TaskState.PENDING, {TaskState.CLAIMED, TaskState.SUBMITTED}) == ["claimed", "submitted"]
    with pytest.raises(IllegalTransition, match="a task cannot go from done to claimed"):
        legal_sources(TaskState.CLAIMED, {TaskState.DONE})
