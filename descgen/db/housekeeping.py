"""Pruning ``description_versions``: the SQL around ``descgen/housekeeping.py``'s decision.

The table is walked in id order, ``chunk`` versions per transaction: read each
version's facts (``ix_description_versions_pair`` for its newer versions; PostgreSQL
reads the few undelivered outbox rows once per chunk), decide, delete what goes (the
cascade finds their outbox rows by ``ix_outbox_version``), commit. A run that stops
half way has committed its chunks; the next run walks the table again. Memory holds
one chunk. At 4,500,000 versions a chunk of 5,000 takes about 0.4 s on two cores
(``make bench-explain``): some minutes a day.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Engine, and_, delete, exists, func, select
from sqlalchemy.orm import Session, aliased

from descgen.db.models import Batch, Description, DescriptionVersion, OutboxEntry
from descgen.db.session import session_scope
from descgen.housekeeping import PruneReport, RetentionPolicy, VersionFacts, keep_reason
from descgen.lifecycle import LIVE_VERSIONS

NEWER_LIVE_COUNTED = 2  # the policy tells 0, 1 and "more" apart: counting stops there


def version_facts(session: Session, after_id: int, limit: int) -> list[tuple[int, VersionFacts]]:
    """The next ``limit`` versions after ``after_id`` by id, each with what the policy reads."""
    version = DescriptionVersion
    newer = aliased(DescriptionVersion)
    newer_live = (
        select(func.count())
        .select_from(
            select(newer.id)
            .where(
                newer.product_id == version.product_id,
                newer.language_id == version.language_id,
                newer.id > version.id,
                newer.status.in_(LIVE_VERSIONS),
            )
            .limit(NEWER_LIVE_COUNTED)
            .correlate(version)
            .subquery()
        )
        .scalar_subquery()
    )
    undelivered = exists().where(OutboxEntry.version_id == version.id, OutboxEntry.delivered_at.is_(None))
    rows = session.execute(
        select(
            version.id,
            version.status,
            version.created_at,
            version.reviewed_at,
            newer_live.label("newer_live"),
            Description.id.label("current_id"),
            undelivered.label("undelivered"),
            Batch.created_at.label("batch_created_at"),
        )
        .outerjoin(Description, and_(Description.id == version.description_id, Description.version == version.version))
        .outerjoin(Batch, Batch.id == func.coalesce(version.batch_id, version.rollback_of))
        .where(version.id > after_id)
        .order_by(version.id)
        .limit(limit)
    ).all()
    return [
        (
            row.id,
            VersionFacts(
                status=row.status,
                created_at=row.created_at,
                reviewed_at=row.reviewed_at,
                newer_live=int(row.newer_live),
                current=row.current_id is not None,
                undelivered=bool(row.undelivered),
                batch_created_at=row.batch_created_at,
            ),
        )
        for row in rows
    ]


def outbox_rows_of(session: Session, version_ids: Sequence[int]) -> int:
    """The outbox rows that go with the versions (delivered ones: the policy keeps the others' versions)."""
    if not version_ids:
        return 0
    return int(session.scalar(select(func.count()).where(OutboxEntry.version_id.in_(version_ids))) or 0)


def delete_versions(session: Session, version_ids: Sequence[int]) -> None:
    """Delete the versions; their outbox rows go by cascade (``ON DELETE CASCADE``)."""
    if version_ids:
        session.execute(
            delete(DescriptionVersion)
            .where(DescriptionVersion.id.in_(version_ids))
            .execution_options(synchronize_session=False)
        )


def prune_versions(
    engine: Engine, policy: RetentionPolicy, now: datetime, *, dry_run: bool, chunk: int = 5000
) -> PruneReport:
    """Every version the policy lets go, deleted ``chunk`` by ``chunk`` (a dry run counts them)."""
    report = PruneReport(dry_run=dry_run)
    after_id: int | None = 0
    while after_id is not None:
        with session_scope(engine) as session:
            after_id = prune_chunk(session, after_id, policy, now, chunk, report)
    return report


def prune_chunk(
    session: Session, after_id: int, policy: RetentionPolicy, now: datetime, chunk: int, report: PruneReport
) -> int | None:
    """One transaction's work: the next ``chunk`` versions decided and, unless a dry run, the
    pruned ones deleted; counted into ``report``. Returns the last id read (None: none was left)."""
    rows = version_facts(session, after_id, chunk)
    if not rows:
        return None
    going: list[int] = []
    for version_id, facts in rows:
        reason = keep_reason(facts, policy, now)
        if reason is None:
            going.append(version_id)
        else:
            report.kept[reason] += 1
    report.outbox_rows += outbox_rows_of(session, going)
    if not report.dry_run:
        delete_versions(session, going)
    report.examined += len(rows)
    report.pruned += len(going)
    report.chunks += 1
    return rows[-1][0]
