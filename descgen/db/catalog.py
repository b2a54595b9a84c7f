"""The catalog side: stores, their languages, products, and which tasks need a run.

``sync_tasks`` is the fingerprint step: it compares what would be sent now with
what each task was last generated from, and marks pending exactly the tasks whose
fingerprint changed. Everything else is left alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from descgen.catalog_import import CatalogError, ParsedCatalog, ProductIn, parse_document
from descgen.contract.records import LANGUAGE_ID_PATTERN
from descgen.db.descriptions import write_version
from descgen.db.models import Description, GenerationTask, Language, Product, Store, StoreLanguage, utcnow
from descgen.db.voices import current_voice, set_voice
from descgen.fingerprint import fingerprint
from descgen.lifecycle import OPEN_STATES, TaskState, check_transition, legal_sources
from descgen.prompts import ProductFacts, prompt_version
from descgen.sanitize import sanitize_html
from descgen.stores import check_store_id
from descgen.verdicts import PublishRules


def facts(product: Product) -> ProductFacts:
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


def upsert_products(session: Session, store_id: str, records: Iterable[ProductIn]) -> int:
    """Insert new products and update changed ones; returns how many were written."""
    current = {p.external_id: p for p in session.scalars(select(Product).where(Product.store_id == store_id))}
    written = 0
    for record in records:
        product = current.get(record.id)
        values = {
            "title": record.title,
            "seo_keywords": list(record.seo_keywords),
            "attributes": dict(record.attributes),
        }
        if product is None:
            product = Product(store_id=store_id, external_id=record.id, **values)
            session.add(product)
            current[record.id] = product
            written += 1
        elif any(getattr(product, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(product, key, value)
            written += 1
    session.flush()
    return written


@dataclass
class SyncReport:
    created: int = 0
    marked_pending: int = 0
    unchanged: int = 0
    in_flight: int = 0
    human_edited: int = 0

    @property
    def to_send(self) -> int:
        return self.created + self.marked_pending


def sync_tasks(
    session: Session, store_id: str, model_id: str, prompt: str = prompt_version(structured=True)
) -> SyncReport:
    """One task per (product, store language); pending exactly where the fingerprint changed.

    ``prompt`` is ``prompts.prompt_version`` of the output format the model will be asked for.

    For each pair, in this order:

    1. a task in flight is left alone (its result is judged when it comes);
    2. a description a person edited: the task is skipped, nothing is bought;
    3. a task done, failed or skipped with this very fingerprint is unchanged
       (a failed one stays failed; a rolled-back one stays skipped);
    4. an AI description already made from this fingerprint (a title edited and
       edited back, a run with another model in between): skipped, nothing bought;
    5. otherwise the task is pending, with the fingerprint of what the catalog says now.
    """
    report = SyncReport()
    voice = current_voice(session, store_id)[1].prompt_digest()
    languages = list(session.scalars(select(StoreLanguage.language_id).where(StoreLanguage.store_id == store_id)))
    products = list(session.scalars(select(Product).where(Product.store_id == store_id).order_by(Product.id)))
    tasks = {
        (t.product_id, t.language_id): t
        for t in session.scalars(select(GenerationTask).where(GenerationTask.store_id == store_id))
    }
    described = {
        (row.product_id, row.language_id): (row.source, row.fingerprint)
        for row in session.execute(
            select(Description.product_id, Description.language_id, Description.source, Description.fingerprint).where(
                Description.store_id == store_id
            )
        )
    }
    now = utcnow()
    for product in products:
        product_facts = facts(product)
        for language_id in languages:
            wanted = fingerprint(product_facts, language_id, model_id, prompt, voice)
            key = (product.id, language_id)
            task = tasks.get(key)
            if task is None:
                task = GenerationTask(
                    store_id=store_id, product_id=product.id, language_id=language_id, state=TaskState.PENDING,
                    fingerprint=wanted, reason="new", pending_since=now,
                )  # fmt: skip
                session.add(task)
                is_new = True
            else:
                is_new = False
            source, made_from = described.get(key, (None, None))
            state = TaskState(task.state)
            if state in OPEN_STATES:
                report.in_flight += 1
            elif source == "human":
                _move(task, TaskState.SKIPPED, "human-edited description", now)
                report.human_edited += 1
            elif not is_new and state != TaskState.PENDING and task.fingerprint == wanted:
                report.unchanged += 1
            elif source == "ai" and made_from == wanted:
                task.fingerprint = wanted
                _move(task, TaskState.SKIPPED, "unchanged since its last description", now)
                report.unchanged += 1
            else:
                task.fingerprint = wanted  # sent with what the catalog says now
                if state != TaskState.PENDING:
                    _move(task, TaskState.PENDING, "catalog changed", now)
                    task.attempts = 0
                    task.batch_id = None
                if is_new:
                    report.created += 1
                else:
                    report.marked_pending += 1
    session.flush()
    return report


def _move(task: GenerationTask, target: TaskState, reason: str, now: datetime) -> None:
    if task.state == target:
        return
    if task.id is not None:
        check_transition(task.id, TaskState(task.state), target)
    task.state = target
    task.reason = reason
    if target == TaskState.PENDING:
        task.pending_since = now


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
    return version


def load_catalog(session: Session, data: Mapping[str, Any]) -> tuple[str, int]:
    """A catalog document (``local/sample_catalog.json`` is one) -> (store id, products written).

    Checked against the strict schema first (``catalog_import``): any bad row, nothing loaded.
    """
    return load_parsed(session, parse_document(data))


def load_parsed(session: Session, catalog: ParsedCatalog) -> tuple[str, int]:
    """A checked catalog -> (store id, products written); ``store.voice``, if present, is a new voice version."""
    store = catalog.store
    ensure_store(session, store.id, store.name, store.languages)
    if store.voice is not None:
        set_voice(session, store.id, store.voice)
    return store.id, upsert_products(session, store.id, catalog.products)
