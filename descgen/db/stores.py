"""The check every entry point makes before it claims, writes or reports anything for a store.

The CLI and every flow with a store, language or model parameter call ``check_names``
first: an unknown store or language is ``UnknownName``, an unknown (EOL, unpriced,
batchless) model ``ModelRefused``, each one line that names what is known.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from descgen.db.models import Store, StoreLanguage
from descgen.model_catalog import ModelInfo, check_usable, resolve_models
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
