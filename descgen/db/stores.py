"""The check every entry point makes before it claims, writes or reports anything for a store.

The CLI and every flow with a store, language or model parameter call ``check_names``
first: an unknown store or language is ``UnknownName``, an unknown (EOL, unpriced,
batchless) model ``ModelRefused``, each one line that names what is known.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from descgen.db.models import Store, StoreLanguage
from descgen.model_catalog import ModelInfo, check_usable, resolve_models
from descgen.schedules import DEFAULT_SCHEDULE, StoreSchedule, StoreTiming, due_stores, open_window
from descgen.stores import check_known


def stores_and_languages(session: Session) -> dict[str, frozenset[str]]:
    """Every store id and the languages it publishes in (a store with none has an empty set)."""
    found: dict[str, set[str]] = {}
    rows = session.execute(
        select(Store.id, StoreLanguage.language_id).outerjoin(StoreLanguage, StoreLanguage.store_id == Store.id)
    )
    for store_id, language_id in rows:
        found.setdefault(store_id, set())
        if language_id is not None:
            found[store_id].add(language_id)
    return {store_id: frozenset(languages) for store_id, languages in found.items()}


def check_names(
    session: Session,
    store_id: str,
    languages: Iterable[str] | None = None,
    *,
    model_id: str | None = None,
    models: Mapping[str, ModelInfo] | None = None,
) -> None:
    """Refuse an unknown store, a language the store does not publish in, or a model descgen may not use.

    ``models`` is the catalog with the deployment's overrides (``Settings.catalog``); the
    shipped catalog when not given.
    """
    check_known(stores_and_languages(session), store_id, languages or ())
    if model_id is not None:
        check_usable(models if models is not None else resolve_models({}), model_id)


def store_timings(session: Session) -> list[StoreTiming]:
    rows = session.execute(select(Store.id, Store.schedule, Store.last_run_at).order_by(Store.id))
    return [
        StoreTiming(id_, StoreSchedule.model_validate(schedule) if schedule else DEFAULT_SCHEDULE, last_run_at)
        for id_, schedule, last_run_at in rows
    ]


def take_due_stores(session: Session, now: datetime, *, mark: bool = True) -> list[str]:
    """The stores due now, each marked as started in this window (``mark``); a store another run took is left out."""
    timings = {timing.store_id: timing for timing in store_timings(session)}
    if not mark:
        return due_stores(timings.values(), now)
    taken = []
    for store_id in due_stores(timings.values(), now):
        window = open_window(timings[store_id].schedule, now)
        assert window is not None  # due means open
        marked = session.execute(
            update(Store)
            .where(Store.id == store_id, or_(Store.last_run_at.is_(None), Store.last_run_at < window[0]))
            .values(last_run_at=now)
        )
        if marked.rowcount:  # type: ignore[attr-defined]  # an UPDATE's result is a CursorResult
            taken.append(store_id)
    return taken
