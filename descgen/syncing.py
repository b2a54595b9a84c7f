"""What a catalog sync does to each (product, language) task: decided on plain values, no database.

``db/catalog.sync_tasks`` reads a page of products, their tasks and what their current
descriptions were made from, asks ``sync_page`` what to write, and writes it. The rule for
one pair, in this order (``sync_pair``):

1. a task in a batch (claimed or submitted) is left alone: its result is judged when it comes;
2. a description a person edited: the task is skipped, nothing is bought;
3. a task done, failed or skipped with this very fingerprint is unchanged
   (a failed one stays failed; a rolled-back one stays skipped);
4. an AI description already made from this fingerprint (a title edited and edited back,
   a run with another model in between): skipped, nothing bought;
5. otherwise the task is pending, with the fingerprint of what the catalog says now.

A pair with no task yet gets one, whatever the rule says it is (pending, or skipped).

A product is read again only when something the rules read may have changed since its last
sync: its facts (``products.facts_version``), or the inputs of ``inputs_digest`` (model,
prompt version, voice, the store's languages). What else moves a task (a claim, a result, a
person's edit, a review, a rollback) leaves it where these rules would: a person's text
skips the task when it is saved (``mark_human_edited``), a result arriving after one is
recorded as skipped, a retry is pending with the fingerprint it had. A product with a task
in a batch is read again until none is (its result may be for facts since changed).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from descgen.fingerprint import fingerprints
from descgen.lifecycle import OPEN_STATES, TaskState, check_transition
from descgen.prompts import ProductFacts

HUMAN_EDITED = "human-edited description"
UNCHANGED_SINCE_DESCRIBED = "unchanged since its last description"
CATALOG_CHANGED = "catalog changed"
NEW = "new"


class SyncOutcome(StrEnum):
    """What a sync counts a pair as: the ``SyncReport`` field of the same name."""

    CREATED = "created"
    MARKED_PENDING = "marked_pending"
    UNCHANGED = "unchanged"
    IN_FLIGHT = "in_flight"
    HUMAN_EDITED = "human_edited"


@dataclass
class SyncReport:
    created: int = 0  # new tasks to send
    marked_pending: int = 0  # existing tasks to send (pending already, or made pending by this sync)
    unchanged: int = 0
    in_flight: int = 0
    human_edited: int = 0
    products_read: int = 0  # the others are unchanged since their last sync: nothing to decide, not read

    @property
    def to_send(self) -> int:
        return self.created + self.marked_pending

    def add(self, counts: Mapping[SyncOutcome, int]) -> None:
        for outcome, count in counts.items():
            setattr(self, outcome.value, getattr(self, outcome.value) + count)


@dataclass(frozen=True, slots=True)
class SyncedTask:
    """The columns of a generation task that a sync reads and may write."""

    product_id: int
    language_id: str
    state: TaskState
    fingerprint: str
    reason: str | None
    attempts: int
    batch_id: str | None
    pending_since: datetime
    id: int | None = None  # None: not in the database yet


@dataclass(frozen=True, slots=True)
class MadeFrom:
    """Who wrote a pair's current description, and from which fingerprint (an AI text's)."""

    source: str  # "ai" or "human"
    fingerprint: str | None


@dataclass(frozen=True, slots=True)
class FingerprintInputs:
    """What a fingerprint covers beyond the product and the language."""

    model_id: str
    prompt: str
    voice: str


def inputs_digest(inputs: FingerprintInputs, languages: Sequence[str]) -> str:
    """What a product's last sync used besides its facts: a different digest reads it again."""
    used = [inputs.model_id, inputs.prompt, inputs.voice, sorted(languages)]
    return hashlib.sha256(json.dumps(used).encode()).hexdigest()[:32]


@dataclass
class PageSync:
    """One page's writes: tasks to insert, tasks to update (the task as it must be), and the counts."""

    inserts: list[SyncedTask] = field(default_factory=list)
    updates: list[tuple[SyncedTask, SyncedTask]] = field(default_factory=list)  # (as read, as it must be)
    counts: Counter[SyncOutcome] = field(default_factory=Counter)
    settled: list[SyncedTask] = field(default_factory=list)  # every pair as it must be, of products none in flight


def sync_pair(
    task: SyncedTask | None,
    made_from: MadeFrom | None,
    wanted: str,
    key: tuple[int, str],
    now: datetime,
) -> tuple[SyncOutcome, SyncedTask]:
    """The task of the pair ``key`` as it must be, and what the report counts it as (rules: module docstring)."""
    if task is None:
        fresh = SyncedTask(*key, TaskState.PENDING, wanted, NEW, 0, None, now)
        return _new(fresh, made_from, wanted)
    if task.state in OPEN_STATES:
        return SyncOutcome.IN_FLIGHT, task
    if made_from is not None and made_from.source == "human":
        return SyncOutcome.HUMAN_EDITED, _moved(task, TaskState.SKIPPED, HUMAN_EDITED, now)
    if task.state != TaskState.PENDING and task.fingerprint == wanted:
        return SyncOutcome.UNCHANGED, task
    if made_from is not None and made_from.source == "ai" and made_from.fingerprint == wanted:
        skipped = _moved(task, TaskState.SKIPPED, UNCHANGED_SINCE_DESCRIBED, now)
        return SyncOutcome.UNCHANGED, dataclasses.replace(skipped, fingerprint=wanted)
    if task.state == TaskState.PENDING:
        return SyncOutcome.MARKED_PENDING, dataclasses.replace(task, fingerprint=wanted)
    restarted = _moved(task, TaskState.PENDING, CATALOG_CHANGED, now)
    return SyncOutcome.MARKED_PENDING, dataclasses.replace(restarted, fingerprint=wanted, attempts=0, batch_id=None)


def _new(task: SyncedTask, made_from: MadeFrom | None, wanted: str) -> tuple[SyncOutcome, SyncedTask]:
    """A pair with no task: one is made, pending unless its description says there is nothing to buy."""
    if made_from is not None and made_from.source == "human":
        return SyncOutcome.HUMAN_EDITED, dataclasses.replace(task, state=TaskState.SKIPPED, reason=HUMAN_EDITED)
    if made_from is not None and made_from.source == "ai" and made_from.fingerprint == wanted:
        return SyncOutcome.UNCHANGED, dataclasses.replace(
            task, state=TaskState.SKIPPED, reason=UNCHANGED_SINCE_DESCRIBED
        )
    return SyncOutcome.CREATED, task


def _moved(task: SyncedTask, target: TaskState, reason: str, now: datetime) -> SyncedTask:
    """The task in ``target`` with the reason; a task already there keeps its reason and dates."""
    if task.state == target:
        return task
    check_transition(task.id or 0, task.state, target)
    moved = dataclasses.replace(task, state=target, reason=reason)
    return dataclasses.replace(moved, pending_since=now) if target == TaskState.PENDING else moved


def sync_page(
    products: Sequence[tuple[int, ProductFacts]],
    languages: Sequence[str],
    tasks: Mapping[tuple[int, str], SyncedTask],
    made_from: Mapping[tuple[int, str], MadeFrom],
    inputs: FingerprintInputs,
    now: datetime,
) -> PageSync:
    """A page of (product id, facts) in every store language -> what to insert, what to update, the counts."""
    page = PageSync()
    for product_id, facts in products:
        wanted_by_language = fingerprints(facts, languages, inputs.model_id, inputs.prompt, inputs.voice)
        product: list[SyncedTask] = []  # its pairs as they must be; none if one is in flight
        in_flight = False
        for language_id, wanted in wanted_by_language.items():
            key = (product_id, language_id)
            task = tasks.get(key)
            outcome, synced = sync_pair(task, made_from.get(key), wanted, key, now)
            page.counts[outcome] += 1
            product.append(synced)
            if task is None:
                page.inserts.append(synced)
            elif synced != task:
                page.updates.append((task, synced))
            in_flight = in_flight or outcome == SyncOutcome.IN_FLIGHT
        if not in_flight:  # a result may be for other facts: the product is read again once its batch is over
            page.settled.extend(product)
    return page
