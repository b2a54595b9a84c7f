"""The plan's estimate from a sample of lines: the records and languages exact, the tokens close.

On SQLite and PostgreSQL, a catalog whose lines differ in length (short and long titles,
non-ASCII text, few and many keywords and attributes, retry reasons), in three languages
with one of them nearly done: the plan from a sample of lines against the plan that builds
every line.
"""

from __future__ import annotations

import random

import pytest
from sqlalchemy import Engine, select, update

from descgen import generation
from descgen.db.models import GenerationTask
from descgen.db.session import session_scope
from descgen.generation import GenerationPlan, plan_generation
from descgen.lifecycle import TaskState
from descgen.prompts import QUALITY_REASON_PREFIX
from descgen.settings import Settings
from tests.builders import MODEL, load

PRODUCTS = 1_200
WORDS = ["Stuhl", "chaise", "Eiche", "très", "léger", "日本製", "waterproof", '"quoted"', "back\\slash", "x" * 40]


def varied_catalog(seed: int) -> dict:
    rng = random.Random(seed)

    def text(low: int, high: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high)))

    return {
        "store": {"id": "varied", "name": "Varied", "languages": {"en": "en", "de": "de", "fr": "fr"}},
        "products": [
            {
                "id": f"P{i}",
                "title": text(1, 30),
                "seo_keywords": [text(1, 2) for _ in range(rng.randint(0, 8))],
                "attributes": {f"a{n}": text(1, 6) for n in range(rng.randint(0, 10))},
            }
            for i in range(PRODUCTS)
        ],
    }


def settings(engine: Engine) -> Settings:
    return Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        bucket="unused",
        topic_arn="arn:aws:sns:us-east-1:123456789012:unused",
        queue_url="unused",
        dlq_url="unused",
        model_id=MODEL,
    )


def planned(engine: Engine, sample_lines: int, limit: int, monkeypatch: pytest.MonkeyPatch) -> GenerationPlan:
    monkeypatch.setattr(generation, "PLAN_SAMPLE_LINES", sample_lines)
    return plan_generation(engine, settings(engine), "varied", None, limit, MODEL)


@pytest.fixture
def varied(engine: Engine) -> Engine:
    """The catalog loaded; all but 2 French tasks done, and a tenth of the rest sent back by the gate."""
    load(engine, varied_catalog(seed=13))
    with session_scope(engine) as session:
        french = GenerationTask.language_id == "fr"
        kept = select(GenerationTask.id).where(french).order_by(GenerationTask.id.desc()).limit(2)
        kept_ids = list(session.scalars(kept))
        session.execute(
            update(GenerationTask).where(french, GenerationTask.id.not_in(kept_ids)).values(state=TaskState.DONE)
        )
        session.execute(
            update(GenerationTask)
            .where(GenerationTask.id % 10 == 3, GenerationTask.state == TaskState.PENDING)
            .values(reason=QUALITY_REASON_PREFIX + "the keywords were missing, " * 5)
        )
    return engine


@pytest.mark.parametrize("limit", [10_000, 1_500])
def test_a_plan_from_a_sample_of_lines_counts_exactly_and_estimates_the_tokens_within_two_percent(
    varied, monkeypatch, limit
):
    # GIVEN the plan that builds every line
    exact = planned(varied, sample_lines=10**9, limit=limit, monkeypatch=monkeypatch)
    # WHEN the plan builds about 150 of them
    sampled = planned(varied, sample_lines=150, limit=limit, monkeypatch=monkeypatch)
    # THEN its records, languages and output tokens are the same, and its input tokens close
    assert exact.pending == sampled.pending == min(limit, PRODUCTS * 2 + 2)
    assert sampled.estimate.records == exact.estimate.records == exact.pending
    assert sampled.estimate.languages == exact.estimate.languages
    assert exact.estimate.languages.get("fr") == (2 if limit > PRODUCTS * 2 else None)
    assert sampled.estimate.output_tokens == exact.estimate.output_tokens
    assert sampled.estimate.input_tokens == pytest.approx(exact.estimate.input_tokens, rel=0.02)
    assert sampled.estimate.cost.batch_usd == pytest.approx(exact.estimate.cost.batch_usd, rel=0.02)


def test_a_plan_of_no_more_lines_than_its_sample_builds_them_all(varied, monkeypatch):
    exact = planned(varied, sample_lines=10**9, limit=400, monkeypatch=monkeypatch)
    assert planned(varied, sample_lines=400, limit=400, monkeypatch=monkeypatch) == exact
