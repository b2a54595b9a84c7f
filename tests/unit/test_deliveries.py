"""The drain's pure decision (descgen/deliveries.py): deliveries, task rows, rules and voices in; outcomes out."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from descgen.contract.messages import RecordResult, ResultPage
from descgen.contract.records import make_record_id
from descgen.deliveries import (
    ApplyReport,
    TaskRow,
    band_keys,
    decide,
    deliveries_by_task,
    judge_deliveries,
    prejudge,
)
from descgen.lifecycle import RetryBudget, TaskState
from descgen.quality.gate import Neighbour
from descgen.quality.voice import BrandVoice, Check
from descgen.verdicts import PublishRules
from local.offline_writer import describe_product

NOW = datetime(2026, 12, 1, tzinfo=UTC)
RULES = PublishRules(frozenset({"p", "ul", "li", "span", "strong", "em"}), {}, 6000)
BUDGET = RetryBudget(max_attempts=3, max_waits=10)
BATCH = "acme-b1"


def task(number: int, language: str = "en", **changes) -> TaskRow:
    row = TaskRow(
        id=number,
        store_id="acme",
        product_id=100 + number,
        language_id=language,
        state=TaskState.SUBMITTED,
        batch_id=BATCH,
        attempts=0,
        sends=1,
        waits=0,
        fingerprint=f"f{number}",
        external_id=f"P{number}",
        title=f"Trail Tent {number}",
        seo_keywords=(f"tent {number}", "camping"),
        attributes={"weight": f"{number} kg"},
        output_format="text",
    )
    return replace(row, **changes)


def good(row: TaskRow, language: str | None = None, key: str | None = None) -> str:
    """What a good model writes for the task (in ``language`` if given: a wrong one)."""
    facts = {"title": row.title, "keywords": list(row.seo_keywords), "attributes": dict(row.attributes)}
    return describe_product(facts, language or row.language_id, key or f"{row.external_id}/{row.language_id}")


def result(row: TaskRow, text: str | None = None, send: int | None = None, **fields) -> RecordResult:
    body = good(row) if text is None else text
    return RecordResult(
        make_record_id(row.id, row.sends if send is None else send),
        fields.pop("status", "ok"),
        text=f"#{row.external_id}#{row.language_id}#{body}",
        stop_reason="end_turn",
        **fields,
    )


def run(rows, results, *, voice=None, neighbours=None, gate=True):
    voice = voice or BrandVoice()
    report = ApplyReport()
    wanted = deliveries_by_task([ResultPage(BATCH, tuple(results))], report)
    judged = judge_deliveries(wanted, {r.id: r for r in rows}, RULES, {"acme": voice}, report)
    decision = decide(judged, {"acme": voice}, neighbours or {}, BUDGET, NOW, report, gate=gate)
    published = {t.external_id for items in decision.publish.values() for t, _ in items}
    held = {t.external_id for items in decision.hold.values() for t, _ in items}
    changes = {c["id"]: c for c in decision.changes}
    return decision, published, held, changes


def test_a_good_answer_is_published_with_its_scores():
    row = task(1)
    decision, published, held, changes = run([row], [result(row)])
    assert (published, held, changes) == ({"P1"}, set(), {})
    [(_, text)] = decision.publish[BATCH]
    assert text.quality is not None
    assert text.quality["outcome"] == "publish"
    assert set(text.quality["scores"]) == {check.value for check in Check}
    assert text.sketch is not None
    assert (len(text.sketch.bands), len(text.sketch.signature)) == (8, 128)


@pytest.mark.parametrize(
    ("case", "make", "expected"),
    [
        ("a late result of an earlier send", lambda r: result(r, send=0), "stale"),
        ("a task already done", lambda r: result(r), "stale-done"),
        ("a record id that is not ours", lambda r: replace(result(r), record_id="x9"), "unknown"),
    ],
)
def test_deliveries_that_are_not_the_tasks_current_send_change_nothing(case, make, expected):
    row = task(1, state=TaskState.DONE) if expected == "stale-done" else task(1)
    decision, published, held, changes = run([row], [make(row)])
    assert (published, held, changes) == (set(), set(), {}), case
    assert (decision.report.stale, decision.report.unknown) == ((0, 1) if expected == "unknown" else (1, 0))


def test_the_same_result_twice_in_one_receive_is_applied_once():
    row = task(1)
    decision, published, _, _ = run([row], [result(row), result(row)])
    assert published == {"P1"}
    assert decision.report.stale == 1


def test_an_answer_in_the_wrong_language_is_sent_back_with_the_gates_reason():
    row = task(1, language="de")
    _, published, held, changes = run([row], [result(row, good(row, language="fr"))])
    assert (published, held) == (set(), set())
    change = changes[row.id]
    assert (change["state"], change["attempts"], change["sends"]) == (TaskState.PENDING, 1, 2)
    assert change["reason"].startswith("quality: language: written in fr")


def test_a_retry_the_gate_wants_on_the_last_attempt_is_held_instead_of_thrown_away():
    row = task(1, language="de", attempts=2)
    _, published, held, changes = run([row], [result(row, good(row, language="fr"))])
    assert (published, held, changes) == (set(), {"P1"}, {})


def test_a_keyword_miss_is_held_for_review_by_default_and_published_when_the_voice_says_so():
    row = task(1, seo_keywords=("zebra stripes",))
    _, published, held, _ = run([row], [result(row, good(task(1)))])
    assert (published, held) == (set(), {"P1"})
    voice = BrandVoice(outcomes={Check.KEYWORDS: "publish"})
    _, published, held, _ = run([row], [result(row, good(task(1)))], voice=voice)
    assert (published, held) == ({"P1"}, set())


def test_the_voices_outcome_turns_a_retry_into_a_hold():
    row = task(1, language="de")
    voice = BrandVoice(outcomes={Check.LANGUAGE: "hold"})
    _, published, held, changes = run([row], [result(row, good(row, language="fr"))], voice=voice)
    assert (published, held, changes) == (set(), {"P1"}, {})


def test_of_two_products_given_the_same_text_in_one_receive_the_second_is_the_near_duplicate():
    first, second = task(1), task(2)
    same = good(first)
    _, published, _, changes = run([first, second], [result(first, same), result(second, same)])
    assert published == {"P1"}
    assert "duplicate: 1.00 similar to product P1" in changes[second.id]["reason"]


def test_a_text_repeating_a_stored_description_found_through_its_bands_is_the_near_duplicate():
    row = task(2)
    text = good(task(1))
    report = ApplyReport()
    wanted = deliveries_by_task([ResultPage(BATCH, (result(row, text),))], report)
    judged = judge_deliveries(wanted, {row.id: row}, RULES, {}, report)
    [candidate] = [j.candidate for j in judged]
    assert candidate is not None
    stored = Neighbour("P1", candidate.sketch.signature)
    neighbours = {key: [stored] for key in list(band_keys(judged))[:1]}  # one shared bucket is enough
    decision = decide(judged, {}, neighbours, BUDGET, NOW, report)
    assert decision.publish == {}
    assert "similar to product P1" in decision.changes[0]["reason"]
    assert decision.report.quality.duplicates == ["P2/en repeats P1"]


def test_a_throttled_record_waits_without_an_attempt_and_a_bad_request_fails():
    throttled, refused = task(1), task(2)
    results = [
        RecordResult(make_record_id(1, 1), "error", error_code="429", error_message="slow down"),
        RecordResult(make_record_id(2, 1), "error", error_code="400", error_message="bad input"),
    ]
    decision, _, _, changes = run([throttled, refused], results)
    assert (changes[1]["state"], changes[1]["attempts"], changes[1]["waits"]) == (TaskState.PENDING, 0, 1)
    assert (changes[2]["state"], changes[2]["attempts"]) == (TaskState.FAILED, 1)
    assert (decision.report.waited, decision.report.failed) == (1, 1)


def test_with_the_gate_off_an_accepted_answer_is_published_whatever_it_says():
    row = task(1, language="de")
    decision, published, _, _ = run([row], [result(row, "<p>Kurz.</p>")], gate=False)
    assert published == {"P1"}
    assert decision.publish[BATCH][0][1].quality is None


def test_the_report_counts_checks_per_language_and_outcomes():
    rows = [task(1), task(2, language="de")]
    decision, *_ = run(rows, [result(rows[0]), result(rows[1], good(rows[1], language="fr"))])
    counts = decision.report.quality.by_language()
    assert counts[("en", "language:passed")] == 1
    assert counts[("de", "language:failed")] == 1
    assert decision.report.quality.outcomes() == {"publish": 1, "retry": 1}


def test_a_judgement_made_ahead_is_used_only_while_its_task_row_and_voice_are_still_true():
    rows = [task(1), task(2), task(3)]
    pages = [ResultPage(BATCH, tuple(result(row) for row in rows))]
    ahead = prejudge(pages, {row.id: row for row in rows}, RULES, {"acme": BrandVoice()}, gate=True)
    # between the snapshot and the lock: task 2 was rolled back (skipped), task 3's title changed
    now = {1: rows[0], 2: replace(rows[1], state=TaskState.SKIPPED), 3: replace(rows[2], title="Storm Tent")}
    report = ApplyReport()
    judged = judge_deliveries(
        deliveries_by_task(pages, report), now, RULES, {"acme": BrandVoice()}, report, ready=ahead.judged
    )
    assert [item.task.id for item in judged] == [1, 3]
    assert judged[0] is ahead.judged[1]  # still true: used as made
    assert judged[1] is not ahead.judged[3]
    assert judged[1].task.title == "Storm Tent"  # judged again, with the row read under the lock
    assert (report.judged_ahead, report.stale) == (1, 1)


def test_judgements_made_ahead_with_a_voice_changed_since_are_not_used():
    rows = [task(1)]
    pages = [ResultPage(BATCH, (result(rows[0]),))]
    ahead = prejudge(pages, {1: rows[0]}, RULES, {"acme": BrandVoice()}, gate=True)
    assert ahead.still_true({"acme": BrandVoice()}) == ahead.judged
    assert ahead.still_true({"acme": BrandVoice(forbidden=["tent"])}) == {}
