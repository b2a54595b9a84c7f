"""Refuse a model before anything is claimed: the catalog first, then Bedrock itself.

The catalog says what descgen knows (``model_catalog.check_usable``); Bedrock says
what is true today: ``GetInferenceProfile`` for a profile id, ``GetFoundationModel``
for the model behind it. A model Bedrock no longer resolves (end of life), one the
account has no access to, or one past its end-of-life date is refused with a
message naming the model and what to do. A LEGACY model runs, with a warning for
the log and the artifact.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from descgen.model_catalog import ModelInfo, ModelRefused
from descgen.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_bedrock import BedrockClient

_GONE = frozenset({"ResourceNotFoundException", "ValidationException"})


@dataclass(frozen=True)
class CheckedModel:
    model: ModelInfo
    warning: str | None = None  # set for a LEGACY model


def check_model(settings: Settings, bedrock: BedrockClient, model_id: str, now: datetime | None = None) -> CheckedModel:
    """The model's catalog entry if descgen may use it now; ``ModelRefused`` otherwise."""
    model = settings.model(model_id)
    try:
        if model.inference_profile != "none":
            profile = bedrock.get_inference_profile(inferenceProfileIdentifier=model.id)
            if profile.get("status") != "ACTIVE":
                raise ModelRefused(f"inference profile {model.id} is {profile.get('status')} on Bedrock, not ACTIVE")
        details = bedrock.get_foundation_model(modelIdentifier=model.base_model_id)["modelDetails"]
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code in _GONE:
            raise ModelRefused(
                f"Bedrock does not offer model {model_id} here ({code}): it reached end of life or is not "
                f"available in {settings.aws_region}; choose another model of the catalog"
            ) from error
        if code == "AccessDeniedException":
            raise ModelRefused(
                f"this account has no access to model {model_id}: request it in the Bedrock console (Model access)"
            ) from error
        raise
    return CheckedModel(
        model, _lifecycle_warning(model_id, details.get("modelLifecycle") or {}, now or datetime.now(UTC))
    )


def _lifecycle_warning(model_id: str, lifecycle: Mapping[str, object], now: datetime) -> str | None:
    end = lifecycle.get("endOfLifeTime")
    if isinstance(end, datetime) and end <= now:
        raise ModelRefused(f"model {model_id} reached end of life on Bedrock on {end:%Y-%m-%d}; choose another model")
    if lifecycle.get("status") == "LEGACY":
        until = f" until {end:%Y-%m-%d}" if isinstance(end, datetime) else ""
        return f"model {model_id} is LEGACY on Bedrock: it still runs{until}; move to an ACTIVE model of the catalog"
    return None
