"""What batches cost and where they came from: the rows behind the cost trends and the drain's metrics."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from descgen.db.models import Batch, BatchShare
from descgen.metrics import StoreShare, store_label
from descgen.trends import TREND_DAYS, EndedBatch, Period, TrendRow, cost_trends


def ended_batches(session: Session, since: datetime, store_id: str | None = None) -> list[EndedBatch]:
    """Every batch whose job (or on-demand run) ended at or after ``since``, once per store in it, with that
    store's share of the tokens and the cost (a batch without shares: as a whole, a pooled one as POOLED_STORE)."""
    shared = BatchShare.store_id.is_not(None)
    query = (
        select(
            case((shared, BatchShare.store_id), else_=Batch.store_id),
            shared,
            Batch.model_id,
            Batch.mode,
            case((shared, BatchShare.input_tokens), else_=Batch.input_tokens),
            case((shared, BatchShare.output_tokens), else_=Batch.output_tokens),
            case((shared, BatchShare.cost_usd), else_=Batch.cost_usd),
            Batch.published_at,
            Batch.ended_at,
        )
        .outerjoin(BatchShare, BatchShare.batch_id == Batch.id)
        .where(Batch.ended_at >= since)
    )
    if store_id is not None:
        query = query.where(func.coalesce(BatchShare.store_id, Batch.store_id) == store_id)
    return [
        EndedBatch(
            store if has_share else store_label(store), model, mode, tokens_in, tokens_out, cost, published, ended
        )
        for store, has_share, model, mode, tokens_in, tokens_out, cost, published, ended in session.execute(
            query.order_by(Batch.ended_at)
        )
        if ended is not None
    ]


def recent_cost_trends(
    session: Session, period: Period, now: datetime, store_id: str | None = None, days: int = TREND_DAYS
) -> list[TrendRow]:
    """The trends of the batches that ended in the last ``days`` days (``descgen costs``, the artifact)."""
    return cost_trends(ended_batches(session, now - timedelta(days=days), store_id), period)


def batch_models(session: Session, batch_ids: Collection[str]) -> dict[str, str]:
    """Batch id -> its model id, for the batches that exist."""
    if not batch_ids:
        return {}
    rows = session.execute(select(Batch.id, Batch.model_id).where(Batch.id.in_(batch_ids)))
    return {batch_id: model_id for batch_id, model_id in rows}


def store_shares(session: Session, batch_id: str) -> list[StoreShare]:
    """Each store's part of the batch's real bill, by store id."""
    rows = session.execute(
        select(BatchShare.store_id, BatchShare.input_tokens, BatchShare.output_tokens, BatchShare.cost_usd)
        .where(BatchShare.batch_id == batch_id)
        .order_by(BatchShare.store_id)
    )
    return [StoreShare(*row) for row in rows]
