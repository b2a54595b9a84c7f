"""A store's monthly budget: how much of a planned run it still allows.

Estimates are priced at the configured ``max_tokens`` per answer, the most a
record can cost, so a run cut to its budget cannot exceed it: the bill comes in
under the estimate. What a store spent is its share of every batch this month
(``batch_shares``): the real cost where monitor-jobs read the manifest, the
estimate where the job has not ended.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class BudgetCut:
    store_id: str
    wanted: int  # records the run would send
    allowed: int  # records the budget still pays for
    budget_usd: float | None
    spent_usd: float
    per_record_usd: float

    @property
    def reached(self) -> bool:
        return self.allowed < self.wanted


def cut_to_budget(
    store_id: str, wanted: int, per_record_usd: float, budget_usd: float | None, spent_usd: float
) -> BudgetCut:
    """At most as many records as the money left pays for at ``per_record_usd`` each (no budget: all)."""
    if budget_usd is None or wanted == 0 or per_record_usd <= 0:
        allowed = wanted
    else:
        # the small tolerance keeps a float like 2.9999999999 from losing a whole record
        allowed = max(0, min(wanted, math.floor((budget_usd - spent_usd) / per_record_usd + 1e-9)))
    return BudgetCut(store_id, wanted, allowed, budget_usd, spent_usd, per_record_usd)
