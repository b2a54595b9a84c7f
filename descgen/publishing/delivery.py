"""What the outbox relay decides, as pure functions of plain values: what one delivery
carries, which rows go out and which a newer version supersedes, and when a failed
row is tried again or given up. ``descgen/db/outbox.py`` loads the inputs and writes
the outcomes.

**Order per (product, language).** The shop must never end up with an older text
than the current one, so a newer version never goes out before an older one of the
same pair is settled, and an older one never goes out after a newer one. A later
version supersedes the earlier ones: of a pair's open rows (neither delivered nor
dead) only the newest is sent; the others are marked delivered *as superseded* (their
``last_error`` says by which version; their version stays ``approved``, since the
shop never had it). The shop gets the current text once instead of every step to
it. A pair waits while any of its open rows is not due (backing off after a failure,
or claimed by a run still sending it): the text in flight must land first.
"Newer" is the later outbox row, i.e. the later approval (a draft approved today is
newer than yesterday's version, though its version row is older).

**Retries.** A failed delivery counts an attempt and waits ``backoff`` (exponential,
capped, jittered) before it is due again; at ``max_attempts`` the row is dead: listed,
and due again only when someone redrives it. The wait is a row's ``next_attempt_at``,
not a sleep, so it survives the run (tenacity's waits live in one process: not used).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

SCHEMA_VERSION = 1  # of the payload below; a receiver can refuse one it does not know

Pair = tuple[int, str]  # (product id, language id)


class DeliveryFailed(Exception):
    """The shop did not take a delivery (an HTTP error, a timeout, a full disk): try again later."""


@dataclass(frozen=True)
class Delivery:
    """One approved version as it leaves for the shop."""

    version_id: int
    store: str
    product: str  # the store's product id (the Shopify handle)
    title: str  # the product's title (Shopify's CSV import wants it with the handle)
    language: str
    version: int | None  # the description's version number
    html: str
    meta_title: str | None
    meta_description: str | None
    idempotency_key: str
    approved_at: datetime  # a reviewer's approval, or the version's creation when the store's policy approved it
    reviewer: str | None  # None: the store's publish policy approved it

    def payload(self) -> dict[str, Any]:
        """The JSON a receiver gets (a webhook body, a line of a JSON Lines file)."""
        return {
            "schema_version": SCHEMA_VERSION,
            "idempotency_key": self.idempotency_key,
            "store": self.store,
            "product": self.product,
            "language": self.language,
            "version": self.version,
            "html": self.html,
            "meta_title": self.meta_title,
            "meta_description": self.meta_description,
            "approved_at": self.approved_at.isoformat(),
            "reviewer": self.reviewer,
        }


@dataclass(frozen=True)
class OutboxRow:
    """What the decisions need of an outbox row."""

    id: int
    pair: Pair
    version_id: int
    due: bool = True  # next_attempt_at has come


@dataclass(frozen=True)
class ClaimPlan:
    send: list[int]  # outbox row ids, oldest first
    superseded: dict[int, int]  # outbox row id -> the version that replaces it
    waiting: int  # pairs left alone this time: one of their rows is not due


def plan_claim(rows: Iterable[OutboxRow]) -> ClaimPlan:
    """``rows``: open rows (neither delivered nor dead). Of each pair's open rows: all due,
    the newest goes and the others are superseded; any not due, the pair waits."""
    by_pair: dict[Pair, list[OutboxRow]] = {}
    for row in rows:
        by_pair.setdefault(row.pair, []).append(row)
    send: list[int] = []
    superseded: dict[int, int] = {}
    waiting = 0
    for pair_rows in by_pair.values():
        if not all(row.due for row in pair_rows):
            waiting += 1
            continue
        newest = max(pair_rows, key=lambda row: row.id)
        send.append(newest.id)
        superseded |= {row.id: newest.version_id for row in pair_rows if row is not newest}
    return ClaimPlan(sorted(send), superseded, waiting)


def superseded_note(version_id: int) -> str:
    return f"superseded by version {version_id}: not sent"


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int  # failed deliveries before a row is dead
    backoff_seconds: float  # the wait after the first failure; doubled after each
    backoff_max_seconds: float
    lease_seconds: float  # a claimed row is due again after this if its run recorded nothing (a crash)


def claim_size(policy: RetryPolicy, send_seconds: float, most: int = 100) -> int:
    """Rows per claim: a claim's rows are sent one after the other, and the last must go
    out well within the lease (half of it, at the slowest send), or another run would
    take it too."""
    return max(1, min(most, int(policy.lease_seconds / 2 / send_seconds)))


def backoff(attempts: int, policy: RetryPolicy, draw: float) -> timedelta:
    """The wait after the ``attempts``-th failure: exponential and capped, with "equal
    jitter" (half of it fixed, half drawn; ``draw`` in [0, 1)) so rows that failed
    together (a shop that was down) do not all come back at the same second, and none
    comes back at once."""
    step = min(policy.backoff_max_seconds, policy.backoff_seconds * 2.0 ** min(attempts - 1, 32))
    return timedelta(seconds=step / 2 + step / 2 * draw)


def failure_change(attempts: int, error: str, now: datetime, policy: RetryPolicy, draw: float) -> dict[str, Any]:
    """The row update after a failed delivery (``attempts``: the failures before this one)."""
    attempts += 1
    dead = attempts >= policy.max_attempts
    return {
        "attempts": attempts,
        "last_error": one_line(error),
        "next_attempt_at": now if dead else now + backoff(attempts, policy, draw),
        "dead_at": now if dead else None,
    }


@dataclass(frozen=True)
class RedrivePlan:
    due: list[int]  # dead rows that become due again (with a fresh attempt budget)
    superseded: dict[int, int]  # dead rows a newer row of their pair replaces -> that row's version


def plan_redrive(rows: Iterable[OutboxRow], dead: Collection[int]) -> RedrivePlan:
    """The ``dead`` rows due again, except those a newer row of their pair (in any state)
    replaces: sending them now would put an older text over a newer one. ``rows``: every
    outbox row of the pairs concerned."""
    rows = list(rows)
    newest: dict[Pair, OutboxRow] = {}
    for row in rows:
        if row.pair not in newest or row.id > newest[row.pair].id:
            newest[row.pair] = row
    due: list[int] = []
    superseded: dict[int, int] = {}
    for row in rows:
        if row.id not in dead:
            continue
        if newest[row.pair].id == row.id:
            due.append(row.id)
        else:
            superseded[row.id] = newest[row.pair].version_id
    return RedrivePlan(sorted(due), superseded)


def one_line(text: str, limit: int = 300) -> str:
    """An error as one line of bounded length (for ``last_error`` and the artifact)."""
    line = " ".join(text.split())
    return (line[: limit - 1] + "…" if len(line) > limit else line) or "unknown error"
