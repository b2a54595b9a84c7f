"""The model catalog: which Bedrock models descgen can use, how, and at what price.

Data, not code: ``descgen/model_catalog.json`` holds one entry per model or
inference profile (id, provider, batch support, invocation type, structured
output, prices with their source and date, batch quotas, lifecycle), with the
AWS pages each figure was read from. The ``models`` setting (``DESCGEN_MODELS``,
JSON) changes fields of an entry or adds a model, and ``quota_override``
(``DESCGEN_QUOTA_OVERRIDE__*``) applies an account's raised or lowered quota to
every model: neither needs a code change.

A model that is unknown, EOL, without batch support or without a price is
refused by ``check_usable`` before anything is claimed (``descgen.model_check``
also asks Bedrock itself).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from importlib.resources import files
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Lifecycle = Literal["ACTIVE", "LEGACY", "EOL"]
InvocationType = Literal["Converse", "InvokeModel"]
ProfileKind = Literal["none", "geo", "global"]


class ModelPrice(BaseModel):
    """USD per million tokens, as listed (before the regional factor)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    on_demand_input: float = Field(ge=0)
    on_demand_output: float = Field(ge=0)
    batch_input: float = Field(ge=0)
    batch_output: float = Field(ge=0)
    source: str = ""


class ModelQuota(BaseModel):
    """Bedrock batch inference quotas for one model (Service Quotas, per account and region)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    min_records: int = Field(100, ge=1)
    max_records: int = Field(50_000, ge=1)
    max_file_bytes: int = Field(1_000_000_000, ge=1)
    max_jobs_in_flight: int = Field(20, ge=1)


class QuotaOverride(BaseModel):
    """An account's own quota, applied to every model (unset fields keep the catalog's)."""

    model_config = ConfigDict(frozen=True)

    min_records: int | None = Field(None, ge=1)
    max_records: int | None = Field(None, ge=1)
    max_file_bytes: int | None = Field(None, ge=1)
    max_jobs_in_flight: int | None = Field(None, ge=1)

    def apply(self, quota: ModelQuota) -> ModelQuota:
        return quota.model_copy(update=self.model_dump(exclude_none=True))


class ModelInfo(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str = Field(description="the modelId descgen sends: a base model id or an inference profile id")
    name: str
    provider: str
    base_model_id: str
    inference_profile: ProfileKind = "none"
    lifecycle: Lifecycle = "ACTIVE"
    eol_date: date | None = None
    batch: bool
    invocation_type: InvocationType = "Converse"
    structured_output: bool = False
    price: ModelPrice | None = None
    regional_price_factor: float = Field(1.0, ge=1.0)
    quota: ModelQuota = ModelQuota()
    sources: tuple[str, ...] = ()
    note: str = ""

    @property
    def effective_price(self) -> ModelPrice | None:
        """What this id costs: a geo (regional) profile pays the regional factor over the list price."""
        if self.price is None or self.inference_profile != "geo" or self.regional_price_factor == 1.0:
            return self.price
        factor = self.regional_price_factor
        return self.price.model_copy(
            update={
                name: getattr(self.price, name) * factor
                for name in ("on_demand_input", "on_demand_output", "batch_input", "batch_output")
            }
        )


class ModelCatalog(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    taken_on: date
    notes: str = ""
    default_model: str
    models: tuple[ModelInfo, ...]

    def by_id(self) -> dict[str, ModelInfo]:
        return {model.id: model for model in self.models}


class ModelRefused(ValueError):
    """A model descgen will not send anything to; the message says what to do instead."""


@lru_cache
def load_model_catalog() -> ModelCatalog:
    """The catalog shipped with descgen (``model_catalog.json``)."""
    raw = files("descgen").joinpath("model_catalog.json").read_text(encoding="utf-8")
    return ModelCatalog.model_validate(json.loads(raw))


def resolve_models(overrides: Mapping[str, Mapping[str, Any]]) -> dict[str, ModelInfo]:
    """The catalog with the settings' overrides merged in: a field changed, or a model added."""
    models = load_model_catalog().by_id()
    for model_id, fields in overrides.items():
        base = models[model_id].model_dump() if model_id in models else {}
        models[model_id] = ModelInfo.model_validate(_merge(base, {**fields, "id": model_id}))
    return models


def check_usable(models: Mapping[str, ModelInfo], model_id: str) -> ModelInfo:
    """The model's entry if descgen may send batches to it; else ``ModelRefused`` saying why and what to do."""
    usable = sorted(m.id for m in models.values() if m.batch and m.lifecycle != "EOL" and m.price is not None)
    hint = f"use one of: {', '.join(usable)}"
    model = models.get(model_id)
    if model is None:
        raise ModelRefused(f"model {model_id} is not in the model catalog; {hint}, or add it with DESCGEN_MODELS")
    if model.lifecycle == "EOL":
        when = f" on {model.eol_date}" if model.eol_date else ""
        raise ModelRefused(f"model {model_id} reached end of life on Bedrock{when}; {hint}")
    if not model.batch:
        raise ModelRefused(f"model {model_id} does not support Bedrock batch inference; {hint}")
    if model.price is None:
        raise ModelRefused(f"model {model_id} has no known price; add one with DESCGEN_MODELS or {hint}")
    return model


def _merge(base: dict[str, Any], update: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in update.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged
