"""``make bench-hot`` at a tiny size on SQLite, so the benchmark cannot rot: its paths run, and each
lower bound does the same work as descgen (the same bytes written, the same rows upserted).
Nothing here judges a timing."""

from __future__ import annotations

import io
from pathlib import Path

from bench.hot_paths import InProcessS3, claim_catalog, run, write_batch_lower_bound
from bench.quality_gate import drain_settings
from descgen.db import migrate
from descgen.db.session import make_engine
from descgen.generation import write_batch_file


def test_the_write_batch_file_bound_writes_the_same_bytes_as_descgen(tmp_path: Path) -> None:
    # GIVEN a claimed batch of 40 tasks on SQLite
    url = f"sqlite:///{tmp_path / 'hot.sqlite3'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    settings = drain_settings(url, gate=False)
    batch_id = claim_catalog(engine, 40, settings)

    # WHEN descgen uploads its file to the S3 stand-in and the bound writes its own
    s3 = InProcessS3(keep_uploads=True)
    write_batch_file(engine, s3, settings, batch_id)  # type: ignore[arg-type]  # the S3 stand-in
    bound = io.BytesIO()
    write_batch_lower_bound(engine, settings, batch_id, bound)
    engine.dispose()

    # THEN the two files are byte for byte the same
    (uploaded,) = s3.kept.values()
    assert uploaded.count(b"\n") == 40
    assert bound.getvalue() == uploaded


def test_every_hot_path_runs_against_its_bound_at_a_tiny_size() -> None:
    # GIVEN 40 tasks on SQLite, without the gate
    # WHEN the benchmark runs
    report = run(40, ["sqlite"], gate=False, say=lambda _line: None)

    # THEN each path was timed on both sides, did the same work (bytes, rows) as its bound, and met no problem
    assert [figures.path for figures in report.paths] == [
        "write_batch_file, SQLite",
        "parse Lambda",
        "drain, SQLite",
    ]
    for figures in report.paths:
        assert figures.problems == []
        assert len(figures.descgen_seconds) == len(figures.bound_seconds) == 2
        assert figures.ratio is not None
        assert figures.descgen_work == figures.bound_work > 0
    assert report.paths[-1].descgen_work == 40  # descriptions written
