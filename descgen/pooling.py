"""Small stores share batch prices: their remainders pooled into jobs, and each store's share of the bill.

A store whose night has fewer changed records than the model's batch minimum
would wait or pay on-demand prices (twice the batch price). Per model, the
remainders of every such store are pooled into jobs of at most the maximum
size; a pool that is still under the minimum is not sent, and those stores fall
back to their own remainder policy. A pooled job has one JSONL file and record
ids that name each task, so a result can only ever reach its own task's store.

The bill of a pooled job is one manifest. Each store's share of its tokens is
its records' own usage as the output lines report it, scaled to the manifest's
totals (largest remainder, so the shares add up to the token); where the lines
carry no usage, records count instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from descgen.contract.messages import TokenUsage
from descgen.model_catalog import ModelPrice, ModelQuota
from descgen.pricing import cost


@dataclass(frozen=True)
class PoolPlan:
    pools: tuple[dict[str, int], ...]  # each: store -> records it puts into that pooled job
    left: dict[str, int]  # what no pool could take: each store's own remainder policy applies

    @property
    def pooled_records(self) -> int:
        return sum(sum(pool.values()) for pool in self.pools)


def plan_pools(remainders: Mapping[str, int], quota: ModelQuota) -> PoolPlan:
    """Fill jobs of at most ``max_records`` with the stores' remainders, in store order."""
    pools: list[dict[str, int]] = []
    current: dict[str, int] = {}
    size = 0
    for store in sorted(remainders):
        count = remainders[store]
        while count > 0:
            take = min(count, quota.max_records - size)
            current[store] = take  # a store's records fill the rest of a pool, so it is never in one twice
            size += take
            count -= take
            if size == quota.max_records:
                pools.append(current)
                current, size = {}, 0
    if size >= quota.min_records:
        pools.append(current)
        current = {}
    return PoolPlan(tuple(pools), current)


@dataclass(frozen=True)
class Share:
    """One store's part of one job's bill."""

    store_id: str
    records: int
    input_tokens: int
    output_tokens: int
    cost_usd: float
    on_demand_cost_usd: float


@dataclass(frozen=True)
class StoreUsage:
    records: int
    input_tokens: int = 0
    output_tokens: int = 0


def usage_by_store(
    usages: Iterable[tuple[str, TokenUsage | None]], store_of: Mapping[str, str]
) -> dict[str, StoreUsage]:
    """Records and reported tokens per store, from (record id, usage) pairs; ``store_of``: record id -> store
    (a record it does not name is not counted)."""
    totals: dict[str, list[int]] = {}
    for record_id, usage in usages:
        store = store_of.get(record_id)
        if store is None:
            continue
        total = totals.setdefault(store, [0, 0, 0])
        total[0] += 1
        if usage is not None:
            total[1] += usage.input_tokens
            total[2] += usage.output_tokens
    return {store: StoreUsage(*total) for store, total in totals.items()}


def _apportion(total: int, weights: Mapping[str, int]) -> dict[str, int]:
    """``total`` split in proportion to ``weights``, in whole units that add up to it (largest remainder)."""
    stores = sorted(weights)
    weight_sum = sum(weights[s] for s in stores)
    if weight_sum == 0:  # nothing to go by: equal parts
        weights, weight_sum = dict.fromkeys(stores, 1), len(stores)
    if not stores:
        return {}
    exact = {s: total * weights[s] / weight_sum for s in stores}
    whole = {s: int(exact[s]) for s in stores}
    short = total - sum(whole.values())
    for s in sorted(stores, key=lambda s: (whole[s] - exact[s], s))[:short]:
        whole[s] += 1
    return whole


def attribute(input_tokens: int, output_tokens: int, usage: Mapping[str, StoreUsage], price: ModelPrice) -> list[Share]:
    """Each store's share of a job's manifest totals, by its records' usage in the output lines."""
    by_input = {s: u.input_tokens for s, u in usage.items()}
    by_output = {s: u.output_tokens for s, u in usage.items()}
    if not any(by_input.values()) and not any(by_output.values()):
        by_input = by_output = {s: u.records for s, u in usage.items()}
    inputs, outputs = _apportion(input_tokens, by_input), _apportion(output_tokens, by_output)
    shares = []
    for store in sorted(usage):
        spent = cost(price, inputs[store], outputs[store])
        shares.append(
            Share(store, usage[store].records, inputs[store], outputs[store], spent.batch_usd, spent.on_demand_usd)
        )
    return shares
