"""Catalog import throughput and peak memory: ``make bench-import`` (or ``.venv/bin/python -m bench.catalog_import``).

The target: memory does not grow with the file. Peak memory importing 1,000,000
products is at most 1.2 x the peak importing 100,000 (issue 12), shown by figures
measured in one run, never by a timed assertion.

Workload, untimed: one JSON Lines catalog per size (a store line, then one product
per line: a title, three keywords, three attributes), written streamed to a
temporary directory; a fresh, migrated database per (database, size): a SQLite file
in the same directory, and a throwaway PostgreSQL database on 127.0.0.1:5432 when
one answers (``bench.postgres.temporary_database``).

Each (database, size) runs in a process of its own, so its peak resident memory
(``getrusage(RUSAGE_SELF).ru_maxrss``) is that import's alone. Timed there, in order:

    read+check  ``open_catalog`` rows iterated, nothing written: the file read,
                decoded and checked by the schema; the lower bound of an import;
    import      ``db.catalog.import_catalog`` into the empty store, one transaction
                (every product new);
    again       the same file imported again (every product unchanged: read,
                compared, nothing written but the import's own id table).

Printed: products/s of each, the process's resident memory before the first step
(Python, SQLAlchemy, pydantic: ``base``) and its peak, and per database the ratio
of the peaks of the largest and the smallest size, PASS or MISS against 1.2.
``--quick`` runs 10,000 and 100,000; ``--products 5000,50000`` any sizes;
``--databases sqlite`` skips PostgreSQL.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from bench.postgres import SERVER_URL, temporary_database
from descgen.db import migrate

DEFAULT_SIZES = (100_000, 1_000_000)
QUICK_SIZES = (10_000, 100_000)
TARGET_PEAK_RATIO = 1.2
STORE: dict[str, Any] = {"id": "bench", "name": "Bench Outdoor", "languages": {"en": "English", "de": "Deutsch"}}


# --------------------------------------------------------------------------- the workload


def write_catalog(path: Path, products: int, store: dict[str, Any] = STORE, *, retitled_every: int = 0) -> None:
    """A JSON Lines catalog of ``products`` products, written line by line; ``retitled_every``: every
    n-th product's title changed (the same catalog exported a night later)."""
    with path.open("w", encoding="utf-8") as file:
        file.write(json.dumps({"store": store}) + "\n")
        for n in range(1, products + 1):
            retitled = " (2027 model)" if retitled_every and n % retitled_every == 0 else ""
            product = {
                "id": f"SKU-{n:08d}",
                "title": f"Trail Tent {n % 7 + 1}P – model {n}{retitled}",
                "seo_keywords": ["tent", f"{n % 7 + 1} person tent", "camping"],
                "attributes": {"weight": f"{1 + n % 40 / 10:.1f} kg", "colour": ("green", "sand", "grey")[n % 3],
                               "season": "3-season"},
            }  # fmt: skip
            file.write(json.dumps(product, ensure_ascii=False) + "\n")


@contextmanager
def database(kind: str, directory: Path, products: int) -> Iterator[str]:
    """A fresh, migrated database of that kind."""
    if kind == "sqlite":
        url = f"sqlite:///{directory / f'import-{products}.sqlite3'}"
        migrate.upgrade(url)
        yield url
        return
    with temporary_database() as url:
        yield url


def postgres_answers() -> bool:
    engine = create_engine(f"{SERVER_URL}/postgres")
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:
        return False
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- one import, in its own process


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def measure(path: Path, url: str) -> dict[str, Any]:
    """The three timed steps on one file and database; run in a process of its own."""
    from descgen.catalog_import import open_catalog
    from descgen.db.catalog import import_catalog
    from descgen.db.session import make_engine, session_scope

    engine = make_engine(url)
    with engine.connect():
        pass  # the driver loaded and a connection made: part of the base, not of the import
    figures: dict[str, Any] = {"base_mb": peak_rss_mb()}
    started = time.perf_counter()
    with open_catalog(path) as catalog:
        read = sum(1 for row in catalog.rows if row.product is not None)
    figures["read_s"] = time.perf_counter() - started
    for step in ("import", "again"):
        started = time.perf_counter()
        with session_scope(engine) as session:
            report = import_catalog(session, path)
        figures[f"{step}_s"] = time.perf_counter() - started
        figures[f"{step}_written"] = report.written
    figures.update(products=read, peak_mb=peak_rss_mb())
    engine.dispose()
    return figures


def run_child(path: Path, url: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.catalog_import", "--child", str(path), url],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


# --------------------------------------------------------------------------- the report


def print_figures(kind: str, products: int, figures: dict[str, Any]) -> None:
    rate = {step: products / figures[f"{step}_s"] for step in ("read", "import", "again")}
    print(
        f"{kind:<10} {products:>9,} {figures['read_s']:>8.1f} {rate['read']:>9,.0f} {figures['import_s']:>8.1f} "
        f"{rate['import']:>9,.0f} {figures['again_s']:>8.1f} {rate['again']:>9,.0f} "
        f"{figures['base_mb']:>8.0f} {figures['peak_mb']:>8.0f} {figures['peak_mb'] - figures['base_mb']:>7.0f}",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", help="comma-separated sizes (default 100000,1000000)")
    parser.add_argument("--quick", action="store_true", help="10,000 and 100,000 products")
    parser.add_argument("--databases", default="sqlite,postgresql", help="sqlite, postgresql or both")
    parser.add_argument("--child", nargs=2, metavar=("FILE", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(measure(Path(args.child[0]), args.child[1])))
        return 0
    if args.products:
        sizes = sorted(int(size) for size in args.products.split(","))
    else:
        sizes = list(QUICK_SIZES if args.quick else DEFAULT_SIZES)
    kinds = [kind.strip() for kind in args.databases.split(",")]
    if "postgresql" in kinds and not postgres_answers():
        print("PostgreSQL does not answer on 127.0.0.1:5432: SQLite only")
        kinds.remove("postgresql")
    peaks: dict[str, dict[int, tuple[float, float]]] = {kind: {} for kind in kinds}  # (base, peak) MB
    with tempfile.TemporaryDirectory(prefix="descgen-bench-import-") as tmp:
        directory = Path(tmp)
        print(
            f"{'database':<10} {'products':>9} {'read s':>8} {'read/s':>9} {'import s':>8} {'import/s':>9} "
            f"{'again s':>8} {'again/s':>9} {'base MB':>8} {'peak MB':>8} {'+MB':>7}"
        )
        for products in sizes:
            path = directory / f"catalog-{products}.jsonl"
            write_catalog(path, products)
            for kind in kinds:
                with database(kind, directory, products) as url:
                    figures = run_child(path, url)
                if figures["import_written"] != products or figures["again_written"] != 0:
                    print(
                        f"PROBLEM: {kind} {products}: wrote {figures['import_written']}, then {figures['again_written']}"
                    )
                print_figures(kind, products, figures)
                peaks[kind][products] = figures["base_mb"], figures["peak_mb"]
            path.unlink()
    smallest, largest = sizes[0], sizes[-1]
    for kind, memory in peaks.items():
        (small_base, small_peak), (large_base, large_peak) = memory[smallest], memory[largest]
        ratio = large_peak / small_peak
        verdict = "PASS" if ratio <= TARGET_PEAK_RATIO else "MISS"
        print(
            f"{kind}: peak memory at {largest:,} / at {smallest:,} = {ratio:.2f} (target <= {TARGET_PEAK_RATIO}) "
            f"{verdict}; above the process's base: {large_peak - large_base:.0f} MB / {small_peak - small_base:.0f} MB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
