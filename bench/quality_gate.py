"""The quality gate's cost: ``make bench-quality`` (or ``.venv/bin/python -m bench.quality_gate``).

The target: the gate costs at most 20% of the drain's throughput at 50,000
descriptions (``throughput with the gate >= 0.8 x throughput without``), shown by
figures measured in one run, never by a timed assertion.

Workload, untimed and the same for every run: a store of 25,000 products in
English and German (50,000 tasks) in a throwaway PostgreSQL database, loaded,
synced, claimed into one batch of text answers and marked submitted (the production
functions); one result per task, the offline writer's description behind the task's
marker, as the parse Lambda sends it: in Bedrock's shuffled order, 100 results per
SQS message (``pack_pages``).

SQS is in-process here (``InProcessQueue``: the drain's two calls on a list in
memory), so the figures are the drain's own work, the database and the gate. That
is the stricter baseline: moto's SQS would add about 300 µs per description to both
runs and hide the gate inside its own cost; real SQS adds its round trips, as moto
does.

Timed:

    drain     ``descgen.draining.drain`` with the gate off and on (``Settings.quality_gate``),
              each run on a fresh database with the same workload, alternating off and
              on, best of two each;
    gate      no database: the receives' pure steps (``judge_deliveries``, ``decide``)
              over the same 50,000 answers with the gate on and off, the neighbours the
              database would find read from an in-memory band index the way
              ``db/results.py`` finds them (stored signatures). The gate's own cost is
              what the gate adds: each answer's normalized text and MinHash sketch, the
              neighbour lookup, and ``decide``'s checks.

Prints a table and PASS or MISS, checks every task ended ``done`` (published or held
for review), and writes the figures to ``bench/results/<date>-quality.json``.
``--products 2500`` is a quick check; ``--profile`` adds cProfile's top functions of
the gate's pure steps.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import itertools
import json
import os
import pstats
import random
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select

from bench.postgres import machine, temporary_database
from bench.workload import LANGUAGES, catalog_document
from descgen.contract.messages import RecordResult, ResultPage, TokenUsage
from descgen.contract.records import find_markers, make_marker, make_record_id
from descgen.contract.sqs_batches import MAX_ENTRIES_PER_CALL, pack_pages
from descgen.db.batches import claim_batch, mark_submitted
from descgen.db.catalog import load_catalog, sync_tasks
from descgen.db.models import GenerationTask, Product, utcnow
from descgen.db.results import task_rows  # the rows the drain reads, so the pure steps see the same inputs
from descgen.db.session import make_engine, session_scope
from descgen.deliveries import (
    ApplyReport,
    BandKey,
    Judged,
    TaskRow,
    band_keys,
    decide,
    deliveries_by_task,
    judge_deliveries,
)
from descgen.draining import DrainReport, drain
from descgen.lifecycle import RetryBudget, TaskState
from descgen.quality.gate import Neighbour, detect_language
from descgen.quality.normalize import normalized
from descgen.quality.voice import BrandVoice
from descgen.settings import Settings
from descgen.verdicts import PublishRules
from local.offline_writer import describe_product

REPO = Path(__file__).resolve().parents[1]
RESULTS_DIR = Path(__file__).with_name("results")
DEFAULT_PRODUCTS = 25_000
RUNS_PER_MODE = 2
TARGET_THROUGHPUT_RATIO = 0.8  # the gate costs at most 20% of the drain's throughput
QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/000000000000/descgen-bench-results"
SHUFFLE_SEED = 11
HELD_PREFIX = "held for review"

# --------------------------------------------------------------------------- the workload


@dataclass(frozen=True)
class Workload:
    batch_id: str
    bodies: list[str]  # SQS message bodies, pages of results


class Answers:
    """The offline writer's description per (product, language), written once and shared by every database."""

    def __init__(self) -> None:
        self._texts: dict[tuple[str, str], str] = {}

    def text(self, product: Product, language_id: str) -> str:
        key = (product.external_id, language_id)
        if key not in self._texts:
            facts = {
                "title": product.title,
                "keywords": list(product.seo_keywords),
                "attributes": dict(product.attributes),
            }
            self._texts[key] = describe_product(facts, language_id, f"{product.external_id}/{language_id}")
        return self._texts[key]


def submit_text_batch(engine: Engine, products: int, settings: Settings, answers: Answers) -> Workload:
    """The store's tasks claimed into one batch of text answers, submitted; their results as SQS bodies."""
    records = products * len(LANGUAGES)
    with session_scope(engine) as session:
        store_id, _ = load_catalog(session, catalog_document(products))
        sync_tasks(session, store_id, settings.model_id)
    with session_scope(engine) as session:
        batch = claim_batch(session, store_id, settings.model_id, None, records, output_format="text")
        if batch is None or batch.record_count != records:
            raise RuntimeError(f"claimed {batch and batch.record_count} tasks, wanted {records}")
        mark_submitted(session, batch.id)
        batch_id = batch.id
    results: list[RecordResult] = []
    with session_scope(engine) as session:
        rows = session.execute(
            select(GenerationTask.id, GenerationTask.sends, GenerationTask.language_id, Product)
            .join(Product, Product.id == GenerationTask.product_id)
            .where(GenerationTask.batch_id == batch_id)
            .order_by(GenerationTask.id)
        )
        for task_id, sends, language_id, product in rows:
            # as tests/builders.py ``answer``: the marker, then the description
            body = make_marker(product.external_id, language_id) + answers.text(product, language_id)
            usage = TokenUsage(250, (len(body.encode()) + 3) // 4)
            results.append(
                RecordResult(
                    make_record_id(task_id, sends), "ok", tuple(find_markers(body)), body, "end_turn", usage=usage
                )
            )
    random.Random(SHUFFLE_SEED).shuffle(results)  # Bedrock does not keep the input order
    bodies = list(
        pack_pages(batch_id, results, page_size=settings.page_size, max_message_bytes=settings.max_message_bytes)
    )
    return Workload(batch_id, bodies)


def drain_settings(database_url: str, *, gate: bool) -> Settings:
    """Production defaults, as tests/integration/test_drain_failures.py builds them; only the gate differs."""
    return Settings(
        _env_file=None,
        database_url=database_url,
        bucket="unused",
        topic_arn="unused",
        queue_url=QUEUE_URL,
        dlq_url=QUEUE_URL,
        receive_wait_seconds=0,
        quality_gate=gate,
    )


# --------------------------------------------------------------------------- SQS in this process


class InProcessQueue:
    """The two SQS calls the drain makes (``receive_message``, ``delete_message_batch``), on bodies in memory.

    The bodies are taken as the drain receives them (a file of pages is read a receive at a
    time). A received message is in flight until deleted; one never deleted does not come
    back (no visibility timeout here), so ``left`` counts it.
    """

    def __init__(self, bodies: Iterable[str]) -> None:
        self._visible: Iterator[tuple[int, str]] = enumerate(bodies)
        self._never_received = 0
        self._in_flight: dict[str, str] = {}
        self.receives = 0
        self.deletes = 0

    @property
    def left(self) -> int:
        """Messages never received or never deleted (counting the ones never received reads them)."""
        self._never_received += sum(1 for _ in self._visible)
        return self._never_received + len(self._in_flight)

    def receive_message(self, *, QueueUrl: str, MaxNumberOfMessages: int = 1, **_: Any) -> dict[str, Any]:
        self.receives += 1
        messages = []
        for number, body in itertools.islice(self._visible, min(MaxNumberOfMessages, MAX_ENTRIES_PER_CALL)):
            message_id = f"m{number}"
            handle = f"{message_id}-r{self.receives}"
            self._in_flight[handle] = message_id
            messages.append(
                {
                    "MessageId": message_id,
                    "ReceiptHandle": handle,
                    "Body": body,
                    "Attributes": {"ApproximateReceiveCount": "1"},
                }
            )
        return {"Messages": messages} if messages else {}

    def delete_message_batch(self, *, QueueUrl: str, Entries: Sequence[Mapping[str, str]]) -> dict[str, Any]:
        self.deletes += 1
        successful, failed = [], []
        for entry in Entries:
            if self._in_flight.pop(entry["ReceiptHandle"], None) is None:
                failed.append({"Id": entry["Id"], "SenderFault": True, "Code": "ReceiptHandleIsInvalid"})
            else:
                successful.append({"Id": entry["Id"]})
        return {"Successful": successful, "Failed": failed}


# --------------------------------------------------------------------------- the timed drains


@dataclass
class DrainRun:
    gate: bool
    seconds: float
    records: int
    done: int
    held: int
    states: dict[str, int]
    applied: int
    retried: int
    problems: list[str] = field(default_factory=list)
    failed: bool = False  # the drain raised: its time is not a throughput

    @property
    def us_per_description(self) -> float:
        return self.seconds / self.records * 1e6

    @property
    def descriptions_per_second(self) -> float:
        return self.records / self.seconds


@dataclass
class PureInputs:
    """What the pure steps need, read from a prepared database before its drain."""

    receives: list[list[ResultPage]]  # as the drain receives them: up to 10 pages each
    tasks: dict[int, TaskRow]
    settings: Settings


def timed_drain(
    products: int, answers: Answers, *, gate: bool, keep_inputs: bool = False
) -> tuple[DrainRun, PureInputs | None]:
    with temporary_database() as database_url:
        engine = make_engine(database_url)
        try:
            settings = drain_settings(database_url, gate=gate)
            workload = submit_text_batch(engine, products, settings, answers)
            inputs = _pure_inputs(engine, workload, settings) if keep_inputs else None
            queue = InProcessQueue(workload.bodies)
            gc.collect()
            started = time.perf_counter()
            try:
                report = drain(engine, queue, settings, max_messages=len(workload.bodies), max_seconds=3600)
                error = ""
            except Exception as failure:  # reported as the run's problem: the other runs still tell something
                report, error = DrainReport(), f"the drain failed: {type(failure).__name__}: {failure}".splitlines()[0]
            seconds = time.perf_counter() - started
            run = _drain_run(engine, workload, report, queue, gate, seconds, products * len(LANGUAGES))
            run.failed = bool(error)
            if error:
                run.problems.insert(0, error)
        finally:
            engine.dispose()
    return run, inputs


def _drain_run(
    engine: Engine,
    workload: Workload,
    report: DrainReport,
    queue: InProcessQueue,
    gate: bool,
    seconds: float,
    records: int,
) -> DrainRun:
    with session_scope(engine) as session:
        states = dict(session.execute(select(GenerationTask.state, func.count()).group_by(GenerationTask.state)).all())
        held = session.scalar(
            select(func.count()).where(
                GenerationTask.batch_id == workload.batch_id,
                GenerationTask.state == TaskState.DONE,
                GenerationTask.reason.startswith(HELD_PREFIX),
            )
        )
    run = DrainRun(
        gate,
        seconds,
        records,
        int(states.get(TaskState.DONE, 0)),
        int(held or 0),
        {str(state): int(count) for state, count in states.items()},
        report.results.applied,
        report.results.retried,
    )
    run.problems.extend(report.problems)
    if report.undecodable or report.unapplied or report.delete_failed:
        run.problems.append(
            f"{report.undecodable} undecodable, {report.unapplied} unapplied, {report.delete_failed} delete failures"
        )
    if queue.left:
        run.problems.append(f"{queue.left} messages left in the queue")
    if run.done != records:
        run.problems.append(f"{records - run.done:,} of {records:,} tasks not done: {run.states}")
    return run


def _pure_inputs(engine: Engine, workload: Workload, settings: Settings) -> PureInputs:
    pages = [ResultPage.from_json(body) for body in workload.bodies]
    receives = [pages[i : i + MAX_ENTRIES_PER_CALL] for i in range(0, len(pages), MAX_ENTRIES_PER_CALL)]
    tasks: dict[int, TaskRow] = {}
    with session_scope(engine) as session:
        for receive in receives:
            tasks.update(task_rows(session, deliveries_by_task(receive, ApplyReport())))
    return PureInputs(receives, tasks, settings)


# --------------------------------------------------------------------------- the gate alone, no database


@dataclass
class GateCost:
    """Seconds over all answers of each pure step; per description in the table."""

    judge: float = 0.0  # verdict and sanitizing: both modes
    reading: float = 0.0  # the gate's reading of each answer: normalized text and MinHash sketch
    neighbours: float = 0.0  # the neighbours' signatures looked up: the gate only
    decide_on: float = 0.0
    decide_off: float = 0.0
    records: int = 0
    neighbours_read: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)

    @property
    def gate_seconds(self) -> float:
        return self.reading + self.neighbours + max(0.0, self.decide_on - self.decide_off)

    def us(self, seconds: float) -> float:
        return seconds / self.records * 1e6 if self.records else 0.0


class BandIndex:
    """The descriptions' signatures and bucket columns in memory: each (product, language)'s current text."""

    def __init__(self) -> None:
        self._products: dict[BandKey, set[tuple[int, str]]] = {}
        self._texts: dict[tuple[int, str], Neighbour] = {}  # (product, language) -> its text's signature

    def neighbours(self, keys: Mapping[BandKey, set[int]]) -> tuple[dict[BandKey, list[Neighbour]], int]:
        """As ``db/results.py`` finds them: the texts sharing a bucket, with their stored signatures;
        a product's own text is skipped where only its new answer is in the bucket."""
        hits = {
            key: [where for where in self._products.get(key, ()) if answered != {where[0]}]
            for key, answered in keys.items()
        }
        wanted = {where for found in hits.values() for where in found}
        read = {where: self._texts[where] for where in wanted}
        found = {key: [read[where] for where in texts] for key, texts in hits.items() if texts}
        return found, len(read)

    def store(self, judged: Sequence[Judged], published: Sequence[tuple[TaskRow, Any]]) -> None:
        sketches = {(j.task.product_id, j.task.language_id): j.candidate.sketch for j in judged if j.candidate}
        for task, _ in published:
            where = (task.product_id, task.language_id)
            self._texts[where] = Neighbour(task.external_id, sketches[where].signature)
            for band, bucket in enumerate(sketches[where].bands):
                self._products.setdefault((task.store_id, task.language_id, band, bucket), set()).add(where)


def gate_cost(inputs: PureInputs) -> GateCost:
    """The receives' pure steps over every answer, with the gate on and off; the database's part left out."""
    settings = inputs.settings
    rules = PublishRules.from_settings(settings)
    budget = RetryBudget(settings.max_attempts, settings.max_throttles)
    store_voices = {task.store_id: BrandVoice() for task in inputs.tasks.values()}
    cost = GateCost()
    index = BandIndex()
    outcomes: Counter[str] = Counter()
    clock = time.perf_counter
    for receive in inputs.receives:
        wanted = deliveries_by_task(receive, ApplyReport())
        normalized.cache_clear()  # each mode reads the answers afresh, as a drain does
        started = clock()
        judge_deliveries(wanted, inputs.tasks, rules, store_voices, ApplyReport(), gate=False)
        judged_off = clock() - started
        normalized.cache_clear()
        started = clock()
        judged = judge_deliveries(wanted, inputs.tasks, rules, store_voices, ApplyReport(), gate=True)
        cost.judge += judged_off
        cost.reading += max(0.0, clock() - started - judged_off)
        cost.records += len(judged)

        started = clock()
        decide(judged, store_voices, {}, budget, utcnow(), ApplyReport(), gate=False)
        cost.decide_off += clock() - started

        started = clock()
        neighbours, read = index.neighbours(band_keys(judged))
        cost.neighbours += clock() - started
        cost.neighbours_read += read

        report = ApplyReport()
        started = clock()
        decision = decide(judged, store_voices, neighbours, budget, utcnow(), report, gate=True)
        cost.decide_on += clock() - started
        outcomes.update(report.quality.outcomes())
        index.store(judged, [item for items in decision.publish.values() for item in items])
    cost.outcomes = dict(outcomes)
    return cost


def profile_gate(inputs: PureInputs, top: int = 10) -> str:
    """cProfile's top functions by cumulative time over the pure steps with the gate on."""
    profiler = cProfile.Profile()
    profiler.runcall(gate_cost, inputs)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    return out.getvalue()


# --------------------------------------------------------------------------- the report


@dataclass
class Figures:
    products: int
    records: int
    runs: list[DrainRun]
    gate: GateCost

    def best(self, gate: bool) -> DrainRun | None:
        """The fastest run that finished (None: every run of that mode failed)."""
        finished = [run for run in self.runs if run.gate == gate and not run.failed]
        return min(finished, key=lambda run: run.seconds) if finished else None

    @property
    def throughput_ratio(self) -> float | None:
        on, off = self.best(True), self.best(False)
        return on.descriptions_per_second / off.descriptions_per_second if on and off else None

    @property
    def gate_share_of_drain(self) -> float | None:
        off = self.best(False)
        return self.gate.gate_seconds / off.seconds if off else None

    @property
    def passed(self) -> bool:
        ratio = self.throughput_ratio
        return ratio is not None and ratio >= TARGET_THROUGHPUT_RATIO

    @property
    def all_done(self) -> bool:
        return all(run.done == run.records and not run.problems for run in self.runs)


def print_report(figures: Figures) -> None:
    gate, ratio, share = figures.gate, figures.throughput_ratio, figures.gate_share_of_drain
    print()
    print(
        f"drain of {figures.records:,} descriptions ({figures.products:,} products x {len(LANGUAGES)} languages), "
        f"SQS in-process, best of {RUNS_PER_MODE}"
    )
    print(f"  {'':<26}{'µs/desc':>9}{'desc/s':>9}   runs (s)")
    for label, mode in (("drain, gate off", False), ("drain, gate on", True)):
        runs = ", ".join(
            f"{run.seconds:.1f}" + (" failed" if run.failed else "") for run in figures.runs if run.gate == mode
        )
        best = figures.best(mode)
        if best is None:
            print(f"  {label:<26}{'-':>9}{'-':>9}   {runs}")
        else:
            print(f"  {label:<26}{best.us_per_description:>9.0f}{best.descriptions_per_second:>9,.0f}   {runs}")
    print(f"  {'throughput on / off':<26}{_figure(ratio, '.3f'):>9}")
    print()
    print("the gate alone, no database (µs per description)")
    for label, seconds in (
        ("verdict (both modes)", gate.judge),
        ("gate's reading*", gate.reading),
        ("neighbours' lookup", gate.neighbours),
        ("decide, gate off", gate.decide_off),
        ("decide, gate on", gate.decide_on),
        ("gate's own cost", gate.gate_seconds),
    ):
        print(f"  {label:<26}{gate.us(seconds):>9.1f}")
    print(f"  {'share of gate-off drain':<26}{_figure(share, '.1%'):>9}")
    print("  * the normalized text and MinHash sketch of each accepted answer (judge_deliveries with the gate on)")
    outcomes = ", ".join(f"{name} {count:,}" for name, count in sorted(gate.outcomes.items()))
    print(f"  gate outcomes: {outcomes}; neighbour signatures compared: {gate.neighbours_read:,}")
    print()
    on, off = figures.best(True), figures.best(False)
    measured = (
        f"on/off = {ratio:.3f} (>= {TARGET_THROUGHPUT_RATIO:g}), "
        f"{on.descriptions_per_second:,.0f}/s vs {off.descriptions_per_second:,.0f}/s"
        if ratio is not None and on and off
        else "not measurable: " + ("no gate-on drain finished" if on is None else "no gate-off drain finished")
    )
    print(
        f"  {'PASS' if figures.passed else 'MISS'}  the gate costs at most {1 - TARGET_THROUGHPUT_RATIO:.0%} "
        f"of the drain's throughput: {measured}"
    )
    if figures.all_done:
        held = ", ".join(f"{run.held:,}" for run in figures.runs if run.gate)
        print(f"  every task ended done in every run ({figures.records:,} each; held for review with the gate: {held})")
    else:
        for run in figures.runs:
            for problem in run.problems:
                print(f"  PROBLEM (gate {'on' if run.gate else 'off'}): {problem}")


def _figure(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def _drain_json(run: DrainRun | None) -> dict[str, float] | None:
    if run is None:
        return None
    return {
        "us_per_description": round(run.us_per_description, 1),
        "descriptions_per_second": round(run.descriptions_per_second, 1),
    }


def write_results(today: datetime, figures: Figures, elapsed: float) -> Path:
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{today:%Y-%m-%d}-quality.json"
    gate, ratio, share = figures.gate, figures.throughput_ratio, figures.gate_share_of_drain
    document = {
        "command": "make bench-quality  (or: .venv/bin/python -m bench.quality_gate)",
        "ran_at": today.isoformat(timespec="seconds"),
        "machine": machine(),
        "products": figures.products,
        "records": figures.records,
        "sqs": "in-process",
        "drain": {
            "gate_off": _drain_json(figures.best(False)),
            "gate_on": _drain_json(figures.best(True)),
            "throughput_ratio_on_off": None if ratio is None else round(ratio, 4),
            "runs": [asdict(run) for run in figures.runs],
        },
        "gate_without_database_us_per_description": {
            "judge_deliveries": round(gate.us(gate.judge), 2),
            "neighbours": round(gate.us(gate.neighbours), 2),
            "decide_gate_off": round(gate.us(gate.decide_off), 2),
            "decide_gate_on": round(gate.us(gate.decide_on), 2),
            "gate": round(gate.us(gate.gate_seconds), 2),
            "share_of_gate_off_drain": None if share is None else round(share, 4),
            "outcomes": gate.outcomes,
            "neighbours_read": gate.neighbours_read,
        },
        "target": {
            "text": "the gate costs at most 20% of the drain's throughput (throughput on >= 0.8 x off)",
            "passed": figures.passed,
        },
        "every_task_done": figures.all_done,
        "run_seconds": round(elapsed, 1),
    }
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return path


def _modes() -> Iterator[bool]:
    for _ in range(RUNS_PER_MODE):
        yield False
        yield True


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.quality_gate", description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=DEFAULT_PRODUCTS, help="products x 2 languages = tasks")
    parser.add_argument("--profile", action="store_true", help="cProfile's top 10 of the gate's pure steps")
    args = parser.parse_args(argv)
    run_started = time.monotonic()
    today = datetime.now().astimezone()
    records = args.products * len(LANGUAGES)
    print(
        f"descgen bench {today:%Y-%m-%d %H:%M}: the quality gate's cost, {records:,} descriptions, "
        f"{os.cpu_count()} CPUs"
    )
    detect_language("warm up the language model")  # loaded once per process: not a cost per description
    answers = Answers()
    runs: list[DrainRun] = []
    inputs: PureInputs | None = None
    for number, gate in enumerate(_modes(), start=1):
        print(f"  drain {number}/{2 * RUNS_PER_MODE}, gate {'on' if gate else 'off'} ...", end=" ", flush=True)
        run, kept = timed_drain(args.products, answers, gate=gate, keep_inputs=inputs is None)
        inputs = inputs or kept
        runs.append(run)
        print(f"{run.seconds:.1f} s", flush=True)
    assert inputs is not None
    print("  the gate alone, no database ...", flush=True)
    gc.collect()
    figures = Figures(args.products, records, runs, gate_cost(inputs))
    print_report(figures)
    if args.profile:
        print()
        print(profile_gate(inputs))
    elapsed = time.monotonic() - run_started
    path = write_results(today, figures, elapsed)
    print(f"whole run {elapsed:.0f} s; figures written to {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
