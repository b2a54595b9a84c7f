"""Settings of each Lambda, read once from its environment (which Terraform sets).

A Lambda's settings are a frozen dataclass whose fields name their environment
variable in ``metadata={"env": ...}``; a field without a default is required.
They live here, not in the handlers, because three parties read them: the
handler, the local stack (which sets the same variables) and the infra tests
(which check that Terraform sets every variable each function reads).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypedDict, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

T = TypeVar("T", bound="DataclassInstance")  # the handlers' settings classes: dataclasses


class ClientRetries(TypedDict, total=False):
    """botocore's ``Config(retries=...)``, spelled out here because the contract cannot import botocore."""

    mode: Literal["legacy", "standard", "adaptive"]
    total_max_attempts: int
    max_attempts: int


# The retries of every botocore client in the Lambdas (built with ``Config(**lambda_client_options())``).
# Standard mode, not legacy: it retries throttling, 5xx and transport errors with jittered
# exponential backoff and a retry quota that stops retry storms. ``total_max_attempts``
# counts the first call (a bare ``max_attempts`` counts retries only, an off-by-one
# waiting to happen), so:
#   one API call                 <= 3 requests;
#   one event, AWS async retries <= 3 invocations x 3 = 9 requests per call, e.g. at most
#     9 CreateModelInvocationJob per job request (idempotent: clientRequestToken = batch id),
#     and fewer in practice because a quota or throttling answer ends the invocation
#     without an error (the batch waits for a slot, see contract.create_job);
#   parse_output: each SendMessageBatch group <= 4 entry attempts (sqs_batches) x 3 = 12
#     requests per invocation, 36 over AWS's three invocations.
LAMBDA_CLIENT_RETRIES: ClientRetries = {"mode": "standard", "total_max_attempts": 3}

# A stuck connection or answer is cut short and retried instead of eating the function's
# time: one call of create_bedrock_job (a 60 s function) takes at most 3 x (3 + 15) s plus
# botocore's backoff (under 1 + 2 s) = 57 s. The read timeout applies to each socket read,
# so parse_output's streamed S3 object may take as long as it needs while data flows.
LAMBDA_CONNECT_TIMEOUT_SECONDS = 3.0
LAMBDA_READ_TIMEOUT_SECONDS = 15.0


class ClientOptions(TypedDict):
    """The keyword arguments of botocore's ``Config`` for every Lambda client."""

    retries: ClientRetries
    connect_timeout: float
    read_timeout: float


def lambda_client_options() -> ClientOptions:
    """``Config(**lambda_client_options())``; a new dict each call, because botocore rewrites ``retries``."""
    return {
        "retries": LAMBDA_CLIENT_RETRIES.copy(),
        "connect_timeout": LAMBDA_CONNECT_TIMEOUT_SECONDS,
        "read_timeout": LAMBDA_READ_TIMEOUT_SECONDS,
    }


class LambdaConfigError(RuntimeError):
    """The function's environment lacks a variable or holds a bad value."""


def env(name: str, default: Any = dataclasses.MISSING) -> Any:
    """A dataclass field read from the environment variable ``name``."""
    return dataclasses.field(default=default, metadata={"env": name})


def environment_names(settings_class: type) -> dict[str, bool]:
    """Every variable the settings class reads -> whether it is required."""
    return {field.metadata["env"]: field.default is dataclasses.MISSING for field in dataclasses.fields(settings_class)}


def to_environ(settings: Any) -> dict[str, str]:
    """The environment that reads back as ``settings`` (what Terraform or the local stack sets)."""
    return {
        field.metadata["env"]: str(getattr(settings, field.name))
        for field in dataclasses.fields(settings)
        if getattr(settings, field.name) is not None
    }


def from_environ(settings_class: type[T], environ: Mapping[str, str]) -> T:
    values: dict[str, Any] = {}
    for field in dataclasses.fields(settings_class):
        name = field.metadata["env"]
        raw = environ.get(name)
        if raw is None or raw == "":
            if field.default is dataclasses.MISSING:
                raise LambdaConfigError(f"environment variable {name} is required")
            continue
        if field.type in ("int", int):
            try:
                values[field.name] = int(raw)
            except ValueError:
                raise LambdaConfigError(f"environment variable {name}={raw!r} is not an integer") from None
        else:
            values[field.name] = raw
    return settings_class(**values)


@dataclasses.dataclass(frozen=True)
class CreateJobSettings:
    role_arn: str = env("DESCGEN_BEDROCK_ROLE_ARN")
    bucket: str = env("DESCGEN_BUCKET")
    input_prefix: str = env("DESCGEN_INPUT_PREFIX")
    output_prefix: str = env("DESCGEN_OUTPUT_PREFIX")
    job_timeout_hours: int = env("DESCGEN_JOB_TIMEOUT_HOURS", 24)
    bedrock_endpoint_url: str | None = env("DESCGEN_BEDROCK_ENDPOINT_URL", None)  # emulators only
    s3_endpoint_url: str | None = env("DESCGEN_S3_ENDPOINT_URL", None)  # emulators only
    log_level: str = env("LOG_LEVEL", "INFO")


@dataclasses.dataclass(frozen=True)
class ParseOutputSettings:
    queue_url: str = env("DESCGEN_QUEUE_URL")
    output_prefix: str = env("DESCGEN_OUTPUT_PREFIX")
    page_size: int = env("DESCGEN_PAGE_SIZE", 100)
    max_message_bytes: int = env("DESCGEN_MAX_MESSAGE_BYTES", 262_144)
    s3_endpoint_url: str | None = env("DESCGEN_S3_ENDPOINT_URL", None)  # emulators only
    sqs_endpoint_url: str | None = env("DESCGEN_SQS_ENDPOINT_URL", None)  # emulators only
    log_level: str = env("LOG_LEVEL", "INFO")
