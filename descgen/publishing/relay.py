"""The outbox relay: due rows -> a publisher -> each outcome recorded, until nothing is
due or the run has sent ``max_rows``.

At least once, never out of order: a claim leases its rows and commits; the rows are
sent; their outcomes are recorded in a second transaction. A run that dies in between
(after the POST, before the commit) leaves its rows leased: when the lease runs out
they are due again and the next run sends them again, with the same idempotency key.
``DeliveryFailed`` from a publisher is a failed attempt (backoff, then dead); any other
exception is a crash of the run: nothing of that claim is recorded, and it propagates.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from sqlalchemy import Engine

from descgen.db import outbox
from descgen.db.models import utcnow
from descgen.db.session import session_scope
from descgen.publishing.delivery import Delivery, DeliveryFailed, RetryPolicy, one_line


class Publisher(Protocol):
    def send(self, delivery: Delivery) -> None:
        """Hand one delivery to the shop; ``DeliveryFailed`` if the shop did not take it."""


@dataclass(frozen=True)
class Failure:
    store: str
    product: str  # the store's product id
    language: str
    version_id: int
    error: str
    dead: bool  # that was its last attempt


@dataclass
class DeliveryReport:
    delivered: Counter[tuple[str, str]] = field(default_factory=Counter)  # (store, language) -> rows sent
    failed: Counter[tuple[str, str]] = field(default_factory=Counter)
    superseded: Counter[tuple[str, str]] = field(default_factory=Counter)  # settled unsent: a newer version went
    failures: list[Failure] = field(default_factory=list)
    claims: int = 0

    @property
    def attempted(self) -> int:
        return self.delivered.total() + self.failed.total()

    @property
    def died(self) -> int:
        return sum(failure.dead for failure in self.failures)


def deliver_due(
    engine: Engine,
    publisher: Publisher,
    policy: RetryPolicy,
    *,
    stores: Collection[str] | None = None,
    max_rows: int = 1000,
    rows_per_claim: int = 50,
    clock: Callable[[], datetime] = utcnow,
    draw: Callable[[], float] = random.random,
) -> DeliveryReport:
    """Deliver the due outbox rows (of ``stores``, or every store's) through ``publisher``."""
    report = DeliveryReport()
    while report.attempted < max_rows:
        with session_scope(engine) as session:
            claim = outbox.claim(
                session, clock(), policy, stores=stores, limit=min(rows_per_claim, max_rows - report.attempted)
            )
        report.superseded.update(claim.superseded)
        if not claim.deliveries:
            break
        report.claims += 1
        outcomes = {row_id: _attempt(publisher, delivery) for row_id, delivery in claim.deliveries.items()}
        with session_scope(engine) as session:
            died = set(outbox.record(session, outcomes, clock(), policy, draw))
        for row_id, delivery in claim.deliveries.items():
            error = outcomes[row_id]
            pair = (delivery.store, delivery.language)
            if error is None:
                report.delivered[pair] += 1
                continue
            report.failed[pair] += 1
            report.failures.append(
                Failure(delivery.store, delivery.product, delivery.language, delivery.version_id, error, row_id in died)
            )
    return report


def _attempt(publisher: Publisher, delivery: Delivery) -> str | None:
    """None if the shop took it, else why not."""
    try:
        publisher.send(delivery)
    except DeliveryFailed as failed:
        return one_line(str(failed))
    return None


class NoWebhook(ValueError):
    """A webhook run for a store the settings give no webhook."""


def stores_to_serve(store: str | None, *, webhooks: Collection[str] | None) -> list[str] | None:
    """The stores a run delivers for (None: every store). ``webhooks``: for the webhook
    publisher, the stores that have one: a run for every store serves those, and the
    others' rows wait (for their webhook, or the file publisher)."""
    if webhooks is None:
        return None if store is None else [store]
    if store is None:
        if not webhooks:
            raise NoWebhook("no store has a webhook: set DESCGEN_WEBHOOKS, or publish to files")
        return sorted(webhooks)
    if store not in webhooks:
        raise NoWebhook(f"store {store} has no webhook: add it to DESCGEN_WEBHOOKS, or publish to files")
    return [store]
