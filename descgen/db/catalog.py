"""The catalog side: stores, their languages, products, and which tasks need a run.

``import_catalog`` loads a catalog file as a stream: rows are read, checked and written
in chunks (``CHUNK_ROWS``) inside one savepoint, so memory holds one chunk whatever the
file's size, and any bad row (unless skipped) undoes everything, the store included.
A full import (the default) archives the store's products the file does not have
(``archived_at``; descriptions kept, never deleted); a product that comes back is
restored. A partial import leaves absent products alone.

Duplicate ids are found without holding the file's ids in memory: each import fills a
temporary table (``catalog_import_seen``: product id -> first row) chunk by chunk, asks
it for the ids of the next chunk, and the same table names the products a full import
did not have. It lives in the import's own transaction and connection.

``sync_tasks`` is the fingerprint step: it compares what would be sent now with
what each task was last generated from, and marks pending exactly the tasks whose
fingerprint changed. Everything else is left alone; archived products are skipped.
It streams: a page of products at a time, Core rows in, only the changes out, a commit
per page; what to write is decided by ``descgen.syncing`` (pure).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol, cast

from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Row as RowType
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import TableValuedAlias

from descgen.catalog_import import (
    CHUNK_ROWS,
    CatalogError,
    CatalogStream,
    ParsedCatalog,
    ProductIn,
    Row,
    StoreIn,
    chunks,
    open_catalog,
    parse_document,
    refusal,
    refuse_duplicates,
)
from descgen.contract.records import LANGUAGE_ID_PATTERN
from descgen.db.bulk import insert_rows, is_postgres, one_of, row_set, rows_of
from descgen.db.descriptions import write_version
from descgen.db.models import Description, GenerationTask, Language, Product, Store, StoreLanguage, utcnow
from descgen.db.voices import current_voice, set_voice
from descgen.lifecycle import TaskState, check_transition, legal_sources
from descgen.prompts import ProductFacts, prompt_version
from descgen.sanitize import sanitize_html
from descgen.stores import check_store_id
from descgen.syncing import FingerprintInputs, MadeFrom, PageSync, SyncedTask, inputs_digest, sync_page
from descgen.syncing import SyncReport as SyncReport  # where the generate side has always found it
from descgen.verdicts import PublishRules


class ProductFields(Protocol):
    """A product as the prompt sees it: an ORM ``Product`` or a Core row of its columns."""

    @property
    def external_id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def seo_keywords(self) -> list[str]: ...
    @property
    def attributes(self) -> dict[str, str]: ...


def facts(product: ProductFields) -> ProductFacts:
    return ProductFacts(
        product_id=product.external_id,
        title=product.title,
        keywords=tuple(product.seo_keywords),
        attributes=dict(product.attributes),
    )


def ensure_store(session: Session, store_id: str, name: str, languages: Mapping[str, str]) -> None:
    """Create or update a store and the languages it publishes in (id -> name)."""
    check_store_id(store_id)
    for language_id in languages:
        if not LANGUAGE_ID_PATTERN.fullmatch(language_id):
            raise CatalogError(
                f"language id {language_id!r} must match {LANGUAGE_ID_PATTERN.pattern} (it goes into the marker), e.g. en, pt-BR"
            )
    store = session.get(Store, store_id)
    if store is None:
        session.add(Store(id=store_id, name=name))
    else:
        store.name = name
    for language_id, language_name in languages.items():
        if session.get(Language, language_id) is None:
            session.add(Language(id=language_id, name=language_name))
    session.flush()
    existing = set(session.scalars(select(StoreLanguage.language_id).where(StoreLanguage.store_id == store_id)))
    for language_id in languages:
        if language_id not in existing:
            session.add(StoreLanguage(store_id=store_id, language_id=language_id))
    session.flush()


def existing_store(session: Session, store_id: str) -> StoreIn:
    """A store already in the database, as the store of a catalog file that names none (CSV)."""
    store = session.get(Store, store_id)
    if store is None:
        raise CatalogError(f"no store {store_id!r}: give its name and languages to create it")
    languages = session.execute(
        select(Language.id, Language.name)
        .join(StoreLanguage, StoreLanguage.language_id == Language.id)
        .where(StoreLanguage.store_id == store_id)
    )
    return StoreIn(id=store.id, name=store.name, languages={id_: name for id_, name in languages})


def plan_store(session: Session, store: StoreIn) -> None:
    """The schedule and budget a catalog file gives; a field the file leaves out keeps its value."""
    row = session.get_one(Store, store.id)
    if "schedule" in store.model_fields_set:
        row.schedule = store.schedule.model_dump() if store.schedule is not None else None
    if "monthly_budget_usd" in store.model_fields_set:
        row.monthly_budget_usd = store.monthly_budget_usd


class ProductChange(StrEnum):
    NEW = "new"
    CHANGED = "changed"
    RESTORED = "restored"  # archived, and in the file again (with or without changes)
    UNCHANGED = "unchanged"
    ARCHIVED = "archived"


@dataclass(frozen=True, slots=True)
class StoredProduct:
    """What an import compares a product row with."""

    id: int
    title: str
    seo_keywords: list[str]
    attributes: dict[str, str]
    archived: bool


def listed_product_change(stored: StoredProduct | None, incoming: ProductIn) -> ProductChange:
    """What an import does to a product its file has."""
    if stored is None:
        return ProductChange.NEW
    if stored.archived:
        return ProductChange.RESTORED
    now = (incoming.title, list(incoming.seo_keywords), dict(incoming.attributes))
    if (stored.title, stored.seo_keywords, stored.attributes) != now:
        return ProductChange.CHANGED
    return ProductChange.UNCHANGED


def absent_product_change(archived: bool, *, partial: bool) -> ProductChange:
    """What an import does to a product of the store its file does not have."""
    return ProductChange.ARCHIVED if not archived and not partial else ProductChange.UNCHANGED


_PRODUCTS = cast(Table, Product.__table__)


def upsert_products(session: Session, store_id: str, products: Sequence[ProductIn]) -> Counter[ProductChange]:
    """One chunk: insert new products, update changed ones, restore archived ones; counts by change."""
    stored = _stored_products(session, store_id, [product.id for product in products])
    changes: Counter[ProductChange] = Counter()
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for product in products:
        before = stored.get(product.id)
        change = listed_product_change(before, product)
        changes[change] += 1
        values = {
            "title": product.title,
            "seo_keywords": list(product.seo_keywords),
            "attributes": dict(product.attributes),
        }
        if before is None:
            inserts.append({"store_id": store_id, "external_id": product.id, **values})
        elif change != ProductChange.UNCHANGED:
            updates.append({"id": before.id, **values, "archived_at": None})
    if inserts:
        session.execute(insert(_PRODUCTS), inserts)  # Core rows: a chunk of new products need no ORM objects
    if updates:
        session.execute(update(Product), updates)
    restored = [stored[p.id].id for p in products if p.id in stored and stored[p.id].archived]
    if restored:
        _bring_back(session, restored)
    return changes


ARCHIVED_REASON = "product archived"  # a pending task set aside until its product is back


def _set_aside(session: Session, products: Any) -> None:
    """The pending tasks of archived products: skipped, so no batch claims them."""
    check_transition(0, TaskState.PENDING, TaskState.SKIPPED)
    session.execute(
        update(GenerationTask)
        .where(GenerationTask.product_id.in_(products), GenerationTask.state == TaskState.PENDING)
        .values(state=TaskState.SKIPPED, reason=ARCHIVED_REASON, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def _bring_back(session: Session, products: Sequence[int]) -> None:
    """The tasks the archive set aside, pending again (a task skipped for another reason stays)."""
    check_transition(0, TaskState.SKIPPED, TaskState.PENDING)
    now = utcnow()
    session.execute(
        update(GenerationTask)
        .where(
            GenerationTask.product_id.in_(products),
            GenerationTask.state == TaskState.SKIPPED,
            GenerationTask.reason == ARCHIVED_REASON,
        )
        .values(state=TaskState.PENDING, reason="product back in the catalog", pending_since=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )


def _stored_products(session: Session, store_id: str, external_ids: list[str]) -> dict[str, StoredProduct]:
    """The store's products with these ids, each found through the (store, id) unique index.

    Not ``external_id IN (...)``: without statistics (a store's first import, in one
    transaction) PostgreSQL plans that as a scan of the whole store's index filtered by the
    list, once per chunk, and an import grows with the square of its size. One probe per
    id can only use the unique index; the rows are then read by primary key.
    """
    wanted = _as_table(session, external_ids)
    probe = select(Product.id).where(Product.store_id == store_id, Product.external_id == wanted.c.value)
    ids = [id_ for id_ in session.scalars(select(probe.scalar_subquery()).select_from(wanted)) if id_ is not None]
    if not ids:
        return {}
    rows = session.execute(
        select(
            Product.id,
            Product.external_id,
            Product.title,
            Product.seo_keywords,
            Product.attributes,
            Product.archived_at,
        ).where(Product.id.in_(ids))
    )
    return {
        row.external_id: StoredProduct(row.id, row.title, row.seo_keywords, row.attributes, row.archived_at is not None)
        for row in rows
    }


def _as_table(session: Session, values: list[str]) -> TableValuedAlias:
    """The values as a one-column table (``value``), passed as one parameter."""
    if is_postgres(session):
        return func.unnest(literal(values, ARRAY(String))).table_valued("value").render_derived(name="wanted")
    return func.json_each(json.dumps(values)).table_valued("value").alias("wanted")


@dataclass
class LoadReport:
    """What one catalog import did."""

    store_id: str
    read: int = 0  # product rows read, good and bad
    written: int = 0  # products inserted or changed (restored ones included)
    archived: int = 0  # the store's products the file did not have, archived by this (full) import
    restored: int = 0  # archived products the file has again
    skipped: int = 0  # bad rows left out (skip_invalid)
    problems: list[str] = field(default_factory=list)  # the first MAX_LISTED_PROBLEMS bad rows, one line each


MAX_LISTED_PROBLEMS = 100  # a file of bad rows must not fill memory with its errors; ``skipped`` counts them all

# the product ids this import has read so far (good rows and bad), and the first row of each
_SEEN = Table(
    "catalog_import_seen",
    MetaData(),
    Column("external_id", String(64), primary_key=True),
    Column("first_row", Integer, nullable=False),
    prefixes=["TEMPORARY"],
)


def import_catalog(
    session: Session,
    path: Path,
    *,
    partial: bool = False,
    skip_invalid: bool = False,
    store: StoreIn | None = None,
    progress: Callable[[int], None] | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> LoadReport:
    """Load a catalog file, streamed (see the module's docstring); ``store`` for a CSV file.

    ``progress`` is called after each chunk with the number of product rows read so far.
    Raises ``CatalogError`` (one line naming file, row and field) and writes nothing when
    any row is bad, unless ``skip_invalid``: then the bad rows are left out and listed.
    """
    with open_catalog(path, store=store) as catalog:
        return load_stream(
            session, catalog, partial=partial, skip_invalid=skip_invalid, progress=progress, chunk_rows=chunk_rows
        )


def load_stream(
    session: Session,
    catalog: CatalogStream,
    *,
    partial: bool = False,
    skip_invalid: bool = False,
    progress: Callable[[int], None] | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> LoadReport:
    """An opened catalog's rows, chunk by chunk, in one savepoint: a refused file leaves nothing behind."""
    store = catalog.store
    report = LoadReport(store.id)
    with session.begin_nested():
        ensure_store(session, store.id, store.name, store.languages)
        plan_store(session, store)
        if store.voice is not None:
            set_voice(session, store.id, store.voice)
        _SEEN.create(session.connection())
        for chunk in chunks(catalog.rows, chunk_rows):
            rows, firsts = refuse_duplicates(chunk, _first_rows(session, chunk), catalog.id_field)
            if firsts:
                session.execute(insert(_SEEN), [{"external_id": id_, "first_row": row} for id_, row in firsts.items()])
            problems = [row.problem for row in rows if row.problem is not None]
            report.read += len(rows)
            report.skipped += len(problems)
            report.problems.extend(problems[: MAX_LISTED_PROBLEMS - len(report.problems)])
            if skip_invalid or not report.skipped:  # once refused, the rest is only checked, to count its bad rows
                changes = upsert_products(session, store.id, [row.product for row in rows if row.product is not None])
                report.written += sum(n for change, n in changes.items() if change != ProductChange.UNCHANGED)
                report.restored += changes[ProductChange.RESTORED]
            if progress is not None:
                progress(report.read)
        if report.skipped and not skip_invalid:
            raise CatalogError(refusal(report.problems[0], report.skipped))
        if absent_product_change(archived=False, partial=partial) == ProductChange.ARCHIVED:
            report.archived = _archive_absent(session, store.id)
        _SEEN.drop(session.connection())
    return report


def _first_rows(session: Session, rows: Sequence[Row]) -> dict[str, int]:
    """The first row of each of these rows' ids that an earlier chunk had."""
    ids = {row.id for row in rows if row.id is not None}
    if not ids:
        return {}
    found = session.execute(select(_SEEN.c.external_id, _SEEN.c.first_row).where(_SEEN.c.external_id.in_(ids)))
    return {external_id: row for external_id, row in found}


def _archive_absent(session: Session, store_id: str) -> int:
    """Archive, in one statement, the store's live products this import did not read."""
    result = session.execute(
        update(Product)
        .where(
            Product.store_id == store_id,
            Product.archived_at.is_(None),
            ~exists().where(_SEEN.c.external_id == Product.external_id),
        )
        .values(archived_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    archived = select(Product.id).where(Product.store_id == store_id, Product.archived_at.is_not(None))
    _set_aside(session, archived)
    return int(result.rowcount)  # type: ignore[attr-defined]  # an UPDATE's result is a CursorResult


SYNC_PAGE_PRODUCTS = 2_000  # products per page of a sync (x the store's languages: the tasks of one page)
_TASKS = cast(Table, GenerationTask.__table__)
# a product as the sync reads it: id, facts version, external id, title, keywords, attributes
ProductRead = RowType[int, int, str, str, list[str], dict[str, str]]
_SYNCED_COLUMNS = [_TASKS.c[column.name] for column in fields(SyncedTask)]  # a task row, in SyncedTask's order
_STATES = {state.value: state for state in TaskState}  # a dict lookup: TaskState(value) is slower, once a row


def sync_tasks(
    session: Session,
    store_id: str,
    model_id: str,
    prompt: str = prompt_version(structured=True),
    *,
    commit_pages: bool = True,
    page_products: int = SYNC_PAGE_PRODUCTS,
    full: bool = False,
) -> SyncReport:
    """One task per (product, store language); pending exactly where the fingerprint changed.

    ``prompt`` is ``prompts.prompt_version`` of the output format the model will be asked for.
    The rules are ``syncing.sync_pair``'s. Archived products (absent from the store's last
    full import) are left out: no task is made for them and theirs are not touched.

    Only products changed since their last sync are read (``syncing``'s docstring says why
    nothing is missed): a facts version other than the one last read, or other inputs
    (``syncing.inputs_digest``); ``full`` reads every active product. They are read a page at
    a time in id order (``id > last``), with the tasks and the description sources of those
    products, as Core rows; only what changed is written, then each product's version read is
    marked synced. Each page is committed (``commit_pages``): a sync that dies keeps every
    page before, and the next one reads only what is left. A dry run passes
    ``commit_pages=False`` and rolls the whole sync back.
    """
    report = SyncReport()
    inputs = FingerprintInputs(model_id, prompt, current_voice(session, store_id)[1].prompt_digest())
    languages = list(session.scalars(select(StoreLanguage.language_id).where(StoreLanguage.store_id == store_id)))
    digest = inputs_digest(inputs, languages)
    last = 0
    while rows := _products_to_sync(session, store_id, last, page_products, None if full else digest):
        ids = [row.id for row in rows]
        page = sync_page(
            [(row.id, facts(row)) for row in rows],
            languages,
            _tasks_of(session, store_id, ids),
            _made_from_of(session, store_id, ids),
            inputs,
            utcnow(),
        )
        _write_page(session, store_id, page)
        _mark_synced(session, rows, page.settled, digest)
        report.add(page.counts)
        last, report.products_read = ids[-1], report.products_read + len(rows)
        if commit_pages:
            session.commit()
    return report


def _products_to_sync(
    session: Session, store_id: str, after: int, limit: int, digest: str | None
) -> Sequence[ProductRead]:
    """The next page of the store's products that are not archived, by id; with ``digest``, only
    those whose last sync read another facts version or used other inputs."""
    query = select(
        Product.id, Product.facts_version, Product.external_id, Product.title, Product.seo_keywords, Product.attributes
    )
    query = query.where(Product.store_id == store_id, Product.archived_at.is_(None), Product.id > after)
    if digest is not None:
        query = query.where(
            or_(Product.synced_version != Product.facts_version, Product.synced_inputs.is_distinct_from(digest))
        )
    return session.connection().execute(query.order_by(Product.id).limit(limit)).all()


def _tasks_of(session: Session, store_id: str, products: list[int]) -> dict[tuple[int, str], SyncedTask]:
    """The tasks of these products of the store, by (product, language)."""
    wanted = one_of(_TASKS.c.product_id, products, is_postgres(session))
    query = select(*_SYNCED_COLUMNS).where(_TASKS.c.store_id == store_id, wanted)
    return {
        (product, language): SyncedTask(product, language, _STATES[state], *rest)
        for product, language, state, *rest in session.connection().execute(query).all()
    }


def _made_from_of(session: Session, store_id: str, products: list[int]) -> dict[tuple[int, str], MadeFrom]:
    """Who wrote the current descriptions of these products, and from what: never the texts themselves."""
    query = select(Description.product_id, Description.language_id, Description.source, Description.fingerprint)
    query = query.where(
        Description.store_id == store_id, one_of(Description.product_id, products, is_postgres(session))
    )
    return {
        (product, language): MadeFrom(source, made_from)
        for product, language, source, made_from in session.connection().execute(query).all()
    }


_SYNCED_READ = row_set("synced_products", Product.id, Product.facts_version)
_SETTLED = row_set(
    "settled_tasks",
    GenerationTask.product_id,
    GenerationTask.language_id,
    GenerationTask.state,
    GenerationTask.fingerprint,
)


def _mark_synced(session: Session, rows: Sequence[ProductRead], settled: Sequence[SyncedTask], digest: str) -> None:
    """The facts version each settled product was read at, and the inputs used, as its last sync.

    Settled: none of its tasks was in a batch when read (``PageSync.settled``), and each is now
    as the page left it. A task a generate run claimed since the page read it, a drain finished,
    or a concurrent sync wrote differently leaves the product to be read again."""
    if not settled:
        return
    products = {task.product_id for task in settled}
    read = rows_of(
        session,
        _SYNCED_READ,
        [{"id": row.id, "facts_version": row.facts_version} for row in rows if row.id in products],
    )
    left = rows_of(
        session,
        _SETTLED,
        [
            {
                "product_id": t.product_id,
                "language_id": t.language_id,
                "state": t.state.value,
                "fingerprint": t.fingerprint,
            }
            for t in settled
        ],
    )
    moved = (  # one pass over the page's tasks, not one per product
        select(left.c.product_id)
        .join(_TASKS, (_TASKS.c.product_id == left.c.product_id) & (_TASKS.c.language_id == left.c.language_id))
        .where(or_(_TASKS.c.state != left.c.state, _TASKS.c.fingerprint != left.c.fingerprint))
    )
    # a product row another transaction holds (an import changing it) is left, not waited for:
    # the sync never waits for a product while it holds task rows an import may want next
    held = _PRODUCTS.alias("held")
    free = select(held.c.id).where(held.c.id == read.c.id).with_for_update(skip_locked=True, key_share=True)
    session.connection().execute(
        update(_PRODUCTS)
        .where(_PRODUCTS.c.id == read.c.id, read.c.id.not_in(moved), _PRODUCTS.c.id.in_(free.scalar_subquery()))
        .values(synced_version=read.c.facts_version, synced_inputs=digest, updated_at=_PRODUCTS.c.updated_at)
    )


def read_again(session: Session, products: Iterable[int]) -> None:
    """These products' next sync reads them, whatever changed: for a change of a task or a description
    made outside the sync (a person's text, a review, a rollback) that its rules may answer."""
    ids = sorted(set(products))
    if ids:
        session.execute(
            update(_PRODUCTS)
            .where(one_of(_PRODUCTS.c.id, ids, is_postgres(session)))
            .values(synced_inputs=None, updated_at=_PRODUCTS.c.updated_at)
        )


# one statement for every changed task of a page; a task whose state moved since it was read
# (claimed by a generate run meanwhile, say) is not matched: the next sync sees it as it is
_UPDATE_SYNCED = update(_TASKS).where(_TASKS.c.id == bindparam("task_id"), _TASKS.c.state == bindparam("read_state"))


def _write_page(session: Session, store_id: str, page: PageSync) -> None:
    """The page's new tasks in one insert, its changed tasks in one executemany update by primary key."""
    now = utcnow()
    insert_rows(
        session,
        GenerationTask,
        [
            _changes(task)
            | {"store_id": store_id, "product_id": task.product_id, "language_id": task.language_id}
            | {"sends": 0, "waits": 0, "updated_at": now}
            for task in page.inserts
        ],
        # a sync of the same store running at the same time made it first: theirs stands
        upsert=lambda insert: insert.on_conflict_do_nothing(index_elements=["product_id", "language_id"]),
    )
    if page.updates:
        session.connection().execute(
            _UPDATE_SYNCED,
            [
                _changes(task) | {"task_id": read.id, "read_state": read.state.value, "updated_at": now}
                for read, task in page.updates
            ],
        )


def _changes(task: SyncedTask) -> dict[str, Any]:
    """The columns a sync may change, as the table names them."""
    return {
        "state": task.state.value,
        "fingerprint": task.fingerprint,
        "reason": task.reason,
        "attempts": task.attempts,
        "batch_id": task.batch_id,
        "pending_since": task.pending_since,
    }


def mark_human_edited(
    session: Session, store_id: str, product_external_id: str, language_id: str, html: str, rules: PublishRules
) -> int:
    """Save a person's text as the current description; no AI result will overwrite it.

    The text is sanitized to the same allowlist as AI text: a storefront is no
    safer for a script an admin pasted. Returns the new version number. A task in
    flight keeps going; its result is recorded as skipped when it arrives.
    """
    html = sanitize_html(html, rules.allowed_tags, rules.allowed_attributes)
    if not html:
        raise CatalogError("the text is empty once sanitized to the allowed tags")
    product = session.scalars(
        select(Product).where(Product.store_id == store_id, Product.external_id == product_external_id)
    ).one_or_none()
    if product is None:
        raise CatalogError(f"store {store_id} has no product {product_external_id!r}")
    version = write_version(session, store_id, product.id, language_id, html, source="human")
    session.execute(
        update(GenerationTask)
        .where(
            GenerationTask.product_id == product.id,
            GenerationTask.language_id == language_id,
            GenerationTask.state.in_(
                legal_sources(TaskState.SKIPPED, {TaskState.PENDING, TaskState.DONE, TaskState.FAILED})
            ),
        )
        .values(state=TaskState.SKIPPED, reason="human-edited description")
    )
    # a task in a batch keeps going, and its result may send it back to pending (a retry):
    # the next sync reads the product again and skips it then
    read_again(session, [product.id])
    return version


def load_catalog(session: Session, data: Mapping[str, Any], *, partial: bool = False) -> tuple[str, int]:
    """A catalog document (``local/sample_catalog.json`` is one) -> (store id, products written).

    Checked against the strict schema first (``catalog_import``): any bad row, nothing loaded.
    """
    return load_parsed(session, parse_document(data), partial=partial)


def load_parsed(session: Session, catalog: ParsedCatalog, *, partial: bool = False) -> tuple[str, int]:
    """A catalog read whole -> (store id, products written); ``store.voice``, if present, is a new voice version.

    Its rows were checked when read (any bad one kept only if the reader skipped invalid rows).
    """
    report = load_stream(session, CatalogStream(catalog.store, iter(catalog.rows)), partial=partial, skip_invalid=True)
    return report.store_id, report.written
