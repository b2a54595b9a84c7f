"""``descgen export STORE [--since] [--format jsonl|csv]``: the store's current texts as files.

What a shop imports by hand, or a pipeline picks up: each product's current text in each
language (the live version the description is now, a person's edit included), those
approved since a time if asked. Files are replaced whole (written aside, then renamed),
named after the store so an export of another store never overwrites them:
``<store>-descriptions.jsonl``, or ``<store>-descriptions-<language>.csv`` per language
(``files.py`` says why one per language). Nothing to export writes nothing.
"""

from __future__ import annotations

from datetime import datetime
from itertools import chain
from pathlib import Path
from typing import Literal

from sqlalchemy.orm import Session

from descgen.db.outbox import current_versions
from descgen.db.stores import check_names
from descgen.publishing.files import write_jsonl, write_shopify_csv

ExportFormat = Literal["jsonl", "csv"]


def export(
    session: Session,
    store_id: str,
    *,
    directory: Path,
    since: datetime | None = None,
    format: ExportFormat = "jsonl",
) -> list[Path]:
    """The files written (none if there was nothing to export); ``UnknownName`` for a store
    that does not exist (a typo must not export nothing and look fine)."""
    check_names(session, store_id)
    if since is not None and since.tzinfo is None:
        raise ValueError("since needs a time zone (e.g. 2026-12-01T00:00:00+00:00)")
    versions = current_versions(session, store_id, since)
    stem = f"{store_id}-descriptions"
    if format == "csv":
        return write_shopify_csv(versions, directory, stem)
    first = next(versions, None)
    if first is None:
        return []
    path = directory / f"{stem}.jsonl"
    write_jsonl(chain([first], versions), path)
    return [path]
