"""The outbox to the shop: approved versions waiting for a publisher (``publishing/``).

A row is written in the same transaction as the approval it announces, so nothing
approved is forgotten and nothing unapproved is announced. The relay
(``publishing/relay.py``) claims due rows here, sends them and records each outcome;
what it decides (order per product and language, superseded rows, backoff, death) is
``publishing/delivery.py``'s. A row's life: open (``next_attempt_at`` says when it is
due; a claim leases it by pushing that forward) -> delivered (``delivered_at``; sent,
or superseded by a newer version: ``last_error`` says so) or dead (``dead_at``, out of
attempts) -> ``redrive`` -> open again.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, FromClause, String, Subquery, and_, cast, func, literal, select, update
from sqlalchemy.orm import Session

from descgen.db.bulk import insert_from, row_set, rows_of
from descgen.db.models import Description, DescriptionVersion, OutboxEntry, Product, utcnow
from descgen.lifecycle import LIVE_VERSIONS, VersionStatus, check_version_transition
from descgen.publishing.delivery import (
    Delivery,
    OutboxRow,
    RetryPolicy,
    failure_change,
    plan_claim,
    plan_redrive,
    superseded_note,
)


@dataclass(frozen=True)
class Approved:
    """A version that became the current text."""

    version_id: int
    store_id: str
    product_id: int
    language_id: str


def idempotency_key(store_id: str, version_id: int) -> str:
    """The same for every delivery of one version: a receiver applies it once."""
    return f"descgen:{store_id}:{version_id}"


def _idempotency_key_of(store_id: ColumnElement[str], version_id: ColumnElement[int]) -> ColumnElement[str]:
    """``idempotency_key`` in SQL, for the rows a statement enqueues (a test holds the two equal)."""
    return literal("descgen:") + store_id + literal(":") + cast(version_id, String)


# the versions ``enqueue`` is given, as rows a statement reads
_APPROVED = row_set(
    "incoming_approved", OutboxEntry.version_id, OutboxEntry.store_id, OutboxEntry.product_id, OutboxEntry.language_id
)


def enqueue(session: Session, approved: Sequence[Approved]) -> None:
    if not approved:
        return
    versions = rows_of(
        session,
        _APPROVED,
        [
            {
                "version_id": a.version_id,
                "store_id": a.store_id,
                "product_id": a.product_id,
                "language_id": a.language_id,
            }
            for a in approved
        ],
    )
    session.connection().execute(enqueued(session, versions, versions.c.position, utcnow()))


def enqueued(session: Session, versions: FromClause, order: ColumnElement[Any], now: datetime) -> Any:
    """``INSERT INTO outbox .. SELECT``: a row for each of ``versions`` (a table of ``version_id``,
    ``store_id``, ``product_id`` and ``language_id``), due at once, written in ``order``."""
    return insert_from(
        session,
        OutboxEntry,
        {
            "store_id": versions.c.store_id,
            "product_id": versions.c.product_id,
            "language_id": versions.c.language_id,
            "version_id": versions.c.version_id,
            "idempotency_key": _idempotency_key_of(versions.c.store_id, versions.c.version_id),
            "created_at": now,
            "attempts": 0,
            "next_attempt_at": now,
        },
        select().select_from(versions).order_by(order),
    )


# --- delivery: the relay's reads and writes (its decisions are publishing/delivery.py's) ---

_OPEN = and_(OutboxEntry.delivered_at.is_(None), OutboxEntry.dead_at.is_(None))

_DELIVERY_COLUMNS = (
    DescriptionVersion.id,
    DescriptionVersion.store_id,
    Product.external_id,
    Product.title,
    DescriptionVersion.language_id,
    DescriptionVersion.version,
    DescriptionVersion.html,
    DescriptionVersion.meta_title,
    DescriptionVersion.meta_description,
    DescriptionVersion.created_at,
    DescriptionVersion.reviewed_at,
    DescriptionVersion.reviewed_by,
)


def _same_pair(pairs: Subquery) -> ColumnElement[bool]:
    return and_(OutboxEntry.product_id == pairs.c.product_id, OutboxEntry.language_id == pairs.c.language_id)


def _delivery(row: Any) -> Delivery:  # a Row of _DELIVERY_COLUMNS
    return Delivery(
        version_id=row.id,
        store=row.store_id,
        product=row.external_id,
        title=row.title,
        language=row.language_id,
        version=row.version,
        html=row.html,
        meta_title=row.meta_title,
        meta_description=row.meta_description,
        idempotency_key=idempotency_key(row.store_id, row.id),
        approved_at=row.reviewed_at or row.created_at,
        reviewer=row.reviewed_by,
    )


@dataclass
class Claim:
    deliveries: dict[int, Delivery]  # outbox row id -> what to send, oldest first
    superseded: list[tuple[str, str]]  # (store, language) of each row settled unsent: a newer version goes


def claim(session: Session, now: datetime, policy: RetryPolicy, *, stores: Collection[str] | None, limit: int) -> Claim:
    """Up to ``limit`` due rows, one per (product, language), leased to this run for
    ``policy.lease_seconds``; the older open rows of their pairs marked superseded.

    The query only narrows (pairs whose open rows are all due, oldest first);
    ``plan_claim`` decides, on the rows as they are once locked: on PostgreSQL a second
    claim waits for the first to commit and then sees its leases (SQLite's single
    writer does the same). Commit soon after: the lease is what keeps the next run off.
    """
    pairs = select(OutboxEntry.product_id, OutboxEntry.language_id).where(_OPEN)
    if stores is not None:
        pairs = pairs.where(OutboxEntry.store_id.in_(sorted(stores)))
    due_pairs = (
        pairs.group_by(OutboxEntry.product_id, OutboxEntry.language_id)
        .having(func.max(OutboxEntry.next_attempt_at) <= now)
        .order_by(func.min(OutboxEntry.id))
        .limit(limit)
        .subquery()
    )
    rows = session.execute(
        select(
            OutboxEntry.id,
            OutboxEntry.store_id,
            OutboxEntry.product_id,
            OutboxEntry.language_id,
            OutboxEntry.version_id,
            OutboxEntry.next_attempt_at,
        )
        .join(due_pairs, _same_pair(due_pairs))
        .where(_OPEN)
        .order_by(OutboxEntry.id)
        .with_for_update(of=OutboxEntry)
    ).all()
    plan = plan_claim(
        OutboxRow(r.id, (r.product_id, r.language_id), r.version_id, r.next_attempt_at <= now) for r in rows
    )
    if plan.superseded:
        session.execute(
            update(OutboxEntry),
            [
                {"id": row_id, "delivered_at": now, "last_error": superseded_note(version_id)}
                for row_id, version_id in plan.superseded.items()
            ],
        )
    if plan.send:
        session.execute(
            update(OutboxEntry)
            .where(OutboxEntry.id.in_(plan.send))
            .values(next_attempt_at=now + timedelta(seconds=policy.lease_seconds))
        )
    superseded = [(r.store_id, r.language_id) for r in rows if r.id in plan.superseded]
    return Claim(_deliveries(session, plan.send), superseded)


def _deliveries(session: Session, outbox_ids: Collection[int]) -> dict[int, Delivery]:
    if not outbox_ids:
        return {}
    rows = session.execute(
        select(OutboxEntry.id.label("outbox_id"), *_DELIVERY_COLUMNS)
        .join(DescriptionVersion, DescriptionVersion.id == OutboxEntry.version_id)
        .join(Product, Product.id == OutboxEntry.product_id)
        .where(OutboxEntry.id.in_(sorted(outbox_ids)))
        .order_by(OutboxEntry.id)
    )
    return {row.outbox_id: _delivery(row) for row in rows}


def record(
    session: Session,
    outcomes: Mapping[int, str | None],
    now: datetime,
    policy: RetryPolicy,
    draw: Callable[[], float] = random.random,
) -> list[int]:
    """What happened to each sent row (outbox id -> None, delivered; or the error); returns
    the rows that died. A delivered row's version becomes published. A row another run
    settled meanwhile (this run outlived its lease) is left as it is."""
    delivered = sorted(row_id for row_id, error in outcomes.items() if error is None)
    if delivered:
        versions = session.scalars(
            update(OutboxEntry)
            .where(OutboxEntry.id.in_(delivered), OutboxEntry.delivered_at.is_(None))
            .values(delivered_at=now)
            .returning(OutboxEntry.version_id)
        ).all()
        _publish(session, versions)
    failed = {row_id: error for row_id, error in outcomes.items() if error is not None}
    if not failed:
        return []
    changes = [
        {"id": row.id, **failure_change(row.attempts, failed[row.id], now, policy, draw())}
        for row in session.execute(
            select(OutboxEntry.id, OutboxEntry.attempts)
            .where(_OPEN, OutboxEntry.id.in_(sorted(failed)))
            .order_by(OutboxEntry.id)
            .with_for_update()
        )
    ]
    if changes:
        session.execute(update(OutboxEntry), changes)
    return [change["id"] for change in changes if change["dead_at"] is not None]


def _publish(session: Session, version_ids: Sequence[int]) -> None:
    """approved -> published: the shop has them."""
    if not version_ids:
        return
    for version_id, status in session.execute(
        select(DescriptionVersion.id, DescriptionVersion.status)
        .where(DescriptionVersion.id.in_(sorted(version_ids)))
        .with_for_update()
    ):
        check_version_transition(version_id, status, VersionStatus.PUBLISHED)
    session.execute(
        update(DescriptionVersion)
        .where(DescriptionVersion.id.in_(sorted(version_ids)))
        .values(status=VersionStatus.PUBLISHED)
        .execution_options(synchronize_session=False)
    )


# --- dead rows: listed, redriven ---


@dataclass(frozen=True)
class DeadRow:
    outbox_id: int
    store_id: str
    product: str  # the store's product id
    language_id: str
    version_id: int
    attempts: int
    dead_at: datetime
    last_error: str | None
    idempotency_key: str


def dead_rows(session: Session, store_id: str | None = None, *, limit: int | None = None) -> list[DeadRow]:
    """Rows out of attempts, oldest death first; ``redrive`` makes them due again."""
    statement = (
        select(OutboxEntry, Product.external_id)
        .join(Product, Product.id == OutboxEntry.product_id)
        .where(OutboxEntry.dead_at.is_not(None), OutboxEntry.delivered_at.is_(None))
        .order_by(OutboxEntry.dead_at, OutboxEntry.id)
        .limit(limit)
    )
    if store_id is not None:
        statement = statement.where(OutboxEntry.store_id == store_id)
    return [
        DeadRow(
            outbox_id=entry.id,
            store_id=entry.store_id,
            product=external_id,
            language_id=entry.language_id,
            version_id=entry.version_id,
            attempts=entry.attempts,
            dead_at=entry.dead_at,
            last_error=entry.last_error,
            idempotency_key=entry.idempotency_key,
        )
        for entry, external_id in session.execute(statement)
        if entry.dead_at is not None  # always, by the query: for the type checker
    ]


@dataclass
class Redriven:
    due: list[int] = field(default_factory=list)  # outbox rows due again, with a fresh attempt budget
    superseded: list[int] = field(default_factory=list)  # dead rows a newer version replaced: settled, not sent
    not_dead: list[int] = field(default_factory=list)  # ids asked for that are no dead row of the store


def redrive(
    session: Session, store_id: str, ids: Collection[int] | None = None, *, now: datetime | None = None
) -> Redriven:
    """The store's dead rows (or those of ``ids``) due again: once the shop's problem is fixed.

    A dead row that a newer version of its product and language replaced is settled
    as superseded instead: sending it now would put an older text over a newer one.
    """
    now = now or utcnow()
    dead_of_store = [
        OutboxEntry.store_id == store_id,
        OutboxEntry.dead_at.is_not(None),
        OutboxEntry.delivered_at.is_(None),
    ]
    if ids is not None:
        dead_of_store.append(OutboxEntry.id.in_(sorted(set(ids))))
    dead = set(session.scalars(select(OutboxEntry.id).where(*dead_of_store).with_for_update()))
    report = Redriven(not_dead=sorted(set(ids or ()) - dead))
    if not dead:
        return report
    dead_pairs = select(OutboxEntry.product_id, OutboxEntry.language_id).where(*dead_of_store).distinct().subquery()
    rows = session.execute(
        select(OutboxEntry.id, OutboxEntry.product_id, OutboxEntry.language_id, OutboxEntry.version_id).join(
            dead_pairs, _same_pair(dead_pairs)
        )
    )
    plan = plan_redrive((OutboxRow(r.id, (r.product_id, r.language_id), r.version_id) for r in rows), dead)
    if plan.due:
        session.execute(
            update(OutboxEntry)
            .where(OutboxEntry.id.in_(plan.due))
            .values(dead_at=None, attempts=0, next_attempt_at=now)
        )
    if plan.superseded:
        session.execute(
            update(OutboxEntry),
            [
                {"id": row_id, "dead_at": None, "delivered_at": now, "last_error": superseded_note(version_id)}
                for row_id, version_id in plan.superseded.items()
            ],
        )
    report.due, report.superseded = plan.due, sorted(plan.superseded)
    return report


# --- export: what the shop should have now ---


def current_versions(session: Session, store_id: str, since: datetime | None = None) -> Iterator[Delivery]:
    """The store's current texts as deliveries (each the live version the description is
    now), those approved at or after ``since`` only if given; by language, then product.
    Streamed: a large store is never in memory at once."""
    approved_at = func.coalesce(DescriptionVersion.reviewed_at, DescriptionVersion.created_at)
    statement = (
        select(*_DELIVERY_COLUMNS)
        .join(Product, Product.id == DescriptionVersion.product_id)
        .join(
            Description,
            and_(
                Description.id == DescriptionVersion.description_id, Description.version == DescriptionVersion.version
            ),
        )
        .where(DescriptionVersion.store_id == store_id, DescriptionVersion.status.in_(LIVE_VERSIONS))
        .order_by(DescriptionVersion.language_id, Product.external_id)
        .execution_options(yield_per=1000)
    )
    if since is not None:
        statement = statement.where(approved_at >= since)
    for row in session.execute(statement):
        yield _delivery(row)
