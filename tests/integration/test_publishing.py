"""Publishing approved versions to the shop: the outbox relay with the signed webhook
against a real HTTP receiver, order per product and language, dead rows and redrive,
the JSON Lines publisher, and the exports (JSON Lines, Shopify product CSV)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from descgen.db.descriptions import NewText, hold_ai_texts, publish_ai_texts, write_version
from descgen.db.models import Batch, DescriptionVersion, OutboxEntry, Product, utcnow
from descgen.db.outbox import dead_rows, idempotency_key, redrive
from descgen.db.session import session_scope
from descgen.publishing.delivery import Delivery, RetryPolicy
from descgen.publishing.export import export
from descgen.publishing.files import SHOPIFY_COLUMNS, FilePublisher
from descgen.publishing.relay import DeliveryReport, Publisher, deliver_due
from descgen.publishing.webhook import WebhookPublisher, WebhookTarget
from descgen.stores import UnknownName
from tests.builders import catalog, load, submit
from tests.integration import shop_receiver
from tests.integration.shop_receiver import Receiver

SECRET = "a-shared-secret-of-the-shop-0123"
POLICY = RetryPolicy(max_attempts=3, backoff_seconds=60, backoff_max_seconds=600, lease_seconds=300)
LATER = timedelta(minutes=30)  # past any backoff and lease of POLICY


class Clock:
    """The relay's clock, moved by the test (rows are due by it, not by the wall clock)."""

    def __init__(self) -> None:
        self.now = utcnow() + timedelta(minutes=1)  # after every row the test enqueues, however slow the machine

    def __call__(self) -> datetime:
        return self.now

    def advance(self, by: timedelta = LATER) -> None:
        self.now += by


class Crash(BaseException):
    """The run dies: the process is killed, the pod evicted."""


class CrashAfterSending:
    """Sends for real, then dies after the ``after``-th send: between the POST and the commit."""

    def __init__(self, publisher: Publisher, after: int) -> None:
        self._publisher = publisher
        self._after = after
        self._sent = 0

    def send(self, delivery: Delivery) -> None:
        self._publisher.send(delivery)
        self._sent += 1
        if self._sent == self._after:
            raise Crash("killed after the POST, before the commit")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with shop_receiver.running(SECRET.encode()) as receiver:
        yield receiver


@pytest.fixture
def clock() -> Clock:
    return Clock()


def webhook(receiver: Receiver, store: str = "acme", secret: str = SECRET) -> WebhookPublisher:
    return WebhookPublisher({store: WebhookTarget(url=receiver.url, secret=secret)}, timeout_seconds=5)


def run(engine, publisher: Publisher, clock: Clock, policy: RetryPolicy = POLICY) -> DeliveryReport:
    return deliver_due(engine, publisher, policy, clock=clock, draw=lambda: 0.5)


def products(engine, store: str) -> dict[str, int]:
    with session_scope(engine) as session:
        rows = session.execute(select(Product.external_id, Product.id).where(Product.store_id == store))
        return {external_id: product_id for external_id, product_id in rows}


def approve_text(engine, store: str, product: str, language: str, html: str) -> int:
    """A person's text, saved: the current text, an approved version queued for the shop."""
    with session_scope(engine) as session:
        product_id = session.scalars(
            select(Product.id).where(Product.store_id == store, Product.external_id == product)
        ).one()
        write_version(session, store, product_id, language, html, "human")
        return session.scalars(
            select(DescriptionVersion.id)
            .where(DescriptionVersion.product_id == product_id, DescriptionVersion.language_id == language)
            .order_by(DescriptionVersion.id.desc())
            .limit(1)
        ).one()


def store_with_approved_texts(engine, products: int = 2, languages: tuple[str, ...] = ("en", "de")):
    """GIVEN a store whose every product has an approved text in every language: (store, version ids)."""
    store = load(engine, catalog(products=products, languages=languages))
    versions = [
        approve_text(engine, store, f"P{i}", language, f"<p>Text of P{i} in {language}.</p>")
        for i in range(1, products + 1)
        for language in languages
    ]
    return store, versions


def outbox_rows(engine) -> dict[int, OutboxEntry]:
    """Outbox rows by version id."""
    with session_scope(engine) as session:
        return {row.version_id: row for row in session.scalars(select(OutboxEntry))}


def statuses(engine, versions: list[int]) -> list[str]:
    with session_scope(engine) as session:
        return [session.get_one(DescriptionVersion, v).status for v in versions]


def keys(store: str, versions: list[int]) -> set[str]:
    return {idempotency_key(store, v) for v in versions}


# --- the webhook, against a real receiver ---


def test_every_approved_version_reaches_the_shop_signed_once_and_becomes_published(engine, receiver, clock):
    store, versions = store_with_approved_texts(engine)

    report = run(engine, webhook(receiver), clock)

    assert report.delivered.total() == 4
    assert report.failed.total() == 0
    assert set(receiver.applied) == keys(store, versions)
    assert [status for _, status in receiver.requests] == [200] * 4  # each signature checked out
    payload = receiver.applied[idempotency_key(store, versions[0])]
    assert payload | {"approved_at": None} == {
        "schema_version": 1,
        "idempotency_key": idempotency_key(store, versions[0]),
        "store": store,
        "product": "P1",
        "language": "en",
        "version": 1,
        "html": "<p>Text of P1 in en.</p>",
        "meta_title": None,
        "meta_description": None,
        "approved_at": None,
        "reviewer": None,
    }
    assert datetime.fromisoformat(payload["approved_at"]).tzinfo is not None
    assert statuses(engine, versions) == ["published"] * 4
    assert all(row.delivered_at is not None for row in outbox_rows(engine).values())
    assert run(engine, webhook(receiver), clock).attempted == 0  # nothing left to send


def test_a_crash_after_the_post_sends_again_with_the_same_key_and_the_shop_applies_each_version_once(
    engine, receiver, clock
):
    store, versions = store_with_approved_texts(engine)

    # WHEN the run dies after its second POST, before it could record anything
    with pytest.raises(Crash):
        run(engine, CrashAfterSending(webhook(receiver), after=2), clock)
    assert len(receiver.keys_received()) == 2
    assert statuses(engine, versions) == ["approved"] * 4  # nothing recorded as delivered
    # a run during the lease sends nothing: the claimed rows may still be in flight
    assert run(engine, webhook(receiver), clock).attempted == 0
    # THEN once the lease is over, the next run sends all four, the first two again
    clock.advance()
    report = run(engine, webhook(receiver), clock)

    assert report.delivered.total() == 4
    received = receiver.keys_received()
    assert len(received) == 6
    assert set(received) == keys(store, versions)
    assert set(receiver.applied) == keys(store, versions)  # each version applied exactly once
    assert statuses(engine, versions) == ["published"] * 4


def test_a_receiver_answering_500_twice_gets_the_version_on_the_third_attempt_after_backoff(engine, receiver, clock):
    store, versions = store_with_approved_texts(engine, products=1, languages=("en",))
    receiver.errors_first = [500, 500]

    first = run(engine, webhook(receiver), clock)
    [row] = outbox_rows(engine).values()
    assert first.failed.total() == 1
    assert row.attempts == 1
    assert "HTTP 500" in (row.last_error or "")
    assert row.next_attempt_at >= clock.now + timedelta(seconds=30)  # backing off
    assert run(engine, webhook(receiver), clock).attempted == 0  # not due yet
    clock.advance()
    assert run(engine, webhook(receiver), clock).failed.total() == 1
    clock.advance()
    third = run(engine, webhook(receiver), clock)

    assert third.delivered.total() == 1
    assert [status for _, status in receiver.requests] == [500, 500, 200]
    assert set(receiver.applied) == keys(store, versions)
    [row] = outbox_rows(engine).values()
    assert row.attempts == 2
    assert row.delivered_at is not None
    assert row.dead_at is None
    assert statuses(engine, versions) == ["published"]


def test_a_receiver_with_another_secret_refuses_the_signature_and_the_row_backs_off(engine, receiver, clock):
    store_with_approved_texts(engine, products=1, languages=("en",))

    report = run(engine, webhook(receiver, secret="not-the-shops-secret-0000"), clock)

    assert report.delivered.total() == 0
    assert receiver.applied == {}
    [failure] = report.failures
    assert "HTTP 401" in failure.error
    assert not failure.dead
    [row] = outbox_rows(engine).values()
    assert row.delivered_at is None
    assert row.attempts == 1


def test_a_shop_that_cannot_be_reached_is_a_failed_attempt_with_a_one_line_reason(engine, clock):
    store_with_approved_texts(engine, products=1, languages=("en",))
    with shop_receiver.running(SECRET.encode()) as gone:
        url = gone.url  # a port nobody listens on once the block ends
    publisher = WebhookPublisher({"acme": WebhookTarget(url=url, secret=SECRET)}, timeout_seconds=2)

    report = run(engine, publisher, clock)

    [failure] = report.failures
    assert failure.error.startswith("cannot deliver to 127.0.0.1:")
    assert "\n" not in failure.error


def test_a_row_out_of_attempts_is_dead_listed_and_delivered_once_redriven(engine, receiver, clock):
    store, versions = store_with_approved_texts(engine, products=1, languages=("en",))
    receiver.errors_first = [503, 503]
    policy = RetryPolicy(max_attempts=2, backoff_seconds=60, backoff_max_seconds=600, lease_seconds=300)

    run(engine, webhook(receiver), clock, policy)
    clock.advance()
    second = run(engine, webhook(receiver), clock, policy)

    assert second.died == 1
    with session_scope(engine) as session:
        [dead] = dead_rows(session, store)
    assert (dead.product, dead.language_id, dead.version_id, dead.attempts) == ("P1", "en", versions[0], 2)
    assert "HTTP 503" in (dead.last_error or "")
    clock.advance()
    assert run(engine, webhook(receiver), clock, policy).attempted == 0  # dead rows are not sent

    with session_scope(engine) as session:
        redriven = redrive(session, store, now=clock.now)
    assert redriven.due == [dead.outbox_id]
    assert redriven.superseded == []
    assert run(engine, webhook(receiver), clock, policy).delivered.total() == 1

    assert set(receiver.applied) == keys(store, versions)
    with session_scope(engine) as session:
        assert dead_rows(session, store) == []
        assert redrive(session, store, [dead.outbox_id, 999]).not_dead == [dead.outbox_id, 999]
        assert redrive(session, "other-store").due == []


# --- order per product and language ---


def versions_sent_for(receiver: Receiver, store: str) -> list[int]:
    prefix = f"descgen:{store}:"
    return [int(key.removeprefix(prefix)) for key, status in receiver.requests if status == 200]


def test_a_newer_version_waits_while_an_older_one_of_the_same_product_is_backing_off(engine, receiver, clock):
    store, [first] = store_with_approved_texts(engine, products=1, languages=("en",))
    receiver.errors_first = [500]
    run(engine, webhook(receiver), clock)  # the first version failed: backing off

    # WHEN a newer version is approved while the first is still owed to the shop
    second = approve_text(engine, store, "P1", "en", "<p>A better text.</p>")
    waiting = run(engine, webhook(receiver), clock)

    # THEN it does not overtake the first
    assert waiting.attempted == 0
    assert versions_sent_for(receiver, store) == []
    # and once the first is due again, only the newest goes: the shop ends with the current text
    clock.advance()
    report = run(engine, webhook(receiver), clock)

    assert report.delivered.total() == 1
    assert report.superseded.total() == 1
    assert versions_sent_for(receiver, store) == [second]
    rows = outbox_rows(engine)
    assert rows[first].delivered_at is not None
    assert rows[first].last_error == f"superseded by version {second}: not sent"
    assert statuses(engine, [first, second]) == ["approved", "published"]  # the shop never had the first


def test_versions_approved_one_after_the_other_reach_the_shop_in_that_order(engine, receiver, clock):
    store, [first] = store_with_approved_texts(engine, products=1, languages=("en",))
    run(engine, webhook(receiver), clock)
    second = approve_text(engine, store, "P1", "en", "<p>Second.</p>")
    third = approve_text(engine, store, "P1", "en", "<p>Third.</p>")

    run(engine, webhook(receiver), clock)

    assert versions_sent_for(receiver, store) == [first, third]  # never an older text after a newer one
    assert statuses(engine, [first, second, third]) == ["published", "approved", "published"]


def test_a_dead_version_redriven_after_a_newer_one_went_out_is_settled_not_sent(engine, receiver, clock):
    store, _ = store_with_approved_texts(engine, products=1, languages=("en",))
    receiver.errors_first = [500]
    policy = RetryPolicy(max_attempts=1, backoff_seconds=60, backoff_max_seconds=600, lease_seconds=300)
    run(engine, webhook(receiver), clock, policy)  # dead at once
    second = approve_text(engine, store, "P1", "en", "<p>Newer.</p>")
    run(engine, webhook(receiver), clock, policy)

    with session_scope(engine) as session:
        redriven = redrive(session, store, now=clock.now)
    run(engine, webhook(receiver), clock, policy)

    assert redriven.due == []
    assert len(redriven.superseded) == 1
    assert versions_sent_for(receiver, store) == [second]


def test_a_webhook_run_sends_only_the_stores_it_has_a_webhook_for(engine, receiver, clock):
    acme, acme_versions = store_with_approved_texts(engine, products=1, languages=("en",))
    other = load(engine, catalog(store="other", products=1, languages=("en",)))
    approve_text(engine, other, "P1", "en", "<p>Other shop.</p>")

    report = deliver_due(engine, webhook(receiver), POLICY, stores=[acme], clock=clock)

    assert report.delivered == {(acme, "en"): 1}
    assert set(receiver.applied) == keys(acme, acme_versions)


# --- files ---


def test_the_file_publisher_writes_what_a_run_sent_as_json_lines_per_store(engine, tmp_path, clock):
    store, versions = store_with_approved_texts(engine)
    publisher = FilePublisher(tmp_path, clock.now)

    run(engine, publisher, clock)

    [path] = publisher.paths
    assert path.parent == tmp_path / store
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [line["idempotency_key"] for line in lines] == [idempotency_key(store, v) for v in versions]
    assert statuses(engine, versions) == ["published"] * 4


TRICKY_HTML = '<p>Zelt, "ultraleicht" für 2 Personen;\nwasserdicht | 3000 mm</p><ul><li>日本語</li></ul>'


def ai_texts(engine, store: str, texts: list[NewText], *, held: bool = False) -> None:
    """The drain's path: a batch's texts written as current (approved) or held as drafts."""
    with session_scope(engine) as session:
        batch_id = session.scalars(select(Batch.id).where(Batch.store_id == store)).first()
    if batch_id is None:
        batch_id, _ = submit(engine, store)
    with session_scope(engine) as session:
        (hold_ai_texts if held else publish_ai_texts)(session, store, batch_id, texts)


def test_the_jsonl_export_has_each_current_text_once_and_reads_back(engine, tmp_path):
    store = load(engine, catalog(products=2, languages=("en", "de")))
    ids = products(engine, store)
    ai_texts(engine, store, [NewText(ids["P1"], "en", "<p>Old, replaced below.</p>")])
    ai_texts(
        engine,
        store,
        [
            NewText(ids["P1"], "en", TRICKY_HTML, meta_title="Zelt, leicht", meta_description='Der "beste"'),
            NewText(ids["P1"], "de", "<p>Deutsch.</p>", meta_title="Titel", meta_description="Beschreibung"),
        ],
    )
    ai_texts(engine, store, [NewText(ids["P2"], "en", "<p>A draft nobody approved.</p>")], held=True)

    with session_scope(engine) as session:
        [path] = export(session, store, directory=tmp_path, format="jsonl")

    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [(line["product"], line["language"], line["version"]) for line in lines] == [
        ("P1", "de", 1),
        ("P1", "en", 2),
    ]
    english = lines[1]
    assert (english["html"], english["meta_title"], english["meta_description"]) == (
        TRICKY_HTML,
        "Zelt, leicht",
        'Der "beste"',
    )


def test_the_shopify_csv_export_has_one_file_per_language_that_reads_back_as_written(engine, tmp_path):
    store = load(engine, catalog(products=2, languages=("en", "de")))
    ids = products(engine, store)
    ai_texts(
        engine,
        store,
        [
            NewText(ids["P1"], "en", TRICKY_HTML, meta_title="Zelt, leicht", meta_description='Der "beste"'),
            NewText(ids["P2"], "en", "<p>Two.</p>"),
            NewText(ids["P1"], "de", "<p>Eins.</p>", meta_title="Eins", meta_description="Das erste"),
        ],
    )

    with session_scope(engine) as session:
        paths = export(session, store, directory=tmp_path, format="csv")

    assert [p.name for p in paths] == [f"{store}-descriptions-de.csv", f"{store}-descriptions-en.csv"]
    english = read_csv(paths[1])
    assert english[0] == list(SHOPIFY_COLUMNS)
    assert english[1:] == [
        ["P1", "Product 1", TRICKY_HTML, "Zelt, leicht", 'Der "beste"'],
        ["P2", "Product 2", "<p>Two.</p>", "", ""],
    ]
    assert read_csv(paths[0])[1:] == [["P1", "Product 1", "<p>Eins.</p>", "Eins", "Das erste"]]
    assert b"\r\n" not in paths[1].read_bytes()


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.reader(file))


def test_an_export_since_a_time_has_only_what_was_approved_since(engine, tmp_path):
    store = load(engine, catalog(products=2, languages=("en",)))
    approve_text(engine, store, "P1", "en", "<p>Before.</p>")
    since = utcnow()
    approve_text(engine, store, "P2", "en", "<p>After.</p>")

    with session_scope(engine) as session:
        [path] = export(session, store, directory=tmp_path, since=since)
        nothing = export(session, store, directory=tmp_path / "later", since=utcnow(), format="csv")

    assert [json.loads(line)["product"] for line in path.read_text().splitlines()] == ["P2"]
    assert nothing == []
    assert not (tmp_path / "later").exists()


def test_exporting_an_unknown_store_is_an_error_not_an_empty_file(engine, tmp_path):
    with session_scope(engine) as session, pytest.raises(UnknownName, match="no store 'acmee'"):
        export(session, "acmee", directory=tmp_path)
