"""Store ids: part of every query, batch id, S3 key and Bedrock job name.

And the one rule every entry point applies before it does anything for a store:
the store, and the languages asked for, must exist (``check_known``). A typo never
runs green on an empty store; the database side is ``descgen/db/stores.py``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from difflib import get_close_matches

# Lower-case letters, digits and inner hyphens: safe in S3 keys, job names and
# clientRequestTokens alike.
STORE_ID_PATTERN = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?")

_LISTED = 10  # a longer list of known names is noise in a one-line error


class UnknownName(ValueError):
    """A store, language or batch descgen does not know: bad input, said in one line with what it does know."""


def check_store_id(store_id: str) -> str:
    if not STORE_ID_PATTERN.fullmatch(store_id):
        raise ValueError(f"store id {store_id!r} must match {STORE_ID_PATTERN.pattern}")
    return store_id


def check_known(stores: Mapping[str, Collection[str]], store_id: str, languages: Iterable[str] = ()) -> None:
    """``UnknownName`` unless ``store_id`` is one of ``stores`` (id -> its languages) and publishes in each language."""
    if store_id not in stores:
        close = get_close_matches(store_id, stores, n=1)
        if close:
            raise UnknownName(f"no store {store_id!r}: did you mean {close[0]!r}?")
        known = f"known stores: {_listed(stores)}" if stores else "the database has no store yet"
        raise UnknownName(f"no store {store_id!r} ({known}); load its catalog first with descgen load-catalog FILE")
    own = stores[store_id]
    unknown = sorted(set(languages) - set(own))
    if unknown:
        names = ", ".join(repr(language) for language in unknown)
        raise UnknownName(f"store {store_id!r} has no language {names} (its languages: {_listed(own)})")


def _listed(names: Iterable[str]) -> str:
    ordered = sorted(names)
    more = f" and {len(ordered) - _LISTED} more" if len(ordered) > _LISTED else ""
    return ", ".join(ordered[:_LISTED]) + more
