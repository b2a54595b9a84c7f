"""``descgen``: the commands an operator runs by hand.

descgen migrate                      create or upgrade the database schema
descgen load-catalog FILE            load a catalog (descgen's JSON, or JSON Lines); [--skip-invalid]
descgen catalog schema               the catalog format as JSON Schema
descgen status STORE                 tasks by state and the store's batches
descgen voice show STORE             the store's brand voice (JSON) and its version
descgen voice set STORE FILE         a new voice version from a JSON file (regenerates the store once)
descgen quality STORE [--batch ID]   the quality report: pass rates, reasons, worst answers, duplicates
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.orm import Session

from descgen.catalog_import import CatalogError, read_catalog, schema
from descgen.db import migrate
from descgen.db.catalog import load_parsed, mark_human_edited, sync_tasks
from descgen.db.descriptions import roll_back_batch
from descgen.db.models import Batch, Store
from descgen.db.session import make_engine, session_scope
from descgen.db.status import batches, monthly_costs, quality_report, task_states
from descgen.db.voices import VoiceError, current_voice, parse_voice, set_voice
from descgen.quality.report import render
from descgen.settings import DatabaseSettings, get_settings
from descgen.verdicts import PublishRules


def _database_url() -> str:
    return DatabaseSettings().database_url  # the AWS locations are not needed to read the database


def cmd_migrate(_: argparse.Namespace) -> int:
    migrate.upgrade(_database_url())
    print("database at head")
    return 0


def cmd_load_catalog(args: argparse.Namespace) -> int:
    try:
        catalog = read_catalog(Path(args.file), skip_invalid=args.skip_invalid)
    except (OSError, CatalogError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        with session_scope(make_engine(_database_url())) as session:
            store_id, written = load_parsed(session, catalog)
    except CatalogError as error:
        print(f"error: {args.file}: {error}", file=sys.stderr)
        return 2
    for problem in catalog.problems:
        print(f"skipped: {problem}", file=sys.stderr)
    skipped = f", {len(catalog.problems)} invalid rows skipped" if catalog.problems else ""
    print(f"store {store_id}: {len(catalog.products)} products read, {written} written{skipped}")
    return 0


def cmd_catalog_schema(_: argparse.Namespace) -> int:
    print(json.dumps(schema(), indent=2, ensure_ascii=False))
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    with session_scope(make_engine(_database_url())) as session:
        states = task_states(session, args.store)
        print(f"tasks of {args.store}: " + ", ".join(f"{state} {count}" for state, count in sorted(states.items())))
        for batch in batches(session, args.store):
            print(f"  {batch.id}  {batch.state:<9} {batch.record_count:>6} records  job {batch.job_status or '-'}")
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    model_id = args.model or get_settings().model_id
    with session_scope(make_engine(_database_url())) as session:
        report = sync_tasks(session, args.store, model_id)
    print(
        f"{args.store}: {report.created} new and {report.marked_pending} changed tasks to send, "
        f"{report.unchanged} unchanged, {report.in_flight} in flight, {report.human_edited} human-edited"
    )
    return 0


def cmd_mark_human_edited(args: argparse.Namespace) -> int:
    html = Path(args.file).read_text()
    with session_scope(make_engine(_database_url())) as session:
        version = mark_human_edited(
            session, args.store, args.product, args.language, html, PublishRules.from_settings(get_settings())
        )
    print(f"{args.store} {args.product}/{args.language}: human-edited text saved as version {version}")
    return 0


def cmd_rollback_batch(args: argparse.Namespace) -> int:
    with session_scope(make_engine(_database_url())) as session:
        batch = session.get(Batch, args.batch)
        if batch is None:
            print(f"no batch {args.batch}", file=sys.stderr)
            return 1
        report = roll_back_batch(session, batch)
    if report.already_rolled_back:
        print(f"batch {args.batch} was already rolled back; nothing changed")
        return 0
    print(
        f"batch {args.batch}: {report.restored} descriptions restored, {report.removed} removed, "
        f"{len(report.kept_newer)} kept (changed since), {report.tasks_skipped} tasks marked skipped"
    )
    return 0


def _no_store(session: Session, store_id: str) -> bool:
    """True, with a one-line error, when the store does not exist (a typo must not answer with defaults)."""
    if session.get(Store, store_id) is not None:
        return False
    print(f"error: no store {store_id!r} (load its catalog first, or check the spelling)", file=sys.stderr)
    return True


def cmd_voice_show(args: argparse.Namespace) -> int:
    with session_scope(make_engine(_database_url())) as session:
        if _no_store(session, args.store):
            return 2
        version, voice = current_voice(session, args.store)
    label = f"version {version}" if version else "the default voice (never set)"
    print(f"# brand voice of {args.store}: {label}, prompt digest {voice.prompt_digest()}")
    print(voice.model_dump_json(indent=2))
    return 0


def cmd_voice_set(args: argparse.Namespace) -> int:
    try:
        data = json.loads(Path(args.file).read_text())
    except (OSError, ValueError) as error:
        print(f"error: {args.file}: {error}", file=sys.stderr)
        return 2
    try:
        voice = parse_voice(data, args.file)
        with session_scope(make_engine(_database_url())) as session:
            _, before = current_voice(session, args.store)
            version, changed = set_voice(session, args.store, voice)
    except VoiceError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if not changed:
        print(f"{args.store}: the voice is already version {version}; nothing changed")
    elif before.prompt_digest() == voice.prompt_digest():
        print(f"{args.store}: voice version {version}; only the gate's policy changed, nothing is regenerated")
    else:
        print(
            f"{args.store}: voice version {version}; the next sync regenerates the store's descriptions once "
            "(run generate-descriptions with dry_run=true to see what it will cost)"
        )
    return 0


def cmd_quality(args: argparse.Namespace) -> int:
    with session_scope(make_engine(_database_url())) as session:
        if _no_store(session, args.store):
            return 2
        if args.batch and session.get(Batch, args.batch) is None:
            print(f"error: no batch {args.batch!r} (descgen status {args.store} lists them)", file=sys.stderr)
            return 2
        print(render(quality_report(session, args.store, args.batch)))
    return 0


def cmd_costs(args: argparse.Namespace) -> int:
    with session_scope(make_engine(_database_url())) as session:
        rows = monthly_costs(session, args.store)
    print(
        f"{'store':<16} {'month':<8} {'batches':>7} {'records':>9} {'tokens in':>12} {'tokens out':>12} "
        f"{'spent USD':>10} {'on demand USD':>13} {'saved USD':>10}"
    )
    for row in rows:
        print(
            f"{row.store_id:<16} {row.month:<8} {row.batches:>7} {row.records:>9} {row.input_tokens:>12,} "
            f"{row.output_tokens:>12,} {row.cost_usd:>10.2f} {row.on_demand_cost_usd:>13.2f} {row.saved_usd:>10.2f}"
        )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="descgen", description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="create or upgrade the database schema").set_defaults(run=cmd_migrate)
    load = commands.add_parser("load-catalog", help="load a catalog: descgen's JSON, or JSON Lines (.jsonl)")
    load.add_argument("file")
    load.add_argument(
        "--skip-invalid", action="store_true", help="load the valid rows and list the bad ones (default: load nothing)"
    )
    load.set_defaults(run=cmd_load_catalog)
    catalog_commands = commands.add_parser("catalog", help="the catalog format").add_subparsers(
        dest="catalog_command", required=True
    )
    catalog_commands.add_parser("schema", help="the catalog's JSON Schema").set_defaults(run=cmd_catalog_schema)
    status = commands.add_parser("status", help="tasks by state and batches of a store")
    status.add_argument("store")
    status.set_defaults(run=cmd_status)
    sync = commands.add_parser("sync", help="compare the catalog with the last descriptions; mark what changed")
    sync.add_argument("store")
    sync.add_argument("--model", help="the model the next run will use (default: the configured one)")
    sync.set_defaults(run=cmd_sync)
    human = commands.add_parser("mark-human-edited", help="save a person's text for a product and language")
    for name in ("store", "product", "language"):
        human.add_argument(name)
    human.add_argument("file", help="a file holding the HTML")
    human.set_defaults(run=cmd_mark_human_edited)
    rollback = commands.add_parser("rollback-batch", help="undo what a batch wrote")
    rollback.add_argument("batch")
    rollback.set_defaults(run=cmd_rollback_batch)
    voice = commands.add_parser("voice", help="show or set a store's brand voice").add_subparsers(
        dest="voice_command", required=True
    )
    show = voice.add_parser("show", help="the store's brand voice and its version")
    show.add_argument("store")
    show.set_defaults(run=cmd_voice_show)
    set_ = voice.add_parser("set", help="a new voice version from a JSON file")
    set_.add_argument("store")
    set_.add_argument("file", help="a JSON file holding the voice (descgen/quality/voice.py)")
    set_.set_defaults(run=cmd_voice_set)
    quality = commands.add_parser("quality", help="the quality report of a store (or one batch)")
    quality.add_argument("store")
    quality.add_argument("--batch", help="one batch only")
    quality.set_defaults(run=cmd_quality)
    costs = commands.add_parser("costs", help="real cost per store and month")
    costs.add_argument("--store")
    costs.set_defaults(run=cmd_costs)
    args = parser.parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
