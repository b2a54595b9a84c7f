"""What a receive's results become: the pure decision of the drain (no database).

In: the pages' deliveries, the rows of the tasks they name, the publish rules, each
store's voice, and the near-duplicate neighbours the database found for the
accepted answers. Out: texts to publish, texts to hold for review, task changes,
and the report. ``db/results.py`` reads the rows and writes the outcome around it.

Per delivery, in order:

1. a record id that is not ours, or names no task: unknown, ignored;
2. a task that is not ``submitted`` in that batch at that send: stale (a second
   delivery, a late result of an earlier send), ignored;
3. the verdict (``verdicts.judge``): wait, retry or fail go through
   ``lifecycle.failure_change``;
4. an accepted answer meets the quality gate (``quality.gate.assess``) unless the
   gate is off: publish, hold (a draft for review; the task is done) or retry with
   the gate's reasons (``quality: ...``, quoted by the next prompt). A retry on the
   last attempt is held instead: text already paid for is never thrown away.

Answers of one receive are compared with each other too: of two products given the
same text, the second is the near-duplicate.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from descgen.contract.messages import RecordResult, ResultPage
from descgen.contract.records import parse_record_id
from descgen.db.descriptions import NewText
from descgen.lifecycle import RetryBudget, TaskState, failure_change
from descgen.prompts import QUALITY_REASON_PREFIX
from descgen.quality.gate import Candidate, CheckResult, GateResult, Neighbour, Subject, assess, read_checks
from descgen.quality.near_duplicates import NO_SKETCH, sketches
from descgen.quality.normalize import normalized
from descgen.quality.voice import BrandVoice
from descgen.verdicts import Judgement, PublishRules, Verdict, judge

log = logging.getLogger(__name__)

SAMPLED_REASON = "review: held by the store's review policy"
SAMPLE_LIMIT = 20  # reasons kept per report, for artifacts and logs
WORST_LIMIT = 5
BandKey = tuple[str, str, int, int]  # store, language, band, bucket


@dataclass(frozen=True)
class TaskRow:
    """The columns of a task (and its product and batch) the decision reads."""

    id: int
    store_id: str
    product_id: int
    language_id: str
    state: str
    batch_id: str | None
    attempts: int
    sends: int
    waits: int
    fingerprint: str
    external_id: str
    title: str
    seo_keywords: Sequence[str]
    attributes: Mapping[str, str]
    output_format: str | None


@dataclass
class QualityStats:
    """What the gate saw: counts per batch, language and check or outcome; the worst answers; duplicates."""

    # (batch, store, language, name): name is "<check>:passed", "<check>:failed", "outcome:<outcome>"
    # or "reason:<check>: <kind of reason>" (numbers and quoted words left out, so alike reasons count together)
    tallies: Counter[tuple[str, str, str, str]] = field(default_factory=Counter)
    worst: list[tuple[float, str, str]] = field(default_factory=list)  # (mean score, "P1/de", reasons)
    duplicates: list[str] = field(default_factory=list)

    def add(self, other: QualityStats) -> None:
        self.tallies.update(other.tallies)
        self.worst = sorted(self.worst + other.worst)[:WORST_LIMIT]
        self.duplicates.extend(other.duplicates[: SAMPLE_LIMIT - len(self.duplicates)])

    def by_language(self) -> Counter[tuple[str, str]]:
        """(language, name) counts over every batch."""
        counts: Counter[tuple[str, str]] = Counter()
        for (_, _, language, name), count in self.tallies.items():
            counts[(language, name)] += count
        return counts

    def outcomes(self) -> Counter[str]:
        counts: Counter[str] = Counter()
        for (_, _, _, name), count in self.tallies.items():
            if name.startswith("outcome:"):
                counts[name.removeprefix("outcome:")] += count
        return counts

    def record(self, task: TaskRow, batch_id: str, result: GateResult) -> None:
        key = (batch_id, task.store_id, task.language_id)
        for check in result.results:
            self.tallies[(*key, f"{check.check.value}:{'passed' if check.passed else 'failed'}")] += 1
            if not check.passed:
                self.tallies[(*key, f"reason:{check.check.value}: {_kind(check.reason)}")] += 1
        self.tallies[(*key, f"outcome:{result.outcome}")] += 1
        where = f"{task.external_id}/{task.language_id}"
        if result.failed:
            mean = sum(r.score for r in result.results) / len(result.results)
            summary = "; ".join(f"{r.check.value}: {r.reason}" for r in result.failed)
            self.worst = sorted([*self.worst, (round(mean, 3), where, summary)])[:WORST_LIMIT]
        if result.duplicate_of is not None and len(self.duplicates) < SAMPLE_LIMIT:
            self.duplicates.append(f"{where} repeats {result.duplicate_of}")


def _kind(reason: str) -> str:
    """A reason without its numbers and quoted words, so alike reasons count together."""
    words = re.sub(r"'[^']*'", "…", reason).split()
    return " ".join("#" if any(c.isdigit() for c in word) else word for word in words)[:140]


@dataclass
class ApplyReport:
    applied: int = 0
    held: int = 0  # stored as drafts for review
    skipped_human: int = 0
    retried: int = 0
    waited: int = 0  # throttled: back to pending without an attempt counted
    failed: int = 0
    stale: int = 0
    unknown: int = 0
    judged_ahead: int = 0  # judged by the drain's read-ahead process, and still true when applied
    human_kept: list[str] = field(default_factory=list)  # "product/language" whose human text was kept
    reasons: list[str] = field(default_factory=list)
    quality: QualityStats = field(default_factory=QualityStats)
    # (batch id, store id, "applied" | "held" | "retried") -> results: the drain's metrics per store and model
    by_batch: Counter[tuple[str, str, str]] = field(default_factory=Counter)

    def add(self, other: ApplyReport) -> None:
        for name in (
            "applied",
            "held",
            "skipped_human",
            "retried",
            "waited",
            "failed",
            "stale",
            "unknown",
            "judged_ahead",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.human_kept.extend(other.human_kept[: SAMPLE_LIMIT - len(self.human_kept)])
        self.reasons.extend(other.reasons[: SAMPLE_LIMIT - len(self.reasons)])
        self.quality.add(other.quality)
        self.by_batch.update(other.by_batch)

    def note(self, reason: str) -> None:
        if len(self.reasons) < SAMPLE_LIMIT:
            self.reasons.append(reason)


@dataclass(frozen=True)
class Delivery:
    batch_id: str
    send: int
    result: RecordResult


@dataclass(frozen=True)
class Judged:
    """A delivery that is its task's current send, with its verdict (and the gate's reading if accepted)."""

    task: TaskRow
    batch_id: str
    judgement: Judgement
    candidate: Candidate | None
    checks: tuple[CheckResult, ...] = ()  # the gate's checks that need no neighbours (``read_checks``)


@dataclass(frozen=True)
class Prejudged:
    """``prejudge``'s answer: the judged deliveries by task, and the voices they were read with."""

    judged: dict[int, Judged]
    voices: dict[str, BrandVoice]

    def still_true(self, voices: Mapping[str, BrandVoice]) -> dict[int, Judged]:
        """The judgements made with the voice the store has now (a new voice: read again)."""
        return {
            task_id: item
            for task_id, item in self.judged.items()
            if self.voices.get(item.task.store_id) == voices.get(item.task.store_id)
        }


@dataclass
class Decision:
    publish: dict[str, list[tuple[TaskRow, NewText]]] = field(default_factory=dict)  # by batch
    hold: dict[str, list[tuple[TaskRow, NewText]]] = field(default_factory=dict)  # by batch
    changes: list[dict[str, Any]] = field(default_factory=list)  # task rows to update
    report: ApplyReport = field(default_factory=ApplyReport)


def deliveries_by_task(pages: Sequence[ResultPage], report: ApplyReport) -> dict[int, list[Delivery]]:
    """The pages' results grouped by the task their record id names (unknown ids counted)."""
    wanted: dict[int, list[Delivery]] = {}
    for page in pages:
        for result in page.results:
            parsed = parse_record_id(result.record_id)
            if parsed is None:
                report.unknown += 1
                log.warning("batch %s: unknown record id %r ignored", page.batch_id, result.record_id)
                continue
            task_id, send = parsed
            wanted.setdefault(task_id, []).append(Delivery(page.batch_id, send, result))
    return wanted


def judge_deliveries(
    wanted: Mapping[int, Sequence[Delivery]],
    tasks: Mapping[int, TaskRow],
    rules: PublishRules,
    voices: Mapping[str, BrandVoice],
    report: ApplyReport,
    *,
    gate: bool = True,
    ready: Mapping[int, Judged] | None = None,
) -> list[Judged]:
    """Step 1-3: the current sends, judged; accepted ones read for the gate (plain text, sketch, checks).

    ``ready``: the same steps done ahead on a snapshot of the rows (``prejudge``); one is
    used only where its task row is the row read now, so a task that changed is judged afresh.
    """
    judged: list[Judged] = []
    current: set[int] = set()
    for task_id, deliveries in wanted.items():
        task = tasks.get(task_id)
        if task is None:
            report.unknown += len(deliveries)
            log.warning("results for task %d, which does not exist, ignored", task_id)
            continue
        for delivery in deliveries:
            is_current = (task.state, task.batch_id, task.sends) == (
                TaskState.SUBMITTED,
                delivery.batch_id,
                delivery.send,
            )
            if not is_current or task.id in current:  # a second copy in the same receive is stale too
                report.stale += 1
                continue
            current.add(task.id)
            early = (ready or {}).get(task.id)
            if early is not None and early.task == task and early.batch_id == delivery.batch_id:
                judged.append(early)
                report.judged_ahead += 1
                continue
            voice = voices.get(task.store_id, BrandVoice())
            judgement = judge(
                delivery.result,
                task.external_id,
                task.language_id,
                rules.with_tags(voice.allowed_tags),
                structured=task.output_format == "json",
                title=task.title,
            )
            judged.append(Judged(task, delivery.batch_id, judgement, None))
    if not gate:
        return judged
    return _read_for_the_gate(judged, voices)


def prejudge(
    pages: Sequence[ResultPage],
    tasks: Mapping[int, TaskRow],
    rules: PublishRules,
    voices: Mapping[str, BrandVoice],
    *,
    gate: bool,
) -> Prejudged:
    """``judge_deliveries`` on a snapshot of the rows, by task: the drain's read-ahead, off the lock."""
    judged = judge_deliveries(deliveries_by_task(pages, ApplyReport()), tasks, rules, voices, ApplyReport(), gate=gate)
    return Prejudged({item.task.id: item for item in judged}, dict(voices))


def _read_for_the_gate(judged: list[Judged], voices: Mapping[str, BrandVoice]) -> list[Judged]:
    """Each accepted answer not read yet, with the gate's reading: its plain text, its sketch
    (made in bulk) and the checks that need no neighbours."""
    accepted = [
        j
        for j in judged
        if j.candidate is None and j.judgement.verdict == Verdict.ACCEPT and j.judgement.html is not None
    ]
    plains = [normalized(j.judgement.html or "") for j in accepted]
    made = sketches([(plain, j.task.language_id) for j, plain in zip(accepted, plains, strict=True)])
    read: dict[int, Judged] = {}
    for j, plain, sketch in zip(accepted, plains, made, strict=True):
        answer = j.judgement
        candidate = Candidate(
            html=answer.html or "",
            raw_body=answer.raw_body,
            meta_title=answer.meta_title or "",
            meta_description=answer.meta_description or "",
            meta_derived=answer.meta_derived,
            plain=plain,
            sketch=sketch,
        )
        checks = read_checks(candidate, _subject(j.task), voices.get(j.task.store_id, BrandVoice()))
        read[j.task.id] = replace(j, candidate=candidate, checks=checks)
    return [read.get(j.task.id, j) for j in judged]


def _subject(task: TaskRow) -> Subject:
    return Subject(task.external_id, task.language_id, task.title, tuple(task.seo_keywords), task.attributes)


def band_keys(judged: Sequence[Judged]) -> dict[BandKey, set[int]]:
    """The LSH buckets the accepted answers fall in (where the database looks for neighbours),
    each with the products whose answers fall in it: a product's own old text is no neighbour."""
    keys: dict[BandKey, set[int]] = {}
    for item in judged:
        if item.candidate is not None:
            for key in _band_keys(item.task, item.candidate):
                keys.setdefault(key, set()).add(item.task.product_id)
    return keys


def _band_keys(task: TaskRow, candidate: Candidate) -> list[BandKey]:
    return [(task.store_id, task.language_id, band, bucket) for band, bucket in enumerate(candidate.sketch.bands)]


def decide(
    judged: Sequence[Judged],
    voices: Mapping[str, BrandVoice],
    neighbours: Mapping[BandKey, Sequence[Neighbour]],
    budget: RetryBudget,
    now: datetime,
    report: ApplyReport,
    *,
    gate: bool = True,
) -> Decision:
    """Step 3-4: what becomes of each judged delivery."""
    decision = Decision(report=report)
    seen: dict[BandKey, list[Neighbour]] = {}  # this receive's published answers, by bucket
    for item in judged:
        task, judgement = item.task, item.judgement
        if judgement.verdict != Verdict.ACCEPT or judgement.html is None:
            _fail(decision, task, judgement.reason or judgement.verdict.value, judgement.verdict, budget, now)
            continue
        candidate, voice = item.candidate, voices.get(task.store_id, BrandVoice())
        quality: dict[str, Any] | None = None
        outcome = "publish"
        sampled = voice.review.holds(f"{item.batch_id}/{task.id}")  # the store's review sample: a person reads it
        if gate and candidate is not None:
            keys = _band_keys(task, candidate)
            near = {n.product_id: n for key in keys for n in [*neighbours.get(key, ()), *seen.get(key, ())]}
            result = assess(
                candidate,
                _subject(task),
                voice,
                list(near.values()),
                last_attempt=task.attempts + 1 >= budget.max_attempts,
                checks=item.checks,
            )
            held_by_sample = sampled and result.outcome == "publish"
            if held_by_sample:
                result = replace(result, outcome="hold")
            report.quality.record(task, item.batch_id, result)
            outcome = result.outcome
            quality = {
                "scores": result.scores,
                "outcome": outcome,
                "reasons": [f"{r.check.value}: {r.reason}" for r in result.failed]
                + ([SAMPLED_REASON] if held_by_sample else []),
            }
            if outcome == "retry":
                reason = QUALITY_REASON_PREFIX + "; ".join(result.reasons("retry", voice))
                _fail(decision, task, reason, Verdict.RETRY, budget, now)
                continue
        elif sampled:  # the gate off: the store's review sample still holds
            outcome, quality = "hold", {"outcome": "hold", "reasons": [SAMPLED_REASON]}
        if outcome == "publish" and gate and candidate is not None:
            for key in _band_keys(task, candidate):
                seen.setdefault(key, []).append(Neighbour(task.external_id, candidate.sketch.signature))
        text = NewText(
            task.product_id,
            task.language_id,
            judgement.html,
            task.fingerprint,
            judgement.meta_title,
            judgement.meta_description,
            quality,
            candidate.sketch if candidate else NO_SKETCH,  # the gate off: not in the near-duplicate index
        )
        target = decision.hold if outcome == "hold" else decision.publish
        target.setdefault(item.batch_id, []).append((task, text))
    return decision


def _fail(decision: Decision, task: TaskRow, reason: str, verdict: Verdict, budget: RetryBudget, now: datetime) -> None:
    change = failure_change(
        task.id,
        TaskState(task.state),
        task.attempts,
        task.sends,
        task.waits,
        reason,
        budget,
        now,
        can_heal=verdict != Verdict.FAIL,
        wait=verdict == Verdict.WAIT,
    )
    decision.changes.append(change)
    report = decision.report
    waited = change["attempts"] == task.attempts
    report.waited += waited
    retried = change["state"] == TaskState.PENDING and not waited
    report.retried += retried
    if retried and task.batch_id is not None:
        report.by_batch[(task.batch_id, task.store_id, "retried")] += 1
    report.failed += change["state"] == TaskState.FAILED
    report.note(f"{task.external_id}/{task.language_id}: {reason}")
