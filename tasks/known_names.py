"""The first task of every flow that names a store, languages or a model: refuse unknown ones.

It runs before anything is claimed, synced or written (no batch, no artifact, no
concurrency limit). A refusal is final; only a database hiccup is tried again.
"""

from __future__ import annotations

from collections.abc import Sequence

from prefect import task

from descgen.db.session import session_scope
from descgen.db.stores import check_names
from descgen.settings import get_settings
from tasks.connections import engine
from tasks.retry_policy import RETRY_WHAT_HEALS


@task(**RETRY_WHAT_HEALS)  # UnknownName and ModelRefused never heal
def check_known_names(store: str, languages: Sequence[str] | None = None, model_id: str | None = None) -> None:
    models = get_settings().catalog if model_id is not None else None  # the AWS settings only when a model is named
    with session_scope(engine()) as session:
        check_names(session, store, languages, model_id=model_id, models=models)
