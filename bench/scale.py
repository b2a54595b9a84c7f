"""The nightly path at scale: ``make bench-scale`` (or ``.venv/bin/python -m bench.scale``).

Issue 13's targets, shown by figures measured in one run, never by a timed assertion:

- 1,000,000 products x 3 languages, a tenth of them changed: the nightly path (the sync
  through the last batch file written) takes under 2 minutes of descgen's own time, the
  CPU time of descgen's process (PostgreSQL's server processes are not descgen; the
  wall clock is printed beside it);
- the peak memory of every step is under 1 GB, and at most 1.2 x the same step at
  100,000 products.

Per size, a throwaway PostgreSQL database on 127.0.0.1:5432 (``bench.postgres``), one
store in en, de and fr, a JSON Lines catalog (``bench.catalog_import.write_catalog``).
Each step runs in a process of its own, so its peak resident memory
(``getrusage``'s ``ru_maxrss``) is that step's alone: the larger of the process's own
and its children's (the drain's read-ahead process); ``base`` is the process before the
step, Python and the libraries loaded, a connection made. CPU seconds are the process's
own (the read-ahead's are not in them). In order:

    load        ``db.catalog.import_catalog`` of the file: every product new
    first sync  ``db.catalog.sync_tasks``: every (product, language) new, pending
    (untimed)   the nights before, by SQL: every task done with its AI description
    load again  the catalog exported again with a tenth of the products retitled,
                imported whole: every product read and compared, a tenth written
    sync        ``sync_tasks``: the retitled tenth read and its tasks pending; the
                rest, unchanged since the first sync, not read   (nightly path)
    plan        ``generation.plan_generation`` of everything pending (nightly path)
    write       ``generation.claim`` + ``generation.write_batch_file`` per planned
                job until nothing is pending, to an S3 stand-in that reads each
                upload to its end                                 (nightly path)
    (untimed)   each batch marked submitted and its Bedrock output file written
                (``bench.workload.write_output_file``)
    parse       the parse Lambda's ``parse_output_object`` on every output file,
                its pages kept in a file (the SQS stand-in)
    drain       ``draining.drain`` of every page (gate off, as ``make bench-hot``),
                from an SQS stand-in that reads the pages file as it receives

``--products 2000,20000`` runs other sizes (the smallest is the memory baseline);
each step's figures go to ``bench/results/<date>-scale.json`` as well (the last run of a day wins).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select

from bench.catalog_import import TARGET_PEAK_RATIO, peak_rss_mb, postgres_answers, write_catalog
from bench.hot_paths import InProcessS3, output_key, parse_settings
from bench.postgres import machine, temporary_database
from bench.quality_gate import InProcessQueue, drain_settings
from bench.sync_memory import execute
from bench.workload import SubmittedBatch, write_output_file
from descgen.contract.parse_output import parse_output_object
from descgen.db.batches import mark_submitted
from descgen.db.catalog import import_catalog, sync_tasks
from descgen.db.models import GenerationTask
from descgen.db.session import make_engine, session_scope
from descgen.draining import drain
from descgen.generation import claim, plan_generation, write_batch_file
from descgen.lifecycle import TaskState
from descgen.settings import Settings

DEFAULT_SIZES = (100_000, 1_000_000)
STORE = {"id": "bench", "name": "Bench Outdoor", "languages": {"en": "English", "de": "Deutsch", "fr": "Français"}}
RETITLED_EVERY = 10  # a tenth of the catalog changed between two nights
NIGHTLY_PATH = ("sync", "plan", "write")
NIGHTLY_TARGET_S = 120.0
PEAK_TARGET_MB = 1024.0
RESULTS_DIR = Path(__file__).with_name("results")
# the nights before, untimed: every task generated, done, with its AI description
NIGHTS_BEFORE = (
    "UPDATE generation_tasks SET state = 'done', sends = 1",
    """INSERT INTO descriptions (store_id, product_id, language_id, html, source, version, fingerprint, updated_at)
    SELECT store_id, product_id, language_id, '<p>' || repeat(md5(id::text), 8) || '</p>', 'ai', 1, fingerprint, now()
    FROM generation_tasks""",
)


@dataclass
class StepFigures:
    step: str
    products: int
    wall_s: float
    cpu_s: float  # descgen's own time: this process's CPU
    base_mb: float
    peak_mb: float
    counts: dict[str, int]


# --------------------------------------------------------------------------- the steps, each in its own process


def _settings(url: str) -> Settings:
    return drain_settings(url, gate=False)  # production defaults; S3 and SQS are stand-ins


def _load(url: str, work: Path) -> dict[str, int]:
    engine = make_engine(url)
    with session_scope(engine) as session:
        report = import_catalog(session, work / "catalog.jsonl")
    return {"read": report.read, "written": report.written}


def _sync(url: str, _work: Path) -> dict[str, int]:
    settings = _settings(url)
    with session_scope(make_engine(url)) as session:
        report = sync_tasks(session, str(STORE["id"]), settings.model_id)
    return {key: value for key, value in asdict(report).items() if value}


def _plan(url: str, work: Path) -> dict[str, int]:
    settings = _settings(url)
    plan = plan_generation(make_engine(url), settings, str(STORE["id"]), None, sys.maxsize, settings.model_id)
    (work / "plan.json").write_text(json.dumps(plan.jobs.job_sizes))
    return {"pending": plan.pending, "jobs": len(plan.jobs.job_sizes), "input_tokens": plan.estimate.input_tokens}


def _write(url: str, work: Path) -> dict[str, int]:
    settings, engine, s3 = _settings(url), make_engine(url), InProcessS3()
    batches: list[str] = []
    for size in json.loads((work / "plan.json").read_text()):
        batch_id = claim(engine, settings, str(STORE["id"]), settings.model_id, None, size)
        if batch_id is None:
            break
        write_batch_file(engine, s3, settings, batch_id)  # type: ignore[arg-type]  # the S3 stand-in
        batches.append(batch_id)
    (work / "batches.json").write_text(json.dumps(batches))
    return {"batches": len(batches), "bytes": sum(s3.uploaded.values())}


def _outputs(url: str, work: Path) -> dict[str, int]:
    """Untimed: each batch submitted, and the file Bedrock would write for it."""
    settings, engine = _settings(url), make_engine(url)
    records, outputs = 0, {}
    for number, batch_id in enumerate(json.loads((work / "batches.json").read_text())):
        with session_scope(engine) as session:
            count = mark_submitted(session, batch_id)
        path = work / f"output-{number}.jsonl.out"
        with path.open("wb") as out:
            write_output_file(engine, SubmittedBatch(batch_id, count), settings, out)
        outputs[str(path)] = output_key(settings, batch_id)
        records += count
    (work / "outputs.json").write_text(json.dumps(outputs))
    return {"records": records}


def _parse(url: str, work: Path) -> dict[str, int]:
    settings = _settings(url)
    sink = PagesFile(work / "pages.txt")
    records = 0
    for path, key in json.loads((work / "outputs.json").read_text()).items():
        with open(path, "rb") as output:
            s3 = InProcessS3({key: output})
            report = parse_output_object(settings.bucket, key, parse_settings(settings), s3, sink)  # type: ignore[arg-type]  # the stand-ins
        if report is None or report.unreadable:
            raise RuntimeError(f"the parse Lambda read {key} as {report}")
        records += report.results
    sink.close()
    return {"records": records, "pages": sink.pages}


def _drain(url: str, work: Path) -> dict[str, int]:
    settings, engine = _settings(url), make_engine(url)
    with (work / "pages.txt").open(encoding="utf-8") as pages:
        pages_count = sum(1 for _ in pages)
    with (work / "pages.txt").open(encoding="utf-8") as pages:
        queue = InProcessQueue(line.rstrip("\n") for line in pages)
        report = drain(engine, queue, settings, max_messages=pages_count, max_seconds=3600)  # type: ignore[arg-type]  # the in-process queue
        left = queue.left
    if report.problems:
        raise RuntimeError(f"the drain met problems: {report.problems[:5]} ({report.stopped_because})")
    with session_scope(engine) as session:
        query = select(GenerationTask.state, func.count()).group_by(GenerationTask.state)
        states = {str(state): int(count) for state, count in session.execute(query).all()}
    return (
        {"applied": report.results.applied, "retried": report.results.retried, "held": report.results.held}
        | {f"tasks {state}": count for state, count in states.items() if state != TaskState.DONE}
        | {"left_in_queue": left}
    )


class PagesFile:
    """The SQS stand-in the parse Lambda sends to: every page body a line of a file."""

    def __init__(self, path: Path) -> None:
        self._file = path.open("w", encoding="utf-8")
        self.pages = 0

    def send_message_batch(self, *, QueueUrl: str, Entries: list[dict[str, str]]) -> dict[str, Any]:
        for entry in Entries:
            self._file.write(entry["MessageBody"] + "\n")  # a JSON body holds no raw line break
        self.pages += len(Entries)
        return {"Successful": [{"Id": entry["Id"]} for entry in Entries], "Failed": []}

    def close(self) -> None:
        self._file.close()


STEPS: dict[str, Callable[[str, Path], dict[str, int]]] = {
    "load": _load,
    "first sync": _sync,
    "load again": _load,
    "sync": _sync,
    "plan": _plan,
    "write": _write,
    "outputs": _outputs,
    "parse": _parse,
    "drain": _drain,
}
UNTIMED = ("outputs",)


def measure(step: str, url: str, work: Path) -> dict[str, Any]:
    """One step, in this process: its wall and CPU seconds, the process's base and peak memory."""

    with make_engine(url).connect():
        pass  # the driver loaded and a connection made: part of the base, not of the step
    base = peak_rss_mb()
    started, cpu = time.perf_counter(), time.process_time()
    counts = STEPS[step](url, work)
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the drain's read-ahead
    return {
        "wall_s": time.perf_counter() - started,
        "cpu_s": time.process_time() - cpu,
        "base_mb": base,
        "peak_mb": max(peak_rss_mb(), children),
        "counts": counts,
    }


def run_step(step: str, url: str, work: Path, products: int) -> StepFigures:
    done = subprocess.run(
        [sys.executable, "-m", "bench.scale", "--child", step, url, str(work)], capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(f"{step} at {products:,} failed:\n{done.stderr}")
    return StepFigures(step, products, **json.loads(done.stdout.strip().splitlines()[-1]))


# --------------------------------------------------------------------------- one size


def run_size(products: int, say: Callable[[str], None] = print) -> Iterator[StepFigures]:
    """Every step at one size, on a fresh database; each step's figures as it ends."""
    with temporary_database() as url, tempfile.TemporaryDirectory(prefix="descgen-bench-scale-") as tmp:
        work = Path(tmp)
        write_catalog(work / "catalog.jsonl", products, STORE)
        for step in STEPS:
            if step == "load again":
                engine = create_engine(url)
                execute(engine, NIGHTS_BEFORE)
                engine.dispose()
                write_catalog(work / "catalog.jsonl", products, STORE, retitled_every=RETITLED_EVERY)
            say(f"  {products:,}: {step} ...")
            figures = run_step(step, url, work, products)
            if step not in UNTIMED:
                yield figures


def problems(figures: list[StepFigures]) -> list[str]:
    """What a correct run counts: every pair made, exactly the retitled tenth regenerated and applied."""
    found = []
    by_step = {f.step: f for f in figures}
    products = figures[0].products
    changed = products // RETITLED_EVERY * len(STORE["languages"])
    expected = {
        "load": {"written": products},
        "first sync": {"created": products * 3},
        "load again": {"written": products // RETITLED_EVERY},
        "sync": {"marked_pending": changed},
        "plan": {"pending": changed},
        "drain": {"applied": changed, "retried": 0, "tasks submitted": 0, "tasks pending": 0, "left_in_queue": 0},
    }
    for step, counts in expected.items():
        got = by_step[step].counts
        if any(got.get(name, 0) != value for name, value in counts.items()):
            found.append(f"{products:,} {step}: counted {got}, expected {counts}")
    return found


# --------------------------------------------------------------------------- the report


def print_step(figures: StepFigures) -> None:
    counts = ", ".join(f"{name} {value:,}" for name, value in figures.counts.items())
    print(
        f"{figures.products:>9,} {figures.step:<11} {figures.wall_s:>8.1f} {figures.cpu_s:>7.1f} "
        f"{figures.base_mb:>7.0f} {figures.peak_mb:>8.0f}  {counts}",
        flush=True,
    )


def verdicts(results: dict[int, list[StepFigures]]) -> list[str]:
    """The targets, each with its figures and PASS or MISS."""
    sizes = sorted(results)
    small, large = sizes[0], sizes[-1]
    lines = []
    nightly = [f for f in results[large] if f.step in NIGHTLY_PATH]
    cpu, wall = sum(f.cpu_s for f in nightly), sum(f.wall_s for f in nightly)
    lines.append(
        f"nightly path ({' + '.join(NIGHTLY_PATH)}) at {large:,}: {cpu:.1f} s of descgen's CPU "
        f"(target < {NIGHTLY_TARGET_S:.0f}) {'PASS' if cpu < NIGHTLY_TARGET_S else 'MISS'}; {wall:.1f} s wall"
    )
    baseline = {f.step: f for f in results[small]}
    for figures in results[large]:
        ratio = figures.peak_mb / baseline[figures.step].peak_mb
        passed = ratio <= TARGET_PEAK_RATIO and figures.peak_mb < PEAK_TARGET_MB
        lines.append(
            f"peak memory, {figures.step:<11}: {figures.peak_mb:.0f} MB at {large:,} / {baseline[figures.step].peak_mb:.0f}"
            f" MB at {small:,} = {ratio:.2f} (target <= {TARGET_PEAK_RATIO} and < {PEAK_TARGET_MB:.0f} MB) "
            f"{'PASS' if passed else 'MISS'}"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", help="comma-separated sizes (default 100000,1000000)")
    parser.add_argument("--child", nargs=3, metavar=("STEP", "URL", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        step, url, work = args.child
        print(json.dumps(measure(step, url, Path(work))))
        return 0
    if not postgres_answers():
        print("PostgreSQL does not answer on 127.0.0.1:5432: nothing to measure")
        return 1
    sizes = sorted(int(size) for size in args.products.split(",")) if args.products else list(DEFAULT_SIZES)
    started = time.perf_counter()
    load_before = os.getloadavg()
    print(f"{'products':>9} {'step':<11} {'wall s':>8} {'cpu s':>7} {'base MB':>7} {'peak MB':>8}  counts")
    results: dict[int, list[StepFigures]] = {}
    for products in sizes:
        results[products] = []
        for figures in run_size(products, say=lambda line: print(line, file=sys.stderr, flush=True)):
            print_step(figures)
            results[products].append(figures)
    found = [problem for figures in results.values() for problem in problems(figures)]
    lines = verdicts(results)
    for line in lines + [f"PROBLEM: {problem}" for problem in found]:
        print(line)
    load = (load_before, os.getloadavg())
    print(f"load average before / after: {load[0][0]:.1f} / {load[1][0]:.1f}; {time.perf_counter() - started:.0f} s")
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{datetime.now(UTC):%Y-%m-%d}-scale.json"
    document = {
        "machine": machine(),
        "load": load,
        "steps": [asdict(f) for figures in results.values() for f in figures],
        "verdicts": lines,
        "problems": found,
    }
    path.write_text(json.dumps(document, indent=2) + "\n")
    print(f"results: {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
