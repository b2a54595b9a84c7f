"""What a rollback (or the undo of one) does to each text, pure.

A rollback puts back, for every text a batch wrote, the text that was current before
it; undoing the rollback puts back the batch's text. Both are the same step: where
the current text is still the one the step's subject wrote, the text from before
comes back (none before: the description is removed); where it changed since (a
later batch, a person), the newer work is kept. Either way the change is recorded
as new versions, so every rollback can itself be undone.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Action(StrEnum):
    RESTORE = "restore"  # the text from before becomes current again
    REMOVE = "remove"  # there was none before: the description goes
    KEEP = "keep"  # changed since: newer work is kept


@dataclass(frozen=True)
class VersionText:
    """What a version holds, to be made current again."""

    html: str
    meta_title: str | None
    meta_description: str | None
    source: str
    fingerprint: str | None
    quality: dict[str, Any] | None


@dataclass(frozen=True)
class Written:
    """A text the subject wrote, next to what is current now and what came before it."""

    product_id: int
    language_id: str
    product: str  # the store's product id
    ours: int | None  # the version number it wrote (None: it removed the description)
    current: int | None  # the current description's version number (None: there is none)
    before: VersionText | None  # the text to put back (None: there was none)
    store_id: str = ""  # whose text it is (a pooled batch wrote several stores' texts)


def step(written: Written) -> Action:
    if written.current != written.ours:
        return Action.KEEP
    return Action.RESTORE if written.before is not None else Action.REMOVE
