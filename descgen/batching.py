"""How many jobs, of what size: Bedrock's batch quotas applied to a pending count.

Jobs are split evenly (50,050 records -> two of 25,025, not 50,000 + 50) so no
job falls under the minimum. What is under the minimum altogether is the
remainder: it waits (``defer``) until enough accumulates or it is older than the
configured age, or goes through on-demand InvokeModel (``on_demand``) now.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from itertools import zip_longest

from descgen.model_catalog import ModelQuota
from descgen.settings import RemainderPolicy


class RemainderAction(StrEnum):
    NONE = "none"  # everything fits in batch jobs
    DEFER = "defer"  # left pending for a later run
    ON_DEMAND = "on_demand"  # sent now at real-time prices


@dataclass(frozen=True)
class JobPlan:
    job_sizes: tuple[int, ...]
    remainder: int
    remainder_action: RemainderAction

    @property
    def batch_records(self) -> int:
        return sum(self.job_sizes)


def split_into_jobs(count: int, quota: ModelQuota) -> tuple[tuple[int, ...], int]:
    """Sizes of the jobs to send, and the records too few for any job."""
    if count < quota.min_records:
        return (), count
    jobs = -(-count // quota.max_records)
    base, extra = divmod(count, jobs)
    return tuple([base + 1] * extra + [base] * (jobs - extra)), 0


def plan_jobs(
    count: int,
    quota: ModelQuota,
    policy: RemainderPolicy,
    oldest_pending: datetime | None,
    max_age: timedelta,
    now: datetime,
) -> JobPlan:
    sizes, remainder = split_into_jobs(count, quota)
    if not remainder:
        return JobPlan(sizes, 0, RemainderAction.NONE)
    too_old = oldest_pending is not None and now - oldest_pending >= max_age
    action = RemainderAction.ON_DEMAND if policy == "on_demand" or too_old else RemainderAction.DEFER
    return JobPlan(sizes, remainder, action)


@dataclass(frozen=True)
class WaitingBatch:
    batch_id: str
    store_id: str
    model_id: str
    waiting_since: datetime


def next_for_slots(waiting: Sequence[WaitingBatch], free_slots: Mapping[str, int]) -> list[str]:
    """Which waiting batches get the free job slots, per model: oldest first, fair across stores.

    Each store's batches queue by age; the stores take turns (the store whose
    oldest batch waited longest goes first), so one store's backlog of fifty
    batches cannot hold back another store's single one.
    """
    chosen: list[str] = []
    for model_id in sorted({batch.model_id for batch in waiting}):
        queues: dict[str, list[WaitingBatch]] = {}
        for batch in sorted(waiting, key=lambda b: (b.waiting_since, b.batch_id)):
            if batch.model_id == model_id:
                queues.setdefault(batch.store_id, []).append(batch)
        turns = [batch for round_ in zip_longest(*queues.values()) for batch in round_ if batch is not None]
        chosen.extend(batch.batch_id for batch in turns[: max(0, free_slots.get(model_id, 0))])
    return chosen
