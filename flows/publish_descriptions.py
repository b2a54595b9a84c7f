"""publish-descriptions: approved versions -> the shop, through the outbox.

Its tasks live here: they need only the database and the publishing settings (``PublishSettings``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.runtime import flow_run
from pydantic import Field

from descgen.db.models import utcnow
from descgen.db.outbox import DeadRow, dead_rows
from descgen.db.session import session_scope
from descgen.db.stores import check_names
from descgen.formats import count
from descgen.publishing.delivery import RetryPolicy, claim_size
from descgen.publishing.files import FilePublisher
from descgen.publishing.relay import DeliveryReport, Publisher, deliver_due, stores_to_serve
from descgen.publishing.report import render
from descgen.publishing.webhook import WebhookPublisher
from descgen.settings import PublishSettings, get_publish_settings
from descgen.stores import STORE_ID_PATTERN
from tasks.connections import engine
from tasks.retry_policy import RETRY_WHAT_HEALS

PublisherName = Literal["webhook", "file"]
Store = Annotated[
    str | None,
    Field(pattern=f"^{STORE_ID_PATTERN.pattern}$", description="only this store's versions; every store's if empty"),
]
MaxRows = Annotated[int, Field(ge=1, le=1_000_000, description="send at most this many versions")]
Via = Annotated[
    PublisherName,
    Field(
        description="webhook: a signed POST per version to the store's webhook (DESCGEN_WEBHOOKS); "
        "file: JSON Lines files under DESCGEN_PUBLISH_DIR"
    ),
]
FILE_SEND_SECONDS = 1.0  # a line appended and synced: what a claim's size is planned with


def _policy(settings: PublishSettings) -> RetryPolicy:
    return RetryPolicy(
        max_attempts=settings.outbox_max_attempts,
        backoff_seconds=settings.outbox_backoff_seconds,
        backoff_max_seconds=settings.outbox_backoff_max_seconds,
        lease_seconds=settings.outbox_lease_seconds,
    )


def _publisher(name: PublisherName, settings: PublishSettings) -> tuple[Publisher, float]:
    """The publisher, and the longest one send may take."""
    if name == "webhook":
        return WebhookPublisher(settings.webhooks, settings.webhook_timeout_seconds), settings.webhook_timeout_seconds
    return FilePublisher(settings.publish_dir, utcnow()), FILE_SEND_SECONDS


# No retries: an unknown store or a missing webhook stays so; the next scheduled run comes anyway.
@task
def stores_for_run(store: str | None, publisher: PublisherName) -> list[str] | None:
    """Which stores' rows this run sends; an unknown store or a missing webhook stops it here."""
    settings = get_publish_settings()
    if store is not None:
        with session_scope(engine()) as session:
            check_names(session, store)
    return stores_to_serve(store, webhooks=set(settings.webhooks) if publisher == "webhook" else None)


# No retries: each claim's outcomes are committed before the next claim, and a run that
# fails leaves only its last claim's rows leased; they go again after the lease, with the
# same idempotency keys.
@task
def deliver(stores: list[str] | None, max_rows: int, publisher: PublisherName) -> tuple[DeliveryReport, list[Path]]:
    """The due rows sent; the report and the files written (file publisher)."""
    settings = get_publish_settings()
    policy = _policy(settings)
    sender, send_seconds = _publisher(publisher, settings)
    report = deliver_due(
        engine(),
        sender,
        policy,
        stores=stores,
        max_rows=max_rows,
        rows_per_claim=claim_size(policy, send_seconds),
    )
    return report, sorted(sender.paths) if isinstance(sender, FilePublisher) else []


@task(**RETRY_WHAT_HEALS)
def list_dead_rows(store: str | None) -> list[DeadRow]:
    with session_scope(engine()) as session:
        return dead_rows(session, store)


def run_name() -> str:
    """The publisher, the store (or every store) and the row limit, as asked."""
    asked = flow_run.parameters
    store = f"store {asked['store']}" if asked.get("store") else "every store"
    return f"publish: {asked['publisher']}, {store}, up to {count(asked['max_rows'])} rows"


@flow(name="publish-descriptions", flow_run_name=run_name)
def publish_descriptions(store: Store = None, max_rows: MaxRows = 1000, publisher: Via = "webhook") -> DeliveryReport:
    """Approved versions -> the shop (signed webhook or JSON Lines files), in order per product, at least once.

    Args:
        store: only this store's versions; every store's if empty
        max_rows: send at most this many versions
        publisher: webhook: a signed POST per version to the store's webhook (DESCGEN_WEBHOOKS); file: JSON Lines files under DESCGEN_PUBLISH_DIR
    """
    log = get_run_logger()
    stores = stores_for_run(store, publisher)
    report, files = deliver(stores, max_rows, publisher)
    dead = list_dead_rows(store)
    create_markdown_artifact(
        key=f"publish-descriptions-{store}" if store else "publish-descriptions",
        markdown=render(report, dead, publisher=publisher, store=store, files=files),
        description="What publish-descriptions sent to the shop",
    )
    log.info(
        "%s delivered, %s superseded by a newer version, %s failed attempts (%s out of attempts), %s dead rows",
        count(report.delivered.total()),
        count(report.superseded.total()),
        count(report.failed.total()),
        count(report.died),
        count(len(dead)),
    )
    if dead:
        log.warning("%s outbox rows are dead: fix the cause, then redrive them (see the artifact)", count(len(dead)))
    return report
