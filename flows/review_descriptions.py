"""review-descriptions: a person approves or rejects the drafts held for review, in the Prefect UI."""

from __future__ import annotations

from typing import Annotated

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact
from prefect.context import FlowRunContext
from prefect.flow_runs import pause_flow_run, suspend_flow_run
from pydantic import Field

from descgen.db.review import ReviewReport
from descgen.review_form import form_description
from tasks.known_names import check_known_names
from tasks.review import ReviewForm, apply_review, held_drafts

Store = Annotated[str, Field(min_length=1, max_length=32, description="the store whose drafts are reviewed")]
BatchId = Annotated[str | None, Field(None, max_length=64, description="one batch's drafts only")]
Limit = Annotated[int, Field(ge=1, le=500, description="drafts shown in one form")]
WaitHours = Annotated[float, Field(gt=0, le=24 * 14, description="how long the form waits for an answer")]


@flow(name="review-descriptions", flow_run_name="review {store}")
def review_descriptions(
    store: Store, batch: BatchId = None, limit: Limit = 50, wait_hours: WaitHours = 72
) -> ReviewReport:
    """Show the held drafts of a store (or one batch) with why each was held, wait for a reviewer's
    answer, then approve (current text, queued for the shop) or reject (regenerated with the note,
    or left to a person).

    Args:
        store: the store whose drafts are reviewed
        batch: one batch's drafts only
        limit: drafts shown in one form
        wait_hours: how long the form waits for an answer
    """
    log = get_run_logger()
    check_known_names(store)  # a typo must not answer "nothing is waiting for review"
    held = held_drafts(store, batch, limit)
    if not held:
        create_markdown_artifact(key="review", markdown=f"## review of {store}\n\nnothing is waiting for review\n")
        return ReviewReport()
    form = ReviewForm.with_initial_data(description=form_description(store, held), reviewer="")
    # a deployed run is suspended (no worker waits; resuming reruns it up to here with the answer);
    # a run started in a process (a test, a script) pauses in place
    run = context.flow_run if (context := FlowRunContext.get()) else None
    deployed = run is not None and run.deployment_id is not None
    wait = suspend_flow_run if deployed else pause_flow_run
    answer = wait(wait_for_input=form, timeout=int(wait_hours * 3600), key="review")
    report = apply_review(store, [version.id for version in held], answer)
    summary = (
        f"{answer.reviewer}: {len(report.approved)} approved, {len(report.rejected)} rejected "
        f"({report.retried} to regenerate, {report.left_to_a_person} left to a person), "
        f"{len(held) - len(report.approved) - len(report.rejected)} still drafts"
    )
    problems = "".join(f"- {problem}\n" for problem in report.problems)
    log.info(summary)
    create_markdown_artifact(key="review", markdown=f"## review of {store}\n\n{summary}\n\n{problems}")
    return report
