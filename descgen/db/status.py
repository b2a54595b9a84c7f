"""Read-only views for people: task counts, batches, costs."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from descgen.db.models import Batch, GenerationTask


def task_states(session: Session, store_id: str) -> Counter[str]:
    rows = session.execute(
        select(GenerationTask.state, func.count())
        .where(GenerationTask.store_id == store_id)
        .group_by(GenerationTask.state)
    )
    return Counter({state: count for state, count in rows})


def batches(session: Session, store_id: str) -> list[Batch]:
    return list(session.scalars(select(Batch).where(Batch.store_id == store_id).order_by(Batch.created_at)))
