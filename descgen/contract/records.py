"""Record ids and markers: how one line of a Bedrock job finds its generation task.

The record id is the key: it names the task and its send (``sends``, raised each time a
failed or throttled send goes back to pending). A task sent again because its product
changed keeps its ``sends``, so the drain takes a result as current only when the task's
state, batch and send all match (``deliveries``): a late result of an earlier batch is
never taken for a newer one.
The marker ``#<productId>#<languageId>#`` that the prompt asks the model to start
with is only a cross-check on the text itself.
"""

from __future__ import annotations

import re

# Product ids and language ids may not contain "#", so a marker is unambiguous.
PRODUCT_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
LANGUAGE_ID_PATTERN = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?")
MARKER_PATTERN = re.compile(
    r"#(?P<product>" + PRODUCT_ID_PATTERN.pattern + r")#(?P<language>" + LANGUAGE_ID_PATTERN.pattern + r")#"
)
RECORD_ID_PATTERN = re.compile(r"t(?P<task>[0-9]{1,18})a(?P<attempt>[0-9]{1,4})")


def make_record_id(task_id: int, attempt: int) -> str:
    """Short and alphanumeric, as Bedrock expects: ``t<task id>a<attempt>``."""
    return f"t{task_id}a{attempt}"


def parse_record_id(record_id: str) -> tuple[int, int] | None:
    """The (task id, attempt) a record id names, or None if it is not one of ours."""
    match = RECORD_ID_PATTERN.fullmatch(record_id)
    if match is None:
        return None
    return int(match["task"]), int(match["attempt"])


def make_marker(product_id: str, language_id: str) -> str:
    if not PRODUCT_ID_PATTERN.fullmatch(product_id):
        raise ValueError(f"product id {product_id!r} cannot appear in a marker")
    if not LANGUAGE_ID_PATTERN.fullmatch(language_id):
        raise ValueError(f"language id {language_id!r} cannot appear in a marker")
    return f"#{product_id}#{language_id}#"


def find_markers(text: str) -> list[tuple[str, str]]:
    """Every (product id, language id) marker in the text, in order of appearance."""
    return [(m["product"], m["language"]) for m in MARKER_PATTERN.finditer(text)]
