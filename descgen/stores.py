"""Store ids: part of every query, batch id, S3 key and Bedrock job name."""

from __future__ import annotations

import re

# Lower-case letters, digits and inner hyphens: safe in S3 keys, job names and
# clientRequestTokens alike.
STORE_ID_PATTERN = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?")


def check_store_id(store_id: str) -> str:
    if not STORE_ID_PATTERN.fullmatch(store_id):
        raise ValueError(f"store id {store_id!r} must match {STORE_ID_PATTERN.pattern}")
    return store_id
