"""Catalog sync time and peak memory: ``make bench-sync`` (or ``.venv/bin/python -m bench.sync_memory``).

The target (issue 13, item 2): memory does not grow with the catalog. Peak memory of a
sync at 1,000,000 products x 3 languages is at most 1.2 x the peak at 100,000, shown by
figures measured in one run, never by a timed assertion.

Workload, untimed: per size, a throwaway PostgreSQL database (``bench.postgres``), one
store in en, de and fr, and its products written by one ``INSERT .. SELECT
generate_series`` (a title, three keywords, three attributes, as ``bench.catalog_import``
writes them), then analyzed.

Each size runs in a process of its own, so its peak resident memory
(``getrusage(RUSAGE_SELF).ru_maxrss``) is that sync's alone. Timed there, in order:

    first    ``db.catalog.sync_tasks`` with no task yet: every (product, language) is new;
    changed  the night in between, untimed: every task done with its AI description, then
             a tenth of the products retitled; then ``sync_tasks`` again: their tasks go
             pending; the other products, unchanged since the first sync, are not read
             (``read``: the products the sync read).

Printed per size: seconds (wall, and the process's own CPU: descgen's side, without the
database's) and pairs/s of each sync, what it counted, the process's
resident memory before the first sync (``base``), its peak after each sync, and the
machine's load average (other work on the machine makes the times noisy, not the
peaks); then the ratio of the peaks of the largest and the smallest size, PASS or MISS
against 1.2. ``--products 10000,100000`` for a short run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from typing import Any

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session

from bench.catalog_import import TARGET_PEAK_RATIO, peak_rss_mb, postgres_answers
from bench.postgres import temporary_database
from descgen.model_catalog import load_model_catalog

DEFAULT_SIZES = (100_000, 1_000_000)
STORE = "bench"
CHANGED_EVERY = 10  # one product in ten retitled between the two syncs

FILL = (
    "INSERT INTO stores (id, name, created_at) VALUES (:store, 'Bench Outdoor', now())",
    "INSERT INTO languages (id, name) VALUES ('en', 'English'), ('de', 'Deutsch'), ('fr', 'Français')",
    "INSERT INTO store_languages (store_id, language_id) SELECT :store, id FROM languages",
    """INSERT INTO products (store_id, external_id, title, seo_keywords, attributes, updated_at)
    SELECT :store, 'SKU-' || lpad(n::text, 8, '0'), 'Trail Tent ' || (n % 7 + 1) || 'P – model ' || n,
        json_build_array('tent', (n % 7 + 1) || ' person tent', 'camping'),
        json_build_object('weight', to_char(1 + n % 40 / 10.0, 'FM990.0') || ' kg',
            'colour', (ARRAY['green', 'sand', 'grey'])[n % 3 + 1], 'season', '3-season'),
        now()
    FROM generate_series(1, :products) n""",
)
# the night in between, untimed: every task generated (done, with its AI description), then a tenth retitled
NIGHT = (
    "UPDATE generation_tasks SET state = 'done', sends = 1",
    """INSERT INTO descriptions (store_id, product_id, language_id, html, source, version, fingerprint, updated_at)
    SELECT store_id, product_id, language_id, '<p>' || repeat(md5(id::text), 8) || '</p>', 'ai', 1, fingerprint, now()
    FROM generation_tasks""",
    f"UPDATE products SET title = title || ' (2027 model)' WHERE id % {CHANGED_EVERY} = 0",
)

Sync = Callable[[Session, str, str], Any]  # (session, store, model id) -> a report with the SyncReport fields


def execute(engine: Engine, statements: Sequence[str], **parameters: Any) -> None:
    """The statements in one transaction, then the tables analyzed as autovacuum would have by night."""
    with engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement), parameters)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM (ANALYZE)"))


# --------------------------------------------------------------------------- the two syncs, in their own process


def measure(url: str, sync: Sync | None = None) -> dict[str, Any]:
    """The first sync, a tenth retitled, the second sync: times, reports and peaks; run in a process of its own."""
    from descgen.db.catalog import sync_tasks
    from descgen.db.session import make_engine, session_scope

    run = sync or sync_tasks
    model_id = load_model_catalog().default_model
    engine = make_engine(url)
    with engine.connect():
        pass  # the driver loaded and a connection made: part of the base, not of the sync
    figures: dict[str, Any] = {"base_mb": peak_rss_mb()}
    for step in ("first", "changed"):
        if step == "changed":
            execute(engine, NIGHT)
        started, cpu = time.perf_counter(), time.process_time()
        with session_scope(engine) as session:
            report = run(session, STORE, model_id)
        figures[f"{step}_s"] = time.perf_counter() - started
        figures[f"{step}_cpu_s"] = time.process_time() - cpu
        figures[f"{step}_report"] = asdict(report)
        figures[f"{step}_peak_mb"] = peak_rss_mb()
    figures["load"] = os.getloadavg()[0]
    engine.dispose()
    return figures


def run_child(url: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.sync_memory", "--child", url], check=True, capture_output=True, text=True
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


# --------------------------------------------------------------------------- the report


def print_figures(products: int, figures: dict[str, Any]) -> None:
    pairs = products * 3
    first, changed = figures["first_report"], figures["changed_report"]
    print(
        f"{products:>9,} {figures['first_s']:>8.1f} {figures['first_cpu_s']:>6.1f} {pairs / figures['first_s']:>8,.0f} "
        f"{first['created']:>9,} {figures['changed_s']:>9.1f} {figures['changed_cpu_s']:>6.1f} "
        f"{pairs / figures['changed_s']:>8,.0f} {changed['marked_pending']:>9,} "
        f"{changed['products_read']:>9,} {figures['base_mb']:>7.0f} {figures['first_peak_mb']:>10.0f} "
        f"{figures['changed_peak_mb']:>9.0f} {figures['load']:>5.1f}",
        flush=True,
    )


def check(products: int, figures: dict[str, Any]) -> None:
    """The counts a correct sync reports: every pair new, then exactly the retitled products' pairs pending."""
    pairs, retitled = products * 3, products // CHANGED_EVERY * 3
    first, changed = figures["first_report"], figures["changed_report"]
    read = (changed["marked_pending"], changed["unchanged"], changed["products_read"])
    if first["created"] != pairs or read != (retitled, 0, retitled // 3):
        print(f"PROBLEM: {products}: first {first}, changed {changed}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", help="comma-separated sizes (default 100000,1000000)")
    parser.add_argument("--child", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(measure(args.child)))
        return 0
    if not postgres_answers():
        print("PostgreSQL does not answer on 127.0.0.1:5432: nothing to measure")
        return 1
    sizes = sorted(int(size) for size in args.products.split(",")) if args.products else list(DEFAULT_SIZES)
    print(
        f"{'products':>9} {'first s':>8} {'cpu s':>6} {'pairs/s':>8} {'created':>9} {'changed s':>9} {'cpu s':>6} "
        f"{'pairs/s':>8} "
        f"{'pending':>9} {'read':>9} {'base MB':>7} {'peak MB 1st':>10} {'peak MB':>9} {'load':>5}"
    )
    peaks: dict[int, tuple[float, float]] = {}  # (base, peak) MB
    for products in sizes:
        with temporary_database() as url:
            engine = create_engine(url)
            execute(engine, FILL, store=STORE, products=products)
            engine.dispose()
            figures = run_child(url)
        check(products, figures)
        print_figures(products, figures)
        peaks[products] = figures["base_mb"], figures["changed_peak_mb"]
    (small_base, small_peak), (large_base, large_peak) = peaks[sizes[0]], peaks[sizes[-1]]
    ratio = large_peak / small_peak
    verdict = "PASS" if ratio <= TARGET_PEAK_RATIO else "MISS"
    print(
        f"peak memory at {sizes[-1]:,} / at {sizes[0]:,} = {ratio:.2f} (target <= {TARGET_PEAK_RATIO}) {verdict}; "
        f"above the process's base: {large_peak - large_base:.0f} MB / {small_peak - small_base:.0f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
