"""Tasks of review-descriptions: the drafts a reviewer reads, and what the reviewer decided."""

from __future__ import annotations

from prefect import task
from prefect.input import RunInput

from descgen.db.review import ReviewReport, VersionView, approve, drafts, reject
from descgen.db.session import session_scope
from descgen.review_form import ReviewAnswer, decided
from tasks.connections import engine


class ReviewForm(RunInput, ReviewAnswer):
    """The answer as a Prefect run input: the form the UI shows."""


@task
def held_drafts(store: str, batch: str | None, limit: int) -> list[VersionView]:
    with session_scope(engine()) as session:
        return drafts(session, store, batch_id=batch, limit=limit)


@task
def apply_review(store: str, shown: list[int], answer: ReviewAnswer) -> ReviewReport:
    """Approvals and rejections in one transaction; only versions the reviewer was shown are touched."""
    plan = decided(shown, answer)
    report = ReviewReport()
    with session_scope(engine()) as session:
        if plan.approve:
            report = approve(session, store, plan.approve, reviewer=answer.reviewer, note=answer.note)
        for retry, ids in ((True, plan.reject_and_retry), (False, plan.reject)):
            for version_id, note in ids:
                done = reject(session, store, [version_id], reviewer=answer.reviewer, note=note, retry=retry)
                report.rejected += done.rejected
                report.retried += done.retried
                report.left_to_a_person += done.left_to_a_person
                report.problems += done.problems
    return report
