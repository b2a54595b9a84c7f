"""``descgen``: the commands an operator runs by hand (Typer; ``descgen --help`` lists them).

Errors are one line on stderr in plain words, never a traceback (``descgen --debug ...``
adds it): exit status 2 for bad input (an unknown store, language, batch or model, a
bad file or setting), 1 for a failure (the database unreachable, anything unexpected).
Commands raise; ``explain`` is the one place that turns an exception into the line and
the status. They need only ``DESCGEN_DATABASE_URL`` (plus optional settings with
defaults), never an AWS location (but ``dlq list``, which reads the dead-letter queue).

Adding a command: a function under ``@app.command("name")`` (or a sub-app's) whose
docstring is its help, arguments typed with the aliases below (``StoreArg``, ...) or
with ``typer.Argument(help=...)``; open the database with ``database()``, check names
with ``check_names``, raise on bad input. A group of commands is a sub-app:
``review_app = typer.Typer(help=..., no_args_is_help=True)`` and
``app.add_typer(review_app, name="review")``. An exception that means bad input joins
``BAD_INPUT_ERRORS``.
"""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from copy import copy
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic import ValidationError
from sqlalchemy import Engine, inspect
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session

from descgen.aws.clients import make_clients, session_from_settings
from descgen.catalog_import import CatalogError, schema
from descgen.db import migrate
from descgen.db.batch_figures import recent_cost_trends
from descgen.db.catalog import existing_store, import_catalog, mark_human_edited, sync_tasks
from descgen.db.models import Batch, Store
from descgen.db.outbox import dead_rows, redrive
from descgen.db.review import ReviewReport, VersionView, approve, drafts, history, history_of_version, reject
from descgen.db.rollback import regenerate_removed, roll_back_batch, undo_rollback
from descgen.db.session import make_engine, session_scope
from descgen.db.status import batches, monthly_costs, quality_report, task_states
from descgen.db.stores import check_names
from descgen.db.voices import VoiceError, current_voice, parse_voice, set_voice
from descgen.dead_letters import described
from descgen.formats import count, money
from descgen.generation import structured_for
from descgen.human_text import HumanTextRefused, checked_human_text
from descgen.lifecycle import LIVE_VERSIONS
from descgen.model_catalog import ModelInfo, ModelRefused, check_usable, resolve_models
from descgen.prompts import prompt_version
from descgen.publishing.export import ExportFormat, export
from descgen.quality.report import render
from descgen.redrive import explain_dead_letters
from descgen.review import text_diff
from descgen.settings import DatabaseSettings, Settings
from descgen.stores import UnknownName
from descgen.trends import TREND_COLUMNS, TREND_DAYS, Period, trend_cells
from descgen.verdicts import PublishRules

BAD_INPUT = 2
FAILURE = 1
INTERRUPTED = 130


class BadInput(ValueError):
    """A file or setting the operator gave that descgen cannot use; the message names it."""


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached, does not exist, or has no descgen tables; the message names its URL."""


# Bad input: exit status 2. Everything else is a failure: 1.
BAD_INPUT_ERRORS: tuple[type[BaseException], ...] = (
    BadInput,
    UnknownName,
    ModelRefused,
    CatalogError,
    VoiceError,
    HumanTextRefused,
)


def explain(error: BaseException) -> tuple[int, str]:
    """The exit status and the one line an error is answered with: the one place that maps them."""
    if isinstance(error, typer.TyperException):  # Typer's own: a missing argument, an unknown option, a bad FILE
        context = getattr(error, "ctx", None)
        command = context.command_path if context else "descgen"
        return error.exit_code, f"{error.format_message()} (see {command} --help)"
    if isinstance(error, BAD_INPUT_ERRORS):
        return BAD_INPUT, str(error)
    if isinstance(error, KeyboardInterrupt | typer.Abort):
        return INTERRUPTED, "interrupted"
    if isinstance(error, DatabaseUnavailable):
        return FAILURE, str(error)
    if isinstance(error, DBAPIError):
        return FAILURE, f"database error: {error.orig}"
    if isinstance(error, SQLAlchemyError):
        return FAILURE, f"database error: {error}"
    return FAILURE, f"unexpected {type(error).__name__}: {error} (run it again with --debug for the traceback)"


def main(argv: Sequence[str] | None = None) -> int:
    """The ``descgen`` entry point: the command's exit status; any error is one line on stderr."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    if debug:  # accepted anywhere on the line, not only before the command
        args.remove("--debug")
        args.insert(0, "--debug")
    try:
        status = typer.main.get_command(app).main(args, prog_name="descgen", standalone_mode=False)
    except (Exception, KeyboardInterrupt) as error:
        if type(error).__name__ == "NoArgsIsHelpError":  # "descgen" or "descgen voice" alone: Typer showed the help
            print(error, end="")  # empty when Rich printed it already
            return BAD_INPUT
        status, message = explain(error)
        if debug:
            traceback.print_exception(error)
        print(f"error: {' '.join(message.split())}", file=sys.stderr)
    return status if isinstance(status, int) else 0


# --- what the commands read: the database, and a few settings with defaults ---------


def _as_in_settings(name: str) -> Any:
    """``Settings``' own field (type check, default, description): read here without the AWS locations."""
    return copy(Settings.model_fields[name])


class CommandSettings(DatabaseSettings):
    """What the commands read beyond the database: the same fields and defaults as ``Settings``."""

    model_id: str = _as_in_settings("model_id")
    models: dict[str, dict[str, Any]] = _as_in_settings("models")
    allowed_tags: frozenset[str] = _as_in_settings("allowed_tags")
    allowed_attributes: dict[str, frozenset[str]] = _as_in_settings("allowed_attributes")
    max_description_chars: int = _as_in_settings("max_description_chars")
    structured_output: bool = _as_in_settings("structured_output")

    def catalog(self) -> dict[str, ModelInfo]:
        return resolve_models(self.models)

    def model(self, model_id: str) -> ModelInfo:
        return check_usable(self.catalog(), model_id)

    def publish_rules(self) -> PublishRules:
        return PublishRules(self.allowed_tags, self.allowed_attributes, self.max_description_chars)


@lru_cache
def settings() -> CommandSettings:
    return _from_environment(CommandSettings)


_Settings = TypeVar("_Settings", bound=DatabaseSettings)


def _from_environment(kind: type[_Settings]) -> _Settings:
    try:
        return kind()
    except ValidationError as error:
        first = error.errors()[0]
        name = "DESCGEN_" + "__".join(str(part) for part in first["loc"]).upper()
        raise BadInput(f"setting {name}: {first['msg']}") from error


@contextmanager
def database(*, migrated: bool = True) -> Iterator[Session]:
    """A session on ``DESCGEN_DATABASE_URL``, once it answers (and has descgen's tables, unless ``migrated=False``)."""
    url = settings().database_url
    try:
        engine = make_engine(url)
    except ArgumentError as error:
        raise BadInput(f"DESCGEN_DATABASE_URL is not a database URL SQLAlchemy understands: {error}") from error
    try:
        _check_reachable(engine, migrated=migrated)
        with session_scope(engine) as session:
            yield session
    finally:
        engine.dispose()


def _check_reachable(engine: Engine, *, migrated: bool) -> None:
    shown = engine.url.render_as_string(hide_password=True)
    path = Path(engine.url.database or ":memory:")
    on_disk = engine.url.get_backend_name() == "sqlite" and path.name != ":memory:"
    if migrated and on_disk and not path.exists():  # connecting would create an empty file
        raise DatabaseUnavailable(
            f"no database at {shown} ({Path(path).resolve()} does not exist): run descgen migrate or make demo, "
            "or set DESCGEN_DATABASE_URL"
        )
    try:
        with engine.connect() as connection:
            has_tables = inspect(connection).has_table(Store.__tablename__)
    except DBAPIError as error:
        raise DatabaseUnavailable(f"cannot reach the database at {shown}: {error.orig}") from error
    if migrated and not has_tables:
        raise DatabaseUnavailable(f"the database at {shown} has no descgen tables: run descgen migrate first")


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise BadInput(f"{path}: not UTF-8 text") from error


def read_json(path: Path) -> object:
    try:
        return json.loads(read_text(path))
    except ValueError as error:
        raise BadInput(f"{path}: not JSON ({error})") from error


# --- the app ---------------------------------------------------------------------------

app = typer.Typer(
    name="descgen",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
catalog_app = typer.Typer(help="The catalog format.", no_args_is_help=True)
voice_app = typer.Typer(help="Show or set a store's brand voice.", no_args_is_help=True)
review_app = typer.Typer(help="Read, approve and reject the drafts held for review.", no_args_is_help=True)
outbox_app = typer.Typer(help="What waits to go to the shop: dead rows, and sending them again.", no_args_is_help=True)
dlq_app = typer.Typer(help="The results' dead-letter queue: what is in it, and why.", no_args_is_help=True)
app.add_typer(catalog_app, name="catalog")
app.add_typer(voice_app, name="voice")
app.add_typer(review_app, name="review")
app.add_typer(outbox_app, name="outbox")
app.add_typer(dlq_app, name="dlq")

StoreArg = Annotated[
    str, typer.Argument(metavar="STORE", help="the store's id, as in its catalog (e.g. demo)", show_default=False)
]
BatchArg = Annotated[
    str,
    typer.Argument(
        metavar="BATCH", help="a batch id, as descgen status STORE lists them (e.g. demo-20261126021500-3f9a2c)"
    ),
]


def input_file(description: str) -> Any:
    """A FILE argument that must exist and be readable (else exit 2 before anything runs)."""
    return typer.Argument(
        metavar="FILE", help=description, exists=True, dir_okay=False, readable=True, show_default=False
    )


@app.callback()
def options(
    debug: Annotated[
        bool, typer.Option("--debug", help="on an error, print the Python traceback too (anywhere on the line)")
    ] = False,
) -> None:
    """SEO product descriptions through Amazon Bedrock batch inference: the operator's commands.

    They read the database at DESCGEN_DATABASE_URL (default: the one make demo writes).
    """
    # main() reads --debug itself: it must hold for errors Click raises before this runs


@app.command("migrate")
def migrate_database() -> None:
    """Create or upgrade the database schema (Alembic)."""
    with database(migrated=False):
        pass  # reachable: Alembic's own errors would say less
    migrate.upgrade(settings().database_url)
    print("database at head")


@app.command("load-catalog")
def load_catalog(
    file: Annotated[
        Path,
        input_file(
            "a catalog: descgen's JSON, JSON Lines (.jsonl), descgen's CSV or Shopify's product export (.csv); "
            "descgen catalog schema"
        ),
    ],
    store: Annotated[
        str | None,
        typer.Option("--store", help="the store a CSV file is for (a CSV names none; the store must exist)"),
    ] = None,
    partial: Annotated[
        bool, typer.Option("--partial", help="only add and change: products the file does not have are left alone")
    ] = False,
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="load the valid rows and list the bad ones (default: load nothing)")
    ] = False,
) -> None:
    """Load a catalog: the store, its languages and its products, streamed.

    A full import (the default) archives the store's products the file does not have: no
    new tasks, descriptions kept; a later file that has them restores them.
    """
    progress = _RowsRead() if sys.stderr.isatty() else None
    with database() as session:
        given = existing_store(session, store) if store is not None else None
        try:
            report = import_catalog(
                session, file, partial=partial, skip_invalid=skip_invalid, store=given, progress=progress
            )
        finally:
            if progress is not None:
                progress.done()
    for problem in report.problems:
        print(f"skipped: {problem}", file=sys.stderr)
    if report.skipped > len(report.problems):
        print(f"skipped: {count(report.skipped - len(report.problems))} more invalid rows", file=sys.stderr)
    print(
        f"store {report.store_id}: {count(report.read)} products read, {count(report.written)} written, "
        f"{count(report.archived)} archived (not in the file), {count(report.restored)} restored"
        + (f", {count(report.skipped)} invalid rows skipped" if report.skipped else "")
    )


class _RowsRead:
    """A progress line on the terminal: rows read so far, rewritten in place."""

    def __call__(self, rows: int) -> None:
        print(f"\r  {count(rows)} rows read", end="", file=sys.stderr, flush=True)

    def done(self) -> None:
        print(file=sys.stderr)


@catalog_app.command("schema")
def catalog_schema() -> None:
    """Print the catalog format as JSON Schema."""
    print(json.dumps(schema(), indent=2, ensure_ascii=False))


@app.command("status")
def show_status(store: StoreArg) -> None:
    """Tasks by state, and the store's batches with their jobs."""
    with database() as session:
        check_names(session, store)
        states = task_states(session, store)
        print(f"tasks of {store}: " + ", ".join(f"{state} {count(n)}" for state, n in sorted(states.items())))
        for batch in batches(session, store):
            print(
                f"  {batch.id}  {batch.state:<9} {count(batch.record_count):>6} records  job {batch.job_status or '-'}"
            )


@app.command("sync")
def sync(
    store: StoreArg,
    model: Annotated[
        str | None,
        typer.Option(help="the model id the next run will use, from the model catalog (default: DESCGEN_MODEL_ID)"),
    ] = None,
    full: Annotated[
        bool, typer.Option(help="read every product, not only those changed since their last sync")
    ] = False,
) -> None:
    """Compare the catalog with the last descriptions; mark pending what changed."""
    model_id = model or settings().model_id
    with database() as session:
        check_names(session, store, model_id=model_id, models=settings().catalog())
        prompt = prompt_version(structured_for(settings(), model_id))  # what generate-descriptions sends
        report = sync_tasks(session, store, model_id, prompt, full=full)
    print(
        f"{store}: {report.created} new and {report.marked_pending} changed tasks to send, "
        f"{report.unchanged} unchanged, {report.in_flight} in flight, {report.human_edited} human-edited, "
        f"{report.products_read} products read (the others unchanged since their last sync)"
    )


@app.command("mark-human-edited")
def save_human_text(
    store: StoreArg,
    product: Annotated[
        str, typer.Argument(metavar="PRODUCT", help="the product's id in the store's catalog", show_default=False)
    ],
    language: Annotated[
        str, typer.Argument(metavar="LANG", help="one of the store's language ids (e.g. en)", show_default=False)
    ],
    file: Annotated[Path, input_file("a file holding the HTML; refused if the sanitizer would remove anything")],
) -> None:
    """Save a person's text for a product and language: no AI result will overwrite it.

    Refused, with the reason, if the allowlist would remove part of it (a link, a tag)
    or if it is shorter than the store's voice asks for the language.
    """
    html = read_text(file)
    with database() as session:
        check_names(session, store, [language])
        _, voice = current_voice(session, store)
        rules = settings().publish_rules().with_tags(voice.allowed_tags)
        html = checked_human_text(html, language, rules, voice.length_for(language))
        version = mark_human_edited(session, store, product, language, html, rules)
    print(f"{store} {product}/{language}: human-edited text saved as version {version}")


@app.command("rollback-batch")
def rollback_batch(
    batch_id: BatchArg,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="say what would change; change nothing")] = False,
    undo: Annotated[bool, typer.Option("--undo", help="undo the batch's rollback: its texts come back")] = False,
) -> None:
    """Undo what a batch wrote (each text back to the one before it), recorded as new versions.

    Texts changed since (a later batch, a person) are kept. --undo puts the batch's texts
    back where its rollback's are still current, byte for byte.
    """
    with database() as session:
        batch = _batch(session, batch_id)
        report = (undo_rollback if undo else roll_back_batch)(session, batch, dry_run=dry_run)
        if dry_run:
            session.rollback()
    if report.already_rolled_back:
        print(f"batch {batch_id} was already rolled back; nothing changed (--undo puts its texts back)")
        return
    if report.not_rolled_back:
        print(f"batch {batch_id} is not rolled back; nothing to undo")
        return
    would = "would be " if dry_run else ""
    print(
        f"batch {batch_id}{' (dry run, nothing changed)' if dry_run else ''}: {report.restored} texts {would}restored, "
        f"{report.removed} {would}removed, {len(report.kept_newer)} kept (changed since)"
        + ("" if undo or dry_run else f", {report.tasks_skipped} tasks marked skipped")
    )
    for product, language in report.kept_newer[:20]:
        print(f"  kept {product}/{language}: changed since")
    if report.left_without:
        listed = ", ".join(f"{product}/{language}" for product, language in report.left_without[:20])
        more = f" and {len(report.left_without) - 20} more" if len(report.left_without) > 20 else ""
        print(
            f"{len(report.left_without)} products {would}left without a description: {listed}{more}\n"
            f"  to generate them again: descgen regenerate {batch_id}"
        )


@app.command("regenerate")
def regenerate(batch_id: BatchArg) -> None:
    """The rolled-back batch's products left without a description: pending again (the next run buys them)."""
    with database() as session:
        again = regenerate_removed(session, _batch(session, batch_id))
    listed = ", ".join(f"{product}/{language}" for product, language in again[:20])
    print(f"{len(again)} tasks pending again{': ' + listed if again else ''}")


def _batch(session: Session, batch_id: str) -> Batch:
    batch = session.get(Batch, batch_id)
    if batch is None:
        raise UnknownName(f"no batch {batch_id!r} (descgen status STORE lists a store's batches)")
    return batch


@voice_app.command("show")
def show_voice(store: StoreArg) -> None:
    """The store's brand voice (JSON) and its version."""
    with database() as session:
        check_names(session, store)
        version, voice = current_voice(session, store)
    label = f"version {version}" if version else "the default voice (never set)"
    print(f"# brand voice of {store}: {label}, prompt digest {voice.prompt_digest()}")
    print(voice.model_dump_json(indent=2))


@voice_app.command("set")
def set_store_voice(
    store: StoreArg,
    file: Annotated[Path, input_file("a JSON file holding the voice (fields: descgen/quality/voice.py)")],
) -> None:
    """A new voice version from a JSON file; says whether the store will be regenerated."""
    voice = parse_voice(read_json(file), str(file))
    with database() as session:
        check_names(session, store)
        _, before = current_voice(session, store)
        version, changed = set_voice(session, store, voice)
    if not changed:
        print(f"{store}: the voice is already version {version}; nothing changed")
    elif before.prompt_digest() == voice.prompt_digest():
        print(f"{store}: voice version {version}; only the gate's policy changed, nothing is regenerated")
    else:
        print(
            f"{store}: voice version {version}; the next sync regenerates the store's descriptions once "
            "(run generate-descriptions with dry_run=true to see what it will cost)"
        )


@app.command("quality")
def show_quality(
    store: StoreArg,
    batch_id: Annotated[str | None, typer.Option("--batch", help="one batch of the store only")] = None,
) -> None:
    """The quality report: pass rates, reasons, worst answers, near-duplicates."""
    with database() as session:
        check_names(session, store)
        if batch_id and batch_id not in {batch.id for batch in batches(session, store)}:  # pooled ones included
            raise UnknownName(f"store {store!r} has no batch {batch_id!r} (descgen status {store} lists them)")
        print(render(quality_report(session, store, batch_id)))


@app.command("costs")
def show_costs(
    store: Annotated[str | None, typer.Option(help="only this store (default: every store)")] = None,
    per: Annotated[Period, typer.Option(help="the trend's rows: one per day or per week")] = "day",
    days: Annotated[int, typer.Option(min=1, max=366, help="how far back the trend goes")] = TREND_DAYS,
) -> None:
    """Real cost per store and month, batch against on demand; then the trend of the last days per store and
    model: batches, tokens, cost, cost per 1K tokens and median turnaround."""
    with database() as session:
        if store is not None:
            check_names(session, store)
        rows = monthly_costs(session, store)
        trend = recent_cost_trends(session, per, datetime.now(UTC), store, days)
    print(
        f"{'store':<16} {'month':<8} {'batches':>7} {'records':>9} {'tokens in':>13} {'tokens out':>13} "
        f"{'spent':>13} {'on demand':>13} {'saved':>13}"
    )
    for row in rows:
        print(
            f"{row.store_id:<16} {row.month:<8} {count(row.batches):>7} {count(row.records):>9} "
            f"{count(row.input_tokens):>13} {count(row.output_tokens):>13} {money(row.cost_usd):>13} "
            f"{money(row.on_demand_cost_usd):>13} {money(row.saved_usd):>13}"
        )
    print(f"\nthe last {days} days per store, model and {per}:")
    _print_columns([TREND_COLUMNS, *(trend_cells(row, per) for row in trend)], text_columns=3)
    if not trend:
        print("(no batch ended)")


def _print_columns(lines: Sequence[Sequence[str]], text_columns: int) -> None:
    """Aligned columns: the first ``text_columns`` to the left, the figures after them to the right."""
    widths = [max(len(line[column]) for line in lines) for column in range(len(lines[0]))]
    for line in lines:
        cells = [
            cell.ljust(width) if column < text_columns else cell.rjust(width)
            for column, (cell, width) in enumerate(zip(line, widths, strict=True))
        ]
        print("  ".join(cells).rstrip())


# --- review, history, export, the outbox ------------------------------------------------

VersionIds = Annotated[
    list[int] | None,
    typer.Argument(
        metavar="VERSION...", help="version ids, as descgen review list STORE shows them", show_default=False
    ),
]
AllDrafts = Annotated[bool, typer.Option("--all", help="every draft of the store (or of --batch)")]
OneBatch = Annotated[str | None, typer.Option("--batch", help="one batch's drafts only")]
Reviewer = Annotated[
    str, typer.Option("--reviewer", help="who decides, recorded with each version", envvar="USER", show_default=False)
]
Note = Annotated[str | None, typer.Option("--note", help="why; a regenerated text's prompt quotes it")]


@review_app.command("list")
def review_list(
    store: StoreArg,
    batch_id: OneBatch = None,
    limit: Annotated[int, typer.Option(min=1, help="show at most this many")] = 50,
) -> None:
    """The drafts waiting for review, oldest first, with why each was held."""
    with database() as session:
        check_names(session, store)
        held = drafts(session, store, batch_id=batch_id, limit=limit)
    if not held:
        print(f"{store}: nothing is waiting for review")
    for version in held:
        why = "; ".join(version.reasons) or "held by the store's policy"
        print(f"{version.id:>8}  {version.product}/{version.language_id}  batch {version.batch_id or '-'}  {why}")


@review_app.command("show")
def review_show(store: StoreArg, version_id: Annotated[int, typer.Argument(metavar="VERSION")]) -> None:
    """One version: its text, why it was held, and its difference from the current text."""
    with database() as session:
        check_names(session, store)
        found = [v for v in history_of_version(session, store, version_id)]
    if not found:
        raise UnknownName(f"store {store!r} has no version {version_id} (descgen review list {store})")
    _print_history(found, focus=version_id)


@review_app.command("approve")
def review_approve(
    store: StoreArg,
    versions: VersionIds = None,
    all_drafts: AllDrafts = False,
    batch_id: OneBatch = None,
    reviewer: Reviewer = "operator",
    note: Note = None,
) -> None:
    """Approve drafts: each becomes the current text and is queued for the shop."""
    with database() as session:
        ids = _chosen(session, store, versions, all_drafts, batch_id)
        report = approve(session, store, ids, reviewer=reviewer, note=note)
    _print_review(report)


@review_app.command("reject")
def review_reject(
    store: StoreArg,
    versions: VersionIds = None,
    all_drafts: AllDrafts = False,
    batch_id: OneBatch = None,
    reviewer: Reviewer = "operator",
    note: Note = None,
    leave_to_a_person: Annotated[
        bool, typer.Option("--leave-to-a-person", help="do not generate it again; a person writes it")
    ] = False,
) -> None:
    """Reject drafts: each is generated again with the note in its prompt (or left to a person)."""
    with database() as session:
        ids = _chosen(session, store, versions, all_drafts, batch_id)
        report = reject(session, store, ids, reviewer=reviewer, note=note, retry=not leave_to_a_person)
    _print_review(report)


@app.command("show")
def show_text(
    store: StoreArg,
    product: Annotated[str, typer.Argument(metavar="PRODUCT", help="the product's id in the store's catalog")],
    language: Annotated[str, typer.Argument(metavar="LANG", help="one of the store's language ids")],
) -> None:
    """A product's text in one language: every version (drafts and rejected ones too) and the last change as a diff."""
    with database() as session:
        check_names(session, store, [language])
        versions = history(session, store, product, language)
    if not versions:
        raise UnknownName(f"store {store!r} has no text for {product}/{language} (descgen status {store})")
    _print_history(versions, focus=versions[-1].id)


@app.command("export")
def export_texts(
    store: StoreArg,
    since: Annotated[
        datetime | None,
        typer.Option(
            help="only texts approved since then (ISO time, UTC if no zone given)",
            formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S%z"],
        ),
    ] = None,
    file_format: Annotated[
        ExportFormat,
        typer.Option("--format", help="jsonl (one line per text) or csv (Shopify's product import, per language)"),
    ] = "jsonl",
    directory: Annotated[Path, typer.Option("--dir", help="where the files go", file_okay=False)] = Path("."),
) -> None:
    """The store's current texts as files a shop imports: JSON Lines or Shopify product CSV."""
    when = since.replace(tzinfo=UTC) if since is not None and since.tzinfo is None else since
    directory.mkdir(parents=True, exist_ok=True)
    with database() as session:
        paths = export(session, store, directory=directory, since=when, format=file_format)
    if not paths:
        print(f"{store}: nothing to export")
    for path in paths:
        print(f"wrote {path}")


@outbox_app.command("dead")
def outbox_dead(store: Annotated[str | None, typer.Argument(metavar="[STORE]", help="one store only")] = None) -> None:
    """Outbox rows out of attempts: what the shop never got, and why."""
    with database() as session:
        if store is not None:
            check_names(session, store)
        rows = dead_rows(session, store)
    if not rows:
        print("no dead outbox rows")
    for row in rows:
        print(
            f"{row.outbox_id:>8}  {row.store_id} {row.product}/{row.language_id} version {row.version_id}  "
            f"{row.attempts} attempts, dead since {row.dead_at:%Y-%m-%d %H:%M}: {row.last_error or '-'}"
        )


@outbox_app.command("redrive")
def outbox_redrive(
    store: StoreArg,
    ids: Annotated[
        list[int] | None, typer.Argument(metavar="[ID...]", help="outbox ids (default: every dead row)")
    ] = None,
) -> None:
    """Dead outbox rows due again, once their cause is fixed (the next publish run sends them)."""
    with database() as session:
        check_names(session, store)
        done = redrive(session, store, ids or None)
    print(f"{store}: {len(done.due)} rows due again, {len(done.superseded)} settled (a newer version replaced them)")
    if done.not_dead:
        raise BadInput(f"not dead rows of {store}: {', '.join(map(str, done.not_dead))}")


@dlq_app.command("list")
def dlq_list(limit: Annotated[int, typer.Option(min=1, help="show at most this many")] = 100) -> None:
    """The dead letters, each with its batch, why the drain left it, and the start of its body; none moves.

    Unlike the other commands it reads the AWS locations as the workers do (DESCGEN_DLQ_URL, ...).
    """
    aws = _from_environment(Settings)
    sqs = make_clients(session_from_settings(aws), aws).sqs
    with database() as session:
        report = explain_dead_letters(sqs, session, aws.dlq_url, limit)
    if not report.listed:
        print("the dead-letter queue is empty")
    for letter in report.listed:
        print(described(letter))


def _chosen(
    session: Session, store: str, versions: list[int] | None, all_drafts: bool, batch_id: str | None
) -> list[int]:
    check_names(session, store)
    if all_drafts == bool(versions):
        raise BadInput("name the versions, or give --all (with --batch for one batch), not both")
    if all_drafts:
        return [v.id for v in drafts(session, store, batch_id=batch_id)]
    return list(versions or [])


def _print_review(report: ReviewReport) -> None:
    print(
        f"{len(report.approved)} approved, {len(report.rejected)} rejected "
        f"({report.retried} to generate again, {report.left_to_a_person} left to a person)"
    )
    for problem in report.problems:
        print(f"  not changed: {problem}")
    if report.problems and not (report.approved or report.rejected):
        raise BadInput(f"nothing changed: {report.problems[0]}")


def _print_history(versions: Sequence[VersionView], *, focus: int) -> None:
    for version in versions:
        mark = "*" if version.id == focus else " "
        who = f", by {version.reviewed_by}" if version.reviewed_by else ""
        number = f"v{version.version}" if version.version else "-"
        print(
            f"{mark} {version.id:>8}  {number:<5} {version.status:<9} {version.source:<5} "
            f"{version.created_at:%Y-%m-%d %H:%M}{who}  {'; '.join(version.reasons)}"
        )
    shown = next(v for v in versions if v.id == focus)
    live_before = [v for v in versions if v.id < focus and v.status in LIVE_VERSIONS and v.html]
    print(f"\n--- version {shown.id} ({shown.status}) ---")
    print(f"meta title:       {shown.meta_title or '-'}\nmeta description: {shown.meta_description or '-'}")
    print(shown.html or "(no text: removed by a rollback)")
    if live_before:
        before = live_before[-1]
        print(f"\n--- what changed from version {before.id} ---")
        print(
            "\n".join(text_diff(before.html, shown.html, f"version {before.id}", f"version {shown.id}"))
            or "(same text)"
        )


if __name__ == "__main__":
    sys.exit(main())
