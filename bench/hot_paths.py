"""Each hot path against the lower bound of the same work, measured in the same run: ``make bench-hot``.

The target (issue 13): write_batch_file, the parse Lambda and the drain (PostgreSQL
and SQLite) each within 1.5 x the lower bound, as µs per item, best of two runs
each, descgen's and the bound's runs alternating in one process. Nothing is
asserted: each line prints PASS or MISS, and the figures go to
``bench/results/<date>-hot.json``. Timings are wall-clock on a shared machine
(the load average is printed with them); the ratios are taken within one run so
both sides share its conditions.

Workload, untimed, per database (a throwaway PostgreSQL database on
127.0.0.1:5432 when one answers, and a SQLite file): a store of records/2
products x 2 languages (``bench.workload.catalog_document``), loaded, synced and
claimed into one batch of JSON answers; later marked submitted, and the Bedrock
output file for those record ids written (``bench.workload.write_output_file``:
the production prompt and the offline writer's answer, shuffled).

The paths and their lower bounds:

    write_batch_file  ``descgen.generation.write_batch_file`` on the claimed batch
                      (it leaves the batch claimed, so it runs again on the same
                      batch), with an S3 stand-in whose ``upload_fileobj`` (the
                      only S3 call ``descgen.aws.uploads.upload_file`` makes) reads
                      the file to its end: spooling counts, S3 does not.
        lower bound:  one Core SELECT of the batch's claimed tasks in id order (task
                      id, sends, language, product id, title, keywords, attributes)
                      and per row ``json.dumps`` of the line's dict: the record id
                      and the Converse body, whose user text is the production
                      prompt for that language with the product's id and data
                      (``json.dumps`` of title, keywords, attributes) put in by
                      ``str.format``; written to a temporary file. The same bytes
                      (the report shows both sizes; the smoke test compares them
                      byte for byte). Left out: the batch row's lock and state
                      check, the retry line (a freshly claimed task has none),
                      defusing markers in product data, the file-size quota, the
                      token tally, and the batch row's update after the upload.
    parse Lambda      ``descgen.contract.parse_output.parse_output_object`` on the
                      output file, with an S3 stand-in whose ``get_object`` returns
                      a body with ``iter_chunks`` (as botocore's StreamingBody) over
                      the file on disk, and an SQS stand-in whose
                      ``send_message_batch`` accepts every entry (and keeps the
                      bodies: the drain's input).
        lower bound:  each line of the same file (``for line in file``)
                      ``json.loads``-ed; the fields a page carries (record id,
                      status, markers by one regular-expression scan, text, stop
                      reason, usage) ``json.dumps``-ed; joined 100 to a page and
                      the page UTF-8 encoded. Left out: the checks of each line's
                      shape, the surrogate and SQS-character check of each text,
                      the per-page and per-request size checks, the batch calls.
    drain             ``descgen.draining.drain`` with production settings but the
                      gate off and ``receive_wait_seconds=0``, on the parse
                      Lambda's pages in ``bench.quality_gate.InProcessQueue`` (SQS
                      in memory, as ``make bench-quality`` runs it); each run on a
                      fresh copy of the prepared database (PostgreSQL: ``CREATE
                      DATABASE .. TEMPLATE``; SQLite: a file copy). Production
                      settings include the read-ahead, which judges the next
                      receive in a second process: descgen's figure may use two
                      cores, the bound uses one.
        lower bound:  per receive of up to 10 pages (the drain's transaction),
                      ``json.loads`` of each page and of each answer (the JSON
                      answer: html, meta title, meta description), ``nh3.clean``
                      of each html (``descgen.sanitize.sanitize_html``, the
                      deployment's allowlist), and one bulk upsert of the rows into
                      a table of the shape of ``descriptions`` (the same columns,
                      unique key and indexes, no foreign keys), joined to the task
                      rows for store, product, language and fingerprint: ``INSERT
                      .. SELECT .. FROM unnest(..) JOIN generation_tasks .. ON
                      CONFLICT DO UPDATE`` on PostgreSQL, ``executemany`` of
                      ``INSERT .. SELECT .. WHERE id = ? ON CONFLICT DO UPDATE``
                      on SQLite, one transaction per receive (as the drain
                      commits: a transaction per page would give the bound nine
                      commits the drain does not make). Left out: the
                      verdict's checks beyond sanitizing (markers, length, fences,
                      meta fields), the task-state update, the version rows and
                      the outbox, SQS deletes.
    the gate          (not part of any ratio) the drain again with the gate on, on
                      another fresh copy; its own cost is gate on minus the best
                      gate-off run.

Each run is timed by the wall clock (the figures, the ratio and PASS/MISS) and by
the CPU time of this process and of its children that ended (the read-ahead
process is joined when the drain ends): the ``CPU ratio`` column, informational,
is less sensitive to a busy machine; PostgreSQL's server processes are counted on
neither side.

``--records 10000`` sizes the run (default 50,000); ``--databases sqlite`` skips
PostgreSQL; ``--gate`` adds the gate-on drains (minutes more: the gate costs more
than the drain without it).
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import (
    Column,
    Engine,
    Index,
    MetaData,
    Table,
    UniqueConstraint,
    create_engine,
    func,
    select,
    text,
)

from bench.catalog_import import database, postgres_answers
from bench.postgres import NAME_PREFIX, SERVER_URL, machine
from bench.quality_gate import InProcessQueue, drain_settings
from bench.workload import LANGUAGES, SubmittedBatch, bedrock_job_id, catalog_document, write_output_file
from descgen.contract.keys import OUTPUT_SUFFIX, output_folder
from descgen.contract.lambda_settings import ParseOutputSettings
from descgen.contract.messages import SCHEMA_VERSION
from descgen.contract.parse_output import parse_output_object
from descgen.contract.records import find_markers
from descgen.contract.sqs_batches import MAX_ENTRIES_PER_CALL
from descgen.db.batches import claim_batch, mark_submitted
from descgen.db.catalog import load_catalog, sync_tasks
from descgen.db.models import Description, GenerationTask, Product
from descgen.db.session import make_engine, session_scope
from descgen.db.voices import current_voice
from descgen.draining import drain
from descgen.generation import structured_for, write_batch_file
from descgen.lifecycle import TaskState
from descgen.prompts import ProductFacts, model_input, product_data, user_prompt
from descgen.quality.gate import detect_language
from descgen.sanitize import sanitize_html
from descgen.settings import Settings
from descgen.verdicts import PublishRules

log = logging.getLogger("bench.hot_paths")

REPO = Path(__file__).resolve().parents[1]
RESULTS_DIR = Path(__file__).with_name("results")
DEFAULT_RECORDS = 50_000
RUNS = 2  # best of
TARGET_RATIO = 1.5
BOUND_TABLE = "hot_bound_descriptions"
NOTE = (
    "note: wall-clock timings on a shared machine (others run on it: see the load average); descgen's runs and the "
    "bound's alternate, and each ratio compares figures of this run. The drain runs with production settings, "
    "read-ahead included: it may use a second core, the bound uses one."
)


# --------------------------------------------------------------------------- stand-ins for S3 and SQS


class _Body:
    """What ``parse_output`` uses of botocore's StreamingBody: ``iter_chunks``, here over a file on disk."""

    def __init__(self, file: IO[bytes]) -> None:
        self._file = file

    def iter_chunks(self, chunk_size: int = 1024) -> Iterator[bytes]:
        self._file.seek(0)
        while chunk := self._file.read(chunk_size):
            yield chunk


class InProcessS3:
    """``upload_fileobj`` reads the upload to its end (and keeps it if asked); ``get_object`` serves one file."""

    def __init__(self, objects: dict[str, IO[bytes]] | None = None, *, keep_uploads: bool = False) -> None:
        self._objects = objects or {}
        self._keep = keep_uploads
        self.uploaded: dict[str, int] = {}  # key -> bytes read
        self.kept: dict[str, bytes] = {}

    def upload_fileobj(self, file: IO[bytes], bucket: str, key: str, **_: Any) -> None:
        size, kept = 0, []
        while chunk := file.read(1024 * 1024):
            size += len(chunk)
            if self._keep:
                kept.append(chunk)
        self.uploaded[key] = size
        if self._keep:
            self.kept[key] = b"".join(kept)

    def get_object(self, *, Bucket: str, Key: str, **_: Any) -> dict[str, Any]:
        return {"Body": _Body(self._objects[Key])}


class SqsSink:
    """``send_message_batch``: every entry accepted; the bodies kept (a list append each)."""

    def __init__(self) -> None:
        self.bodies: list[str] = []
        self.requests = 0

    def send_message_batch(self, *, QueueUrl: str, Entries: Sequence[dict[str, str]]) -> dict[str, Any]:
        self.requests += 1
        self.bodies.extend(entry["MessageBody"] for entry in Entries)
        return {"Successful": [{"Id": entry["Id"]} for entry in Entries], "Failed": []}


# --------------------------------------------------------------------------- the figures


@dataclass
class PathFigures:
    """One line of the table: a hot path and its lower bound, seconds of each run."""

    path: str
    unit: str
    items: int
    descgen_seconds: list[float] = field(default_factory=list)  # wall clock
    bound_seconds: list[float] = field(default_factory=list)
    descgen_cpu_seconds: list[float] = field(default_factory=list)
    bound_cpu_seconds: list[float] = field(default_factory=list)
    # what shows the two sides did the same work: bytes written or sent, rows written
    work: str = ""
    descgen_work: int = 0
    bound_work: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def same_work(self) -> str:
        same = "the same" if self.descgen_work == self.bound_work else "DIFFERENT"
        return f"{self.work}: descgen {self.descgen_work:,}, bound {self.bound_work:,} ({same})"

    def add(self, descgen: Timed, bound: Timed) -> None:
        self.descgen_seconds.append(descgen.wall)
        self.descgen_cpu_seconds.append(descgen.cpu)
        self.bound_seconds.append(bound.wall)
        self.bound_cpu_seconds.append(bound.cpu)

    def _us(self, seconds: list[float]) -> float | None:
        return min(seconds) / self.items * 1e6 if seconds and self.items else None

    @property
    def descgen_us(self) -> float | None:
        return self._us(self.descgen_seconds)

    @property
    def bound_us(self) -> float | None:
        return self._us(self.bound_seconds)

    @property
    def ratio(self) -> float | None:
        descgen, bound = self.descgen_us, self.bound_us
        return descgen / bound if descgen is not None and bound else None

    @property
    def cpu_ratio(self) -> float | None:
        """Informational: the same ratio in CPU seconds, less sensitive to a busy machine."""
        descgen, bound = self._us(self.descgen_cpu_seconds), self._us(self.bound_cpu_seconds)
        return descgen / bound if descgen is not None and bound else None

    @property
    def passed(self) -> bool | None:
        if self.ratio is None or self.problems or self.descgen_work != self.bound_work:
            return None  # not measured, or not the same work: no verdict
        return self.ratio <= TARGET_RATIO

    def to_json(self) -> dict[str, Any]:
        return asdict(self) | {
            "descgen_us_per_item": _round(self.descgen_us),
            "bound_us_per_item": _round(self.bound_us),
            "ratio": _round(self.ratio, 3),
            "descgen_cpu_us_per_item": _round(self._us(self.descgen_cpu_seconds)),
            "bound_cpu_us_per_item": _round(self._us(self.bound_cpu_seconds)),
            "cpu_ratio": _round(self.cpu_ratio, 3),
            "same_work": self.same_work,
            "passed": self.passed,
        }


@dataclass
class GateFigures:
    """The drain with the gate on, apart from the ratios."""

    database: str
    items: int
    on_seconds: float
    off_best_seconds: float
    problems: list[str] = field(default_factory=list)

    @property
    def on_us(self) -> float:
        return self.on_seconds / self.items * 1e6

    @property
    def gate_us(self) -> float:
        return (self.on_seconds - self.off_best_seconds) / self.items * 1e6


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


# --------------------------------------------------------------------------- the workload


def claim_catalog(engine: Engine, records: int, settings: Settings) -> str:
    """``records`` tasks (records/2 products x 2 languages) claimed into one batch; it stays claimed.

    As ``bench.workload.submit_batch``, without marking the batch submitted: write_batch_file
    needs it claimed."""
    with session_scope(engine) as session:
        store_id, _ = load_catalog(session, catalog_document(records // len(LANGUAGES)))
        sync_tasks(session, store_id, settings.model_id)
    with session_scope(engine) as session:
        output_format = "json" if structured_for(settings, settings.model_id) else "text"
        batch = claim_batch(session, store_id, settings.model_id, None, records, output_format=output_format)
        if batch is None or batch.record_count != records:
            raise RuntimeError(f"claimed {batch and batch.record_count} tasks, wanted {records}")
        return batch.id


@contextmanager
def copy_of(url: str) -> Iterator[str]:
    """A copy of a database (no connection to it may be open): a file copy, or ``CREATE DATABASE .. TEMPLATE``."""
    if url.startswith("sqlite"):
        source = Path(url.removeprefix("sqlite:///"))
        copy = source.with_name(f"copy-{time.monotonic_ns()}-{source.name}")
        shutil.copyfile(source, copy)
        try:
            yield f"sqlite:///{copy}"
        finally:
            for path in (copy, Path(f"{copy}-wal"), Path(f"{copy}-shm")):
                path.unlink(missing_ok=True)
        return
    server, name = url.rsplit("/", 1)
    clone = f"{NAME_PREFIX}{time.monotonic_ns() % 10**10}"
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{clone}" TEMPLATE "{name}"'))
        try:
            yield f"{server}/{clone}"
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{clone}" WITH (FORCE)'))
    finally:
        admin.dispose()


def _settle() -> None:
    gc.collect()


def cpu_seconds() -> float:
    """CPU time of this process and of its children that ended (the drain's read-ahead process is
    joined when the drain ends); PostgreSQL's server processes are not counted, for either side."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


@dataclass(frozen=True)
class Timed:
    wall: float
    cpu: float


@contextmanager
def timed() -> Iterator[list[Timed]]:
    """``with timed() as took:`` ... ``took[0]``: the wall-clock and CPU seconds of the block."""
    took: list[Timed] = []
    _settle()
    wall, cpu = time.perf_counter(), cpu_seconds()
    yield took
    took.append(Timed(time.perf_counter() - wall, cpu_seconds() - cpu))


# --------------------------------------------------------------------------- write_batch_file


def timed_write_batch_file(engine: Engine, settings: Settings, batch_id: str) -> tuple[Timed, int]:
    s3 = InProcessS3()
    with timed() as took:
        written = write_batch_file(engine, s3, settings, batch_id)  # type: ignore[arg-type]  # the S3 stand-in
    if written.released:
        raise RuntimeError(f"write_batch_file released {written.released} tasks over the file quota")
    return took[0], sum(s3.uploaded.values())


_SENTINEL = ProductFacts(product_id="HOTSENTINELID", title="HOTSENTINELTITLE")


class BoundLine:
    """A batch input line by ``str.format`` and ``json.dumps``: the prompt with placeholders, per language."""

    def __init__(self, language_id: str, settings: Settings, *, structured: bool, voice: Any) -> None:
        prompt = user_prompt(_SENTINEL, language_id, structured=structured, voice=voice)
        before, after = prompt.split(product_data(_SENTINEL))

        def escaped(part: str) -> str:
            return part.replace("{", "{{").replace("}", "}}").replace(_SENTINEL.product_id, "{product}")

        self._prompt = escaped(before) + "{data}" + escaped(after)
        self._body = model_input(
            _SENTINEL,
            language_id,
            max_tokens=settings.max_output_tokens,
            temperature=settings.temperature,
            structured=structured,
            voice=voice,
        )

    def line(self, record_id: str, product_id: str, data: str) -> bytes:
        text_ = self._prompt.format(product=product_id, data=data)
        body = {**self._body, "messages": [{"role": "user", "content": [{"text": text_}]}]}
        return (json.dumps({"recordId": record_id, "modelInput": body}, ensure_ascii=False) + "\n").encode()


def write_batch_lower_bound(engine: Engine, settings: Settings, batch_id: str, out: IO[bytes]) -> int:
    """The batch's lines from one Core SELECT, each ``json.dumps``-ed, into ``out``; the bytes written."""
    structured = structured_for(settings, settings.model_id)
    size = 0
    with session_scope(engine) as session:  # the store's voice, as the lines carry it
        store_id = session.scalar(select(GenerationTask.store_id).where(GenerationTask.batch_id == batch_id).limit(1))
        voice = current_voice(session, str(store_id))[1]
    lines = {lang: BoundLine(lang, settings, structured=structured, voice=voice) for lang in LANGUAGES}
    with engine.connect() as connection:
        rows = connection.execute(
            select(
                GenerationTask.id,
                GenerationTask.sends,
                GenerationTask.language_id,
                Product.external_id,
                Product.title,
                Product.seo_keywords,
                Product.attributes,
            )
            .join(Product, Product.id == GenerationTask.product_id)
            .where(GenerationTask.batch_id == batch_id, GenerationTask.state == TaskState.CLAIMED)
            .order_by(GenerationTask.id)
        )
        for task_id, sends, language_id, external_id, title, keywords, attributes in rows:
            data = json.dumps(
                {"title": title, "keywords": keywords, "attributes": attributes}, ensure_ascii=False, sort_keys=True
            )
            size += out.write(lines[language_id].line(f"t{task_id}a{sends}", external_id, data))
    return size


def timed_write_lower_bound(engine: Engine, settings: Settings, batch_id: str) -> tuple[Timed, int]:
    with tempfile.TemporaryFile() as out:
        with timed() as took:
            size = write_batch_lower_bound(engine, settings, batch_id, out)
            out.flush()
        return took[0], size


def measure_write(engine: Engine, settings: Settings, batch_id: str, records: int, label: str) -> PathFigures:
    figures = PathFigures(f"write_batch_file, {label}", "line", records)
    sizes: set[tuple[str, int]] = set()
    for _ in range(RUNS):
        descgen, size = timed_write_batch_file(engine, settings, batch_id)
        sizes.add(("descgen", size))
        bound, size = timed_write_lower_bound(engine, settings, batch_id)
        sizes.add(("bound", size))
        figures.add(descgen, bound)
    by_side = dict(sizes)
    figures.work, figures.descgen_work, figures.bound_work = "file bytes", by_side["descgen"], by_side["bound"]
    if len(sizes) != 2:
        figures.problems.append(f"file sizes differ between runs: {sorted(sizes)}")
    return figures


# --------------------------------------------------------------------------- the parse Lambda


def output_key(settings: Settings, batch_id: str) -> str:
    return f"{output_folder(settings.output_prefix, batch_id)}{bedrock_job_id()}/{batch_id}{OUTPUT_SUFFIX}"


def parse_settings(settings: Settings) -> ParseOutputSettings:
    return ParseOutputSettings(
        queue_url=settings.queue_url,
        output_prefix=settings.output_prefix,
        page_size=settings.page_size,
        max_message_bytes=settings.max_message_bytes,
    )


def timed_parse(output: IO[bytes], key: str, settings: Settings) -> tuple[Timed, list[str]]:
    """parse_output_object over the file; its time and the page bodies it sent."""
    s3, sqs = InProcessS3({key: output}), SqsSink()
    with timed() as took:
        report = parse_output_object(settings.bucket, key, parse_settings(settings), s3, sqs)  # type: ignore[arg-type]  # the stand-ins
    if report is None or report.unreadable:
        raise RuntimeError(f"parse_output_object read {key} as {report}")
    return took[0], sqs.bodies


def parse_lower_bound(output: IO[bytes], batch_id: str, page_size: int) -> int:
    """Each line loaded, its page fields dumped, 100 to a page, each page UTF-8 encoded; the bytes."""
    head = json.dumps({"schemaVersion": SCHEMA_VERSION, "batchId": batch_id}, separators=(",", ":"))[:-1]
    head += ',"results":['
    page: list[str] = []
    size = 0
    output.seek(0)
    for line in output:
        data = json.loads(line)
        answer = data["modelOutput"]
        text_ = "".join(block["text"] for block in answer["output"]["message"]["content"])
        usage = answer["usage"]
        result = {
            "recordId": data["recordId"],
            "status": "ok",
            "markers": [list(marker) for marker in find_markers(text_)],
            "text": text_,
            "stopReason": answer["stopReason"],
            "usage": {"inputTokens": usage["inputTokens"], "outputTokens": usage["outputTokens"]},
        }
        page.append(json.dumps(result, ensure_ascii=False, separators=(",", ":")))
        if len(page) == page_size:
            size += len((head + ",".join(page) + "]}").encode())
            page = []
    if page:
        size += len((head + ",".join(page) + "]}").encode())
    return size


def measure_parse(
    output: IO[bytes], key: str, settings: Settings, batch_id: str, records: int
) -> tuple[PathFigures, list[str]]:
    figures = PathFigures("parse Lambda", "record", records)
    bodies: list[str] = []
    bound_bytes = 0
    for _ in range(RUNS):
        descgen, bodies = timed_parse(output, key, settings)
        with timed() as took:
            bound_bytes = parse_lower_bound(output, batch_id, settings.page_size)
        figures.add(descgen, took[0])
    sent = sum(len(body.encode()) for body in bodies)
    figures.work, figures.descgen_work, figures.bound_work = "message bytes", sent, bound_bytes
    return figures, bodies


def pages_of(output: IO[bytes], key: str, settings: Settings) -> list[str]:
    """The pages the parse Lambda sends for the file (untimed: the drain's input)."""
    return timed_parse(output, key, settings)[1]


# --------------------------------------------------------------------------- the drain


def timed_drain(url: str, bodies: Sequence[str], records: int, *, gate: bool) -> tuple[Timed, list[str], int]:
    """The drain of every page on the database at ``url``; its time, any problems, the descriptions written."""
    settings = drain_settings(url, gate=gate)
    engine = make_engine(url)
    try:
        queue = InProcessQueue(bodies)
        with timed() as took:
            report = drain(engine, queue, settings, max_messages=len(bodies), max_seconds=3600)  # type: ignore[arg-type]  # the in-process queue
        problems = list(report.problems)
        with session_scope(engine) as session:
            done = session.scalar(select(func.count()).where(GenerationTask.state == TaskState.DONE)) or 0
            written = session.scalar(select(func.count()).select_from(Description)) or 0
        if done != records:
            problems.append(f"{records - done:,} of {records:,} tasks not done")
        if queue.left:
            problems.append(f"{queue.left} messages left in the queue")
    finally:
        engine.dispose()
    return took[0], problems, int(written)


def bound_table() -> Table:
    """A table of the shape of ``descriptions``: its columns, unique key and indexes; no foreign keys."""
    source: Table = Description.__table__  # type: ignore[assignment]  # a declarative model's table is a Table
    columns = [
        Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable, autoincrement=c.autoincrement)
        for c in source.columns
    ]
    indexes = [
        Index(f"ix_{BOUND_TABLE}_{number}", *(c.name for c in index.columns))
        for number, index in enumerate(sorted(source.indexes, key=lambda index: str(index.name)))
    ]
    return Table(BOUND_TABLE, MetaData(), *columns, UniqueConstraint("product_id", "language_id"), *indexes)


_UPDATE = (
    "ON CONFLICT (product_id, language_id) DO UPDATE SET html = excluded.html, meta_title = excluded.meta_title, "
    f"meta_description = excluded.meta_description, version = {BOUND_TABLE}.version + 1, "
    "fingerprint = excluded.fingerprint, batch_id = excluded.batch_id, updated_at = excluded.updated_at "
    f"WHERE {BOUND_TABLE}.source = 'ai'"
)
_COLUMNS = (
    "store_id, product_id, language_id, html, source, meta_title, meta_description, version, fingerprint, "
    "batch_id, updated_at"
)
_UPSERT_POSTGRES = text(
    f"INSERT INTO {BOUND_TABLE} ({_COLUMNS}) "
    "SELECT t.store_id, t.product_id, t.language_id, v.html, 'ai', v.meta_title, v.meta_description, 1, "
    "t.fingerprint, t.batch_id, CURRENT_TIMESTAMP "
    "FROM unnest(CAST(:task_id AS bigint[]), CAST(:html AS text[]), CAST(:meta_title AS text[]), "
    "CAST(:meta_description AS text[])) AS v(task_id, html, meta_title, meta_description) "
    "JOIN generation_tasks AS t ON t.id = v.task_id " + _UPDATE
)
_UPSERT_SQLITE = text(
    f"INSERT INTO {BOUND_TABLE} ({_COLUMNS}) "
    "SELECT t.store_id, t.product_id, t.language_id, :html, 'ai', :meta_title, :meta_description, 1, "
    "t.fingerprint, t.batch_id, CURRENT_TIMESTAMP FROM generation_tasks AS t WHERE t.id = :task_id " + _UPDATE
)


def drain_lower_bound(engine: Engine, bodies: Sequence[str], rules: PublishRules) -> None:
    """Per receive: pages and answers loaded, html sanitized, one bulk upsert in one transaction."""
    postgres = engine.dialect.name == "postgresql"
    tags, attributes = rules.allowed_tags, rules.allowed_attributes
    for start in range(0, len(bodies), MAX_ENTRIES_PER_CALL):
        columns: dict[str, list[Any]] = {"task_id": [], "html": [], "meta_title": [], "meta_description": []}
        for body in bodies[start : start + MAX_ENTRIES_PER_CALL]:
            for result in json.loads(body)["results"]:
                answer = json.loads(result["text"])
                columns["task_id"].append(int(result["recordId"][1:].split("a", 1)[0]))
                columns["html"].append(sanitize_html(answer["html"], tags, attributes))
                columns["meta_title"].append(answer["meta_title"])
                columns["meta_description"].append(answer["meta_description"])
        with engine.begin() as connection:
            if postgres:
                connection.execute(_UPSERT_POSTGRES, columns)
            else:
                names = list(columns)
                rows = [dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)]
                connection.execute(_UPSERT_SQLITE, rows)


def timed_drain_lower_bound(url: str, bodies: Sequence[str], rules: PublishRules) -> tuple[Timed, int]:
    """The bound into a fresh table of the prepared database (dropped after); its seconds and rows."""
    engine = make_engine(url)
    table = bound_table()
    try:
        table.create(engine)
        try:
            with timed() as took:
                drain_lower_bound(engine, bodies, rules)
            with engine.connect() as connection:
                rows = connection.scalar(select(func.count()).select_from(table)) or 0
        finally:
            table.drop(engine)
    finally:
        engine.dispose()
    return took[0], int(rows)


def measure_drain(
    url: str, bodies: Sequence[str], records: int, label: str, *, gate: bool
) -> tuple[PathFigures, GateFigures | None]:
    figures = PathFigures(f"drain, {label}", "desc", records)
    rules = PublishRules.from_settings(drain_settings(url, gate=False))
    rows = written = 0
    for _ in range(RUNS):
        with copy_of(url) as copy:
            descgen, problems, written = timed_drain(copy, bodies, records, gate=False)
        figures.problems.extend(problems)
        bound, rows = timed_drain_lower_bound(url, bodies, rules)
        figures.add(descgen, bound)
    # descgen's tasks not done are a problem of their own (timed_drain)
    figures.work, figures.descgen_work, figures.bound_work = "descriptions written", written, rows
    if not gate:
        return figures, None
    detect_language("warm up the language model")  # once per process: not a cost per description
    with copy_of(url) as copy:
        on, problems, _ = timed_drain(copy, bodies, records, gate=True)
    return figures, GateFigures(label, records, on.wall, min(figures.descgen_seconds), problems)


# --------------------------------------------------------------------------- one database


@dataclass
class Report:
    records: int
    paths: list[PathFigures] = field(default_factory=list)
    gates: list[GateFigures] = field(default_factory=list)


def measure_database(kind: str, url: str, records: int, report: Report, *, parse: bool, gate: bool,
                     say: Callable[[str], None] = print) -> None:  # fmt: skip
    """Every hot path on one prepared database; the parse Lambda too if ``parse`` (it needs no database)."""
    label = "PostgreSQL" if kind == "postgresql" else "SQLite"
    settings = drain_settings(url, gate=False)
    with tempfile.TemporaryFile() as output:
        engine = make_engine(url)
        try:
            say(f"  {label}: catalog of {records:,} tasks, sync, claim (untimed) ...")
            batch_id = claim_catalog(engine, records, settings)
            say(f"  {label}: write_batch_file and its bound, best of {RUNS} ...")
            report.paths.append(measure_write(engine, settings, batch_id, records, label))
            with session_scope(engine) as session:
                mark_submitted(session, batch_id)
            say(f"  {label}: the batch's output file (untimed) ...")
            write_output_file(engine, SubmittedBatch(batch_id, records), settings, output)
        finally:
            engine.dispose()
        key = output_key(settings, batch_id)
        if parse:
            say(f"  parse Lambda and its bound, best of {RUNS} ...")
            figures, bodies = measure_parse(output, key, settings, batch_id, records)
            report.paths.append(figures)
        else:
            bodies = pages_of(output, key, settings)
    say(f"  {label}: drain and its bound, best of {RUNS}{', then the drain with the gate on' if gate else ''} ...")
    drained, gated = measure_drain(url, bodies, records, label, gate=gate)
    report.paths.append(drained)
    if gated is not None:
        report.gates.append(gated)


def run(records: int, kinds: Sequence[str], *, gate: bool, say: Callable[[str], None] = print) -> Report:
    if records <= 0 or records % len(LANGUAGES):
        raise ValueError(f"records must be a positive multiple of {len(LANGUAGES)}")
    report = Report(records)
    with tempfile.TemporaryDirectory(prefix="descgen-bench-hot-") as directory:
        for number, kind in enumerate(kinds):
            with database(kind, Path(directory), records) as url:
                measure_database(kind, url, records, report, parse=number == 0, gate=gate, say=say)
    order = {"write": 0, "parse": 1, "drain": 2}
    report.paths.sort(key=lambda figures: order.get(figures.path.split()[0].split("_")[0].rstrip(","), 9))
    return report


# --------------------------------------------------------------------------- the report


def _figure(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def verdict(figures: PathFigures) -> str:
    return "n/a" if figures.passed is None else "PASS" if figures.passed else "MISS"


def print_report(report: Report, load: tuple[tuple[float, ...], tuple[float, ...]]) -> None:
    print()
    print(
        f"{'path':<30}{'items':>9}{'descgen µs':>12}{'bound µs':>10}{'ratio':>8}  {'target':<8}{'':<6}"
        f"{'CPU ratio':>9}  runs descgen / bound (s)"
    )
    for figures in report.paths:
        runs = (
            ", ".join(f"{s:.2f}" for s in figures.descgen_seconds)
            + " / "
            + ", ".join(f"{s:.2f}" for s in figures.bound_seconds)
        )
        print(
            f"{figures.path:<30}{figures.items:>9,}{_figure(figures.descgen_us, '.1f'):>12}"
            f"{_figure(figures.bound_us, '.1f'):>10}{_figure(figures.ratio, '.2f'):>8}  "
            f"{'<= ' + format(TARGET_RATIO, 'g'):<8}{verdict(figures):<6}{_figure(figures.cpu_ratio, '.2f'):>9}  {runs}"
        )
    print(f"  µs per item (wall clock): per line, per record, per description; best of {RUNS} runs each, alternating")
    print(
        "  CPU ratio (informational): the same in CPU seconds of this process and its children (the read-ahead), "
        "PostgreSQL's server not counted"
    )
    for figures in report.paths:
        print(f"  {figures.path}: {figures.same_work}")
        for problem in figures.problems:
            print(f"  PROBLEM in {figures.path}: {problem}")
    for gate in report.gates:
        line = (
            f"gate, {gate.database} (not in the ratios): drain with the gate on {gate.on_us:.1f} µs/desc; "
            f"the gate's own cost {gate.gate_us:.1f} µs/desc (on minus the best gate-off run)"
        )
        print(line)
        for problem in gate.problems:
            print(f"  PROBLEM in the gate-on drain, {gate.database}: {problem}")
    before, after = load
    print(
        f"load average (1, 5, 15 min): {_load(before)} at the start, {_load(after)} at the end, {os.cpu_count()} CPUs"
    )
    print(NOTE)


def _load(values: Sequence[float]) -> str:
    return ", ".join(f"{value:.2f}" for value in values)


def write_results(today: datetime, report: Report, load: tuple[tuple[float, ...], ...], elapsed: float) -> Path:
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{today:%Y-%m-%d}-hot.json"
    document = {
        "command": "make bench-hot  (or: .venv/bin/python -m bench.hot_paths)",
        "ran_at": today.isoformat(timespec="seconds"),
        "machine": _machine(),
        "load_average_start_end": [list(values) for values in load],
        "records": report.records,
        "runs_per_side": RUNS,
        "target_ratio": TARGET_RATIO,
        "paths": [figures.to_json() for figures in report.paths],
        "gate": [
            asdict(gate) | {"on_us_per_desc": round(gate.on_us, 1), "gate_us_per_desc": round(gate.gate_us, 1)}
            for gate in report.gates
        ],
        "note": NOTE,
        "run_seconds": round(elapsed, 1),
    }
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return path


def _machine() -> dict[str, Any]:
    try:
        return machine(SERVER_URL)
    except Exception:  # no PostgreSQL: the rest still describes the machine
        return {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.hot_paths", description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=DEFAULT_RECORDS, help="tasks (products x 2 languages)")
    parser.add_argument("--databases", default="postgresql,sqlite", help="postgresql, sqlite or both")
    parser.add_argument("--gate", action="store_true", help="also the drain with the gate on (its cost, apart)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    kinds = [kind.strip() for kind in args.databases.split(",") if kind.strip()]
    if "postgresql" in kinds and not postgres_answers():
        print("PostgreSQL does not answer on 127.0.0.1:5432: SQLite only")
        kinds.remove("postgresql")
    today = datetime.now().astimezone()
    started = time.monotonic()
    load_before = os.getloadavg()
    print(
        f"descgen bench {today:%Y-%m-%d %H:%M}: hot paths against their lower bounds, {args.records:,} items, "
        f"{os.cpu_count()} CPUs, load average {_load(load_before)} (a shared machine)"
    )
    report = run(args.records, kinds, gate=args.gate)
    load = (load_before, os.getloadavg())
    print_report(report, load)
    elapsed = time.monotonic() - started
    path = write_results(today, report, load, elapsed)
    print(f"whole run {elapsed:.0f} s; figures written to {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
