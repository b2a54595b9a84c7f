"""Each store's share of a batch, and what a store spent this month (``descgen.pooling``, ``descgen.budgets``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from descgen.db.models import BatchShare, Store, utcnow
from descgen.pooling import Share
from descgen.pricing import Cost


def write_estimates(session: Session, batch_id: str, per_store: Mapping[str, tuple[int, Cost]]) -> None:
    """The batch's shares as written to its input file: records and the estimate, per store (replaces any)."""
    session.execute(delete(BatchShare).where(BatchShare.batch_id == batch_id))
    if per_store:
        now = utcnow()
        session.execute(
            insert(BatchShare),
            [
                {
                    "batch_id": batch_id,
                    "store_id": store_id,
                    "records": records,
                    "estimated_cost_usd": estimate.batch_usd,
                    "estimated_on_demand_cost_usd": estimate.on_demand_usd,
                    "created_at": now,
                }
                for store_id, (records, estimate) in sorted(per_store.items())
            ],
        )


def write_real(session: Session, batch_id: str, shares: Iterable[Share]) -> None:
    """The bill as attributed: each store's tokens and cost."""
    for share in shares:
        session.execute(
            update(BatchShare)
            .where(BatchShare.batch_id == batch_id, BatchShare.store_id == share.store_id)
            .values(
                input_tokens=share.input_tokens,
                output_tokens=share.output_tokens,
                cost_usd=share.cost_usd,
                on_demand_cost_usd=share.on_demand_cost_usd,
            )
        )


def spent_since(session: Session, store_id: str, since: datetime) -> float:
    """The store's shares of every batch since ``since``: the real cost where known, else the estimate."""
    spent = session.scalar(
        select(func.sum(func.coalesce(BatchShare.cost_usd, BatchShare.estimated_cost_usd))).where(
            BatchShare.store_id == store_id, BatchShare.created_at >= since
        )
    )
    return float(spent or 0.0)


def budget_of(session: Session, store_id: str) -> tuple[float | None, str]:
    """The store's monthly budget (None: none) and the time zone its months begin in."""
    store = session.get_one(Store, store_id)
    timezone = (store.schedule or {}).get("timezone", "UTC")
    return store.monthly_budget_usd, timezone
