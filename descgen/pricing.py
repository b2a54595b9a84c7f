"""What a batch costs: estimated before it is sent, real after the job's manifest.

Token estimates are deliberately simple and on the high side: UTF-8 bytes / 4
for the prompt (CJK text is about one token per character, i.e. 3 bytes / 3),
and the configured ``max_tokens`` for the answer, which is the most a record can
cost.
"""

from __future__ import annotations

from dataclasses import dataclass

from descgen.settings import ModelPrice

PER_MILLION = 1_000_000


class UnknownModelPrice(LookupError):
    def __init__(self, model_id: str) -> None:
        super().__init__(f"no price for model {model_id}; add it to the prices setting")


@dataclass(frozen=True)
class Cost:
    batch_usd: float
    on_demand_usd: float

    @property
    def saved_usd(self) -> float:
        return self.on_demand_usd - self.batch_usd


def estimate_tokens(text_bytes: int) -> int:
    return max(1, -(-text_bytes // 4))


def price_for(prices: dict[str, ModelPrice], model_id: str) -> ModelPrice:
    """Cross-region inference profiles (``us.anthropic...``) cost what their model costs."""
    if model_id in prices:
        return prices[model_id]
    base = model_id.split(".", 1)[1] if model_id.split(".", 1)[0] in {"us", "eu", "apac", "global"} else None
    if base is not None and base in prices:
        return prices[base]
    raise UnknownModelPrice(model_id)


def cost(price: ModelPrice, input_tokens: int, output_tokens: int) -> Cost:
    return Cost(
        batch_usd=(input_tokens * price.batch_input + output_tokens * price.batch_output) / PER_MILLION,
        on_demand_usd=(input_tokens * price.on_demand_input + output_tokens * price.on_demand_output) / PER_MILLION,
    )
