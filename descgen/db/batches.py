"""Batches and the atomic claim of pending tasks.

On PostgreSQL a claim locks the oldest pending rows with ``SELECT .. LIMIT n FOR
UPDATE SKIP LOCKED`` (concurrent claimers skip each other's rows) and updates
exactly those. On SQLite it is one guarded statement, ``UPDATE .. WHERE id IN
(SELECT .. LIMIT n) AND state = 'pending'``: SQLite runs one writer at a time.
Either way the ``state = 'pending'`` guard holds, and two generate runs at the
same time never claim the same task.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select, update
from sqlalchemy.orm import Session

from descgen.db.bulk import is_postgres
from descgen.db.models import Batch, GenerationTask, Product, utcnow
from descgen.lifecycle import BatchState, TaskState, legal_sources
from descgen.stores import check_store_id

POOLED = "pooled"  # the first part of a pooled batch's id, where a store's id would be


def new_batch_id(store_id: str, now: datetime) -> str:
    """``<store>-<UTC time>-<random>``: unique, sortable, and a valid job token."""
    return f"{check_store_id(store_id)}-{now:%Y%m%d%H%M%S}-{secrets.token_hex(3)}"


def job_name_for(batch_id: str) -> str:
    """Deterministic, so monitor-jobs can find a job whose ARN was never recorded."""
    return f"descgen-{batch_id}"


def _pending(store_id: str, languages: Sequence[str] | None) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [GenerationTask.store_id == store_id, GenerationTask.state == TaskState.PENDING]
    if languages:
        where.append(GenerationTask.language_id.in_(languages))
    return where


def count_pending(session: Session, store_id: str, languages: Sequence[str] | None) -> int:
    return int(
        session.scalar(select(func.count()).select_from(GenerationTask).where(*_pending(store_id, languages))) or 0
    )


def oldest_pending_since(session: Session, store_id: str, languages: Sequence[str] | None) -> datetime | None:
    return session.scalar(select(func.min(GenerationTask.pending_since)).where(*_pending(store_id, languages)))


# What a batch input line is made of: the task and its product, as plain rows (a batch may
# hold 50,000; ORM objects cost more to build than the line itself).
LINE_COLUMNS = (
    GenerationTask.id.label("task_id"),
    GenerationTask.store_id,
    GenerationTask.language_id,
    GenerationTask.sends,
    GenerationTask.reason,
    Product.id.label("product_id"),
    Product.external_id,
    Product.title,
    Product.seo_keywords,
    Product.attributes,
)


def pending_sample(
    session: Session, store_id: str, languages: Sequence[str] | None, limit: int, every: int
) -> Iterator[Any]:
    """Of what a claim of ``limit`` would take (claimed nothing), the first task of each language and
    every ``every``-th after it, as ``LINE_COLUMNS`` rows with ``in_language``: how many of the ``limit``
    are in the row's language. Numbered within each language, so a catalog's languages, interleaved
    in claim order, cannot make the sample miss one of them."""
    taken = (
        select(GenerationTask.id, GenerationTask.language_id, GenerationTask.pending_since)
        .where(*_pending(store_id, languages))
        .order_by(GenerationTask.pending_since, GenerationTask.id)
        .limit(limit)
        .subquery()
    )
    language = taken.c.language_id
    numbered = select(
        taken.c.id,
        func.row_number().over(partition_by=language, order_by=(taken.c.pending_since, taken.c.id)).label("nth"),
        func.count().over(partition_by=language).label("in_language"),
    ).subquery()
    yield from session.execute(
        select(*LINE_COLUMNS, numbered.c.in_language)
        .join(Product, Product.id == GenerationTask.product_id)
        .join(numbered, numbered.c.id == GenerationTask.id)
        .where((numbered.c.nth - 1) % every == 0)
        .order_by(GenerationTask.pending_since, GenerationTask.id)
        .execution_options(yield_per=1000)
    )


def _new_batch(session: Session, store_id: str | None, model_id: str, mode: str, output_format: str) -> Batch:
    batch = Batch(
        id=new_batch_id(store_id or POOLED, utcnow()),
        store_id=store_id,
        model_id=model_id,
        mode=mode,
        state=BatchState.CLAIMED,
        invocation_type="Converse",
        output_format=output_format,
    )
    session.add(batch)
    session.flush()
    return batch


def _claim_into(session: Session, batch: Batch, store_id: str, languages: Sequence[str] | None, limit: int) -> int:
    """Up to ``limit`` of the store's pending tasks, oldest first, into the batch; how many it took."""
    oldest_first = (
        select(GenerationTask.id)
        .where(*_pending(store_id, languages))
        .order_by(GenerationTask.pending_since, GenerationTask.id)
        .limit(limit)
    )
    if is_postgres(session):
        # Lock the rows first: PostgreSQL may re-run a LIMIT subquery inside UPDATE .. IN (..)
        # and so touch more than ``limit`` rows. Rows locked here are skipped by other claimers.
        picked: Sequence[int] | Select[int] = list(session.scalars(oldest_first.with_for_update(skip_locked=True)))
    else:
        picked = oldest_first  # SQLite: one guarded UPDATE, and one writer at a time
    claimed = session.execute(
        update(GenerationTask)
        .where(
            GenerationTask.id.in_(picked),
            GenerationTask.state.in_(legal_sources(TaskState.CLAIMED, {TaskState.PENDING})),
        )
        .values(state=TaskState.CLAIMED, batch_id=batch.id, reason=None, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(claimed.rowcount)  # type: ignore[attr-defined]  # an UPDATE's result is a CursorResult


def _kept(session: Session, batch: Batch, claimed: int) -> Batch | None:
    if not claimed:
        session.delete(batch)
        session.flush()
        return None
    batch.record_count = claimed
    return batch


def claim_batch(
    session: Session,
    store_id: str,
    model_id: str,
    languages: Sequence[str] | None,
    limit: int,
    mode: str = "batch",
    output_format: str = "json",
) -> Batch | None:
    """Claim up to ``limit`` pending tasks (oldest first) into a new batch; None if none were left."""
    batch = _new_batch(session, store_id, model_id, mode, output_format)
    return _kept(session, batch, _claim_into(session, batch, store_id, languages, limit))


def claim_pool(session: Session, model_id: str, pool: Mapping[str, int], output_format: str = "json") -> Batch | None:
    """One batch for several stores' remainders (``descgen.pooling``): up to ``pool[store]`` of each store's oldest."""
    batch = _new_batch(session, None, model_id, "batch", output_format)
    claimed = sum(_claim_into(session, batch, store_id, None, count) for store_id, count in sorted(pool.items()))
    return _kept(session, batch, claimed)


# A job takes one of its model's slots from its request until monitor-jobs sees it end.
IN_FLIGHT = (BatchState.PUBLISHED, BatchState.SUBMITTED)


def jobs_in_flight(session: Session, model_id: str) -> int:
    """descgen's batch jobs of the model that hold a slot of its jobs-in-flight quota."""
    return int(
        session.scalar(
            select(func.count()).where(Batch.model_id == model_id, Batch.mode == "batch", Batch.state.in_(IN_FLIGHT))
        )
        or 0
    )


def batch_tasks_with_products(session: Session, batch_id: str) -> Iterator[Any]:
    """The batch's claimed tasks in id order, streamed as ``LINE_COLUMNS`` rows (a batch may hold 50,000)."""
    yield from session.execute(
        select(*LINE_COLUMNS)
        .join(Product, Product.id == GenerationTask.product_id)
        .where(GenerationTask.batch_id == batch_id, GenerationTask.state == TaskState.CLAIMED)
        .order_by(GenerationTask.id)
        .execution_options(yield_per=1000)
    )


def release_tasks(session: Session, batch_id: str, task_ids: Sequence[int] | None, reason: str) -> int:
    """Claimed tasks that were never sent go back to pending; not their fault, so no attempt is counted."""
    where = [
        GenerationTask.batch_id == batch_id,
        GenerationTask.state.in_(legal_sources(TaskState.PENDING, {TaskState.CLAIMED})),
    ]
    if task_ids is not None:
        where.append(GenerationTask.id.in_(task_ids))
    result = session.execute(
        update(GenerationTask)
        .where(*where)
        .values(state=TaskState.PENDING, batch_id=None, reason=reason, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]  # an UPDATE's result is a CursorResult


def mark_submitted(session: Session, batch_id: str) -> int:
    """The batch's file is in S3 and its job requested: its tasks are submitted."""
    result = session.execute(
        update(GenerationTask)
        .where(
            GenerationTask.batch_id == batch_id,
            GenerationTask.state.in_(legal_sources(TaskState.SUBMITTED, {TaskState.CLAIMED})),
        )
        .values(state=TaskState.SUBMITTED, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]  # an UPDATE's result is a CursorResult
