"""The generation task's state machine, declared once as data.

``pending -> claimed -> submitted -> done``; ``failed`` when attempts run out or an
error cannot heal; ``skipped`` when there is nothing to buy (unchanged since the
last good description, a human edited it, or its batch was rolled back). Every
state change in descgen goes through ``check_transition``.
"""

from __future__ import annotations

from enum import StrEnum


class TaskState(StrEnum):
    PENDING = "pending"
    CLAIMED = "claimed"
    SUBMITTED = "submitted"
    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"


class BatchState(StrEnum):
    """Where a batch is on its way to a finished Bedrock job."""

    CLAIMED = "claimed"  # tasks claimed, file not yet uploaded
    PUBLISHED = "published"  # file uploaded and job request sent to SNS
    SUBMITTED = "submitted"  # Bedrock accepted the job (we know its ARN)
    ENDED = "ended"  # the job reached a terminal status; results may still be in flight
    CLOSED = "closed"  # every task of the batch has left claimed/submitted
    RELEASED = "released"  # never reached a job; its tasks went back to pending


_S = TaskState
TRANSITIONS: dict[TaskState, frozenset[TaskState]] = {
    _S.PENDING: frozenset({_S.CLAIMED, _S.SKIPPED, _S.FAILED}),
    _S.CLAIMED: frozenset({_S.SUBMITTED, _S.PENDING, _S.FAILED}),
    _S.SUBMITTED: frozenset({_S.DONE, _S.PENDING, _S.FAILED, _S.SKIPPED}),
    _S.DONE: frozenset({_S.PENDING, _S.SKIPPED}),
    _S.FAILED: frozenset({_S.PENDING, _S.SKIPPED}),
    _S.SKIPPED: frozenset({_S.PENDING}),
}

OPEN_STATES = frozenset({_S.CLAIMED, _S.SUBMITTED})


class IllegalTransition(RuntimeError):
    def __init__(self, task_id: int | None, current: TaskState, target: TaskState) -> None:
        who = "a task" if task_id is None else f"task {task_id}"
        super().__init__(f"{who} cannot go from {current.value} to {target.value}")
        self.task_id = task_id
        self.current = current
        self.target = target


def can_transition(current: TaskState, target: TaskState) -> bool:
    return target in TRANSITIONS[current]


def check_transition(task_id: int, current: TaskState, target: TaskState) -> None:
    if not can_transition(current, target):
        raise IllegalTransition(task_id, current, target)


def after_failure(attempts: int, max_attempts: int, *, can_heal: bool = True) -> TaskState:
    """Where a task goes once an attempt failed (``attempts`` already counts it)."""
    if not can_heal or attempts >= max_attempts:
        return TaskState.FAILED
    return TaskState.PENDING


def legal_sources(target: TaskState, among: set[TaskState] | frozenset[TaskState]) -> list[str]:
    """The WHERE clause of a bulk update to ``target``: refuses a source it may not leave."""
    for source in among:
        if not can_transition(source, target):
            raise IllegalTransition(None, source, target)
    return sorted(among)
