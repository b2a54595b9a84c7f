"""``make demo``: one whole cycle on the embedded default, no AWS account.

Starts the local stack, migrates a fresh SQLite database, loads the bundled
sample catalog (216 products in English, German and French), and runs the
production path: generate-descriptions -> SNS -> create_bedrock_job -> the Bedrock
emulator's batch job -> S3 -> parse_output -> SQS -> drain-results (and
monitor-jobs, which reads the real token counts). Prints what happened and the
quality report, and exits non-zero unless every task ended done (published, or
held for review by the quality gate).

Then it changes the store's brand voice (a new tone) and runs generate-descriptions
again with ``dry_run``: exactly that store's tasks are to regenerate, once, and the
dry run says what that will cost. Nothing is sent.

Last, publish-descriptions sends every approved text through the outbox to the file
publisher (JSON Lines under ``descgen-published/``), and the store's texts are exported
in Shopify's product CSV format next to it; the demo prints where both are, and the
``descgen`` commands that explore the rest (drafts held for review among them).

``python -m local.demo --model amazon.nova-lite-v1:0`` (``make demo MODEL=...``)
runs the same cycle with another model of the catalog: a model with structured
output answers JSON (body, meta title, meta description), one without answers
the marker-then-HTML text and gets its meta fields derived.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import sys
import time
from pathlib import Path

from sqlalchemy import Engine, make_url, select

from descgen.db import migrate
from descgen.db.catalog import load_catalog
from descgen.db.models import Description, Language, Product
from descgen.db.session import make_engine, session_scope
from descgen.db.status import batches, quality_report, task_states
from descgen.db.voices import current_voice, set_voice
from descgen.generation import plan_without_changes, structured_for
from descgen.lifecycle import OPEN_STATES, TaskState
from descgen.publishing.export import export
from descgen.quality.report import render
from descgen.settings import DatabaseSettings, get_settings
from local.stack import REPO, LocalStack

CATALOG = Path(__file__).with_name("sample_catalog.json")
DATABASE = REPO / "descgen-demo.sqlite3"
PUBLISHED = REPO / "descgen-published"
DEADLINE_SECONDS = 150
SAMPLE_PRODUCT = json.loads(CATALOG.read_text())["products"][0]["id"]
NEW_TONE = "cheerful and brief, for readers in a hurry"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="One whole descgen cycle on the embedded default.")
    parser.add_argument("--model", default=None, help="a model id of descgen/model_catalog.json (default: its default)")
    model = parser.parse_args(argv).model or None
    started = time.monotonic()
    deadline = started + DEADLINE_SECONDS
    for leftover in DATABASE.parent.glob(DATABASE.name + "*"):
        leftover.unlink()
    shutil.rmtree(PUBLISHED, ignore_errors=True)
    database_url = f"sqlite:///{DATABASE}"
    with LocalStack() as stack:
        # The flows read their settings from the environment, as a worker would.
        os.environ.update(stack.settings_environment())
        os.environ["DESCGEN_DATABASE_URL"] = database_url
        os.environ["DESCGEN_RECEIVE_WAIT_SECONDS"] = "1"  # the demo's queue empties fast; don't idle 20 s
        os.environ["DESCGEN_PUBLISH_DIR"] = str(PUBLISHED)
        get_settings.cache_clear()
        migrate.upgrade(database_url)
        engine = make_engine(database_url)
        with session_scope(engine) as session:
            store, products = load_catalog(session, json.loads(CATALOG.read_text()))
        print(f"loaded {products} products into store {store!r} ({database_url})")

        # imported here so Prefect starts only once the settings are in place
        from flows.drain_results import drain_results
        from flows.generate_descriptions import generate_descriptions
        from flows.monitor_jobs import monitor_jobs
        from flows.publish_descriptions import publish_descriptions

        generate_descriptions(store=store, model=model)
        stack.wait_until_idle(timeout=max(0.0, deadline - time.monotonic()))

        def nothing_open() -> bool:
            with session_scope(engine) as session:
                return not any(task_states(session, store)[state] for state in OPEN_STATES)

        while not nothing_open():
            if time.monotonic() > deadline:
                break
            drain_results(max_seconds=30)
            monitor_jobs()
        model_id = model or get_settings().model_id
        print_summary(engine, store, model_id, time.monotonic() - started)
        with session_scope(engine) as session:
            states = task_states(session, store)
            print("\n" + render(quality_report(session, store)))
        change_the_voice(engine, store, model_id)
        generate_descriptions(store=store, model=model, dry_run=True)
        published = publish_descriptions(store=store, publisher="file", max_rows=100_000)
        print_published(engine, store, published.delivered.total())
    print_commands(store, database_url)
    not_done = {state: n for state, n in states.items() if state != TaskState.DONE}
    if not_done:
        print(f"FAILED: tasks not done: {not_done}", file=sys.stderr)
        return 1
    return 0


def change_the_voice(engine: Engine, store: str, model_id: str) -> None:
    """A new tone for the store: its fingerprints change, so the next run regenerates it, once."""
    settings = get_settings()
    _, before_plan = plan_without_changes(engine, settings, store, None, 50_000, model_id)
    with session_scope(engine) as session:
        _, voice = current_voice(session, store)
        version, _ = set_voice(session, store, voice.model_copy(update={"tone": NEW_TONE}))
    synced, plan = plan_without_changes(engine, settings, store, None, 50_000, model_id)
    print(
        f"\n=== the voice of {store!r} changed (version {version}, tone {NEW_TONE!r}) ===\n"
        f"before the change a run would send {before_plan.pending} tasks; now {synced.marked_pending} "
        f"tasks change and {plan.pending} would be sent, for about ${plan.estimate.cost.batch_usd:.4f} "
        f"in batch (${plan.estimate.cost.on_demand_usd:.4f} on demand). The dry run below sends nothing."
    )


def print_summary(engine: Engine, store: str, model_id: str, seconds: float) -> None:
    structured = structured_for(get_settings(), model_id)
    with session_scope(engine) as session:
        states = task_states(session, store)
        print(f"\n=== descgen demo: store {store!r}, {seconds:.0f} s ===")
        answers = "structured output (JSON)" if structured else "marker-then-HTML text (meta fields derived)"
        print(f"model {model_id} through Converse batch jobs; answers as {answers}")
        print("tasks by state: " + ", ".join(f"{state} {count}" for state, count in sorted(states.items())))
        print(
            f"\n{'batch':<32} {'records':>7} {'state':<9} {'job':<19} {'tokens in':>10} {'tokens out':>10}"
            f" {'est. batch':>11} {'est. on-demand':>14} {'real batch':>11} {'real on-demand':>14}"
        )
        for batch in batches(session, store):
            print(
                f"{batch.id:<32} {batch.record_count:>7} {batch.state:<9} {batch.job_status or '-':<19}"
                f" {batch.input_tokens or 0:>10,} {batch.output_tokens or 0:>10,}"
                f" {batch.estimated_cost_usd:>11.4f} {batch.estimated_on_demand_cost_usd:>14.4f}"
                f" {batch.cost_usd or 0:>11.4f} {batch.on_demand_cost_usd or 0:>14.4f}"
            )
        print("(USD; estimates assume every answer uses max_tokens, real figures come from the job's manifest)")
        for language in session.scalars(select(Language).order_by(Language.id)):
            sample = session.execute(
                select(Product.external_id, Description.html, Description.meta_title, Description.meta_description)
                .join(Product, Product.id == Description.product_id)
                .where(Description.store_id == store, Description.language_id == language.id)
                .order_by(Product.id)
                .limit(1)
            ).first()
            if sample:
                product, body, title, description = sample
                print(f"\n--- {language.name} ({language.id}), product {product} ---")
                print(f"meta title:       {title}\nmeta description: {description}\n{body}")


def print_published(engine: Engine, store: str, delivered: int) -> None:
    """Where the texts went: the publisher's JSON Lines file, and a Shopify CSV export."""
    with session_scope(engine) as session:
        exported = export(session, store, directory=PUBLISHED, format="csv")
    sent = sorted((PUBLISHED / store).glob("deliveries-*.jsonl"))
    print(f"\n=== published: {delivered} approved texts of {store!r} went out through the outbox ===")
    for path in [*sent, *exported]:
        print(f"  {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")


def print_commands(store: str, database_url: str) -> None:
    """The commands that read what the demo made: plain when the default database is the demo's."""
    default = make_url(DatabaseSettings.model_fields["database_url"].default).database or ""
    env_file = Path(".env").read_text() if Path(".env").is_file() else ""  # the settings read it too
    is_default = Path(default).resolve() == DATABASE and "DESCGEN_DATABASE_URL" not in env_file
    descgen = Path(sys.executable).with_name("descgen")
    if descgen.is_relative_to(Path.cwd()):
        descgen = descgen.relative_to(Path.cwd())
    prefix = "" if is_default else f"DESCGEN_DATABASE_URL={shlex.quote(database_url)} "
    print(f"\n=== explore what the demo made ({database_url}), from {Path.cwd()} ===")
    for command in (
        f"status {store}",
        f"quality {store}",
        f"review list {store}",
        f"show {store} {SAMPLE_PRODUCT} de",
        f"export {store} --format csv --dir descgen-published",
        f"voice show {store}",
        f"costs --store {store}",
        "--help",
    ):
        print(f"{prefix}{descgen} {command}")


if __name__ == "__main__":
    sys.exit(main())
