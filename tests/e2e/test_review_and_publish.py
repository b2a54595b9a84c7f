"""Review and publish as an operator does them, on the real server and worker (after the ad-hoc cycle).

GIVEN the store's voice holds every answer for review and French is generated, the
review-descriptions run suspends with its form; the operator answers through the API
(approve all but one, reject that one with a note); the worker resumes the run; then
publish-descriptions sends the approved texts through the outbox to the file publisher.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest
from prefect.client.schemas.objects import FlowRun, StateType
from sqlalchemy import select

from descgen.db.models import DescriptionVersion, GenerationTask, OutboxEntry
from descgen.db.session import make_engine, session_scope
from tests.e2e.conftest import PRODUCTS, STORE, Operator
from tests.e2e.database import requested_tasks_open
from tests.e2e.processes import wait_for

pytestmark = pytest.mark.e2e


def descgen(operator: Operator, *args: str) -> str:
    result = operator.processes.run(
        "descgen", [sys.executable, "-m", "descgen.cli", *args], operator.env, cwd=operator.work
    )
    assert result.returncode == 0, f"descgen {args[0]} failed:\n{result.stdout}{result.stderr}"
    return result.stdout


def versions(operator: Operator, language: str) -> dict[int, str]:
    engine = make_engine(operator.database_url)
    try:
        with session_scope(engine) as session:
            rows = session.execute(
                select(DescriptionVersion.id, DescriptionVersion.status).where(
                    DescriptionVersion.store_id == STORE, DescriptionVersion.language_id == language
                )
            )
            return {version_id: status for version_id, status in rows}
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def french_held(operator: Operator, adhoc_cycle: dict[str, FlowRun]) -> dict[int, str]:
    voice = operator.work / "hold-all.json"
    voice.write_text(json.dumps({"review": {"hold_all": True}}))
    assert "only the gate's policy changed" in descgen(operator, "voice", "set", STORE, str(voice))
    generate = operator.run_to_the_end("generate-descriptions/adhoc", store=STORE, languages=["fr"], limit=PRODUCTS)
    assert generate.state_type == StateType.COMPLETED, operator.diagnostics(generate.id)
    deadline = time.monotonic() + 150
    while requested_tasks_open(operator.database_url, STORE, ["fr"]):
        assert time.monotonic() < deadline, "the French tasks were not all done in time"
        for name in ("drain-results/scheduled", "monitor-jobs/scheduled"):
            run = (
                operator.run_to_the_end(name, max_seconds=20)
                if name.startswith("drain")
                else operator.run_to_the_end(name)
            )
            assert run.state_type == StateType.COMPLETED, operator.diagnostics(run.id)
    held = versions(operator, "fr")
    assert sorted(held.values()) == ["draft"] * PRODUCTS
    return held


def test_a_review_run_suspends_with_its_form_and_the_answer_lands_in_the_database(
    operator: Operator, french_held: dict[int, str]
) -> None:
    rejected, *approved = sorted(french_held)
    run_id = operator.run_deployment("review-descriptions/manual", store=STORE)

    def suspended() -> FlowRun | None:
        with operator.client() as client:
            run = client.read_flow_run(run_id)
        return run if run.state is not None and run.state.is_paused() else None

    paused = wait_for(suspended, "the review run to suspend with its form", 120, every=1)
    assert paused.state is not None
    assert paused.state.name == "Suspended"
    with operator.client() as client:
        client.resume_flow_run(
            run_id,
            run_input={
                "reviewer": "e2e",
                "all": "approve",
                "decisions": [{"version_id": rejected, "action": "reject_and_regenerate", "note": "shorter"}],
            },
        )
    finished = operator.wait_for_run(run_id)
    assert finished.state_type == StateType.COMPLETED, operator.diagnostics(run_id)
    after = versions(operator, "fr")
    assert after[rejected] == "rejected"
    assert [after[v] for v in approved] == ["approved"] * (PRODUCTS - 1)
    engine = make_engine(operator.database_url)
    with session_scope(engine) as session:
        reasons = set(session.scalars(select(GenerationTask.reason).where(GenerationTask.language_id == "fr")))
    engine.dispose()
    assert "review: shorter" in reasons


def test_publish_sends_every_approved_text_once_through_the_outbox(operator: Operator, french_held) -> None:
    run = operator.run_to_the_end("publish-descriptions/scheduled", store=STORE, publisher="file")
    assert run.state_type == StateType.COMPLETED, operator.diagnostics(run.id)
    engine = make_engine(operator.database_url)
    with session_scope(engine) as session:
        open_rows = session.scalars(select(OutboxEntry.id).where(OutboxEntry.delivered_at.is_(None))).all()
    engine.dispose()
    assert open_rows == []
    [sent] = list(Path(operator.env["DESCGEN_PUBLISH_DIR"], STORE).glob("deliveries-*.jsonl"))
    lines = [json.loads(line) for line in sent.read_text().splitlines()]
    by_language = sorted(line["language"] for line in lines)
    assert by_language.count("fr") == PRODUCTS - 1  # the rejected one never went out
    assert by_language.count("en") == by_language.count("de") == PRODUCTS
    assert sorted(versions(operator, "fr").values()) == ["published"] * (PRODUCTS - 1) + ["rejected"]
