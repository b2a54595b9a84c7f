"""The version history's retention policy, pure: each rule keeps what it names, and only that."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from descgen.housekeeping import Keep, PruneReport, RetentionPolicy, VersionFacts, keep_reason, render

NOW = datetime(2026, 12, 15, 4, 30, tzinfo=UTC)
POLICY = RetentionPolicy(keep_days=14, rejected_keep_days=90, rollback_window_days=30)


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


# An old published version two texts behind the current one, of a batch past its window:
# nothing keeps it. Each row below changes one fact of it.
OLD = VersionFacts(
    status="published",
    created_at=days_ago(200),
    reviewed_at=None,
    newer_live=2,
    current=False,
    undelivered=False,
    batch_created_at=days_ago(200),
)

CASES = [
    # (why, the facts that differ from OLD, kept because)
    ("nothing keeps an old superseded version", {}, None),
    ("an approved version superseded before delivery goes too", {"status": "approved"}, None),
    ("a draft waits for its review, however old", {"status": "draft", "newer_live": 0}, Keep.DRAFT),
    ("a version the shop has still to get stays", {"undelivered": True}, Keep.UNDELIVERED),
    ("a dead outbox row's version stays (it can be redriven)", {"status": "approved", "undelivered": True}, Keep.UNDELIVERED),
    ("the current text stays", {"current": True, "newer_live": 0}, Keep.CURRENT),
    ("the description's text stays even behind newer live ones (a draft approved late)", {"current": True}, Keep.CURRENT),
    ("the newest live text stays (a removal, where no description is left)", {"newer_live": 0}, Keep.CURRENT),
    ("the text before the current one stays: rollback puts it back", {"newer_live": 1}, Keep.BEFORE_CURRENT),
    ("a rejected draft is not live: one newer text does not make it the one before", {"status": "rejected", "newer_live": 1, "reviewed_at": days_ago(200)}, None),
    ("a version newer than the retention stays", {"created_at": days_ago(13)}, Keep.RECENT),
    ("a version just past the retention goes", {"created_at": days_ago(15), "batch_created_at": None}, None),
    ("a rejection within its retention stays", {"status": "rejected", "reviewed_at": days_ago(60)}, Keep.RECENTLY_REJECTED),
    ("an old rejection goes", {"status": "rejected", "reviewed_at": days_ago(100)}, None),
    ("a version of a batch still in its rollback window stays", {"created_at": days_ago(20), "batch_created_at": days_ago(21)}, Keep.ROLLBACK_WINDOW),
    ("a person's old edit (no batch) goes", {"batch_created_at": None}, None),
]  # fmt: skip


@pytest.mark.parametrize(("why", "changes", "kept"), CASES, ids=[case[0] for case in CASES])
def test_each_rule_keeps_what_it_names(why: str, changes: dict, kept: Keep | None) -> None:
    assert keep_reason(replace(OLD, **changes), POLICY, NOW) == kept, why


def test_the_first_rule_that_holds_is_the_reason_reported() -> None:
    # GIVEN the current text, not yet delivered, written yesterday
    facts = replace(OLD, current=True, newer_live=0, undelivered=True, created_at=days_ago(1))
    # THEN it is reported once, as undelivered (rule 2 before rules 3 and 5)
    assert keep_reason(facts, POLICY, NOW) == Keep.UNDELIVERED


def test_the_retention_days_come_from_the_policy() -> None:
    facts = replace(OLD, created_at=days_ago(20), batch_created_at=None)
    assert keep_reason(facts, POLICY, NOW) is None
    assert keep_reason(facts, replace(POLICY, keep_days=30), NOW) == Keep.RECENT


def test_the_artifact_counts_what_went_and_why_the_rest_stayed() -> None:
    report = PruneReport(dry_run=True, examined=10, pruned=4, outbox_rows=3, chunks=1)
    report.kept[Keep.CURRENT] = 5
    report.kept[Keep.DRAFT] = 1
    text = render(report, POLICY)
    assert "**4 would be pruned (dry run: nothing deleted)**" in text
    assert "| the current text | 5 |" in text
    assert "| draft awaiting review | 1 |" in text
    assert "| not yet delivered to the shop | 0 |" in text
