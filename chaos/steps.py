"""One step of the cycle in a process of its own, so the chaos run can SIGKILL it anywhere.

``python -m chaos.steps generate STORE | drain | monitor``, with descgen's settings in
the environment (as a worker has them). Each step calls the same descgen functions
the Prefect tasks wrap (``tasks/generate.py``, ``tasks/drain.py``, ``tasks/monitor.py``)
in the order the flows call them, without a Prefect server: what is under test is
descgen's state handling when a process dies, not Prefect's. generate-descriptions'
one-run-per-store limit is kept by the driver, which starts one generate per store at a time.
"""

from __future__ import annotations

import argparse
import sys

from descgen import draining, generation, monitoring
from descgen.aws.clients import make_clients, session_from_settings
from descgen.db.session import make_engine
from descgen.settings import get_settings

GENERATE_LIMIT = 50_000  # the flow's default
DRAIN_SECONDS = 10.0
DRAIN_MESSAGES = 100_000


def generate(store: str) -> str:
    """generate-descriptions: sync, plan, then claim, write and request each planned batch."""
    settings = get_settings()
    engine = make_engine(settings.database_url)
    clients = make_clients(session_from_settings(settings), settings)
    model_id = settings.model_id
    synced = generation.sync_catalog(engine, settings, store, model_id)
    plan = generation.plan_generation(engine, settings, store, None, GENERATE_LIMIT, model_id)
    batches = []
    for size in plan.jobs.job_sizes:
        batch_id = generation.claim(engine, settings, store, model_id, None, size)
        if batch_id is None:
            break
        generation.write_batch_file(engine, clients.s3, settings, batch_id)
        generation.request_job(engine, clients.sns, settings, batch_id)
        batches.append(batch_id)
    return f"generate {store}: {synced.marked_pending} changed, {plan.pending} pending, batches {batches}"


def drain() -> str:
    settings = get_settings()
    engine = make_engine(settings.database_url)
    clients = make_clients(session_from_settings(settings), settings)
    report = draining.drain(engine, clients.sqs, settings, max_messages=DRAIN_MESSAGES, max_seconds=DRAIN_SECONDS)
    results = report.results
    return (
        f"drain: {report.messages} messages, {results.applied} applied, {results.retried} retried, "
        f"{results.failed} failed, {results.stale} stale, {report.undecodable} undecodable, "
        f"{report.unapplied} unapplied ({report.stopped_because})"
    )


def monitor() -> str:
    settings = get_settings()
    engine = make_engine(settings.database_url)
    clients = make_clients(session_from_settings(settings), settings)
    report = monitoring.monitor(engine, clients, settings)
    return (
        f"monitor: {len(report.batches)} open batches, {report.released_tasks} released, "
        f"{report.retried_tasks} retried, {report.failed_tasks} failed, {len(report.errors)} errors"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="One step of the descgen cycle, for the chaos run.")
    parser.add_argument("step", choices=("generate", "drain", "monitor"))
    parser.add_argument("store", nargs="?")
    args = parser.parse_args(argv)
    if args.step == "generate":
        if not args.store:
            parser.error("generate needs a store")
        print(generate(args.store))
    else:
        print(drain() if args.step == "drain" else monitor())
    return 0


if __name__ == "__main__":
    sys.exit(main())
