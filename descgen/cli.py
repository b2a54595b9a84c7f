"""``descgen``: the commands an operator runs by hand.

descgen migrate                      create or upgrade the database schema
descgen load-catalog FILE            load a catalog document (store, languages, products)
descgen status STORE                 tasks by state and the store's batches
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from descgen.db import migrate
from descgen.db.catalog import load_catalog
from descgen.db.session import make_engine, session_scope
from descgen.db.status import batches, task_states
from descgen.settings import get_settings


def _database_url() -> str:
    return get_settings().database_url


def cmd_migrate(_: argparse.Namespace) -> int:
    migrate.upgrade(_database_url())
    print("database at head")
    return 0


def cmd_load_catalog(args: argparse.Namespace) -> int:
    with session_scope(make_engine(_database_url())) as session:
        store_id, written = load_catalog(session, json.loads(Path(args.file).read_text()))
    print(f"store {store_id}: {written} products written")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    with session_scope(make_engine(_database_url())) as session:
        states = task_states(session, args.store)
        print(f"tasks of {args.store}: " + ", ".join(f"{state} {count}" for state, count in sorted(states.items())))
        for batch in batches(session, args.store):
            print(f"  {batch.id}  {batch.state:<9} {batch.record_count:>6} records  job {batch.job_status or '-'}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="descgen", description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="create or upgrade the database schema").set_defaults(run=cmd_migrate)
    load = commands.add_parser("load-catalog", help="load a catalog document")
    load.add_argument("file")
    load.set_defaults(run=cmd_load_catalog)
    status = commands.add_parser("status", help="tasks by state and batches of a store")
    status.add_argument("store")
    status.set_defaults(run=cmd_status)
    args = parser.parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
