"""Flows refuse an unknown store, language or model before they claim, sync or write anything.

Under a Prefect test harness, on a real database; the AWS side points nowhere: a flow
that got past the check would fail reaching it, after leaving its traces.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from prefect.client.orchestration import get_client
from prefect.exceptions import ObjectNotFound
from prefect.testing.utilities import prefect_test_harness
from sqlalchemy import func, select

from descgen.db.catalog import load_catalog
from descgen.db.models import Batch, GenerationTask
from descgen.db.session import session_scope
from descgen.model_catalog import ModelRefused
from descgen.settings import get_settings
from descgen.stores import UnknownName
from tasks import connections
from tests.builders import catalog

NOWHERE = "http://127.0.0.1:1"


@pytest.fixture(scope="module", autouse=True)
def prefect_server() -> Iterator[None]:
    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def worker_settings(database_url, monkeypatch) -> Iterator[None]:
    environment = {
        "DESCGEN_DATABASE_URL": database_url,
        "DESCGEN_BUCKET": "descgen-test",
        "DESCGEN_TOPIC_ARN": "arn:aws:sns:us-east-1:123456789012:descgen-jobs",
        "DESCGEN_QUEUE_URL": f"{NOWHERE}/123456789012/descgen-results",
        "DESCGEN_DLQ_URL": f"{NOWHERE}/123456789012/descgen-results-dlq",
        **{f"DESCGEN_{name}_ENDPOINT_URL": NOWHERE for name in ("S3", "SNS", "SQS", "BEDROCK", "BEDROCK_RUNTIME")},
    }
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    for cached in (get_settings, connections.engine, connections.aws):
        cached.cache_clear()
    yield
    for cached in (get_settings, connections.engine, connections.aws):
        cached.cache_clear()


@pytest.fixture
def store(worker_settings, engine, request) -> str:
    """A store with two products in en and de, loaded but never synced (no task yet)."""
    store_id = f"flow-{request.node.name.split('[')[0][-20:].replace('_', '-')}".lower()
    with session_scope(engine) as session:
        load_catalog(session, catalog(store_id, products=2, languages=("en", "de")))
    return store_id


def nothing_written(engine, store_id: str) -> bool:
    """No task synced, no batch, no artifact and no concurrency limit for the store."""
    with session_scope(engine) as session:
        tasks = session.scalar(select(func.count()).select_from(GenerationTask)) or 0
        batches = session.scalar(select(func.count()).select_from(Batch)) or 0
    with get_client(sync_client=True) as client:
        artifacts = [a.key for a in client.read_latest_artifacts(limit=200) if store_id in (a.key or "")]
        try:
            client.read_global_concurrency_limit_by_name(f"generate-{store_id}")
            limit = True
        except ObjectNotFound:
            limit = False
    return (tasks, batches, artifacts, limit) == (0, 0, [], False)


def test_generate_refuses_an_unknown_store_before_anything(store, engine):
    from flows.generate_descriptions import generate_descriptions

    with pytest.raises(UnknownName, match=r"^no store 'flow-typo'"):
        generate_descriptions(store="flow-typo")
    assert nothing_written(engine, "flow-typo")


def test_generate_refuses_a_language_the_store_does_not_publish_in(store, engine):
    from flows.generate_descriptions import generate_descriptions

    with pytest.raises(UnknownName, match=rf"^store '{store}' has no language 'xx' \(its languages: de, en\)$"):
        generate_descriptions(store=store, languages=["de", "xx"])
    assert nothing_written(engine, store)


def test_generate_refuses_an_unknown_configured_model(store, engine, monkeypatch):
    from flows.generate_descriptions import generate_descriptions

    monkeypatch.setenv("DESCGEN_MODEL_ID", "anthropic.claude-v9")
    get_settings.cache_clear()
    with pytest.raises(ModelRefused, match=r"^model anthropic.claude-v9 is not in the model catalog; use one of: "):
        generate_descriptions(store=store)
    assert nothing_written(engine, store)


def test_monitor_refuses_an_unknown_store_filter_before_its_artifact(store, engine):
    from flows.monitor_jobs import monitor_jobs

    with get_client(sync_client=True) as client:
        before = {a.key: a.id for a in client.read_latest_artifacts(limit=200)}
    with pytest.raises(UnknownName, match=r"^no store 'flow-typo'"):
        monitor_jobs(store="flow-typo")
    with get_client(sync_client=True) as client:
        after = {a.key: a.id for a in client.read_latest_artifacts(limit=200)}
    assert after.get("monitor-jobs") == before.get("monitor-jobs")


def test_review_refuses_an_unknown_store_before_its_artifact(store, engine):
    from flows.review_descriptions import review_descriptions

    with get_client(sync_client=True) as client:
        before = {a.key: a.id for a in client.read_latest_artifacts(limit=200)}
    with pytest.raises(UnknownName, match=r"^no store 'flow-typo'"):
        review_descriptions(store="flow-typo")
    with get_client(sync_client=True) as client:
        after = {a.key: a.id for a in client.read_latest_artifacts(limit=200)}
    assert after.get("review") == before.get("review")
