"""Read-only views for people: task counts, batches, costs."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

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


@dataclass
class MonthlyCost:
    store_id: str
    month: str  # YYYY-MM, of the job's end (or of the batch, if it never ran)
    batches: int = 0
    records: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0  # what was spent: batch prices, or on-demand prices for on-demand remainders
    on_demand_cost_usd: float = 0.0  # what the same tokens cost on demand

    @property
    def saved_usd(self) -> float:
        return self.on_demand_cost_usd - self.cost_usd


def monthly_costs(session: Session, store_id: str | None = None) -> list[MonthlyCost]:
    """Real cost per store and month, from the token counts Bedrock reported."""
    query = select(Batch).where(Batch.cost_usd.is_not(None))
    if store_id:
        query = query.where(Batch.store_id == store_id)
    months: dict[tuple[str, str], MonthlyCost] = {}
    for batch in session.scalars(query):
        month = f"{batch.ended_at or batch.created_at:%Y-%m}"
        row = months.setdefault((batch.store_id, month), MonthlyCost(batch.store_id, month))
        row.batches += 1
        row.records += batch.record_count
        row.input_tokens += batch.input_tokens or 0
        row.output_tokens += batch.output_tokens or 0
        row.cost_usd += batch.cost_usd or 0
        row.on_demand_cost_usd += batch.on_demand_cost_usd or 0
    return [months[key] for key in sorted(months)]
