"""What a batch costs: estimated before it is sent, real after the job's manifest.

Token estimates are deliberately simple and on the high side: UTF-8 bytes / 4
for the prompt (CJK text is about one token per character, i.e. 3 bytes / 3),
and the configured ``max_tokens`` for the answer, which is the most a record can
cost.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from descgen.model_catalog import ModelInfo, ModelPrice

PER_MILLION = 1_000_000


class UnknownModelPrice(LookupError):
    def __init__(self, model_id: str) -> None:
        super().__init__(f"no price for model {model_id}; add one to its catalog entry with DESCGEN_MODELS")


@dataclass(frozen=True)
class Cost:
    batch_usd: float
    on_demand_usd: float

    @property
    def saved_usd(self) -> float:
        return self.on_demand_usd - self.batch_usd


def estimate_tokens(text_bytes: int) -> int:
    return max(1, -(-text_bytes // 4))


def price_for(models: Mapping[str, ModelInfo], model_id: str) -> ModelPrice:
    """What the id costs per million tokens, a regional profile's premium included.

    Any catalog entry is priced, EOL ones too: a batch sent before its model was
    retired still has its bill read.
    """
    model = models.get(model_id)
    price = model.effective_price if model is not None else None
    if price is None:
        raise UnknownModelPrice(model_id)
    return price


def cost(price: ModelPrice, input_tokens: int, output_tokens: int) -> Cost:
    return Cost(
        batch_usd=(input_tokens * price.batch_input + output_tokens * price.batch_output) / PER_MILLION,
        on_demand_usd=(input_tokens * price.on_demand_input + output_tokens * price.on_demand_output) / PER_MILLION,
    )
