"""The generation task's state machine, declared once as data.

``pending -> claimed -> submitted -> done``; ``failed`` when attempts run out or an
error cannot heal; ``skipped`` when there is nothing to buy (unchanged since the
last good description, a human edited it, or its batch was rolled back). Every
state change in descgen goes through ``check_transition``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


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
    WAITING = "waiting"  # file uploaded; waiting for a free job slot (the model's jobs-in-flight quota)
    PUBLISHED = "published"  # file uploaded and job request sent to SNS
    SUBMITTED = "submitted"  # Bedrock accepted the job (we know its ARN)
    ENDED = "ended"  # the job reached a terminal status; results may still be in flight
    CLOSED = "closed"  # every task of the batch has left claimed/submitted
    RELEASED = "released"  # never reached a job; its tasks went back to pending


class VersionStatus(StrEnum):
    """A description version, on its way to the shop.

    ``draft``: held for review (the quality gate, or the store's review sample); not the
    current text. ``approved``: the current text, by the store's publish policy or a
    reviewer, queued for the shop (the outbox). ``published``: the shop has it (a
    publisher delivered it). ``rejected``: a reviewer said no. A version that was current
    stays approved or published when a newer one replaces it: the history of what went live.
    """

    DRAFT = "draft"
    APPROVED = "approved"
    PUBLISHED = "published"
    REJECTED = "rejected"


_V = VersionStatus
VERSION_TRANSITIONS: dict[VersionStatus, frozenset[VersionStatus]] = {
    _V.DRAFT: frozenset({_V.APPROVED, _V.REJECTED}),
    _V.APPROVED: frozenset({_V.PUBLISHED}),
    _V.PUBLISHED: frozenset(),
    _V.REJECTED: frozenset(),
}
LIVE_VERSIONS = frozenset({_V.APPROVED, _V.PUBLISHED})  # a text that is or was the current one


class IllegalVersionChange(RuntimeError):
    """A review or publish step on a version in the wrong status (approving a rejected one, say)."""


def check_version_transition(version_id: int, current: str, target: VersionStatus) -> None:
    if target not in VERSION_TRANSITIONS[VersionStatus(current)]:
        raise IllegalVersionChange(f"version {version_id} is {current}; it cannot become {target.value}")


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


@dataclass(frozen=True)
class RetryBudget:
    max_attempts: int  # failed attempts before a task is failed for good
    max_waits: int  # throttled sends that cost no attempt; past this a throttle counts as one


def failure_change(
    task_id: int,
    current: TaskState,
    attempts: int,
    sends: int,
    waits: int,
    reason: str,
    budget: RetryBudget,
    now: datetime,
    *,
    can_heal: bool = True,
    wait: bool = False,
) -> dict[str, Any]:
    """The row update for a sent task whose send came to nothing (drain and monitor both use it).

    A wait (throttling, a full quota) sends it back with its attempts unchanged while
    the wait budget lasts; anything else counts an attempt and fails the task at the
    limit. Either way the next send gets a new record id (``sends + 1``).
    """
    counts_attempt = not (wait and waits < budget.max_waits)
    new_attempts = attempts + 1 if counts_attempt else attempts
    target = after_failure(new_attempts, budget.max_attempts, can_heal=can_heal) if counts_attempt else _S.PENDING
    check_transition(task_id, current, target)
    change: dict[str, Any] = {
        "id": task_id,
        "state": target,
        "attempts": new_attempts,
        "sends": sends + 1,
        "waits": waits if counts_attempt else waits + 1,
        "reason": reason,
        "updated_at": now,
    }
    if target == _S.PENDING:
        change |= {"batch_id": None, "pending_since": now}
    return change


def legal_sources(target: TaskState, among: set[TaskState] | frozenset[TaskState]) -> list[str]:
    """The WHERE clause of a bulk update to ``target``: refuses a source it may not leave."""
    for source in among:
        if not can_transition(source, target):
            raise IllegalTransition(None, source, target)
    return sorted(among)
