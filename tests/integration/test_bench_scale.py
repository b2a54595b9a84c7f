"""``make bench-scale`` at a tiny size, so the benchmark cannot rot: every step runs in its own
process on PostgreSQL and counts what a correct night counts. Nothing here judges a timing."""

from __future__ import annotations

import dataclasses

from bench.scale import NIGHTLY_PATH, StepFigures, problems, run_size, verdicts


def test_every_step_of_the_scale_suite_runs_and_counts_a_correct_night(postgres_server: str) -> None:
    # GIVEN 400 products (120 changed pairs: over the batch minimum of 100) in three languages, a tenth retitled between the two nights
    # WHEN the suite runs every step
    figures = list(run_size(400, say=lambda _line: None))

    # THEN each step ran, the counts are those of a correct night, and the report can be made
    assert [f.step for f in figures] == ["load", "first sync", "load again", "sync", "plan", "write", "parse", "drain"]
    assert problems(figures) == []
    assert {f.step: f.counts for f in figures}["drain"] == {"applied": 120, "retried": 0, "held": 0, "left_in_queue": 0}
    assert all(f.peak_mb >= f.base_mb > 0 and f.cpu_s > 0 for f in figures)
    lines = verdicts({400: figures})
    assert lines[0].startswith(f"nightly path ({' + '.join(NIGHTLY_PATH)}) at 400")
    assert len(lines) == 1 + len(figures)


def test_a_step_that_counted_wrong_is_a_problem() -> None:
    step = StepFigures("sync", 300, 1.0, 1.0, 100.0, 110.0, {"marked_pending": 89})
    night = [
        dataclasses.replace(step, step=name, counts=counts)
        for name, counts in [
            ("load", {"written": 300}),
            ("first sync", {"created": 900}),
            ("load again", {"written": 30}),
            ("sync", {"marked_pending": 89}),  # one short
            ("plan", {"pending": 90}),
            ("drain", {"applied": 90, "retried": 0, "left_in_queue": 0}),
        ]
    ]
    assert problems(night) == ["300 sync: counted {'marked_pending': 89}, expected {'marked_pending': 90}"]
