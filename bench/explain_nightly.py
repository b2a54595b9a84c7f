"""The nightly path's query plans at 3,000,000 tasks: ``make bench-explain`` (or
``.venv/bin/python -m bench.explain_nightly``).

The target (issue 13): no query of the nightly path reads a large table from end to
end where an index belongs, and each one uses the index meant for it.

Workload, untimed: a throwaway PostgreSQL database (``bench/postgres.py``), migrated,
filled with set-based SQL (``INSERT .. SELECT generate_series``, foreign-key triggers
off, secondary indexes dropped and built again afterwards, then ``VACUUM ANALYZE``):

    stores         one of 1,000,000 products and 20 of 500, each in en, de and fr
    tasks          3,030,000: 84% done, 10% pending (changed tonight, a few from earlier
                   nights), 2% submitted in two open batches per store, 1% failed, 3% skipped
    batches        60 closed nightly batches per store, 2 open
    descriptions   one per task that ever got one (~2.9 M; 1% a person's), bands hashed
    versions       the current one of each, the one before for a third, drafts, rejected
    outbox         one row per live version: delivered, a few thousand due, some dead

Measured: each query the production code runs for one step of the night. The step is
called for real on that database (``claim_batch``, ``task_rows``, the neighbours
lookup, the upsert, ...) inside a transaction that is rolled back; every statement it
sent is captured at the driver and replayed under ``EXPLAIN (ANALYZE, BUFFERS, FORMAT
JSON)`` in a second rolled-back transaction, in the same order with the same
parameters. Each plan's top nodes are printed; a step MISSes when any of its plans
reads a large table (over 100,000 rows) with a ``Seq Scan``, or when an index it
must use is absent from its plans. The claim is shown once more without its index
(dropped inside the rolled-back transaction): the figure the index saves.

``--products 100000`` is a quick check (300,000 tasks) of the machinery, not of the plans:
there the 50,000-task claim's limit exceeds the 30,000 pending tasks, and the planner
rightly reads them all and sorts them (the claim steps MISS); at the default size the
limit is a sixth of what is pending, as on a real night.

The sync step finds the products changed since their last sync (one in 1,000 of the big
store) by walking the store's products in id order: one pass over that index, the changed
ones' tasks and description sources then read through their (product, language) keys.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, event, select, text, update
from sqlalchemy.orm import Session

from bench.postgres import machine, temporary_database
from descgen.catalog_import import ProductIn
from descgen.db.batches import (
    batch_tasks_with_products,
    claim_batch,
    count_pending,
    jobs_in_flight,
    mark_submitted,
    oldest_pending_since,
    pending_sample,
)
from descgen.db.catalog import sync_tasks, upsert_products
from descgen.db.descriptions import NewText, publish_ai_texts
from descgen.db.housekeeping import prune_chunk
from descgen.db.models import BAND_COLUMNS, Batch, Description, DescriptionVersion, GenerationTask, Product, utcnow
from descgen.db.outbox import claim as claim_outbox
from descgen.db.results import _neighbours, task_rows
from descgen.db.session import make_engine
from descgen.generation import PLAN_SAMPLE_LINES
from descgen.housekeeping import PruneReport, RetentionPolicy
from descgen.lifecycle import RetryBudget, TaskState
from descgen.model_catalog import load_model_catalog
from descgen.monitoring import requeue_open_tasks
from descgen.prompts import prompt_version
from descgen.publishing.delivery import RetryPolicy
from descgen.quality.near_duplicates import NO_SKETCH
from descgen.quality.voice import BrandVoice
from descgen.syncing import FingerprintInputs, inputs_digest

STORE = "bench"
SMALL_STORES = 20
SMALL_PRODUCTS = 500
LANGUAGES = ("en", "de", "fr")
NIGHTS = 60
LARGE_ROWS = 100_000  # a table this big is never read from end to end by one step of the night
RECEIVE = 1000  # results in one drain receive (10 messages of 100)
MODEL = load_model_catalog().default_model
# what the last sync used: every product was synced with these inputs, and one in 1,000 changed since
SYNCED_INPUTS = inputs_digest(
    FingerprintInputs(MODEL, prompt_version(structured=True), BrandVoice().prompt_digest()), LANGUAGES
)

# --- the workload: set-based SQL, one statement per table ---

# A task's state from its id: a fixed, well-spread mix (b is 0..999)
_BUCKET = "((t.id * 761) % 1000)"
_STATE = f"""CASE WHEN {_BUCKET} < 840 THEN 'done' WHEN {_BUCKET} < 940 THEN 'pending'
    WHEN {_BUCKET} < 960 THEN 'submitted' WHEN {_BUCKET} < 970 THEN 'failed' ELSE 'skipped' END"""
_NIGHT = f"lpad((t.id % {NIGHTS})::text, 2, '0')"

FILL = (
    (
        "stores",
        """INSERT INTO stores (id, name, created_at)
        SELECT :store, 'Bench', now() - interval '400 days'
        UNION ALL SELECT 'small-' || lpad(s::text, 2, '0'), 'Small ' || s, now() - interval '400 days'
        FROM generate_series(1, :small_stores) s""",
    ),
    (
        "languages",
        """INSERT INTO languages (id, name) VALUES ('en', 'English'), ('de', 'German'), ('fr', 'French');
        INSERT INTO store_languages (store_id, language_id) SELECT s.id, l.id FROM stores s CROSS JOIN languages l""",
    ),
    (
        "products",
        """INSERT INTO products (id, store_id, external_id, title, seo_keywords, attributes, updated_at,
            facts_version, synced_version, synced_inputs)
        SELECT g,
            CASE WHEN g <= :products THEN :store
                ELSE 'small-' || lpad(((g - :products - 1) / :small_products + 1)::text, 2, '0') END,
            'P' || g, 'Product ' || g || ' ' || md5(g::text), '["kw one", "kw two"]',
            '{"color": "red", "size": "M"}', now() - interval '30 days',
            2, CASE WHEN g % 1000 = 0 THEN 1 ELSE 2 END, :synced_inputs
        FROM generate_series(1, :products + :small_stores * :small_products) g""",
    ),
    (
        "batches",
        f"""INSERT INTO batches (id, store_id, model_id, mode, invocation_type, output_format, state, record_count,
            input_bytes, estimated_input_tokens, estimated_output_tokens, estimated_cost_usd,
            estimated_on_demand_cost_usd, job_requests, created_at, closed_at)
        SELECT s.id || '-night-' || lpad(n::text, 2, '0'), s.id, :model, 'batch', 'Converse', 'json', 'closed', 0,
            0, 0, 0, 0, 0, 1, now() - (n + 1) * interval '1 day', now() - (n + 1) * interval '1 day' + interval '6 hours'
        FROM stores s CROSS JOIN generate_series(0, {NIGHTS - 1}) n
        UNION ALL
        SELECT s.id || '-open-' || n, s.id, :model, 'batch', 'Converse', 'json', 'submitted', 0,
            0, 0, 0, 0, 0, 1, now() - interval '5 hours', NULL
        FROM stores s CROSS JOIN generate_series(0, 1) n""",
    ),
    (
        "generation_tasks",
        f"""INSERT INTO generation_tasks (id, store_id, product_id, language_id, state, attempts, sends, waits,
            fingerprint, batch_id, reason, pending_since, updated_at)
        SELECT t.id, p.store_id, p.id, l.id, {_STATE}, 0, 1, 0, md5(t.id::text),
            CASE {_STATE} WHEN 'pending' THEN NULL WHEN 'submitted' THEN p.store_id || '-open-' || (t.id % 2)
                ELSE p.store_id || '-night-' || {_NIGHT} END,
            NULL,
            CASE {_STATE} WHEN 'pending' THEN
                    CASE WHEN {_BUCKET} < 930 THEN now() - interval '1 hour' ELSE now() - (t.id % 3 + 1) * interval '1 day' END
                WHEN 'submitted' THEN now() - interval '5 hours'
                ELSE now() - (t.id % {NIGHTS} + 1) * interval '1 day' END,
            now() - interval '1 hour'
        FROM products p
        CROSS JOIN (VALUES (0, 'en'), (1, 'de'), (2, 'fr')) AS l (n, id)
        CROSS JOIN LATERAL (SELECT (p.id - 1) * 3 + l.n + 1 AS id) AS t""",
    ),
    (
        "descriptions",
        f"""INSERT INTO descriptions (id, store_id, product_id, language_id, html, source, meta_title,
            meta_description, version, fingerprint, batch_id, updated_at, text_signature,
            {", ".join(BAND_COLUMNS)})
        SELECT t.id, t.store_id, t.product_id, t.language_id, '<p>' || repeat(md5(t.id::text), 6) || '</p>',
            CASE WHEN {_BUCKET} >= 970 AND {_BUCKET} < 980 THEN 'human' ELSE 'ai' END,
            'Title ' || t.id, 'Meta ' || t.id, CASE WHEN t.id % 6 = 0 THEN 3 WHEN t.id % 3 = 0 THEN 2 ELSE 1 END,
            t.fingerprint,
            t.store_id || '-night-' || {_NIGHT}, now() - (t.id % {NIGHTS} + 1) * interval '1 day',
            decode(md5(t.id::text), 'hex'),
            {", ".join(f"hashtextextended(t.id::text, {band})" for band in range(len(BAND_COLUMNS)))}
        FROM generation_tasks t
        WHERE t.state IN ('done', 'skipped', 'submitted') OR (t.state = 'pending' AND {_BUCKET} < 930)""",
    ),
    (
        "description_versions",
        # oldest first, so ids grow with time: the versions before the current one (a month apart),
        # then the current ones (approved, not yet delivered, where written last night), then
        # drafts and rejections
        f"""INSERT INTO description_versions (store_id, product_id, language_id, description_id, version, status,
            html, source, meta_title, meta_description, fingerprint, batch_id, created_at)
        SELECT d.store_id, d.product_id, d.language_id, d.id, n, 'published', d.html, 'ai', d.meta_title,
            d.meta_description, d.fingerprint, d.store_id || '-night-' || lpad(((d.id + n) % {NIGHTS})::text, 2, '0'),
            now() - ((d.version - n) * 30 + d.id % 30 + {NIGHTS + 1}) * interval '1 day'
        FROM descriptions d CROSS JOIN LATERAL generate_series(1, d.version - 1) AS n ORDER BY d.id, n;
        INSERT INTO description_versions (store_id, product_id, language_id, description_id, version, status,
            html, source, meta_title, meta_description, fingerprint, batch_id, created_at)
        SELECT d.store_id, d.product_id, d.language_id, d.id, d.version,
            CASE WHEN d.id % {NIGHTS} = 0 AND d.id % 5 = 0 THEN 'approved' ELSE 'published' END,
            d.html, d.source, d.meta_title, d.meta_description, d.fingerprint, d.batch_id, d.updated_at
        FROM descriptions d ORDER BY d.id;
        INSERT INTO description_versions (store_id, product_id, language_id, description_id, version, status,
            html, source, fingerprint, batch_id, created_at, reviewed_at, reviewed_by)
        SELECT t.store_id, t.product_id, t.language_id, t.id, NULL,
            CASE WHEN {_BUCKET} >= 835 THEN 'draft' ELSE 'rejected' END,
            '<p>held ' || md5(t.id::text) || '</p>', 'ai', t.fingerprint, t.batch_id,
            now() - (t.id % {NIGHTS} + 1) * interval '1 day',
            CASE WHEN {_BUCKET} < 835 THEN now() - (t.id % 200) * interval '1 day' END,
            CASE WHEN {_BUCKET} < 835 THEN 'reviewer' END
        FROM generation_tasks t WHERE t.state = 'done' AND {_BUCKET} >= 830 AND {_BUCKET} NOT IN (832, 833, 834)
        ORDER BY t.id""",
    ),
    (
        "outbox",
        """INSERT INTO outbox (store_id, product_id, language_id, version_id, idempotency_key, created_at, attempts,
            next_attempt_at, delivered_at, dead_at)
        SELECT v.store_id, v.product_id, v.language_id, v.id, 'descgen:' || v.store_id || ':' || v.id, v.created_at,
            CASE WHEN v.status = 'approved' AND v.id % 11 = 0 THEN 8 ELSE 1 END,
            CASE WHEN v.status = 'approved' THEN now() - interval '1 hour' ELSE v.created_at END,
            CASE WHEN v.status = 'published' THEN v.created_at + interval '1 hour' END,
            CASE WHEN v.status = 'approved' AND v.id % 11 = 0 THEN now() - interval '1 hour' END
        FROM description_versions v WHERE v.status IN ('approved', 'published') ORDER BY v.id""",
    ),
)
TABLES = ("products", "batches", "generation_tasks", "descriptions", "description_versions", "outbox")
SEQUENCES = {"products": "products_id_seq", "generation_tasks": "generation_tasks_id_seq"}
SEQUENCES |= {"descriptions": "descriptions_id_seq"}

_SECONDARY_INDEXES = text(
    """SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
    WHERE t.relname = ANY(:tables) AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)"""
).bindparams(bindparam("tables", list(TABLES)))


def fill(engine: Engine, products: int, small_stores: int = SMALL_STORES, small_products: int = SMALL_PRODUCTS) -> None:
    """The workload above, ``products`` in the big store; analyzed and vacuumed as a live database is."""
    params = {
        "store": STORE,
        "products": products,
        "small_stores": small_stores,
        "small_products": small_products,
        "model": MODEL,
        "synced_inputs": SYNCED_INPUTS,
    }
    with engine.begin() as connection:
        # foreign keys are right by construction; their per-row checks would be most of the time
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        connection.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
        indexes = connection.execute(_SECONDARY_INDEXES).all()
        for name, _ in indexes:
            connection.execute(text(f'DROP INDEX "{name}"'))
        for table, sql in FILL:
            started = time.perf_counter()
            for statement in sql.split(";\n"):
                connection.execute(text(statement), params)
            print(f"  {table:<22} {time.perf_counter() - started:6.1f} s", flush=True)
        for table, sequence in SEQUENCES.items():
            connection.execute(text(f"SELECT setval('{sequence}', (SELECT max(id) FROM {table}))"))
        started = time.perf_counter()
        for _, ddl in indexes:
            connection.execute(text(ddl))
        print(f"  {len(indexes)} indexes built again {time.perf_counter() - started:6.1f} s", flush=True)
    started = time.perf_counter()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM (ANALYZE)"))
    print(f"  vacuum analyze         {time.perf_counter() - started:6.1f} s", flush=True)


# --- capture a step's statements, replay them under EXPLAIN ---


@dataclass(frozen=True)
class Statement:
    sql: str
    parameters: Any
    many: int  # executemany: how many parameter sets (the first is explained)


@contextmanager
def capturing(connection: Connection) -> Iterator[list[Statement]]:
    """Every statement the connection sends to the driver while the block runs."""
    seen: list[Statement] = []

    def before(_conn: Any, _cursor: Any, sql: str, parameters: Any, _context: Any, many: bool) -> None:
        if sql.lstrip().split(None, 1)[0].upper() in {"SELECT", "INSERT", "UPDATE", "DELETE", "WITH"}:
            if many and isinstance(parameters, list | tuple):
                seen.append(Statement(sql, parameters[0], len(parameters)))
            else:  # one set; an "insertmanyvalues" batch too (one INSERT of many rows)
                seen.append(Statement(sql, parameters, 1))

    event.listen(connection, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(connection, "before_cursor_execute", before)


@dataclass
class Plan:
    statement: Statement
    root: dict[str, Any]
    planning_ms: float
    execution_ms: float | None

    def nodes(self) -> Iterator[tuple[int, dict[str, Any]]]:
        stack = [(0, self.root)]
        while stack:
            depth, node = stack.pop()
            yield depth, node
            stack.extend((depth + 1, child) for child in reversed(node.get("Plans", [])))

    def indexes(self) -> set[str]:
        found: set[str] = set()
        for _, node in self.nodes():
            found.update(filter(None, [node.get("Index Name")]))
            found.update(node.get("Conflict Arbiter Indexes", []))
        return found

    def seq_scans(self, large: set[str]) -> list[str]:
        return [
            node["Relation Name"]
            for _, node in self.nodes()
            if node["Node Type"] == "Seq Scan" and node.get("Relation Name") in large
        ]


def describe(node: dict[str, Any]) -> str:
    words = [node["Node Type"]]
    if "Index Name" in node:
        words.append(f"using {node['Index Name']}")
    if "Relation Name" in node:
        words.append(f"on {node['Relation Name']}")
    if node.get("Conflict Arbiter Indexes"):
        words.append(f"(conflict arbiter {', '.join(node['Conflict Arbiter Indexes'])})")
    if "Actual Rows" in node:
        words.append(f"[{node['Actual Rows'] * node.get('Actual Loops', 1):,.0f} rows]")
    return " ".join(words)


_SEQUENCES = text("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")


def sequences(connection: Connection) -> dict[str, int | None]:
    return {name: value for name, value in connection.execute(_SEQUENCES)}


def restore_sequences(connection: Connection, values: dict[str, int | None]) -> None:
    """Sequences are not rolled back: set them back, so a replay's new rows get the ids the
    captured statements that follow refer to."""
    for name, value in values.items():
        if value is None:
            connection.execute(text("SELECT setval(CAST(:name AS regclass), 1, false)"), {"name": name})
        else:
            connection.execute(text("SELECT setval(CAST(:name AS regclass), :value)"), {"name": name, "value": value})


def run_captured(
    engine: Engine, step: Callable[[Session], object]
) -> tuple[list[Statement], float, dict[str, int | None]]:
    """The step called for real and rolled back: what it sent, how long it took, and the
    sequences as they were before it."""
    with engine.connect() as connection:
        before = sequences(connection)
        connection.rollback()
        transaction = connection.begin()
        try:
            with capturing(connection) as seen:
                started = time.perf_counter()
                session = Session(bind=connection)
                step(session)
                session.flush()
                elapsed = time.perf_counter() - started
        finally:
            transaction.rollback()
    return seen, elapsed, before


def explain(
    engine: Engine,
    statements: Sequence[Statement],
    sequences_before: dict[str, int | None],
    *,
    before: Sequence[str] = (),
) -> list[Plan]:
    """Each statement's plan, replayed in order (``EXPLAIN ANALYZE`` runs it) in one
    transaction that is rolled back; ``before``: SQL run first in that transaction."""
    plans = []
    with engine.connect() as connection:
        restore_sequences(connection, sequences_before)
        connection.commit()
        transaction = connection.begin()
        try:
            for sql in before:
                connection.exec_driver_sql(sql)
            for statement in statements:
                [result] = connection.exec_driver_sql(
                    f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {statement.sql}", statement.parameters
                ).one()
                [top] = result
                plans.append(Plan(statement, top["Plan"], top["Planning Time"], top.get("Execution Time")))
        finally:
            transaction.rollback()
    return plans


# --- the steps of the night ---


@dataclass
class Step:
    name: str
    run: Callable[[Session], object]
    indexes: tuple[str, ...] = ()  # each must appear in one of the step's plans
    before: tuple[str, ...] = ()  # SQL run first in the EXPLAIN transaction (a "without" comparison)
    judged: bool = True


@dataclass
class Outcome:
    step: Step
    plans: list[Plan]
    call_s: float
    misses: list[str] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        return "info" if not self.step.judged else ("MISS" if self.misses else "PASS")


def _ids(engine: Engine, statement: Any) -> list[Any]:
    with engine.connect() as connection:
        return list(connection.scalars(statement))


def steps(engine: Engine) -> list[Step]:
    """The nightly path: generate (plan, claim, write), drain, monitor, publish, prune."""
    open_batch = f"{STORE}-open-0"
    submitted = _ids(
        engine,
        select(GenerationTask.id)
        .where(GenerationTask.batch_id == open_batch, GenerationTask.state == TaskState.SUBMITTED)
        .order_by(GenerationTask.id)
        .limit(RECEIVE),
    )
    with engine.connect() as connection:
        rows = connection.execute(
            select(
                GenerationTask.product_id, GenerationTask.language_id, *(getattr(Description, c) for c in BAND_COLUMNS)
            )
            .join(
                Description,
                (Description.product_id == GenerationTask.product_id)
                & (Description.language_id == GenerationTask.language_id),
            )
            .where(GenerationTask.id.in_(submitted))
        ).all()
    # the answers' LSH buckets: a new text shares a bucket with its own old text in one band of
    # four, and with no one else
    keys: dict[tuple[str, str, int, int], set[int]] = {}
    for row in rows:
        for band, column in enumerate(BAND_COLUMNS):
            bucket = getattr(row, column) if band == row.product_id % 4 else hash((row.product_id, band))
            keys.setdefault((STORE, row.language_id, band, bucket), set()).add(row.product_id)
    texts = [
        NewText(
            row.product_id, row.language_id, f"<p>tonight's text of {row.product_id}</p>", "f" * 32, sketch=NO_SKETCH
        )
        for row in rows
    ]
    changes = [
        {"id": task_id, "state": TaskState.DONE, "reason": None, "updated_at": utcnow()} for task_id in submitted
    ]
    first_products = _ids(engine, select(Product.external_id).where(Product.store_id == STORE).limit(RECEIVE))
    known = [ProductIn(id=p, title=f"Product {p[1:]}", seo_keywords=[], attributes={}) for p in first_products]
    oldest = _ids(engine, select(DescriptionVersion.id).order_by(DescriptionVersion.id).limit(1))[0] - 1
    now = utcnow()
    policy = RetentionPolicy(keep_days=14, rejected_keep_days=90, rollback_window_days=30)
    delivery = RetryPolicy(max_attempts=8, backoff_seconds=30, backoff_max_seconds=3600, lease_seconds=900)

    def claim_write_submit(session: Session) -> None:
        """generate-descriptions for one batch: claim, read the batch's tasks for its file, mark it sent."""
        batch = claim_batch(session, STORE, MODEL, None, 50_000)
        assert batch is not None
        for _ in batch_tasks_with_products(session, batch.id):
            pass
        mark_submitted(session, batch.id)

    def plan_reads(session: Session) -> None:
        pending = count_pending(session, STORE, None)
        oldest_pending_since(session, STORE, None)
        for _ in pending_sample(session, STORE, None, pending, every=-(-pending // PLAN_SAMPLE_LINES)):
            pass

    return [
        Step(
            "generate: pending count, oldest, a sample of lines (plan)",
            plan_reads,
            ("ix_generation_tasks_claim_order", "pk_products"),
        ),
        Step(
            "generate: claim 50,000",
            lambda s: claim_batch(s, STORE, MODEL, None, 50_000),
            ("ix_generation_tasks_claim_order",),
        ),
        Step(
            "generate: claim 50,000 WITHOUT ix_generation_tasks_claim_order",
            lambda s: claim_batch(s, STORE, MODEL, None, 50_000),
            before=("DROP INDEX ix_generation_tasks_claim_order",),
            judged=False,
        ),
        Step(
            "generate: claim 50,000, German only",
            lambda s: claim_batch(s, STORE, MODEL, ["de"], 50_000),
            ("ix_generation_tasks_claim_order",),
        ),
        Step(
            "generate: claim a small store's remainder",
            lambda s: claim_batch(s, "small-07", MODEL, None, 50_000),
            ("ix_generation_tasks_claim_order",),
        ),
        Step(
            "generate: claim 50,000, write_batch_file's read, mark submitted",
            claim_write_submit,
            ("ix_generation_tasks_claim_order", "ix_generation_tasks_batch_id"),
        ),
        Step(
            "sync: the products changed since their last sync (1 in 1,000), their tasks and sources, marked synced",
            lambda s: sync_tasks(s, STORE, MODEL, commit_pages=False),
            # the store's products walked in id order: by the primary key for a store that is most of the
            # table (as here), by ix_products_store_order for one among many; neither reads it whole
            ("uq_generation_tasks_product_id", "uq_descriptions_product_id"),
        ),
        Step(
            "catalog import: 1,000 products compared (upsert_products)",
            lambda s: upsert_products(s, STORE, known),
            ("uq_products_store_id",),
        ),
        Step(
            "drain: task_rows of a 1,000-result receive",
            lambda s: task_rows(s, {task_id: [] for task_id in submitted}),
            ("pk_generation_tasks",),
        ),
        Step("drain: neighbours of 1,000 answers (_neighbours)", lambda s: _neighbours(s, keys)),
        Step(
            "drain: 1,000 texts published (upsert, versions, outbox)",
            lambda s: publish_ai_texts(s, STORE, open_batch, texts),
            ("uq_descriptions_product_id",),
        ),
        Step(
            "drain: 1,000 task changes (executemany by id)",
            lambda s: s.execute(update(GenerationTask), changes),
            ("pk_generation_tasks",),
        ),
        Step(
            "monitor: jobs in flight, open tasks of a batch requeued",
            lambda s: (
                jobs_in_flight(s, MODEL),
                s.execute(
                    select(Batch.id).where(Batch.state.in_(("published", "submitted"))).order_by(Batch.created_at)
                ),
                requeue_open_tasks(s, open_batch, "bench", RetryBudget(3, 10)),
            ),
            ("ix_generation_tasks_batch_id",),
        ),
        Step(
            "publish: outbox claim of 100",
            lambda s: claim_outbox(s, now, delivery, stores=None, limit=100),
            ("ix_outbox_due",),
        ),
        Step(
            "prune-versions: one chunk of 5,000 (facts, delete)",
            lambda s: prune_chunk(s, oldest, policy, now + timedelta(days=400), 5000, PruneReport(dry_run=False)),
            ("ix_description_versions_pair", "ix_outbox_version"),
        ),
    ]


def judge(outcome: Outcome, large: set[str]) -> None:
    used = set().union(*(plan.indexes() for plan in outcome.plans))
    for plan in outcome.plans:
        for table in plan.seq_scans(large):
            outcome.misses.append(f"Seq Scan on {table}")
    outcome.misses.extend(f"{index} not used" for index in outcome.step.indexes if index not in used)


def large_tables(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT relname, reltuples::bigint FROM pg_class WHERE relkind = 'r' AND relname = ANY(:t)"),
            {"t": list(TABLES)},
        ).all()
    return {name: count for name, count in rows}


def report(outcomes: Sequence[Outcome], sizes: dict[str, int]) -> None:
    for outcome in outcomes:
        print(f"\n== {outcome.step.name}  (the step: {outcome.call_s * 1000:,.0f} ms)")
        for plan in outcome.plans:
            sql = " ".join(plan.statement.sql.split())
            many = f" (executemany: 1 of {plan.statement.many})" if plan.statement.many > 1 else ""
            took = f"{plan.execution_ms:,.1f} ms" if plan.execution_ms is not None else "not run"
            print(f"  {sql[:110]}{'…' if len(sql) > 110 else ''}{many}")
            print(f"    planning {plan.planning_ms:,.1f} ms, execution {took}")
            for depth, node in list(plan.nodes())[:12]:
                print(f"    {'  ' * depth}{describe(node)}")
    print("\n" + "=" * 100)
    print("tables: " + ", ".join(f"{name} {rows:,}" for name, rows in sorted(sizes.items())))
    print(f"{'step':<66} {'execution ms':>12}  verdict")
    for outcome in outcomes:
        total = sum(plan.execution_ms or 0 for plan in outcome.plans)
        detail = "; ".join(outcome.misses)
        print(f"{outcome.step.name:<66} {total:>12,.1f}  {outcome.verdict} {detail}")
    judged = [o for o in outcomes if o.step.judged]
    missed = [o for o in judged if o.misses]
    print(
        f"\n{'MISS' if missed else 'PASS'}: {len(judged) - len(missed)} of {len(judged)} steps use their indexes "
        f"and read no large table (> {LARGE_ROWS:,} rows) from end to end"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--products", type=int, default=1_000_000, help="products of the big store (x3 tasks)")
    arguments = parser.parse_args(argv)
    print(f"machine: {machine()}")
    with temporary_database() as url:
        engine = make_engine(url)
        try:
            print(
                f"filling {arguments.products:,} products x {len(LANGUAGES)} languages "
                f"(+ {SMALL_STORES} stores of {SMALL_PRODUCTS}):",
                flush=True,
            )
            started = time.perf_counter()
            fill(engine, arguments.products)
            print(f"  filled in {time.perf_counter() - started:.0f} s", flush=True)
            sizes = large_tables(engine)
            large = {name for name, rows in sizes.items() if rows > LARGE_ROWS}
            outcomes = []
            for step in steps(engine):
                statements, call_s, sequences_before = run_captured(engine, step.run)
                plans = explain(engine, statements, sequences_before, before=step.before)
                outcome = Outcome(step, plans, call_s)
                judge(outcome, large)
                outcomes.append(outcome)
            report(outcomes, sizes)
            return 1 if any(o.misses for o in outcomes if o.step.judged) else 0
        finally:
            engine.dispose()


if __name__ == "__main__":
    raise SystemExit(main())
