"""The publish-descriptions flow under a Prefect test harness: settings from the environment
as a worker reads them, a real webhook receiver, the artifact of what went out."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from prefect import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
from prefect.testing.utilities import prefect_test_harness

from descgen.db import migrate
from descgen.db.session import make_engine
from descgen.publishing.relay import NoWebhook
from descgen.settings import get_publish_settings
from descgen.stores import UnknownName
from tasks import connections
from tests.builders import catalog, load
from tests.integration import shop_receiver
from tests.integration.test_publishing import SECRET, approve_text


@pytest.fixture(scope="module", autouse=True)
def prefect_server() -> Iterator[None]:
    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def receiver():
    with shop_receiver.running(SECRET.encode()) as receiver:
        yield receiver


@pytest.fixture
def engine(tmp_path, monkeypatch, receiver):
    """A database with two stores' approved texts; settings pointing at it, the receiver, tmp_path."""
    url = f"sqlite:///{tmp_path / 'descgen.sqlite3'}"
    migrate.upgrade(url)
    monkeypatch.setenv("DESCGEN_DATABASE_URL", url)
    monkeypatch.setenv("DESCGEN_WEBHOOKS", json.dumps({"acme": {"url": receiver.url, "secret": SECRET}}))
    monkeypatch.setenv("DESCGEN_PUBLISH_DIR", str(tmp_path / "published"))
    get_publish_settings.cache_clear()
    connections.engine.cache_clear()
    engine = make_engine(url)
    for store in ("acme", "beta"):
        load(engine, catalog(store=store, products=2, languages=("en", "de")))
        for product in ("P1", "P2"):
            for language in ("en", "de"):
                approve_text(engine, store, product, language, f"<p>{store} {product} {language}</p>")
    yield engine
    engine.dispose()
    get_publish_settings.cache_clear()
    connections.engine.cache_clear()


def artifact(key: str) -> str:
    with get_client(sync_client=True) as client:
        [latest] = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])), limit=1)
    return str(latest.data)


def test_a_webhook_run_delivers_the_stores_with_a_webhook_and_reports_what_went_out(engine, receiver, tmp_path):
    from flows.publish_descriptions import publish_descriptions

    report = publish_descriptions()

    assert report.delivered == {("acme", "en"): 2, ("acme", "de"): 2}  # beta has no webhook: its rows wait
    assert len(receiver.applied) == 4
    assert all(key.startswith("descgen:acme:") for key in receiver.applied)
    summary = artifact("publish-descriptions")
    assert "## publish-descriptions: webhook, every store" in summary
    assert "| acme | de | 2 | 0 | 0 |" in summary
    assert "| acme | en | 2 | 0 | 0 |" in summary

    # WHEN beta's rows go out as files
    files = publish_descriptions(store="beta", publisher="file")

    assert files.delivered.total() == 4
    [path] = (tmp_path / "published" / "beta").iterdir()
    assert len(path.read_text().splitlines()) == 4
    assert f"`{path}`" in artifact("publish-descriptions-beta")


def test_an_unknown_store_or_one_without_a_webhook_fails_the_run_before_anything_is_sent(engine, receiver):
    from flows.publish_descriptions import publish_descriptions

    with pytest.raises(UnknownName):
        publish_descriptions(store="acmee")
    with pytest.raises(NoWebhook):
        publish_descriptions(store="beta", publisher="webhook")
    assert receiver.requests == []
