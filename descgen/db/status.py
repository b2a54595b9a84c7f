"""Read-only views for people: task counts, batches, costs, the quality report."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from descgen.db.models import Batch, BatchShare, DescriptionVersion, GenerationTask, Product, QualityTally
from descgen.deliveries import QualityStats
from descgen.quality.report import QualityReport, from_tallies

WORST = 5
RECENT_VERSIONS = 5000  # the worst answers are looked for among the store's latest scored versions


def task_states(session: Session, store_id: str) -> Counter[str]:
    rows = session.execute(
        select(GenerationTask.state, func.count())
        .where(GenerationTask.store_id == store_id)
        .group_by(GenerationTask.state)
    )
    return Counter({state: count for state, count in rows})


def batches(session: Session, store_id: str) -> list[Batch]:
    """The store's batches, pooled ones it has a share of included."""
    pooled = select(BatchShare.batch_id).where(BatchShare.store_id == store_id)
    return list(
        session.scalars(
            select(Batch).where(or_(Batch.store_id == store_id, Batch.id.in_(pooled))).order_by(Batch.created_at)
        )
    )


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
    """Real cost per store and month, from the token counts Bedrock reported; a pooled batch counts
    for each of its stores with that store's share (``batch_shares``)."""
    own = select(
        Batch.store_id,
        Batch.ended_at,
        Batch.created_at,
        Batch.record_count,
        Batch.input_tokens,
        Batch.output_tokens,
        Batch.cost_usd,
        Batch.on_demand_cost_usd,
    ).where(Batch.cost_usd.is_not(None), Batch.store_id.is_not(None))
    pooled = (
        select(
            BatchShare.store_id,
            Batch.ended_at,
            Batch.created_at,
            BatchShare.records,
            BatchShare.input_tokens,
            BatchShare.output_tokens,
            BatchShare.cost_usd,
            BatchShare.on_demand_cost_usd,
        )
        .join(Batch, Batch.id == BatchShare.batch_id)
        .where(BatchShare.cost_usd.is_not(None), Batch.store_id.is_(None))
    )
    if store_id:
        own, pooled = own.where(Batch.store_id == store_id), pooled.where(BatchShare.store_id == store_id)
    months: dict[tuple[str, str], MonthlyCost] = {}
    for store, ended_at, created_at, records, input_tokens, output_tokens, spent, on_demand in [
        *session.execute(own),
        *session.execute(pooled),
    ]:
        month = f"{ended_at or created_at:%Y-%m}"
        row = months.setdefault((store, month), MonthlyCost(store, month))
        row.batches += 1
        row.records += records
        row.input_tokens += input_tokens or 0
        row.output_tokens += output_tokens or 0
        row.cost_usd += spent or 0
        row.on_demand_cost_usd += on_demand or 0
    return [months[key] for key in sorted(months)]


def retry_cost(session: Session, retries_by_batch: Counter[str]) -> float:
    """What the gate's retries cost: each batch's price per record times its records sent back."""
    if not retries_by_batch:
        return 0.0
    total = 0.0
    for batch in session.scalars(select(Batch).where(Batch.id.in_(retries_by_batch))):
        spent = batch.cost_usd if batch.cost_usd is not None else batch.estimated_cost_usd
        total += spent / batch.record_count * retries_by_batch[batch.id] if batch.record_count else 0.0
    return total


def drain_quality_report(session: Session, stats: QualityStats) -> QualityReport:
    """One drain's quality report, from what its receives' gates saw."""
    rows = ((batch_id, language_id, name, n) for (batch_id, _, language_id, name), n in stats.tallies.items())
    report, retries = from_tallies("Quality of this drain's answers", rows)
    report.worst = list(stats.worst)
    report.duplicates = list(stats.duplicates)
    report.retry_cost_usd = retry_cost(session, retries)
    return report


def quality_report(session: Session, store_id: str, batch_id: str | None = None) -> QualityReport:
    """The store's (or one batch's) quality report, from the tallies and the scored versions."""
    where = [QualityTally.store_id == store_id] + ([QualityTally.batch_id == batch_id] if batch_id else [])
    tallies = session.execute(
        select(QualityTally.batch_id, QualityTally.language_id, QualityTally.name, QualityTally.count).where(*where)
    )
    title = f"Quality of {store_id}" + (f", batch {batch_id}" if batch_id else "")
    report, retries = from_tallies(title, ((b, lang, name, n) for b, lang, name, n in tallies))
    report.retry_cost_usd = retry_cost(session, retries)
    versions = (
        select(DescriptionVersion.quality, DescriptionVersion.language_id, Product.external_id)
        .join(Product, Product.id == DescriptionVersion.product_id)
        .where(DescriptionVersion.store_id == store_id, DescriptionVersion.quality.is_not(None))
        .order_by(DescriptionVersion.id.desc())
        .limit(RECENT_VERSIONS)
    )
    if batch_id:
        versions = versions.where(DescriptionVersion.batch_id == batch_id)
    worst = []
    for quality, language_id, external_id in session.execute(versions):
        scores = quality.get("scores") or {}
        failed = quality.get("reasons") or []
        if not scores or not failed:
            continue
        worst.append((round(sum(scores.values()) / len(scores), 3), f"{external_id}/{language_id}", "; ".join(failed)))
        report.duplicates.extend(
            f"{external_id}/{language_id}: {reason}" for reason in failed if reason.startswith("duplicate:")
        )
    sent_back = (
        select(GenerationTask.language_id, GenerationTask.reason, Product.external_id)
        .join(Product, Product.id == GenerationTask.product_id)
        .where(GenerationTask.store_id == store_id, GenerationTask.reason.like("quality:%duplicate:%"))
        .limit(20)
    )
    if batch_id is None:  # a retried task has left its batch; its reason is the last one
        report.duplicates.extend(
            f"{pid}/{lang} (sent back): {reason}" for lang, reason, pid in session.execute(sent_back)
        )
    report.worst = sorted(worst)[:WORST]
    report.duplicates = report.duplicates[:20]
    return report
