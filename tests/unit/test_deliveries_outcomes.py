"""The drain's decision, to the last field: the texts it writes, the reasons it gives, the counts it
reports, and the review sample; and how reports of several receives add up.

``test_deliveries.py`` says what becomes of each answer; these pin what is written and counted
(``make mutation`` found those unpinned).
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace

import pytest

from descgen.contract.messages import RecordResult, ResultPage
from descgen.contract.records import make_record_id
from descgen.deliveries import (
    SAMPLE_LIMIT,
    WORST_LIMIT,
    ApplyReport,
    QualityStats,
    _kind,
    band_keys,
    decide,
    deliveries_by_task,
    judge_deliveries,
    prejudge,
)
from descgen.lifecycle import RetryBudget, TaskState
from descgen.quality.gate import CheckResult, GateResult, Neighbour
from descgen.quality.near_duplicates import NO_SKETCH
from descgen.quality.voice import BrandVoice, Check, GlossaryTerm, ReviewPolicy
from tests.unit.test_deliveries import BATCH, BUDGET, NOW, RULES, good, result, run, task

# --- reports of several receives --------------------------------------------------------------------------

COUNTERS = ("applied", "held", "skipped_human", "retried", "waited", "failed", "stale", "unknown", "judged_ahead")


def test_reports_add_up_every_count_and_keep_a_bounded_sample_of_reasons():
    first = ApplyReport(**{name: number for number, name in enumerate(COUNTERS, start=1)})
    first.reasons = [f"r{i}" for i in range(SAMPLE_LIMIT - 1)]
    first.human_kept = ["P1/en"]
    second = ApplyReport(**{name: 10 * number for number, name in enumerate(COUNTERS, start=1)})
    second.reasons = ["late", "later"]
    second.human_kept = [f"P{i}/de" for i in range(SAMPLE_LIMIT + 5)]
    second.quality.tallies[("b", "s", "en", "outcome:publish")] = 3
    first.by_batch[("b", "s", "retried")] = 1
    second.by_batch[("b", "s", "retried")] = 2
    first.add(second)
    assert first.by_batch == {("b", "s", "retried"): 3}
    assert [getattr(first, name) for name in COUNTERS] == [11 * n for n in range(1, len(COUNTERS) + 1)]
    assert first.reasons == [*(f"r{i}" for i in range(SAMPLE_LIMIT - 1)), "late"]
    assert first.human_kept == ["P1/en", *(f"P{i}/de" for i in range(SAMPLE_LIMIT - 1))]
    assert first.quality.tallies == {("b", "s", "en", "outcome:publish"): 3}


def test_a_report_notes_reasons_until_its_sample_is_full():
    report = ApplyReport()
    for i in range(SAMPLE_LIMIT + 3):
        report.note(f"reason {i}")
    assert report.reasons == [f"reason {i}" for i in range(SAMPLE_LIMIT)]


def test_quality_stats_add_their_tallies_keep_the_worst_few_and_a_bounded_sample_of_duplicates():
    mine, theirs = QualityStats(), QualityStats()
    mine.tallies[("b1", "s", "en", "length:failed")] = 2
    theirs.tallies[("b1", "s", "en", "length:failed")] = 3
    mine.worst = [(0.5, "P1/en", "a"), (0.9, "P2/en", "b")]
    theirs.worst = [(0.1, f"P{i}/de", "c") for i in range(WORST_LIMIT)]
    mine.duplicates = ["P1/en repeats P2"]
    theirs.duplicates = [f"P{i}/en repeats P9" for i in range(SAMPLE_LIMIT)]
    mine.add(theirs)
    assert mine.tallies == {("b1", "s", "en", "length:failed"): 5}
    assert mine.worst == sorted(theirs.worst)[:WORST_LIMIT]
    assert mine.duplicates == ["P1/en repeats P2", *(f"P{i}/en repeats P9" for i in range(SAMPLE_LIMIT - 1))]


def test_quality_stats_add_up_counts_per_language_and_per_outcome():
    stats = QualityStats()
    stats.tallies.update(
        {
            ("b1", "s", "en", "outcome:publish"): 2,
            ("b2", "s", "en", "outcome:publish"): 3,
            ("b2", "s", "de", "outcome:retry"): 1,
            ("b2", "s", "de", "length:failed"): 4,
        }
    )
    assert stats.by_language() == {("en", "outcome:publish"): 5, ("de", "outcome:retry"): 1, ("de", "length:failed"): 4}
    assert stats.outcomes() == {"publish": 5, "retry": 1}


def test_recording_a_gate_result_counts_each_check_each_reason_kind_and_the_outcome():
    stats = QualityStats()
    row = task(1)
    failed_twice = GateResult(
        (
            CheckResult(Check.LENGTH, 0.5, False, "12 words, below 40-400"),
            CheckResult(Check.META, 0.25, False, "meta title has 5 characters, not 10-60"),
            CheckResult(Check.LANGUAGE, 0.75, True, "en (0.75)"),
        ),
        "retry",
        duplicate_of="P7",
    )
    stats.record(row, "b1", failed_twice)
    stats.record(row, "b1", failed_twice)
    key = ("b1", "acme", "en")
    assert stats.tallies == {
        (*key, "length:failed"): 2,
        (*key, "meta:failed"): 2,
        (*key, "language:passed"): 2,
        (*key, "reason:length: # words, below #"): 2,
        (*key, "reason:meta: meta title has # characters, not #"): 2,
        (*key, "outcome:retry"): 2,
    }
    summary = "length: 12 words, below 40-400; meta: meta title has 5 characters, not 10-60"
    assert stats.worst == [(0.5, "P1/en", summary)] * 2
    assert stats.duplicates == ["P1/en repeats P7"] * 2


def test_the_mean_score_of_the_worst_answers_is_rounded_to_three_places():
    stats = QualityStats()
    result = GateResult(
        (CheckResult(Check.LENGTH, 0.12345, False, "x"), CheckResult(Check.META, 1.0, True, "y")), "hold"
    )
    stats.record(task(1), "b1", result)
    assert stats.worst == [(0.562, "P1/en", "length: x")]
    assert stats.duplicates == []


def test_duplicates_are_sampled_up_to_the_limit():
    stats = QualityStats(duplicates=[f"d{i}" for i in range(SAMPLE_LIMIT)])
    stats.record(task(1), "b1", GateResult((CheckResult(Check.LENGTH, 1.0, True, "ok"),), "publish", duplicate_of="P2"))
    assert len(stats.duplicates) == SAMPLE_LIMIT
    assert stats.worst == []


@pytest.mark.parametrize(
    ("reason", "kind"),
    [
        ("12 words, below 40-400", "# words, below #"),
        ("uses 'cheap', 'best ever'", "uses …, …"),
        ("primary keyword 'tent 3' not in the meta title", "primary keyword … not in the meta title"),
        ("x" * 200, "x" * 140),
    ],
)
def test_a_reason_kind_leaves_out_numbers_and_quoted_words(reason, kind):
    assert _kind(reason) == kind


# --- deliveries ---------------------------------------------------------------------------------------------


def test_record_ids_that_are_not_ours_are_each_counted_and_logged_and_the_others_kept(caplog):
    row = task(1)
    page = ResultPage(BATCH, (RecordResult("x9", "ok", text="t"), RecordResult("zz", "ok", text="t"), result(row)))
    report = ApplyReport()
    with caplog.at_level(logging.WARNING):
        wanted = deliveries_by_task([page], report)
    assert report.unknown == 2
    assert list(wanted) == [1]
    assert [r.getMessage() for r in caplog.records] == [
        f"batch {BATCH}: unknown record id 'x9' ignored",
        f"batch {BATCH}: unknown record id 'zz' ignored",
    ]


def test_results_for_tasks_that_do_not_exist_are_counted_and_logged_and_the_others_judged(caplog):
    known = task(2)
    page = ResultPage(BATCH, (result(task(1)), result(task(1)), result(task(3)), result(known)))
    report = ApplyReport(unknown=1)
    with caplog.at_level(logging.WARNING):
        judged = judge_deliveries(deliveries_by_task([page], report), {2: known}, RULES, {}, report, gate=False)
    assert report.unknown == 4
    assert [j.task.id for j in judged] == [2]
    assert [r.getMessage() for r in caplog.records] == [
        "results for task 1, which does not exist, ignored",
        "results for task 3, which does not exist, ignored",
    ]


def test_stale_copies_are_counted_each_and_do_not_stop_the_next_task_being_judged():
    first, second = task(1), task(2)
    page = ResultPage(BATCH, (result(first, send=0), result(first, send=0), result(first), result(second)))
    report = ApplyReport(stale=1)
    judged = judge_deliveries(deliveries_by_task([page], report), {1: first, 2: second}, RULES, {}, report, gate=False)
    assert [j.task.id for j in judged] == [1, 2]
    assert report.stale == 3


def test_a_structured_task_is_judged_as_json_in_the_stores_tags_with_the_products_title():
    row = task(1, output_format="json", title="Storm Tent 2")
    body = '{"marker": "#P1#en#", "html": "<p>Fine <em>tent</em>.</p>", "meta_title": "Storm Tent 2", "meta_description": "A tent for storms."}'
    page = ResultPage(BATCH, (RecordResult(make_record_id(1, 1), "ok", text=body, stop_reason="end_turn"),))
    voice = BrandVoice(allowed_tags=["p"])  # no <em> for this store
    report = ApplyReport()
    [judged] = judge_deliveries(
        deliveries_by_task([page], report), {1: row}, RULES, {"acme": voice}, report, gate=False
    )
    assert (judged.judgement.html, judged.judgement.meta_title) == ("<p>Fine tent.</p>", "Storm Tent 2")
    text_row = replace(row, output_format="text")
    plain = ResultPage(
        BATCH,
        (RecordResult(make_record_id(1, 1), "ok", text="#P1#en#<p>Fine tent, really.</p>", stop_reason="end_turn"),),
    )
    [derived] = judge_deliveries(
        deliveries_by_task([plain], ApplyReport()), {1: text_row}, RULES, {}, ApplyReport(), gate=False
    )
    assert derived.judgement.meta_title == "Storm Tent 2"  # a text answer's meta title is the product's


# --- the decision's outcomes, field by field ------------------------------------------------------------


def test_a_published_text_carries_everything_the_database_writes():
    row = task(1)
    decision, *_ = run([row], [result(row)])
    [(written_for, text)] = decision.publish[BATCH]
    assert written_for == row
    assert (text.product_id, text.language_id, text.fingerprint) == (101, "en", "f1")
    assert text.html.startswith("<p>")
    assert text.meta_title == "Trail Tent 1"
    assert text.meta_description
    assert text.sketch is not None
    assert text.sketch is not NO_SKETCH
    assert text.quality is not None
    assert (text.quality["outcome"], text.quality["reasons"]) == ("publish", [])
    assert decision.report.quality.outcomes() == {"publish": 1}


def test_with_the_gate_off_a_text_has_no_sketch_and_no_quality():
    row = task(1)
    report = ApplyReport()
    wanted = deliveries_by_task([ResultPage(BATCH, (result(row),))], report)
    judged = judge_deliveries(wanted, {1: row}, RULES, {}, report, gate=False)
    decision = decide(judged, {}, {}, BUDGET, NOW, report, gate=False)
    [(_, text)] = decision.publish[BATCH]
    assert (text.quality, text.sketch) == (None, NO_SKETCH)


def test_a_rejected_answer_goes_back_with_the_verdicts_reason_and_the_next_one_is_still_decided():
    first, second = task(1), task(2)
    decision, published, _, changes = run([first, second], [result(first, "   "), result(second)])
    assert published == {"P2"}
    assert changes[1] == {
        "id": 1,
        "state": TaskState.PENDING,
        "attempts": 1,
        "sends": 2,
        "waits": 0,
        "reason": "empty answer",
        "updated_at": NOW,
        "batch_id": None,
        "pending_since": NOW,
    }
    assert (decision.report.retried, decision.report.reasons) == (1, ["P1/en: empty answer"])


def test_a_retry_the_gate_wants_quotes_every_reason_and_the_next_answer_is_still_decided():
    wrong, fine = task(1, language="de"), task(2)
    french = "<p>Une tente solide pour la montagne.</p>"  # another language, and too short
    _, published, _, changes = run([wrong, fine], [result(wrong, french), result(fine)])
    assert published == {"P2"}
    change = changes[1]
    assert change["reason"] == "quality: language: written in fr (1.00), not de (0.00); length: 6 words, below 40-400"
    assert (change["state"], change["attempts"], change["updated_at"], change["pending_since"]) == (
        TaskState.PENDING,
        1,
        NOW,
        NOW,
    )


@pytest.mark.parametrize(("attempts", "held"), [(1, set()), (2, {"P1"})])
def test_only_the_very_last_attempt_turns_a_gate_retry_into_a_hold(attempts, held):
    row = task(1, language="de", attempts=attempts)
    _, _, got_held, _ = run([row], [result(row, good(row, language="fr"))])
    assert got_held == held


def test_the_stores_review_sample_holds_an_answer_that_would_have_gone_live_and_says_why():
    row = task(1)
    voice = BrandVoice(review=ReviewPolicy(hold_all=True))
    decision, published, held, _ = run([row], [result(row)], voice=voice)
    assert (published, held) == (set(), {"P1"})
    [(_, text)] = decision.hold[BATCH]
    assert text.quality is not None
    assert text.quality["outcome"] == "hold"
    assert text.quality["reasons"] == ["review: held by the store's review policy"]
    assert set(text.quality["scores"]) == {check.value for check in Check}
    assert decision.report.quality.outcomes() == {"hold": 1}  # counted once, as held (not also as published)
    # the gate off: the sample still holds, with only its own reason
    decision, published, held, _ = run([row], [result(row)], voice=voice, gate=False)
    assert (published, held) == (set(), {"P1"})
    [(_, text)] = decision.hold[BATCH]
    assert text.quality == {"outcome": "hold", "reasons": ["review: held by the store's review policy"]}


def test_a_review_sample_is_drawn_per_batch_and_task():
    voice = BrandVoice(review=ReviewPolicy(sample_percent=50))
    rows = [task(n) for n in range(1, 21)]
    _, published, held, _ = run(rows, [result(r) for r in rows], voice=voice, gate=False)
    expected = {r.external_id for r in rows if voice.review.holds(f"{BATCH}/{r.id}")}
    assert held == expected
    assert 0 < len(held) < 20
    assert published == {r.external_id for r in rows} - expected


def test_an_answer_held_by_the_gate_is_not_a_neighbour_for_the_rest_of_the_receive():
    held_row, later = task(1, seo_keywords=("zebra stripes",)), task(2, seo_keywords=task(1).seo_keywords)
    text = good(task(1))
    _, published, held, changes = run([held_row, later], [result(held_row, text), result(later, text)])
    assert (held, published, changes) == ({"P1"}, {"P2"}, {})


def test_a_throttle_past_the_wait_budget_counts_as_a_retry():
    row = task(1, waits=10)
    results = [RecordResult(make_record_id(1, 1), "error", error_code="429", error_message="slow down")]
    decision, _, _, changes = run([row], results)
    assert (changes[1]["attempts"], changes[1]["waits"]) == (1, 10)
    assert (decision.report.waited, decision.report.retried) == (0, 1)
    assert decision.report.reasons == ["P1/en: Bedrock error 429: slow down"]


def test_a_budget_of_one_attempt_fails_at_once():
    row = task(1)
    report = ApplyReport()
    wanted = deliveries_by_task([ResultPage(BATCH, (result(row, "   "),))], report)
    judged = judge_deliveries(wanted, {1: row}, RULES, {}, report)
    decision = decide(judged, {}, {}, RetryBudget(1, 1), NOW, report)
    assert decision.changes[0]["state"] == TaskState.FAILED
    assert (report.failed, report.retried) == (1, 0)


def test_every_failure_retry_and_sample_of_a_receive_is_counted():
    rows = [task(n) for n in range(1, 7)]
    results = [
        RecordResult(make_record_id(1, 1), "error", error_code="400", error_message="bad"),
        RecordResult(make_record_id(2, 1), "error", error_code="400", error_message="bad"),
        result(rows[2], "   "),
        result(rows[3], "   "),
        result(rows[4]),
        result(rows[5]),
    ]
    voice = BrandVoice(review=ReviewPolicy(hold_all=True))
    decision, _, held, _ = run(rows, results, voice=voice)
    assert (decision.report.failed, decision.report.retried, decision.report.waited) == (2, 2, 0)
    assert held == {"P5", "P6"}
    assert decision.report.quality.outcomes() == {"hold": 2}


def test_every_judgement_made_ahead_that_still_holds_is_used_and_counted():
    rows = [task(1), task(2), task(3)]
    pages = [ResultPage(BATCH, tuple(result(row) for row in rows))]
    ahead = prejudge(pages, {row.id: row for row in rows}, RULES, {"acme": BrandVoice()}, gate=True)
    report = ApplyReport()
    judged = judge_deliveries(
        deliveries_by_task(pages, report),
        {r.id: r for r in rows},
        RULES,
        {"acme": BrandVoice()},
        report,
        ready=ahead.judged,
    )
    assert [item.task.id for item in judged] == [1, 2, 3]
    assert all(item is ahead.judged[item.task.id] for item in judged)
    assert report.judged_ahead == 3


def test_the_read_ahead_skips_what_is_not_current_and_with_the_gate_off_reads_nothing_for_it():
    row = task(1)
    pages = [ResultPage(BATCH, (RecordResult("x9", "ok", text="t"), result(row, send=0), result(row)))]
    ahead = prejudge(pages, {1: row}, RULES, {"acme": BrandVoice()}, gate=False)
    assert list(ahead.judged) == [1]
    assert ahead.judged[1].candidate is None
    assert ahead.judged[1].checks == ()


def test_a_structured_answer_meets_the_gate_with_its_own_meta_fields():
    row = task(1, output_format="json", title="Trail Tent 1")
    body = good(row)
    answer = json.dumps(
        {
            "marker": "#P1#en#",
            "html": body,
            "meta_title": "Trail Tent 1 for camping trips",
            "meta_description": "A light trail tent 1 for camping: quick to pitch, dry in the rain, easy to carry all day.",
        }
    )
    decision, published, held, changes = run(
        [row], [RecordResult(make_record_id(1, 1), "ok", text=answer, stop_reason="end_turn")]
    )
    assert (published, held, changes) == ({"P1"}, set(), {})
    [(_, text)] = decision.publish[BATCH]
    assert text.quality is not None
    assert text.quality["scores"]["meta"] == 1.0


def test_the_checks_read_ahead_use_the_stores_voice():
    row = task(1)
    voice = BrandVoice(forbidden=["camping"])
    _, published, _, changes = run([row], [result(row)], voice=voice)
    assert published == set()
    assert "forbidden: uses 'camping'" in changes[1]["reason"]


def test_a_glossary_term_the_product_names_only_in_its_attributes_applies():
    row = task(1, attributes={"material": "polyester"})
    voice = BrandVoice(glossary=[GlossaryTerm(term="polyester", translations={"en": "recycled polyester"})])
    decision, _, held, _ = run([row], [result(row)], voice=voice)
    assert held == {"P1"}
    [(_, text)] = decision.hold[BATCH]
    assert text.quality is not None
    assert "glossary: not used as the glossary says: 'polyester' as 'recycled polyester'" in text.quality["reasons"]


def test_a_products_own_stored_text_is_no_duplicate_of_its_new_one():
    row = task(1)
    report = ApplyReport()
    judged = judge_deliveries(
        deliveries_by_task([ResultPage(BATCH, (result(row),))], report), {1: row}, RULES, {}, report
    )
    [candidate] = [j.candidate for j in judged]
    assert candidate is not None
    own = Neighbour("P1", candidate.sketch.signature)
    keys = band_keys(judged)
    assert set(map(frozenset, keys.values())) == {frozenset({101})}
    decision = decide(judged, {}, {key: [own] for key in keys}, BUDGET, NOW, report)
    assert [t.external_id for t, _ in decision.publish[BATCH]] == ["P1"]
    assert report.quality.tallies[(BATCH, "acme", "en", "outcome:publish")] == 1


def test_a_sampled_answer_keeps_the_gates_reasons_next_to_the_samples():
    row = task(1, seo_keywords=("zebra stripes",))
    voice = BrandVoice(outcomes={Check.KEYWORDS: "publish"}, review=ReviewPolicy(hold_all=True))
    decision, _, held, _ = run([row], [result(row, good(task(1)))], voice=voice)
    assert held == {"P1"}
    [(_, text)] = decision.hold[BATCH]
    assert text.quality is not None
    reasons = text.quality["reasons"]
    assert reasons[-1] == "review: held by the store's review policy"
    assert reasons[0].startswith("keywords: primary keyword 'zebra stripes'")


def test_a_second_copy_after_a_judgement_made_ahead_is_still_counted_stale():
    row = task(1)
    pages = [ResultPage(BATCH, (result(row), result(row)))]
    ahead = prejudge(pages, {1: row}, RULES, {"acme": BrandVoice()}, gate=True)
    report = ApplyReport()
    judged = judge_deliveries(
        deliveries_by_task(pages, report), {1: row}, RULES, {"acme": BrandVoice()}, report, ready=ahead.judged
    )
    assert [item.task.id for item in judged] == [1]
    assert (report.judged_ahead, report.stale) == (1, 1)


def test_retries_are_counted_per_batch_and_store_and_a_throttled_wait_is_not_one():
    rows = [task(1), task(2), task(3)]
    report = ApplyReport()
    results = [
        RecordResult(make_record_id(rows[0].id, rows[0].sends), "error", error_code="InternalServerException"),
        RecordResult(make_record_id(rows[1].id, rows[1].sends), "error", error_code="InternalServerException"),
        RecordResult(make_record_id(rows[2].id, rows[2].sends), "error", error_code="ThrottlingException"),
    ]
    wanted = deliveries_by_task([ResultPage(BATCH, tuple(results))], report)
    judged = judge_deliveries(wanted, {r.id: r for r in rows}, RULES, {"acme": BrandVoice()}, report)
    decide(judged, {"acme": BrandVoice()}, {}, BUDGET, NOW, report)
    assert (report.retried, report.waited) == (2, 1)
    assert report.by_batch == {(BATCH, "acme", "retried"): 2}
