"""Which description versions the history keeps, and which it may prune, pure.

``description_versions`` grows every night (every accepted text, every draft, every
rollback is a row). ``prune-versions`` (``flows/prune_versions.py``, daily) deletes the
versions no one can need any more; ``db/housekeeping.py`` reads each version's facts
and deletes, this module decides. A version is kept when any of these holds (the
first that holds is the reason reported):

1. it is a draft: a person has still to review it;
2. an outbox row of it is not delivered (open or dead): the shop has still to get it,
   and a dead row can be redriven;
3. it is the current text of its product and language (or, where a rollback removed
   the description, the newest live version: the removal);
4. it is the live version just before that: rolling back the batch that wrote the
   current text puts it back (``db/rollback.py`` reads the newest live version
   before the current one, so pruning it would make a rollback restore an older text);
5. it is newer than ``keep_days``;
6. it was rejected less than ``rejected_keep_days`` ago (the reviewers' record);
7. the batch that wrote it, or whose rollback wrote it, is younger than
   ``rollback_window_days``: that batch can still be rolled back, and the rollback
   undone, as a whole.

Everything else goes. What a pruned version takes with it: its outbox rows, all
delivered by rule 2 (``ON DELETE CASCADE``). Delivered rows of kept versions stay:
they are small, and the newest row of a pair is what a redrive compares a dead row
with (``publishing/delivery.plan_redrive``). A batch older than the window can still
be rolled back where its text is current (rules 3 and 4); where it is not, the
rollback would keep the newer text anyway, and the report no longer lists the pair.

No rule ever turns from "prune" to "keep" for an existing version while a prune runs:
new versions only add newer ones, so a decision read at the start of a chunk holds
when the chunk is deleted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from descgen import formats
from descgen.lifecycle import LIVE_VERSIONS, VersionStatus


class Keep(StrEnum):
    """Why a version stays, one per rule, in the rules' order."""

    DRAFT = "draft awaiting review"
    UNDELIVERED = "not yet delivered to the shop"
    CURRENT = "the current text"
    BEFORE_CURRENT = "the text before the current one (rollback)"
    RECENT = "newer than the retention"
    RECENTLY_REJECTED = "rejected within its retention"
    ROLLBACK_WINDOW = "its batch can still be rolled back"


@dataclass(frozen=True)
class RetentionPolicy:
    keep_days: float  # every version newer than this stays
    rejected_keep_days: float  # a rejected draft stays this long after its review
    rollback_window_days: float  # every version of a batch younger than this stays


@dataclass(frozen=True)
class VersionFacts:
    """What the policy reads of one version."""

    status: str
    created_at: datetime
    reviewed_at: datetime | None  # when a person approved or rejected it
    newer_live: int  # live versions of the same product and language with a higher id, counted up to 2
    current: bool  # its id and number are those of the description now
    undelivered: bool  # it has an outbox row neither delivered nor superseded (open or dead)
    batch_created_at: datetime | None  # the batch that wrote it, or whose rollback wrote it (None: neither)


def keep_reason(facts: VersionFacts, policy: RetentionPolicy, now: datetime) -> Keep | None:
    """Why the version stays; None: it may be pruned."""
    live = facts.status in LIVE_VERSIONS
    if facts.status == VersionStatus.DRAFT:
        return Keep.DRAFT
    if facts.undelivered:
        return Keep.UNDELIVERED
    if facts.current or (live and facts.newer_live == 0):
        return Keep.CURRENT
    if live and facts.newer_live == 1:
        return Keep.BEFORE_CURRENT
    if facts.created_at > now - timedelta(days=policy.keep_days):
        return Keep.RECENT
    rejected_at = facts.reviewed_at or facts.created_at
    if facts.status == VersionStatus.REJECTED and rejected_at > now - timedelta(days=policy.rejected_keep_days):
        return Keep.RECENTLY_REJECTED
    if facts.batch_created_at is not None and facts.batch_created_at > now - timedelta(
        days=policy.rollback_window_days
    ):
        return Keep.ROLLBACK_WINDOW
    return None


@dataclass
class PruneReport:
    dry_run: bool
    examined: int = 0
    pruned: int = 0  # versions deleted (a dry run: that would be)
    outbox_rows: int = 0  # delivered outbox rows that went with them
    kept: Counter[Keep] = field(default_factory=Counter)
    chunks: int = 0  # transactions (one per chunk of versions)


def render(report: PruneReport, policy: RetentionPolicy) -> str:
    """The run's artifact: what went (or would), and why the rest stayed."""
    verb = "would be pruned (dry run: nothing deleted)" if report.dry_run else "pruned"
    lines = [
        f"## prune-versions{': dry run' if report.dry_run else ''}",
        "",
        f"{formats.count(report.examined)} versions examined in {formats.count(report.chunks)} chunks; "
        f"**{formats.count(report.pruned)} {verb}**, with {formats.count(report.outbox_rows)} delivered outbox rows.",
        "",
        f"Policy: keep {policy.keep_days:g} days; rejected drafts {policy.rejected_keep_days:g} days after review; "
        f"every version of a batch younger than {policy.rollback_window_days:g} days.",
        "",
        "| kept because | versions |",
        "|---|---:|",
        *(f"| {reason.value} | {formats.count(report.kept[reason])} |" for reason in Keep),
    ]
    return "\n".join(lines) + "\n"
