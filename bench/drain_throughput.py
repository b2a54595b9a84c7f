"""Throughput of parse -> SQS -> drain into PostgreSQL on the local stack: ``make bench``.

Four scenarios, each on its own local stack (the page size is the parse Lambda's
environment, and a fresh moto queue starts empty) with a fresh parse Lambda
container (its peak RSS belongs to that file alone) and its own throwaway
PostgreSQL database:

    2,000 records, page size 1 (the original one-message-per-product design)
    2,000 records, default page size
    5,000 records, default page size
    50,000 records, default page size (a full Bedrock job)

Per scenario, untimed: a catalog of records/2 products x 2 languages is loaded,
claimed into one batch and marked submitted; the Bedrock output file for exactly
those record ids is written with the offline writer. Timed, from the moment
PutObject of ``output/<batch>/<job>/<batch>.jsonl.out`` returns (moto has sent the
ObjectCreated notification by then):

    parse  the runner takes the notification and invokes parse_output in its
           container; ends when the invocation returns (every page is in SQS);
    drain  ``descgen.draining.drain`` with the production settings (long polling,
           batch deletes) until every task of the batch is ``done``.

The stages run one after the other, as in production, where drain-results runs on
a schedule after the Lambda has filled the queue. The drain is given the queue
depth as its message budget, so it stops after the last message instead of
ending with one empty 20-second long poll: that wait is a fixed cost per drain run,
not per description (the README says more).

SQS requests are counted inside the emulated SQS server (``bench/sqs_meter.py``),
cross-checked against the drain's own count. Nothing is asserted: the run prints
PASS or MISS per target and writes its figures to ``bench/results/<date>.json``.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from moto.core.base_backend import BackendDict
from sqlalchemy import Engine, func, select

from bench.postgres import machine, temporary_database
from bench.sqs_meter import DELETES, RECEIVES, SENDS, SqsMeter, metered_sqs
from bench.workload import SubmittedBatch, bedrock_job_id, submit_batch, write_output_file
from descgen.aws.clients import make_clients, session_from_settings
from descgen.aws.queues import queue_depth
from descgen.contract.keys import OUTPUT_SUFFIX, manifest_key, output_folder
from descgen.db.models import GenerationTask
from descgen.db.session import make_engine, session_scope
from descgen.draining import DrainReport, drain
from descgen.lifecycle import TaskState
from descgen.settings import Settings
from local.stack import REPO, LocalStack

log = logging.getLogger("bench")

RESULTS_DIR = Path(__file__).with_name("results")
DEFAULT_PAGE_SIZE = Settings.model_fields["page_size"].default
POLL_SECONDS = 0.01
RUNNER_IDLE_SECONDS = 30.0

TARGET_REQUESTS_PER_DESCRIPTION = 0.02
ORIGINAL_REQUESTS_PER_DESCRIPTION = 1.2
TARGET_MEMORY_RATIO = 1.2
TARGET_SPEEDUP = 20.0
TARGET_FULL_JOB_SECONDS = 300.0

NOTES = (
    "note: the moto SQS server slows down as a queue holds more messages: each call scans the queue (every message "
    "sent or received re-counts all of the queue's messages, with several clock reads per message), so a call costs "
    "time in proportion to the queue's length. That penalizes the large queues here, above all the 2,000 one-result "
    "messages at page size 1; real SQS does not behave so. The moto columns show how much of each figure it is.",
    "note: SQS requests are counted inside the emulated SQS server, on the results queue only. Parse and drain run one "
    "after the other, as a scheduled drain-results run finds a filled queue. The drain is given the queue depth as its message budget, so the final empty "
    "long poll a scheduled drain ends with (receive_wait_seconds, 20 s by default: a fixed cost per drain run, not per "
    "description) is not timed.",
)


@dataclass(frozen=True)
class Scenario:
    records: int
    page_size: int
    # From the upload to the last task done; a scenario that runs out is reported incomplete, not awaited.
    time_budget: float = field(default=120.0, compare=False)

    @property
    def label(self) -> str:
        return f"{self.records:,} @ page {self.page_size}"


SCENARIOS = (
    # moto's per-message cost grows with the queue (see NOTES): 2,000 one-result messages take minutes here.
    Scenario(2_000, 1, time_budget=300),
    Scenario(2_000, DEFAULT_PAGE_SIZE, time_budget=60),
    Scenario(5_000, DEFAULT_PAGE_SIZE, time_budget=90),
    Scenario(50_000, DEFAULT_PAGE_SIZE, time_budget=TARGET_FULL_JOB_SECONDS + 30),
)


@dataclass
class Figures:
    records: int
    page_size: int
    file_mib: float = 0.0
    messages: int = 0
    sends: int = 0
    receives: int = 0
    deletes: int = 0
    drain_reported_requests: int = 0
    parse_seconds: float = 0.0
    drain_seconds: float = 0.0
    end_to_end_seconds: float = 0.0
    parse_peak_rss_mib: float = 0.0  # VmHWM of the parse container after the file, as the runner reports it
    parse_rss_before_file_mib: float = 0.0  # its VmHWM before the file: runtime, imports, boto3 clients
    done: int = 0
    drain_sqs_client_seconds: float = 0.0  # the drain's time inside its SQS calls, as its client saw them
    moto_seconds: dict[str, float] = field(default_factory=dict)  # server time per action on the results queue
    prepare_seconds: float = 0.0
    timed_out: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def sqs_requests(self) -> int:
        return self.sends + self.receives + self.deletes

    @property
    def requests_per_description(self) -> float:
        return self.sqs_requests / self.records

    @property
    def descriptions_per_second(self) -> float:
        return self.done / self.end_to_end_seconds if self.end_to_end_seconds else 0.0

    @property
    def moto_sqs_seconds(self) -> float:
        return sum(self.moto_seconds.values())

    @property
    def descriptions_per_second_without_moto(self) -> float:
        """Informational: as if the SQS server answered in no time (its time is spent while the clients wait)."""
        seconds = self.end_to_end_seconds - self.moto_sqs_seconds
        return self.done / seconds if seconds > 0 else 0.0

    @property
    def complete(self) -> bool:
        return self.done == self.records and not self.problems

    def to_json(self) -> dict[str, Any]:
        return asdict(self) | {
            "sqs_requests": self.sqs_requests,
            "requests_per_description": round(self.requests_per_description, 5),
            "descriptions_per_second": round(self.descriptions_per_second, 1),
            "descriptions_per_second_without_moto_sqs_time": round(self.descriptions_per_second_without_moto, 1),
            "complete": self.complete,
        }


# --------------------------------------------------------------------------- one scenario


def run_scenario(scenario: Scenario, index: int, meter: SqsMeter) -> Figures:
    figures = Figures(scenario.records, scenario.page_size)
    with temporary_database() as database_url:
        engine = make_engine(database_url)
        # A name prefix per scenario: nothing can carry over from an earlier stack.
        stack = LocalStack(name_prefix=f"descgen-bench{index}", page_size=scenario.page_size)
        try:
            with _stdout_silenced():  # the Lambda packager lists its zips; keep the table readable
                stack.start()
            _measure(stack, scenario, database_url, engine, meter, figures)
        finally:
            try:
                stack.stop()
            except Exception:  # a stack that failed to start has parts missing; stop what is there
                log.exception("while stopping the local stack of %s", scenario.label)
            engine.dispose()
            BackendDict.reset()  # moto's state lives in this process: free the stopped stack's objects and queues
    return figures


def _measure(
    stack: LocalStack, scenario: Scenario, database_url: str, engine: Engine, meter: SqsMeter, figures: Figures
) -> None:
    settings = _drain_settings(stack, database_url)
    prepared = time.monotonic()
    batch = submit_batch(engine, scenario.records, settings.model_id)
    job_id = bedrock_job_id()
    key = f"{output_folder(settings.output_prefix, batch.batch_id)}{job_id}/{batch.batch_id}{OUTPUT_SUFFIX}"
    s3 = stack.client("s3")
    sqs = make_clients(session_from_settings(settings), settings).sqs  # the client a drain worker builds
    client_seconds = _time_sqs_calls(sqs)
    parse_output = stack.runner.functions["parse_output"]
    with tempfile.TemporaryFile() as output:
        figures.file_mib = write_output_file(engine, batch, settings, output) / 2**20
        output.seek(0)
        # Bedrock writes the manifest first; its key does not match the parse notification's suffix.
        s3.put_object(
            Bucket=settings.bucket,
            Key=manifest_key(settings.output_prefix, batch.batch_id, job_id),
            Body=json.dumps({"totalRecordCount": scenario.records}).encode(),
        )
        # The s3:TestEvent moto sends when the notification is configured must be handled first.
        if not _wait(stack.runner.idle, time.monotonic() + RUNNER_IDLE_SECONDS):
            figures.problems.append(f"the Lambda runner was still busy {RUNNER_IDLE_SECONDS:g}s before the upload")
            return
        invoked_before = parse_output.stats.invocations
        warm = parse_output.stats.last  # the s3:TestEvent's invocation: the container before any file
        figures.parse_rss_before_file_mib = (warm.maxrss_kb if warm else 0) / 1024
        figures.prepare_seconds = time.monotonic() - prepared
        meter.reset()
        s3.put_object(Bucket=settings.bucket, Key=key, Body=output)
    started = time.monotonic()
    budget_end = started + scenario.time_budget

    # --- parse: notification -> runner -> parse_output container -> SendMessageBatch
    if not _wait(lambda: parse_output.stats.invocations > invoked_before, budget_end):
        figures.timed_out = True
        figures.problems.append(f"parse_output did not finish within the {scenario.time_budget:g}s budget")
        return
    parsed = time.monotonic()
    figures.parse_seconds = parsed - started
    figures.parse_peak_rss_mib = parse_output.stats.peak_memory_kb / 1024  # a fresh container per scenario
    if parse_output.stats.failures:
        figures.problems.append(f"parse_output failed: {parse_output.stats.errors[-1]}")
        return

    # --- drain: every page into PostgreSQL
    messages = queue_depth(sqs, settings.queue_url).visible
    reports = [drain(engine, sqs, settings, max_messages=max(1, messages), max_seconds=_left(budget_end))]
    figures.done = _done(engine, batch)
    while figures.done < scenario.records and time.monotonic() < budget_end and reports[-1].messages:
        # Not expected: something was left behind. Drain whatever is there, ending on an empty long poll.
        reports.append(drain(engine, sqs, settings, max_messages=1_000_000, max_seconds=_left(budget_end)))
        figures.done = _done(engine, batch)
    finished = time.monotonic()
    figures.drain_seconds = finished - parsed
    figures.end_to_end_seconds = finished - started
    figures.timed_out = figures.done < scenario.records and finished >= budget_end

    queue = settings.queue_url.rsplit("/", 1)[-1]
    figures.messages = sum(report.messages for report in reports)
    figures.sends = meter.count(queue, SENDS)
    figures.receives = meter.count(queue, RECEIVES)
    figures.deletes = meter.count(queue, DELETES)
    figures.drain_reported_requests = sum(report.sqs_requests for report in reports)
    figures.drain_sqs_client_seconds = client_seconds["receive"] + client_seconds["delete"]
    figures.moto_seconds = {
        "send": round(meter.server_seconds(queue, SENDS), 3),
        "receive": round(meter.server_seconds(queue, RECEIVES), 3),
        "delete": round(meter.server_seconds(queue, DELETES), 3),
    }
    figures.problems.extend(_problems(figures, reports, messages))


def _left(deadline: float) -> float:
    return max(1.0, deadline - time.monotonic())


@contextmanager
def _stdout_silenced() -> Iterator[None]:
    """File descriptor 1 to /dev/null, so subprocesses are silenced too (their stderr still shows)."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _drain_settings(stack: LocalStack, database_url: str) -> Settings:
    """descgen's settings pointed at this stack; everything else is the production default."""
    values = {name.removeprefix("DESCGEN_").lower(): value for name, value in stack.settings_environment().items()}
    return Settings(_env_file=None, database_url=database_url, **values)  # type: ignore[arg-type]  # values holds str fields only; mypy matches a **dict against every keyword


def _time_sqs_calls(sqs: Any) -> dict[str, float]:
    """Seconds the client spends in ReceiveMessage and DeleteMessageBatch, request to parsed answer."""
    seconds = {"receive": 0.0, "delete": 0.0}
    started: dict[str, float] = {}

    def before(model: Any, **_: Any) -> None:
        started[model.name] = time.perf_counter()

    def after(model: Any, **_: Any) -> None:
        kind = {"ReceiveMessage": "receive", "DeleteMessageBatch": "delete", "DeleteMessage": "delete"}.get(model.name)
        if kind:
            seconds[kind] += time.perf_counter() - started.pop(model.name, time.perf_counter())

    sqs.meta.events.register("before-call.sqs", before)
    sqs.meta.events.register("after-call.sqs", after)
    return seconds


def _done(engine: Engine, batch: SubmittedBatch) -> int:
    with session_scope(engine) as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(GenerationTask)
                .where(GenerationTask.batch_id == batch.batch_id, GenerationTask.state == TaskState.DONE)
            )
            or 0
        )


def _problems(figures: Figures, reports: list[DrainReport], queued: int) -> list[str]:
    problems = []
    if figures.done != figures.records:
        problems.append(f"{figures.records - figures.done} task(s) not done")
    if figures.messages != queued:
        problems.append(f"{queued} messages queued, {figures.messages} drained")
    if figures.receives + figures.deletes != figures.drain_reported_requests:
        problems.append(
            f"the SQS server saw {figures.receives + figures.deletes} receives and deletes, "
            f"the drain reported {figures.drain_reported_requests}"
        )
    for report in reports:
        problems.extend(report.problems)
        if report.undecodable or report.unapplied or report.delete_failed:
            problems.append(
                f"drain: {report.undecodable} undecodable, {report.unapplied} unapplied, "
                f"{report.delete_failed} delete failures"
            )
    return problems


def _wait(condition: Callable[[], bool], deadline: float) -> bool:
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(POLL_SECONDS)
    return True


# --------------------------------------------------------------------------- the report


@dataclass(frozen=True)
class Check:
    target: str
    measured: str
    passed: bool | None  # None: not measurable in this run


def target_checks(by_scenario: dict[Scenario, Figures]) -> list[Check]:
    def complete(records: int, page_size: int) -> Figures | None:
        found = by_scenario.get(Scenario(records, page_size))
        return found if found is not None and found.complete else None

    original, paged = complete(2_000, 1), complete(2_000, DEFAULT_PAGE_SIZE)
    small, full = complete(5_000, DEFAULT_PAGE_SIZE), complete(50_000, DEFAULT_PAGE_SIZE)
    checks = []

    defaults = [f for s, f in by_scenario.items() if s.page_size == DEFAULT_PAGE_SIZE and f.complete]
    target = f"SQS requests per description at page size {DEFAULT_PAGE_SIZE} <= {TARGET_REQUESTS_PER_DESCRIPTION:g}"
    if defaults:
        worst = max(f.requests_per_description for f in defaults)
        measured = f"{worst:.4f} (worst of {', '.join(f'{f.records:,}' for f in defaults)} records)"
        if original:
            measured += f"; page size 1: {original.requests_per_description:.3f}"
        measured += f"; the original design: about {ORIGINAL_REQUESTS_PER_DESCRIPTION:g}"
        checks.append(Check(target, measured, worst <= TARGET_REQUESTS_PER_DESCRIPTION))
    else:
        checks.append(Check(target, "no complete scenario at the default page size", None))

    target = f"parse Lambda peak RSS, 50,000 / 5,000 records <= {TARGET_MEMORY_RATIO:g}"
    if small and full:
        ratio = full.parse_peak_rss_mib / small.parse_peak_rss_mib
        measured = f"{ratio:.3f} ({full.parse_peak_rss_mib:.1f} MiB / {small.parse_peak_rss_mib:.1f} MiB)"
        checks.append(Check(target, measured, ratio <= TARGET_MEMORY_RATIO))
    else:
        checks.append(Check(target, "the 5,000 or the 50,000 scenario is incomplete", None))

    target = f"descriptions/s end to end at 2,000: page size {DEFAULT_PAGE_SIZE} / page size 1 >= {TARGET_SPEEDUP:g}x"
    if original and paged:
        speedup = paged.descriptions_per_second / original.descriptions_per_second
        without_moto = paged.descriptions_per_second_without_moto / original.descriptions_per_second_without_moto
        measured = (
            f"{speedup:.1f}x ({paged.descriptions_per_second:,.0f}/s vs {original.descriptions_per_second:,.0f}/s); "
            f"with moto's time inside SQS calls taken out: {without_moto:.1f}x (informational)"
        )
        checks.append(Check(target, measured, speedup >= TARGET_SPEEDUP))
    else:
        checks.append(Check(target, "a 2,000-record scenario is incomplete", None))

    target = f"50,000 records end to end < {TARGET_FULL_JOB_SECONDS:g} s"
    attempted = by_scenario.get(Scenario(50_000, DEFAULT_PAGE_SIZE))
    if full:
        checks.append(
            Check(target, f"{full.end_to_end_seconds:.1f} s", full.end_to_end_seconds < TARGET_FULL_JOB_SECONDS)
        )
    elif attempted is not None and attempted.timed_out:
        checks.append(Check(target, "not finished within its time budget", False))
    else:
        checks.append(Check(target, "the 50,000 scenario is incomplete", None))
    return checks


Column = tuple[str, int, Callable[[Figures], str]]

COLUMNS: tuple[Column, ...] = (
    ("records", 8, lambda f: f"{f.records:,}"),
    ("page", 4, lambda f: f"{f.page_size}"),
    ("messages", 8, lambda f: f"{f.messages:,}"),
    ("sends", 5, lambda f: f"{f.sends:,}"),
    ("receives", 8, lambda f: f"{f.receives:,}"),
    ("deletes", 7, lambda f: f"{f.deletes:,}"),
    ("SQS req", 7, lambda f: f"{f.sqs_requests:,}"),
    ("req/desc", 8, lambda f: f"{f.requests_per_description:.4f}"),
    ("parse s", 7, lambda f: f"{f.parse_seconds:.2f}"),
    ("drain s", 7, lambda f: f"{f.drain_seconds:.2f}"),
    ("e2e s", 7, lambda f: f"{f.end_to_end_seconds:.2f}"),
    ("desc/s", 6, lambda f: f"{f.descriptions_per_second:,.0f}"),
    ("parse peak MiB", 14, lambda f: f"{f.parse_peak_rss_mib:.1f}"),
    ("done", 6, lambda f: f"{f.done:,}"),
)

DETAIL_COLUMNS: tuple[Column, ...] = (
    ("records", 8, lambda f: f"{f.records:,}"),
    ("page", 4, lambda f: f"{f.page_size}"),
    ("file MiB", 8, lambda f: f"{f.file_mib:.1f}"),
    ("moto send s", 11, lambda f: f"{f.moto_seconds.get('send', 0):.2f}"),
    ("drain SQS s", 11, lambda f: f"{f.drain_sqs_client_seconds:.2f}"),
    ("moto recv s", 11, lambda f: f"{f.moto_seconds.get('receive', 0):.2f}"),
    ("moto del s", 10, lambda f: f"{f.moto_seconds.get('delete', 0):.2f}"),
    ("drain rest s", 12, lambda f: f"{max(0.0, f.drain_seconds - f.drain_sqs_client_seconds):.2f}"),
    ("desc/s w/o moto", 15, lambda f: f"{f.descriptions_per_second_without_moto:,.0f}"),
    ("RSS before MiB", 14, lambda f: f"{f.parse_rss_before_file_mib:.1f}"),
    ("prep s", 6, lambda f: f"{f.prepare_seconds:.1f}"),
)

DETAIL_LEGEND = (
    "moto send/recv/del s: time the emulated SQS server spent in those calls on the results queue;",
    "drain SQS s: the drain's time in ReceiveMessage and DeleteMessageBatch as its client saw them;",
    "drain rest s: decoding, judging, sanitizing and the PostgreSQL transactions;",
    "desc/s w/o moto: informational, end to end minus moto's SQS server time;",
    "parse peak MiB / RSS before MiB: VmHWM of the parse container after / before this file (local/lambda_container.py);",
    "prep s: untimed set-up (catalog, claim, output file, upload).",
)


def print_table(columns: tuple[Column, ...], rows: list[Figures]) -> None:
    print("  ".join(name.rjust(width) for name, width, _ in columns))
    for row in rows:
        print("  ".join(cell(row).rjust(width) for _, width, cell in columns))


def main() -> int:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    run_started = time.monotonic()
    today = datetime.now().astimezone()
    print(
        f"descgen bench {today:%Y-%m-%d %H:%M}: parse -> SQS -> drain into PostgreSQL on the local stack, "
        f"{os.cpu_count()} CPUs"
    )
    by_scenario: dict[Scenario, Figures] = {}
    with metered_sqs() as meter:
        for index, scenario in enumerate(SCENARIOS, start=1):
            print(f"  running {scenario.label} (budget {scenario.time_budget:g} s) ...", flush=True)
            try:
                by_scenario[scenario] = run_scenario(scenario, index, meter)
            except Exception as error:  # report it and go on with the other scenarios
                log.exception("scenario %s failed", scenario.label)
                by_scenario[scenario] = Figures(scenario.records, scenario.page_size, problems=[repr(error)])
    rows = list(by_scenario.values())
    print()
    print_table(COLUMNS, rows)
    print()
    print_table(DETAIL_COLUMNS, rows)
    for line in DETAIL_LEGEND:
        print(f"  {line}")
    for row in rows:
        for problem in row.problems:
            print(f"  PROBLEM in {row.records:,} @ page {row.page_size}: {problem}")
    print()
    checks = target_checks(by_scenario)
    print("targets (ratios measured in this run)")
    for check in checks:
        verdict = "n/a " if check.passed is None else "PASS" if check.passed else "MISS"
        print(f"  {verdict}  {check.target}: {check.measured}")
    print()
    for note in NOTES:
        print(note)
    elapsed = time.monotonic() - run_started
    path = write_results(today, rows, checks, elapsed)
    print(f"whole run {elapsed:.0f} s; figures written to {path.relative_to(REPO)}")
    return 0


def write_results(today: datetime, rows: list[Figures], checks: list[Check], elapsed: float) -> Path:
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{today:%Y-%m-%d}.json"
    document = {
        "command": "make bench  (or: .venv/bin/python -m bench.drain_throughput)",
        "ran_at": today.isoformat(timespec="seconds"),
        "machine": machine(),
        "default_page_size": DEFAULT_PAGE_SIZE,
        "scenarios": [row.to_json() for row in rows],
        "targets": [asdict(check) for check in checks],
        "notes": list(NOTES),
        "run_seconds": round(elapsed, 1),
    }
    path.write_text(json.dumps(document, indent=2) + "\n")
    return path


if __name__ == "__main__":
    sys.exit(main())
