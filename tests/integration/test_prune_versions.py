"""Pruning the description history on both databases: what goes, what rollback and review
still need, and the flow's dry run."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from descgen.db.descriptions import NewText, hold_ai_texts
from descgen.db.housekeeping import prune_versions
from descgen.db.models import Batch, Description, DescriptionVersion, GenerationTask, OutboxEntry, Product, utcnow
from descgen.db.session import session_scope
from descgen.housekeeping import Keep, PruneReport, RetentionPolicy
from descgen.lifecycle import VersionStatus
from descgen.settings import get_housekeeping_settings
from tasks import connections
from tests.builders import catalog, load
from tests.integration.test_rollback import roll, run_batch, texts

POLICY = RetentionPolicy(keep_days=14, rejected_keep_days=90, rollback_window_days=30)
NIGHTS = 3


def nights(engine, count: int = NIGHTS) -> list[tuple[str, dict]]:
    """A store of three products in English, written by ``count`` nightly batches: each batch
    with the texts after it."""
    store = load(engine, catalog(products=3, languages=("en",)))
    done: list[tuple[str, dict]] = []
    for night in range(1, count + 1):
        if night > 1:
            with session_scope(engine) as session:  # the catalog changed: every task pending again
                session.execute(update(GenerationTask).values(state="pending", fingerprint=f"night {night}"))
        batch_id = run_batch(engine, store, 10, f"night {night}")
        done.append((batch_id, texts(engine)))
    return done


def age_everything(engine, days: float = 200) -> None:
    """Every version, batch and delivery made ``days`` ago (the newest still last), every row delivered."""
    long_ago = utcnow() - timedelta(days=days)
    with session_scope(engine) as session:
        session.execute(update(DescriptionVersion).values(created_at=long_ago))
        session.execute(update(Batch).values(created_at=long_ago))
        session.execute(update(OutboxEntry).values(delivered_at=long_ago))


def versions(engine) -> dict[tuple[str, int | None], str]:
    """(product, version number) -> status, of every version left."""
    with session_scope(engine) as session:
        rows = session.execute(
            select(Product.external_id, DescriptionVersion.version, DescriptionVersion.status).join(
                Product, Product.id == DescriptionVersion.product_id
            )
        )
        return {(product, version): status for product, version, status in rows}


def count(engine, table) -> int:
    with session_scope(engine) as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def prune(engine, *, dry_run: bool = False, chunk: int = 2) -> PruneReport:
    return prune_versions(engine, POLICY, utcnow(), dry_run=dry_run, chunk=chunk)


def test_old_superseded_versions_go_with_their_delivered_outbox_rows_and_the_last_two_stay(engine):
    # GIVEN three old nights of three products, everything delivered
    nights(engine)
    age_everything(engine)
    assert count(engine, OutboxEntry) == 9

    # WHEN the history is pruned, two versions per transaction
    report = prune(engine)

    # THEN each product keeps its current text and the one before it; the first night's goes
    assert versions(engine) == {(f"P{i}", v): "approved" for i in (1, 2, 3) for v in (2, 3)}
    assert (report.examined, report.pruned, report.outbox_rows, report.chunks) == (9, 3, 3, 5)
    assert report.kept == {Keep.CURRENT: 3, Keep.BEFORE_CURRENT: 3}
    assert count(engine, OutboxEntry) == 6  # the pruned versions' rows went by cascade


def test_a_version_not_yet_delivered_is_never_pruned(engine):
    # GIVEN three old nights, and the first night's P1 text never reached the shop (its row died)
    nights(engine)
    age_everything(engine)
    with session_scope(engine) as session:
        first_p1 = session.scalar(
            select(DescriptionVersion.id)
            .join(Product, Product.id == DescriptionVersion.product_id)
            .where(Product.external_id == "P1", DescriptionVersion.version == 1)
        )
        session.execute(
            update(OutboxEntry)
            .where(OutboxEntry.version_id == first_p1)
            .values(delivered_at=None, dead_at=utcnow(), last_error="shop down")
        )

    report = prune(engine)

    # THEN it stays, and its outbox row with it (a redrive can still send it or settle it)
    assert ("P1", 1) in versions(engine)
    assert ("P2", 1) not in versions(engine)
    assert report.kept[Keep.UNDELIVERED] == 1
    with session_scope(engine) as session:
        assert session.scalar(select(OutboxEntry.last_error).where(OutboxEntry.version_id == first_p1)) == "shop down"


def test_a_draft_waits_for_its_review_however_old(engine):
    [*_, (last, _)] = nights(engine)
    with session_scope(engine) as session:
        product = session.scalar(select(Product.id).where(Product.external_id == "P2"))
        assert product is not None
        hold_ai_texts(session, "acme", last, [NewText(product, "en", "<p>held for review</p>")])
    age_everything(engine)

    report = prune(engine)

    assert ("P2", None) in versions(engine)  # a draft has no number until it goes live
    assert versions(engine)[("P2", None)] == VersionStatus.DRAFT
    assert report.kept[Keep.DRAFT] == 1


def test_a_batch_in_its_rollback_window_keeps_every_version_it_wrote(engine):
    [(first, _), *_] = nights(engine)
    age_everything(engine)
    with session_scope(engine) as session:  # the first night's batch is only 20 days old
        session.execute(update(Batch).where(Batch.id == first).values(created_at=utcnow() - timedelta(days=20)))

    report = prune(engine)

    assert report.pruned == 0
    assert report.kept[Keep.ROLLBACK_WINDOW] == 3


def test_rollback_and_its_undo_still_work_after_pruning(engine):
    # GIVEN three old nights, pruned
    [_, (_, second_night), (last, last_night)] = nights(engine)
    age_everything(engine)
    prune(engine)

    # WHEN the last night's batch is rolled back
    report = roll(engine, last)

    # THEN the second night's texts are back, byte for byte
    assert report.restored == 3
    assert texts(engine) == second_night

    # AND pruned again (the rollback's versions are current, the batch's the ones before),
    # undoing the rollback brings the last night's texts back
    age_everything(engine)
    prune(engine)
    undone = roll(engine, last, undo=True)
    assert undone.restored == 3
    assert texts(engine) == last_night


def test_a_dry_run_counts_what_would_go_and_changes_nothing(engine):
    nights(engine)
    age_everything(engine)

    dry = prune(engine, dry_run=True)

    assert (dry.pruned, dry.outbox_rows) == (3, 3)
    assert count(engine, DescriptionVersion) == 9
    assert count(engine, OutboxEntry) == 9
    assert prune(engine).pruned == dry.pruned


# --- the flow, under a Prefect test harness ---


@pytest.fixture(scope="module")
def prefect_server() -> Iterator[None]:
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def worker_settings(database_url, monkeypatch) -> Iterator[None]:
    monkeypatch.setenv("DESCGEN_DATABASE_URL", database_url)
    get_housekeeping_settings.cache_clear()
    connections.engine.cache_clear()
    yield
    get_housekeeping_settings.cache_clear()
    connections.engine.cache_clear()


def test_the_flows_dry_run_changes_nothing_and_reports_the_counts(engine, worker_settings, prefect_server):
    from prefect import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    from flows.prune_versions import prune_versions as flow

    nights(engine)
    age_everything(engine)
    with session_scope(engine) as session:
        before = sorted(session.scalars(select(DescriptionVersion.id)))
        descriptions = sorted(session.scalars(select(Description.id)))

    report = flow()  # dry_run is the default

    assert report.dry_run
    assert report.pruned == 3
    with session_scope(engine) as session:
        assert sorted(session.scalars(select(DescriptionVersion.id))) == before
        assert sorted(session.scalars(select(Description.id))) == descriptions
    assert count(engine, OutboxEntry) == 9
    with get_client(sync_client=True) as client:
        [artifact] = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["prune-versions-dry-run"])), limit=1
        )
    assert "**3 would be pruned (dry run: nothing deleted)**" in str(artifact.data)
