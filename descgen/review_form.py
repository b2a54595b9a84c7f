"""The review form's answer (``flows/review_descriptions.py`` shows it in the Prefect UI) and
what it decides, pure: per version approve, reject (left to a person) or reject and
regenerate with a note; or one answer for every version shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, Field

from descgen.db.review import VersionView

Action = Literal["approve", "reject", "reject_and_regenerate"]
PREVIEW = 600  # characters of each text shown in the form's description


class Decision(BaseModel):
    version_id: int = Field(description="the version's id, as listed above")
    action: Action
    note: str | None = Field(None, max_length=500, description="why; a regenerated text's prompt quotes it")


class ReviewAnswer(BaseModel):
    """Approve or reject the drafts shown: per version, or all at once (``all``)."""

    reviewer: str = Field(min_length=1, max_length=100, description="your name, recorded with each decision")
    all: Action | None = Field(None, description="one action for every draft shown (decisions below win)")
    note: str | None = Field(None, max_length=500, description="a note for every draft 'all' rejects")
    decisions: list[Decision] = Field(default_factory=list, description="one entry per version you decide")


@dataclass
class Plan:
    approve: list[int] = field(default_factory=list)
    reject: list[tuple[int, str | None]] = field(default_factory=list)  # (version, note)
    reject_and_retry: list[tuple[int, str | None]] = field(default_factory=list)


def decided(shown: list[int], answer: ReviewAnswer) -> Plan:
    """What the answer does to each version shown: a decision for it, else ``all``, else nothing
    (it stays a draft). A decision for a version that was not shown is ignored."""
    by_version = {d.version_id: d for d in answer.decisions}
    plan = Plan()
    for version_id in shown:
        decision = by_version.get(version_id)
        action = decision.action if decision else answer.all
        note = decision.note if decision and decision.note else answer.note
        if action == "approve":
            plan.approve.append(version_id)
        elif action == "reject":
            plan.reject.append((version_id, note))
        elif action == "reject_and_regenerate":
            plan.reject_and_retry.append((version_id, note))
    return plan


def form_description(store: str, held: list[VersionView]) -> str:
    """The drafts as the form shows them: id, product, language, why held, and the text."""
    lines = [f"## {len(held)} drafts of {store} to review", ""]
    for version in held:
        reasons = "; ".join(version.reasons) or "held by the store's policy"
        text = version.html if len(version.html) <= PREVIEW else version.html[:PREVIEW] + " …"
        lines += [
            f"### version {version.id}: {version.product} / {version.language_id} (batch {version.batch_id or '-'})",
            f"- why held: {reasons}",
            f"- meta title: {version.meta_title or '-'}",
            f"- meta description: {version.meta_description or '-'}",
            "",
            "```html",
            text,
            "```",
            "",
        ]
    return "\n".join(lines)
