"""The two messages that cross AWS: the SNS job request and the SQS page of results.

Both carry ``schemaVersion`` so a consumer can refuse what it does not understand
instead of misreading it. Decoding validates every field and raises
``ContractError`` with the reason: a bad message is rejected at the edge, never
half-applied.

A field added with a default that keeps old messages meaning what they meant
does not change ``schemaVersion``: readers of this version read older messages,
and older readers ignore keys they do not know. ``modelInvocationType`` is such a
field (absent: ``InvokeModel``, which is what every job was before it existed).
The reverse order is not safe, so a consumer is deployed before its producers
start writing a new value: an old create_bedrock_job would ignore ``Converse``
and start an InvokeModel job on Converse input.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

SCHEMA_VERSION = 1

Status = Literal["ok", "error"]


class ContractError(ValueError):
    """A message that does not follow the contract."""


def _load_object(raw: str | bytes, what: str) -> dict[str, Any]:
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise ContractError(f"{what} is not JSON: {error}") from error
    if not isinstance(data, dict):
        raise ContractError(f"{what} is not a JSON object")
    version = data.get("schemaVersion")
    if version != SCHEMA_VERSION:
        raise ContractError(f"{what} has schemaVersion {version!r}, expected {SCHEMA_VERSION}")
    return data


def _text(data: dict[str, Any], key: str, what: str, *, optional: bool = False) -> Any:
    value = data.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or (not optional and not value):
        raise ContractError(f"{what} needs a non-empty string {key!r}")
    return value


def _count(data: dict[str, Any], key: str, what: str) -> int:
    value = data.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ContractError(f"{what} needs a non-negative integer {key!r}")
    return value


# Bedrock's modelInvocationType: the shape of every line of a job's input file.
CONVERSE = "Converse"
INVOKE_MODEL = "InvokeModel"
INVOCATION_TYPES = (CONVERSE, INVOKE_MODEL)


@dataclass(frozen=True)
class JobRequest:
    """generate-descriptions -> SNS -> create_bedrock_job."""

    batch_id: str
    job_name: str
    model_id: str
    s3_input_uri: str
    s3_output_uri: str
    # No default on purpose: the producer knows what its input file holds and must say so.
    invocation_type: str

    def __post_init__(self) -> None:
        if self.invocation_type not in INVOCATION_TYPES:
            raise ContractError(
                f"job request {self.batch_id}: modelInvocationType {self.invocation_type!r} is not one of "
                f"{', '.join(INVOCATION_TYPES)}"
            )

    def to_json(self) -> str:
        return json.dumps(
            {
                "schemaVersion": SCHEMA_VERSION,
                "batchId": self.batch_id,
                "jobName": self.job_name,
                "modelId": self.model_id,
                "s3InputUri": self.s3_input_uri,
                "s3OutputUri": self.s3_output_uri,
                "modelInvocationType": self.invocation_type,
            }
        )

    @classmethod
    def from_json(cls, raw: str | bytes) -> JobRequest:
        data = _load_object(raw, "job request")
        what = "job request"
        return cls(
            batch_id=_text(data, "batchId", what),
            job_name=_text(data, "jobName", what),
            model_id=_text(data, "modelId", what),
            s3_input_uri=_text(data, "s3InputUri", what),
            s3_output_uri=_text(data, "s3OutputUri", what),
            # Absent in messages published before the field existed (SNS may still be
            # retrying one): their input files hold Anthropic InvokeModel bodies.
            invocation_type=data.get("modelInvocationType", INVOKE_MODEL),
        )


@dataclass(frozen=True)
class TokenUsage:
    input_tokens: int
    output_tokens: int


@dataclass(frozen=True)
class RecordResult:
    """One line of a job's output, reduced to what the drain needs.

    ``status`` is ``ok`` when the model answered (the drain still judges the text)
    and ``error`` when Bedrock reported an error for the record or the line could
    not be read; ``error_code`` then says which.
    """

    record_id: str
    status: Status
    markers: tuple[tuple[str, str], ...] = ()
    text: str | None = None
    stop_reason: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    usage: TokenUsage | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"recordId": self.record_id, "status": self.status}
        if self.markers:
            data["markers"] = [list(marker) for marker in self.markers]
        for key, value in (
            ("text", self.text),
            ("stopReason", self.stop_reason),
            ("errorCode", self.error_code),
            ("errorMessage", self.error_message),
        ):
            if value is not None:
                data[key] = value
        if self.usage is not None:
            data["usage"] = {"inputTokens": self.usage.input_tokens, "outputTokens": self.usage.output_tokens}
        return data

    @classmethod
    def from_dict(cls, data: Any) -> RecordResult:
        what = "result"
        if not isinstance(data, dict):
            raise ContractError("a result is not a JSON object")
        status = data.get("status")
        if status not in ("ok", "error"):
            raise ContractError(f"result status {status!r} is neither 'ok' nor 'error'")
        markers = data.get("markers", [])
        if not isinstance(markers, list) or not all(
            isinstance(m, list) and len(m) == 2 and all(isinstance(part, str) for part in m) for m in markers
        ):
            raise ContractError("result markers must be a list of [productId, languageId] pairs")
        usage = data.get("usage")
        if usage is not None:
            if not isinstance(usage, dict):
                raise ContractError("result usage is not an object")
            usage = TokenUsage(_count(usage, "inputTokens", "usage"), _count(usage, "outputTokens", "usage"))
        result = cls(
            record_id=_text(data, "recordId", what),
            status=status,
            markers=tuple((m[0], m[1]) for m in markers),
            text=_text(data, "text", what, optional=True),
            stop_reason=_text(data, "stopReason", what, optional=True),
            error_code=_text(data, "errorCode", what, optional=True),
            error_message=_text(data, "errorMessage", what, optional=True),
            usage=usage,
        )
        if result.status == "ok" and result.text is None:
            raise ContractError(f"result {result.record_id} is ok but carries no text")
        if result.status == "error" and result.error_code is None:
            raise ContractError(f"result {result.record_id} is an error without an errorCode")
        return result


@dataclass(frozen=True)
class ResultPage:
    """parse_output -> SQS -> drain-results: one page of one batch's results."""

    batch_id: str
    results: tuple[RecordResult, ...] = field(default=())

    def to_json(self) -> str:
        return json.dumps(
            {
                "schemaVersion": SCHEMA_VERSION,
                "batchId": self.batch_id,
                "results": [result.to_dict() for result in self.results],
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, raw: str | bytes) -> ResultPage:
        data = _load_object(raw, "result page")
        results = data.get("results")
        if not isinstance(results, list) or not results:
            raise ContractError("result page needs a non-empty list 'results'")
        return cls(
            batch_id=_text(data, "batchId", "result page"),
            results=tuple(RecordResult.from_dict(item) for item in results),
        )
