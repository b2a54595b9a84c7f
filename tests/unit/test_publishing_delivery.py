"""The relay's decisions (descgen/publishing/delivery.py, relay.py, report.py): which outbox
rows go, which are superseded, backoff and death, redrive, which stores a run serves."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from descgen.db.outbox import DeadRow
from descgen.publishing.delivery import (
    OutboxRow,
    RetryPolicy,
    backoff,
    claim_size,
    failure_change,
    one_line,
    plan_claim,
    plan_redrive,
)
from descgen.publishing.relay import DeliveryReport, Failure, NoWebhook, stores_to_serve
from descgen.publishing.report import render

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
POLICY = RetryPolicy(max_attempts=4, backoff_seconds=30, backoff_max_seconds=600, lease_seconds=900)
P1_EN, P1_DE, P2_EN = (1, "en"), (1, "de"), (2, "en")


def row(row_id: int, pair=P1_EN, due: bool = True) -> OutboxRow:
    return OutboxRow(row_id, pair, version_id=100 + row_id, due=due)


@pytest.mark.parametrize(
    ("rows", "send", "superseded", "waiting"),
    [
        pytest.param([row(1)], [1], {}, 0, id="one due row goes"),
        pytest.param([row(1), row(2)], [2], {1: 102}, 0, id="of two due rows, the newer goes; it supersedes the older"),
        pytest.param([row(2), row(1)], [2], {1: 102}, 0, id="newer by outbox row, whatever the order given"),
        pytest.param([row(1, due=False), row(2)], [], {}, 1, id="an older row backing off holds the newer back"),
        pytest.param([row(1), row(2, due=False)], [], {}, 1, id="the newest backing off: the pair waits whole"),
        pytest.param(
            [row(1), row(2, P1_DE), row(3, P2_EN, due=False), row(4)],
            [2, 4],
            {1: 104},
            1,
            id="pairs are independent",
        ),
        pytest.param([], [], {}, 0, id="nothing open"),
    ],
)
def test_a_claim_sends_the_newest_row_of_each_pair_whose_rows_are_all_due(rows, send, superseded, waiting):
    plan = plan_claim(rows)
    assert (plan.send, plan.superseded, plan.waiting) == (send, superseded, waiting)


@pytest.mark.parametrize(
    ("rows", "dead", "due", "superseded"),
    [
        pytest.param([row(1)], {1}, [1], {}, id="the newest of its pair is due again"),
        pytest.param([row(1), row(2)], {1}, [], {1: 102}, id="a newer row exists: settled, not sent"),
        pytest.param([row(1), row(2)], {1, 2}, [2], {1: 102}, id="two dead: the newer goes"),
        pytest.param([row(1), row(2, P2_EN)], {1, 2}, [1, 2], {}, id="pairs are independent"),
    ],
)
def test_a_redrive_makes_a_dead_row_due_unless_a_newer_version_replaced_it(rows, dead, due, superseded):
    plan = plan_redrive(rows, dead)
    assert (plan.due, plan.superseded) == (due, superseded)


@pytest.mark.parametrize(("attempts", "step"), [(1, 30), (2, 60), (3, 120), (5, 480), (6, 600), (60, 600)])
def test_the_backoff_doubles_up_to_its_cap_with_half_of_it_jittered(attempts, step):
    assert backoff(attempts, POLICY, draw=0.0) == timedelta(seconds=step / 2)
    assert backoff(attempts, POLICY, draw=0.999) < timedelta(seconds=step)
    assert backoff(attempts, POLICY, draw=0.5) == timedelta(seconds=step * 0.75)


def test_a_failure_counts_an_attempt_and_backs_off_until_the_last_which_kills_the_row():
    retry = failure_change(0, "HTTP 500\nInternal   Server Error", NOW, POLICY, draw=0.0)
    assert retry == {
        "attempts": 1,
        "last_error": "HTTP 500 Internal Server Error",
        "next_attempt_at": NOW + timedelta(seconds=15),
        "dead_at": None,
    }
    last = failure_change(3, "HTTP 500", NOW, POLICY, draw=0.0)
    assert (last["attempts"], last["dead_at"]) == (4, NOW)


def test_a_claim_holds_no_more_rows_than_half_a_lease_can_send():
    assert claim_size(POLICY, send_seconds=10) == 45
    assert claim_size(POLICY, send_seconds=10_000) == 1
    assert claim_size(POLICY, send_seconds=0.001) == 100


def test_an_error_is_kept_as_one_bounded_line():
    assert one_line("a\n  b\tc") == "a b c"
    assert one_line("x" * 500, limit=10) == "x" * 9 + "…"
    assert one_line("  ") == "unknown error"


@pytest.mark.parametrize(
    ("store", "webhooks", "served"),
    [
        pytest.param(None, None, None, id="files, every store"),
        pytest.param("acme", None, ["acme"], id="files, one store"),
        pytest.param(None, {"b", "a"}, ["a", "b"], id="webhook, every store that has one"),
        pytest.param("a", {"a", "b"}, ["a"], id="webhook, one store"),
    ],
)
def test_a_run_serves_the_store_asked_for_or_every_one_its_publisher_can_reach(store, webhooks, served):
    assert stores_to_serve(store, webhooks=webhooks) == served


@pytest.mark.parametrize(("store", "webhooks"), [("acme", {"other"}), (None, set())])
def test_a_webhook_run_without_a_webhook_for_its_store_stops_before_sending(store, webhooks):
    with pytest.raises(NoWebhook, match="DESCGEN_WEBHOOKS"):
        stores_to_serve(store, webhooks=webhooks)


def test_the_artifact_counts_per_store_and_language_and_lists_failures_and_dead_rows():
    report = DeliveryReport(
        delivered=Counter({("acme", "en"): 3}),
        failed=Counter({("acme", "de"): 1}),
        failures=[Failure("acme", "P7", "de", 41, "shop.example answered HTTP 502 Bad | Gateway", dead=True)],
    )
    dead = [DeadRow(9, "acme", "P7", "de", 41, 8, NOW, "HTTP 502", "descgen:acme:41")]

    markdown = render(report, dead, publisher="webhook", store="acme")

    assert "- delivered: **3**" in markdown
    assert "| acme | en | 3 | 0 | 0 |" in markdown
    assert "| acme | de | 0 | 1 | 0 |" in markdown
    assert "HTTP 502 Bad \\| Gateway" in markdown  # a reason cannot break the table
    assert "| 9 | acme | P7 | de | 41 | 8 | 2026-12-01 12:00Z | HTTP 502 |" in markdown
