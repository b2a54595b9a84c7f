"""What a catalog sync does to one (product, language) task, and to a page of them: plain values, no database."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from descgen.fingerprint import fingerprint
from descgen.lifecycle import TaskState
from descgen.prompts import ProductFacts
from descgen.syncing import (
    CATALOG_CHANGED,
    HUMAN_EDITED,
    NEW,
    UNCHANGED_SINCE_DESCRIBED,
    FingerprintInputs,
    MadeFrom,
    SyncedTask,
    SyncOutcome,
    SyncReport,
    sync_page,
    sync_pair,
)

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
BEFORE = NOW - timedelta(days=3)
KEY = (7, "en")
WANTED, OLD = "f-now", "f-old"
S = TaskState


def task(state: TaskState, made_from: str = OLD, reason: str | None = "earlier") -> SyncedTask:
    return SyncedTask(7, "en", state, made_from, reason, 2, "batch-1", BEFORE, id=70)


AI_NOW, AI_OLD, HUMAN = MadeFrom("ai", WANTED), MadeFrom("ai", OLD), MadeFrom("human", None)


# (task as read, description, outcome, (state, fingerprint, reason, attempts, batch, pending since) after; None: untouched)
RULES = [
    # 1. in a batch: left alone, whatever changed and whoever wrote the text
    (task(S.CLAIMED), AI_OLD, SyncOutcome.IN_FLIGHT, None),
    (task(S.SUBMITTED), HUMAN, SyncOutcome.IN_FLIGHT, None),
    # 2. a person's text: skipped, its fingerprint kept; already skipped: untouched, reason and all
    (task(S.DONE), HUMAN, SyncOutcome.HUMAN_EDITED, (S.SKIPPED, OLD, HUMAN_EDITED, 2, "batch-1", BEFORE)),
    (task(S.PENDING), HUMAN, SyncOutcome.HUMAN_EDITED, (S.SKIPPED, OLD, HUMAN_EDITED, 2, "batch-1", BEFORE)),
    (task(S.FAILED, WANTED), HUMAN, SyncOutcome.HUMAN_EDITED, (S.SKIPPED, WANTED, HUMAN_EDITED, 2, "batch-1", BEFORE)),
    (task(S.SKIPPED), HUMAN, SyncOutcome.HUMAN_EDITED, None),
    # 3. closed with this very fingerprint: unchanged (a failed one stays failed, a rolled-back one skipped)
    (task(S.DONE, WANTED), AI_NOW, SyncOutcome.UNCHANGED, None),
    (task(S.FAILED, WANTED), None, SyncOutcome.UNCHANGED, None),
    (task(S.SKIPPED, WANTED), AI_OLD, SyncOutcome.UNCHANGED, None),
    # 4. a text already made from what the catalog says now: skipped, with that fingerprint
    (task(S.DONE), AI_NOW, SyncOutcome.UNCHANGED, (S.SKIPPED, WANTED, UNCHANGED_SINCE_DESCRIBED, 2, "batch-1", BEFORE)),
    (task(S.PENDING, WANTED), AI_NOW, SyncOutcome.UNCHANGED,
     (S.SKIPPED, WANTED, UNCHANGED_SINCE_DESCRIBED, 2, "batch-1", BEFORE)),
    (task(S.SKIPPED), AI_NOW, SyncOutcome.UNCHANGED, (S.SKIPPED, WANTED, "earlier", 2, "batch-1", BEFORE)),
    # 5. anything else: pending with the new fingerprint; a closed task starts over
    (task(S.DONE), AI_OLD, SyncOutcome.MARKED_PENDING, (S.PENDING, WANTED, CATALOG_CHANGED, 0, None, NOW)),
    (task(S.FAILED), None, SyncOutcome.MARKED_PENDING, (S.PENDING, WANTED, CATALOG_CHANGED, 0, None, NOW)),
    (task(S.SKIPPED), MadeFrom("ai", None), SyncOutcome.MARKED_PENDING,
     (S.PENDING, WANTED, CATALOG_CHANGED, 0, None, NOW)),
    # ...and a pending one keeps its place in the queue, counted as to send again
    (task(S.PENDING), AI_OLD, SyncOutcome.MARKED_PENDING, (S.PENDING, WANTED, "earlier", 2, "batch-1", BEFORE)),
    (task(S.PENDING, WANTED), None, SyncOutcome.MARKED_PENDING, None),
    # no task yet: one is made, pending, or skipped when its description says there is nothing to buy
    (None, None, SyncOutcome.CREATED, (S.PENDING, WANTED, NEW, 0, None, NOW)),
    (None, AI_OLD, SyncOutcome.CREATED, (S.PENDING, WANTED, NEW, 0, None, NOW)),
    (None, AI_NOW, SyncOutcome.UNCHANGED, (S.SKIPPED, WANTED, UNCHANGED_SINCE_DESCRIBED, 0, None, NOW)),
    (None, HUMAN, SyncOutcome.HUMAN_EDITED, (S.SKIPPED, WANTED, HUMAN_EDITED, 0, None, NOW)),
]  # fmt: skip


@pytest.mark.parametrize(("read", "made_from", "outcome", "after"), RULES)
def test_a_sync_decides_each_pair_by_its_task_its_description_and_its_fingerprint(read, made_from, outcome, after):
    counted, synced = sync_pair(read, made_from, WANTED, KEY, NOW)
    assert counted == outcome
    if after is None:
        assert synced == read
        return
    assert (synced.product_id, synced.language_id, synced.id) == (*KEY, read.id if read else None)
    assert (
        synced.state,
        synced.fingerprint,
        synced.reason,
        synced.attempts,
        synced.batch_id,
        synced.pending_since,
    ) == (after)


def test_a_page_inserts_the_new_tasks_updates_only_the_changed_ones_and_counts_every_pair():
    inputs = FingerprintInputs("model-a", "prompt-1", "voice-1")
    mug, cup = ProductFacts("P1", "Mug", ("mug",), {"size": "M"}), ProductFacts("P2", "Cup")
    mug_en = fingerprint(mug, "en", "model-a", "prompt-1", "voice-1")
    done = SyncedTask(1, "en", S.DONE, mug_en, None, 0, None, BEFORE, id=10)  # unchanged
    stale = SyncedTask(2, "en", S.DONE, OLD, None, 1, "batch-1", BEFORE, id=20)  # the cup changed
    page = sync_page(
        [(1, mug), (2, cup)], ["en", "de"], {(1, "en"): done, (2, "en"): stale}, {(2, "de"): HUMAN}, inputs, NOW
    )
    assert [(t.product_id, t.language_id, t.state, t.reason) for t in page.inserts] == [
        (1, "de", S.PENDING, NEW),
        (2, "de", S.SKIPPED, HUMAN_EDITED),
    ]
    assert page.inserts[0].fingerprint == fingerprint(mug, "de", "model-a", "prompt-1", "voice-1")
    cup_en = fingerprint(cup, "en", "model-a", "prompt-1", "voice-1")
    assert page.updates == [
        (stale, dataclasses.replace(stale, state=S.PENDING, fingerprint=cup_en, reason=CATALOG_CHANGED,
                                    attempts=0, batch_id=None, pending_since=NOW)),
    ]  # fmt: skip
    report = SyncReport()
    report.add(page.counts)
    assert report == SyncReport(created=1, marked_pending=1, unchanged=1, human_edited=1)
    assert report.to_send == 2


def test_a_page_counts_every_pair_of_the_same_outcome():
    inputs = FingerprintInputs("model-a", "prompt-1", "voice-1")
    page = sync_page(
        [(1, ProductFacts("P1", "Mug")), (2, ProductFacts("P2", "Cup"))], ["en", "de"], {}, {}, inputs, NOW
    )
    report = SyncReport()
    report.add(page.counts)
    assert report == SyncReport(created=4)


def test_a_product_with_a_task_in_a_batch_is_not_settled_and_every_other_pair_is_as_the_page_leaves_it():
    inputs = FingerprintInputs("model-a", "prompt-1", "voice-1")
    mug, cup = ProductFacts("P1", "Mug"), ProductFacts("P2", "Cup")
    in_batch = SyncedTask(1, "de", S.SUBMITTED, OLD, None, 0, "batch-1", BEFORE, id=11)
    page = sync_page([(1, mug), (2, cup)], ["en", "de"], {(1, "de"): in_batch}, {}, inputs, NOW)
    # the mug's English task is still made (and sent); the mug is not settled, the cup is, as inserted
    assert [(t.product_id, t.language_id) for t in page.inserts] == [(1, "en"), (2, "en"), (2, "de")]
    assert page.settled == [task for task in page.inserts if task.product_id == 2]
