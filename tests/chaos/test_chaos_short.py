"""The short chaos run of ``make test``: a minute of faults on three stores, a fixed seed, 0 violations.

It runs its own throwaway PostgreSQL cluster (initdb), never the shared one on 5432, but
keeps the ``postgres`` marker's meaning: skipped without PostgreSQL's server binaries,
failed instead when DESCGEN_REQUIRE_POSTGRES=1. ``make chaos SECONDS=1800`` is the long run.
"""

from __future__ import annotations

import pytest

from chaos.driver import ChaosConfig, run_chaos
from chaos.postgres import find_bin_dir
from tests.conftest import REQUIRE_POSTGRES

SEED = 20261201
FAULT_SECONDS = 60


@pytest.fixture
def initdb() -> None:
    if find_bin_dir() is None:
        reason = "initdb not found: the chaos run needs PostgreSQL's server binaries for a cluster of its own"
        if REQUIRE_POSTGRES:
            pytest.fail(f"DESCGEN_REQUIRE_POSTGRES=1 but {reason}")
        pytest.skip(reason)


@pytest.mark.postgres
def test_a_minute_of_faults_on_three_stores_breaks_no_invariant(initdb, tmp_path, capsys):
    # GIVEN three stores, and faults of every kind at random points (seed fixed)
    config = ChaosConfig(seconds=FAULT_SECONDS, seed=SEED, stores=3, products=16, quiet_seconds=120, log_dir=tmp_path)
    # WHEN the run ends and the system has gone quiet
    verdicts = run_chaos(config)
    report = capsys.readouterr().out
    print(report)  # the figures, for -rP and for the log of a failed run
    # THEN every invariant holds, and the run did inject faults and did process tasks
    assert all(verdict.ok for verdict in verdicts), report
    assert "faults injected: none" not in report, report
    assert "NOT settled" not in report, report
