"""An Amazon Bedrock batch inference emulator that speaks the real API over HTTP, on loopback only.

Production code talks to it with an unmodified ``boto3.client("bedrock", endpoint_url=emulator.url)``
(and ``boto3.client("bedrock-runtime", ...)`` for ``Converse`` and ``InvokeModel``). Shapes, paths,
query names, constraints and error status codes come from botocore's own service models, so
the emulator and boto3 cannot disagree about the wire format. Signatures are not checked.

Operations
    CreateModelInvocationJob   POST /model-invocation-job                   (modelInvocationType
                                                                              InvokeModel (default) | Converse)
    GetModelInvocationJob      GET  /model-invocation-job/{jobIdentifier}   (ARN or bare job id)
    ListModelInvocationJobs    GET  /model-invocation-jobs                  (filters, sort, pagination)
    StopModelInvocationJob     POST /model-invocation-job/{jobIdentifier}/stop
    GetFoundationModel         GET  /foundation-models/{modelIdentifier}
    GetInferenceProfile        GET  /inference-profiles/{inferenceProfileIdentifier}
    Converse (runtime)         POST /model/{modelId}/converse
    InvokeModel (runtime)      POST /model/{modelId}/invoke

Models. The emulator knows which models exist: by default every entry of descgen's model
catalog (``descgen/model_catalog.json``) as an ``EmulatedModel`` (id, base model, lifecycle,
batch, structured output, jobs-in-flight quota, whether it is an inference profile). The
constructor's ``models`` adds entries or replaces those with the same id; ``set_model`` and the
admin endpoint change one at run time. A model may be named by id, profile id or ARN
(percent-encoded in paths). As Bedrock does:
- CreateModelInvocationJob, after the clientRequestToken check (the same token still answers
  the earlier job), refuses an unknown model ("The provided model identifier is invalid."), an
  EOL one ("This model version has reached the end of its life. ...") and one without batch
  support with ValidationException, and answers ServiceQuotaExceededException while the model
  already has ``max_jobs_in_flight`` jobs Submitted, Validating, Scheduled, InProgress or Stopping
  (counted per model, whether named by id or ARN);
- Converse and InvokeModel refuse unknown and EOL models with ValidationException;
- GetFoundationModel describes a base model (status ACTIVE or LEGACY, endOfLifeTime when known,
  ON_DEMAND if it has an entry of its own, INFERENCE_PROFILE if a profile fronts it);
  GetInferenceProfile describes a profile entry (SYSTEM_DEFINED, ACTIVE, its base model's ARN).
  Unknown and EOL ones are ResourceNotFoundException.

Each job runs in its own worker thread, so jobs progress concurrently, as they do in
Bedrock. A job walks ``Submitted -> Validating -> Scheduled -> InProgress -> <terminal>``,
one status every ``step_seconds``. While Validating it copies the input object from S3
to a local temporary file and checks it (present, every line a JSON object with
``recordId`` and ``modelInput``, between ``min_records`` and ``max_records`` lines, at
most ``max_input_bytes``); a bad input ends the job ``Failed`` with a message. While
InProgress it streams that file, answers each record with ``local.offline_writer``,
spools the answers to a second temporary file in a deterministic shuffled order (real
output order is not guaranteed) and uploads, for input ``s3://b/input/X.jsonl`` and
output URI ``s3://b/output/X/``:

    output/X/<jobId>/manifest.json.out   first
    output/X/<jobId>/X.jsonl.out         last: its ObjectCreated event starts the parser

Records by invocation type (a body of the other type is a record error 400, as in Bedrock):
    InvokeModel   modelInput is an Anthropic Messages body; modelOutput the Anthropic response
                  (content, stop_reason, usage.input_tokens/output_tokens), exactly as before.
    Converse      modelInput is a Converse body (system, messages, inferenceConfig, outputConfig),
                  checked against botocore's Converse input shape, unknown keys refused; a body that
                  fails is ``{"errorCode": 400, "errorMessage": "Malformed input request: ..."}``.
                  modelOutput is the Converse response (output.message, stopReason, usage, metrics).
With ``outputConfig.textFormat`` (a JSON schema) the answer's text is one JSON object that
conforms to it (see ``local.offline_writer``); a model without structured output answers
such a record with a record error 400 (Converse on the runtime: ValidationException). The
manifest's token counts add up the records' usages.

Both uploads are single ``PutObject`` calls (the output streamed from the temporary file), so
the event is ``s3:ObjectCreated:Put``. (moto 5 also notifies on CompleteMultipartUpload,
as ``s3:ObjectCreated:CompleteMultipartUpload``; one event type keeps tests simple.)
Nothing is held in memory per record beyond a sort key and a file offset.

Faults (``JobFaults``; rules set per job-name substring, evaluated when a job is
created, the last matching rule wins)
    outcome                 Completed (default) | PartiallyCompleted | Failed | Stopped | Expired.
                            PartiallyCompleted answers the first ``partial_fraction`` of the
                            records; Failed, Stopped and Expired end InProgress with a message
                            and write no files.
    record_error_rate       share of records answered with ``{"error": {"errorCode":
                            record_error_code, "errorMessage": record_error_message}}``
                            instead of ``modelOutput`` (429 and 500 heal on a retry; 400 does not).
    missing_marker          the text lacks the marker (structured: ``"marker": ""``).
    foreign_marker          the text starts with another product's marker (structured: the
                            ``marker`` property names another product).
    two_markers             the text starts with its own marker and has another product's
                            marker before its second paragraph (as if a second description
                            began; structured: that marker inside ``html``).
    schema_violation        structured only: a required property is missing, or has the wrong
                            type, or meta_title is longer than 60 characters (one, per record).
    invalid_json            structured only: the JSON is cut in half, not parseable.
    code_fence              the text is wrapped in ```html ... ``` fences (structured: ```json).
    preamble                "Here is the description:" comes before the marker (or the JSON).
    empty_text              the text is empty.
    max_tokens              the text (or JSON) is cut short and the stop reason is "max_tokens".
    malformed_line          the output line is cut in half: not JSON, but its recordId is
                            still readable at its start.
    duplicate_record_rate   the record's line is written twice.
    crlf_line_ends          lines end with CR LF.
    truncate_last_line      the file's last line is cut in half and has no line end.
    seed                    feeds every per-record choice and the output order.

The per-record rates are shares from 0 to 1. A record gets a fault when a SHA-256 of
(seed, record id, fault name) falls under the rate, never from global random state, so
the same input and seed give byte-identical output. A malformed or faulty-text line
still counts as a success in the manifest (the service thinks it answered); only
record errors count as errors; a duplicate is counted once.

Throttling (``set_throttles``, not per job): the next N calls of an operation answer
ThrottlingException (HTTP 429; boto3's retries may absorb a few):
``create_throttles`` (CreateModelInvocationJob), ``converse_throttles``, ``invoke_throttles``.

Admin endpoints, for processes that cannot call Python methods (unsigned, plain JSON)
    GET    /_emulator/faults    -> {"rules": [{"jobNameContains": str|null, "faults": {...}}]}
    PUT    /_emulator/faults    {"jobNameContains": str|null, "faults": {<JobFaults field>: value}}
    DELETE /_emulator/faults    removes every rule
    GET    /_emulator/models    -> {"models": [{"modelId", "baseModelId", "lifecycle", "batch",
                                   "structuredOutput", "maxJobsInFlight", "profile", "name",
                                   "provider", "eolDate"}]}
    PUT    /_emulator/models    {"modelId": ..., <any of those fields>} changes one entry (or adds
                                it); answers the entry. Jobs already created keep the old one.
    GET    /_emulator/records   -> {"bought": [{"recordId", "inputSha256", "times"}]}: how often batch
                                jobs answered each record (its id and its modelInput) with a model
                                output (what Bedrock bills; record errors are not). The same record
                                id and input answered twice is a purchase made twice (the chaos run
                                checks this; ``bought_records()`` in process).
    GET    /_emulator/throttle  -> {"createModelInvocationJob": N, "converse": N, "invokeModel": N}
    PUT    /_emulator/throttle  {"createModelInvocationJob": N, "converse": N, "invokeModel": N}
                                (any of them): the next N calls answer ThrottlingException
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import json
import logging
import re
import tempfile
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import IO, Any
from urllib.parse import parse_qs, unquote, urlsplit

import boto3
import botocore.session
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.model import ListShape, MapShape, OperationModel, Shape, StructureShape

from descgen.contract.records import MARKER_PATTERN
from descgen.model_catalog import ModelInfo, load_model_catalog
from local.offline_writer import (
    Answer,
    answer_anthropic,
    answer_converse,
    anthropic_response,
    converse_response,
    estimate_tokens,
    requested_schema,
)

logger = logging.getLogger(__name__)

OUTCOMES = ("Completed", "PartiallyCompleted", "Failed", "Stopped", "Expired")
TERMINAL_STATUSES = frozenset({"Completed", "PartiallyCompleted", "Failed", "Stopped", "Expired"})
# The statuses of a job that holds one of its model's job slots (the jobs-in-flight quota).
IN_FLIGHT_STATUSES = frozenset({"Submitted", "Validating", "Scheduled", "InProgress", "Stopping"})
LIFECYCLES = ("ACTIVE", "LEGACY", "EOL")
# The operations a throttling fault can hit, by their admin name.
THROTTLED_OPERATIONS = ("createModelInvocationJob", "converse", "invokeModel")
# Bedrock's own wording.
INVALID_MODEL_MESSAGE = "The provided model identifier is invalid."
EOL_MESSAGE = (
    "This model version has reached the end of its life. Please refer to the AWS documentation for more details."
)
THROTTLED_MESSAGE = "Too many requests, please wait before trying again."
# Bedrock's own file naming, kept here rather than taken from descgen: the emulator copies AWS, not our contract.
MANIFEST_NAME = "manifest.json.out"
OUTPUT_SUFFIX = ".out"
# Assumed default; Bedrock accepts 24 to 168 hours.
DEFAULT_TIMEOUT_HOURS = 168
DEFAULT_PAGE_SIZE = 1000
ONE_GIB = 1 << 30
_PREAMBLE = "Here is the description:\n\n"
_TEXT_FAULTS = (
    "missing_marker",
    "foreign_marker",
    "two_markers",
    "schema_violation",
    "invalid_json",
    "preamble",
    "code_fence",
    "empty_text",
    "max_tokens",
)


@dataclass(frozen=True)
class JobFaults:
    """What goes wrong in a job (see the module docstring). The default is a clean run."""

    outcome: str = "Completed"
    partial_fraction: float = 0.5
    record_error_rate: float = 0.0
    record_error_code: int = 429
    record_error_message: str = THROTTLED_MESSAGE
    missing_marker: float = 0.0
    foreign_marker: float = 0.0
    two_markers: float = 0.0
    code_fence: float = 0.0
    preamble: float = 0.0
    empty_text: float = 0.0
    max_tokens: float = 0.0
    invalid_json: float = 0.0
    schema_violation: float = 0.0
    malformed_line: float = 0.0
    duplicate_record_rate: float = 0.0
    crlf_line_ends: bool = False
    truncate_last_line: bool = False
    seed: int = 0

    def __post_init__(self) -> None:
        if self.outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {OUTCOMES}, not {self.outcome!r}")
        for item in dataclasses.fields(self):
            value = getattr(self, item.name)
            if item.type == "float" and not (isinstance(value, int | float) and 0.0 <= value <= 1.0):
                raise ValueError(f"{item.name} must be a number from 0 to 1, not {value!r}")

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> JobFaults:
        known = {item.name for item in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown fault fields {unknown}; known: {sorted(known)}")
        return cls(**data)


@dataclass(frozen=True)
class FaultRule:
    job_name_contains: str | None
    faults: JobFaults

    def to_json(self) -> dict[str, Any]:
        return {"jobNameContains": self.job_name_contains, "faults": dataclasses.asdict(self.faults)}


@dataclass(frozen=True)
class EmulatedModel:
    """One model or inference profile the emulator knows (by default, one entry of descgen's model catalog)."""

    id: str
    base_model_id: str = ""  # the foundation model behind it; "" means ``id`` itself
    lifecycle: str = "ACTIVE"  # ACTIVE | LEGACY | EOL
    batch: bool = True
    structured_output: bool = False
    max_jobs_in_flight: int = 20
    profile: bool = False  # an inference profile id (us.…, global.…) rather than a foundation model id
    name: str = ""
    provider: str = ""
    eol_date: date | None = None

    def __post_init__(self) -> None:
        if not self.base_model_id:
            object.__setattr__(self, "base_model_id", self.id)
        if self.lifecycle not in LIFECYCLES:
            raise ValueError(f"lifecycle must be one of {LIFECYCLES}, not {self.lifecycle!r}")
        for flag in ("batch", "structured_output", "profile"):
            if not isinstance(getattr(self, flag), bool):
                raise ValueError(f"{flag} must be true or false")
        if isinstance(self.max_jobs_in_flight, bool) or not (
            isinstance(self.max_jobs_in_flight, int) and self.max_jobs_in_flight >= 0
        ):
            raise ValueError(f"max_jobs_in_flight must be a whole number >= 0, not {self.max_jobs_in_flight!r}")

    @classmethod
    def from_catalog(cls, info: ModelInfo) -> EmulatedModel:
        return cls(
            id=info.id,
            base_model_id=info.base_model_id,
            lifecycle=info.lifecycle,
            batch=info.batch,
            structured_output=info.structured_output,
            max_jobs_in_flight=info.quota.max_jobs_in_flight,
            profile=info.inference_profile != "none",
            name=info.name,
            provider=info.provider,
            eol_date=info.eol_date,
        )

    @classmethod
    def from_json(cls, data: Mapping[str, Any], current: EmulatedModel | None = None) -> EmulatedModel:
        """The admin endpoint's body applied to the current entry (or to a new one of that id)."""
        unknown = sorted(set(data) - set(_MODEL_FIELDS) - {"modelId"})
        if unknown:
            raise ValueError(f"unknown model fields {unknown}; known: {sorted(_MODEL_FIELDS)}")
        changes = {_MODEL_FIELDS[name]: value for name, value in data.items() if name in _MODEL_FIELDS}
        if isinstance(changes.get("eol_date"), str):
            changes["eol_date"] = date.fromisoformat(changes["eol_date"])
        return dataclasses.replace(current or cls(id=str(data["modelId"])), **changes)

    def to_json(self) -> dict[str, Any]:
        values = {wire: getattr(self, name) for wire, name in _MODEL_FIELDS.items()}
        values["eolDate"] = self.eol_date.isoformat() if self.eol_date else None
        return {"modelId": self.id, **values}


# The admin endpoint's names for EmulatedModel's fields.
_MODEL_FIELDS = {
    "baseModelId": "base_model_id",
    "lifecycle": "lifecycle",
    "batch": "batch",
    "structuredOutput": "structured_output",
    "maxJobsInFlight": "max_jobs_in_flight",
    "profile": "profile",
    "name": "name",
    "provider": "provider",
    "eolDate": "eol_date",
}


def catalog_models() -> dict[str, EmulatedModel]:
    """The emulator's default model table: every entry of descgen's model catalog."""
    return {info.id: EmulatedModel.from_catalog(info) for info in load_model_catalog().models}


@dataclass
class _Job:
    job_id: str
    arn: str
    request: dict[str, Any]
    model: EmulatedModel
    faults: JobFaults
    submit_time: datetime
    sequence: int
    status: str = "Submitted"
    message: str | None = None
    last_modified: datetime | None = None
    end_time: datetime | None = None
    stop_reason: str = "Stopped by a StopModelInvocationJob request."
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return str(self.request["jobName"])

    @property
    def invocation_type(self) -> str:
        return str(self.request.get("modelInvocationType", "InvokeModel"))

    def describe(self) -> dict[str, Any]:
        """The GetModelInvocationJob body (the list summaries carry the same fields)."""
        timeout = self.request.get("timeoutDurationInHours", DEFAULT_TIMEOUT_HOURS)
        body = {
            "jobArn": self.arn,
            "jobName": self.name,
            "modelId": self.request["modelId"],
            "clientRequestToken": self.request.get("clientRequestToken"),
            "roleArn": self.request["roleArn"],
            "status": self.status,
            "message": self.message,
            "submitTime": _timestamp(self.submit_time),
            "lastModifiedTime": _timestamp(self.last_modified or self.submit_time),
            "endTime": _timestamp(self.end_time) if self.end_time else None,
            "inputDataConfig": self.request["inputDataConfig"],
            "outputDataConfig": self.request["outputDataConfig"],
            "vpcConfig": self.request.get("vpcConfig"),
            "timeoutDurationInHours": timeout,
            "jobExpirationTime": _timestamp(self.submit_time + timedelta(hours=timeout)),
            "modelInvocationType": self.invocation_type,
            **self.counts,
        }
        return {key: value for key, value in body.items() if value is not None}


class ApiError(Exception):
    """An error answered the rest-json way: status code, ``x-amzn-ErrorType`` and ``{"message"}``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class _Halt(Exception):
    """Unwinds a job's worker: the job was stopped, or the emulator is shutting down."""


@dataclass(frozen=True)
class _Reply:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


class BedrockEmulator:
    """The emulator: ``start()`` it (or use it as a context manager), then point clients at ``url``."""

    def __init__(
        self,
        *,
        s3_endpoint_url: str | None = None,
        s3_client: Any = None,
        region: str = "us-east-1",
        account_id: str = "123456789012",
        port: int = 0,
        step_seconds: float = 0.05,
        min_records: int = 100,
        max_records: int = 50_000,
        max_input_bytes: int = ONE_GIB,
        models: Mapping[str, EmulatedModel] | None = None,
    ) -> None:
        """``models`` adds entries to the catalog's table, or replaces those with the same id."""
        self.region = region
        self.account_id = account_id
        self._port = port
        self._step_seconds = step_seconds
        self._min_records = min_records
        self._max_records = max_records
        self._max_input_bytes = max_input_bytes
        self._s3 = s3_client or _s3_client(s3_endpoint_url, region)
        session = botocore.session.get_session()
        self._control = session.get_service_model("bedrock")
        self._runtime = session.get_service_model("bedrock-runtime")
        self._lock = threading.RLock()  # re-entrant: a create holds it while it looks the model up
        self._models = {**catalog_models(), **{model.id: model for model in (models or {}).values()}}
        self._throttles = dict.fromkeys(THROTTLED_OPERATIONS, 0)
        self._jobs: dict[str, _Job] = {}
        self._jobs_by_token: dict[str, _Job] = {}
        self._rules: list[FaultRule] = []
        self._bought: Counter[tuple[str, str]] = Counter()  # (record id, input digest) -> answers billed
        self._workers: list[threading.Thread] = []
        self._closing = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._serving: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> BedrockEmulator:
        self._server = ThreadingHTTPServer(("127.0.0.1", self._port), _handler_for(self))
        self._server.daemon_threads = True
        self._serving = threading.Thread(target=self._server.serve_forever, name="bedrock-emulator", daemon=True)
        self._serving.start()
        return self

    def stop(self) -> None:
        """Stops serving and lets every job worker end at its next step (unfinished jobs stay as they are)."""
        self._closing.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        for worker in list(self._workers):
            worker.join(timeout=5)

    def __enter__(self) -> BedrockEmulator:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("start() the emulator first")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    # ------------------------------------------------------------------ faults

    def set_faults(self, faults: JobFaults, job_name_contains: str | None = None) -> None:
        """Jobs created from now on whose name contains the text (any job for None) get these faults."""
        with self._lock:
            self._rules.append(FaultRule(job_name_contains, faults))

    def reset_faults(self) -> None:
        with self._lock:
            self._rules.clear()

    def fault_rules(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)

    def _faults_for(self, job_name: str) -> JobFaults:
        chosen = JobFaults()
        for rule in self._rules:
            if rule.job_name_contains is None or rule.job_name_contains in job_name:
                chosen = rule.faults
        return chosen

    def set_throttles(
        self,
        *,
        create_throttles: int | None = None,
        converse_throttles: int | None = None,
        invoke_throttles: int | None = None,
    ) -> None:
        """The next N calls of each operation answer ThrottlingException (None leaves a count as it is)."""
        self._update_throttles(
            {
                "createModelInvocationJob": create_throttles,
                "converse": converse_throttles,
                "invokeModel": invoke_throttles,
            }
        )

    def throttles(self) -> dict[str, int]:
        """How many calls of each operation are still to be throttled, by admin name."""
        with self._lock:
            return dict(self._throttles)

    def _update_throttles(self, counts: Mapping[str, Any]) -> None:
        unknown = sorted(set(counts) - set(THROTTLED_OPERATIONS))
        if unknown:
            raise ValueError(f"unknown operations {unknown}; known: {list(THROTTLED_OPERATIONS)}")
        for operation, count in counts.items():
            if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 0):
                raise ValueError(f"{operation} must be a whole number >= 0, not {count!r}")
        with self._lock:
            self._throttles.update({operation: count for operation, count in counts.items() if count is not None})

    def _throttle(self, operation: str) -> None:
        """Answers ThrottlingException if a throttling fault still has calls of this operation to take."""
        with self._lock:
            if self._throttles[operation] > 0:
                self._throttles[operation] -= 1
                raise ApiError("ThrottlingException", THROTTLED_MESSAGE)

    def bought_records(self) -> dict[tuple[str, str], int]:
        """(record id, SHA-256 of its modelInput) -> how often a batch job answered it with a model output."""
        with self._lock:
            return dict(self._bought)

    # ------------------------------------------------------------------ models

    def models(self) -> dict[str, EmulatedModel]:
        with self._lock:
            return dict(self._models)

    def set_model(self, model: EmulatedModel) -> None:
        """Adds the model, or replaces the entry with its id (jobs already created keep the old entry)."""
        with self._lock:
            self._models[model.id] = model

    def _put_model(self, request: dict[str, Any]) -> dict[str, Any]:
        if not isinstance(request.get("modelId"), str) or not request["modelId"]:
            raise ApiError("ValidationException", "modelId must be a non-empty string.")
        try:
            model = EmulatedModel.from_json(request, self.models().get(request["modelId"]))
        except (TypeError, ValueError) as error:
            raise ApiError("ValidationException", str(error)) from error
        self.set_model(model)
        return model.to_json()

    def _usable_model(self, identifier: str) -> EmulatedModel:
        """The entry for a model id, profile id or either's ARN; ValidationException if unknown or EOL."""
        with self._lock:
            model = self._models.get(_model_key(identifier))
        if model is None:
            raise ApiError("ValidationException", INVALID_MODEL_MESSAGE)
        if model.lifecycle == "EOL":
            raise ApiError("ValidationException", EOL_MESSAGE)
        return model

    # ------------------------------------------------------------------ HTTP dispatch

    def _handle(self, method: str, raw_path: str, body: bytes) -> _Reply:
        """Routes one request; every failure becomes a rest-json error reply."""
        parts = urlsplit(raw_path)
        # Split before unquoting: an ARN in a path label arrives with its "/" encoded as %2F.
        segments = [unquote(segment) for segment in parts.path.strip("/").split("/")]
        query = {name: values[-1] for name, values in parse_qs(parts.query).items()}
        try:
            return self._route(method, segments, query, body)
        except ApiError as error:
            return self._error_reply(error)
        except Exception:  # the emulator must answer, not hang the client; the log keeps the cause
            logger.exception("bedrock emulator: %s %s failed", method, raw_path)
            return self._error_reply(ApiError("InternalServerException", "Internal error in the Bedrock emulator."))

    def _route(self, method: str, segments: list[str], query: dict[str, str], body: bytes) -> _Reply:
        match method, segments:
            case "POST", ["model-invocation-job"]:
                return _json_reply(self._create_job(_json_object(body)))
            case "GET", ["model-invocation-job", identifier]:
                return _json_reply(self._get_job(identifier))
            case "POST", ["model-invocation-job", identifier, "stop"]:
                return _json_reply(self._stop_job(identifier))
            case "GET", ["model-invocation-jobs"]:
                return _json_reply(self._list_jobs(query))
            case "GET", ["foundation-models", identifier]:
                return _json_reply(self._get_foundation_model(identifier))
            case "GET", ["inference-profiles", identifier]:
                return _json_reply(self._get_inference_profile(identifier))
            case "POST", ["model", model_id, "invoke"]:
                return self._invoke_model(model_id, body)
            case "POST", ["model", model_id, "converse"]:
                return self._converse(model_id, body)
            case "GET", ["_emulator", "models"]:
                return _json_reply({"models": [model.to_json() for model in self.models().values()]})
            case "PUT", ["_emulator", "models"]:
                return _json_reply(self._put_model(_json_object(body)))
            case "GET", ["_emulator", "records"]:
                bought = self.bought_records().items()
                return _json_reply({"bought": [{"recordId": r, "inputSha256": d, "times": n} for (r, d), n in bought]})
            case "GET", ["_emulator", "throttle"]:
                return _json_reply(self.throttles())
            case "PUT", ["_emulator", "throttle"]:
                try:
                    self._update_throttles(_json_object(body))
                except ValueError as error:
                    raise ApiError("ValidationException", str(error)) from error
                return _json_reply(self.throttles())
            case "GET", ["_emulator", "faults"]:
                return _json_reply({"rules": [rule.to_json() for rule in self.fault_rules()]})
            case "PUT", ["_emulator", "faults"]:
                request = _json_object(body)
                name_part = request.get("jobNameContains")
                if name_part is not None and not isinstance(name_part, str):
                    raise ApiError("ValidationException", "jobNameContains must be a string or null.")
                try:
                    faults = JobFaults.from_json(request.get("faults") or {})
                except (TypeError, ValueError) as error:
                    raise ApiError("ValidationException", str(error)) from error
                self.set_faults(faults, name_part)
                return _json_reply({"rules": [rule.to_json() for rule in self.fault_rules()]})
            case "DELETE", ["_emulator", "faults"]:
                self.reset_faults()
                return _json_reply({"rules": []})
        raise ApiError("ResourceNotFoundException", f"No operation for {method} /{'/'.join(segments)}.")

    def _error_reply(self, error: ApiError) -> _Reply:
        status = 400
        for model in (self._control, self._runtime):
            if error.code in model.shape_names:
                status = model.shape_for(error.code).metadata.get("error", {}).get("httpStatusCode", 400)
                break
        return _Reply(status, json.dumps({"message": error.message}).encode(), {"x-amzn-ErrorType": error.code})

    # ------------------------------------------------------------------ operations

    def _create_job(self, request: dict[str, Any]) -> dict[str, Any]:
        self._throttle("createModelInvocationJob")
        _check(self._control.operation_model("CreateModelInvocationJob").input_shape, request)
        token = request.get("clientRequestToken")
        with self._lock:
            if token is not None and token in self._jobs_by_token:
                # Idempotency: the same token is the same request; Bedrock ignores it and answers as before.
                return {"jobArn": self._jobs_by_token[token].arn}
            model = self._usable_model(request["modelId"])
            if not model.batch:
                raise ApiError(
                    "ValidationException", f"The model {request['modelId']} does not support batch inference."
                )
            # Counted per model: a job that named it by ARN holds one of the same slots.
            key = _model_key(request["modelId"])
            in_flight = sum(
                1
                for job in self._jobs.values()
                if job.status in IN_FLIGHT_STATUSES and _model_key(job.request["modelId"]) == key
            )
            if in_flight >= model.max_jobs_in_flight:
                raise ApiError(
                    "ServiceQuotaExceededException",
                    f"You have reached the quota of {model.max_jobs_in_flight} batch inference jobs in progress or "
                    f"submitted for {request['modelId']}. Try again when a job has ended.",
                )
            if any(job.name == request["jobName"] for job in self._jobs.values()):
                raise ApiError("ConflictException", f"A job named {request['jobName']} already exists.")
            job_id = uuid.uuid4().hex[:12]
            now = _now()
            job = _Job(
                job_id=job_id,
                arn=f"arn:aws:bedrock:{self.region}:{self.account_id}:model-invocation-job/{job_id}",
                request=request,
                model=model,
                faults=self._faults_for(request["jobName"]),
                submit_time=now,
                sequence=len(self._jobs),
                last_modified=now,
            )
            self._jobs[job_id] = job
            if token is not None:
                self._jobs_by_token[token] = job
            worker = threading.Thread(target=self._run_job, args=(job,), name=f"bedrock-job-{job_id}", daemon=True)
            self._workers = [*(alive for alive in self._workers if alive.is_alive()), worker]
        worker.start()
        return {"jobArn": job.arn}

    def _get_job(self, identifier: str) -> dict[str, Any]:
        with self._lock:
            return self._find_job(identifier).describe()

    def _stop_job(self, identifier: str) -> dict[str, Any]:
        with self._lock:
            job = self._find_job(identifier)
            if job.status in TERMINAL_STATUSES:
                # ValidationException rather than ConflictException: nothing conflicts, the request
                # just does not fit the job's state (clients such as LiteLLM read it as "nothing to stop").
                raise ApiError("ValidationException", f"Job {job.arn} is {job.status} and cannot be stopped.")
            if job.status != "Stopping":
                self._set_status(job, "Stopping")
        return {}

    def _list_jobs(self, query: dict[str, str]) -> dict[str, Any]:
        operation = self._control.operation_model("ListModelInvocationJobs")
        params = _query_params(operation, query)
        _check(operation.input_shape, params)
        with self._lock:
            jobs = list(self._jobs.values())
        if "statusEquals" in params:
            jobs = [job for job in jobs if job.status == params["statusEquals"]]
        if "nameContains" in params:
            jobs = [job for job in jobs if params["nameContains"] in job.name]
        if "submitTimeAfter" in params:
            jobs = [job for job in jobs if job.submit_time > params["submitTimeAfter"]]
        if "submitTimeBefore" in params:
            jobs = [job for job in jobs if job.submit_time < params["submitTimeBefore"]]
        # Only CreationTime can be sorted by; newest first unless asked otherwise.
        jobs.sort(key=lambda job: (job.submit_time, job.sequence), reverse=params.get("sortOrder") != "Ascending")
        start = _decode_token(params["nextToken"]) if "nextToken" in params else 0
        end = start + params.get("maxResults", DEFAULT_PAGE_SIZE)
        with self._lock:
            page = [job.describe() for job in jobs[start:end]]
        reply: dict[str, Any] = {"invocationJobSummaries": page}
        if end < len(jobs):
            reply["nextToken"] = base64.urlsafe_b64encode(str(end).encode()).decode()
        return reply

    def _get_foundation_model(self, identifier: str) -> dict[str, Any]:
        _check(self._control.operation_model("GetFoundationModel").input_shape, {"modelIdentifier": identifier})
        model_id = _model_key(identifier)
        with self._lock:
            # A base model may have no entry of its own, only profiles in front of it (the catalog lists
            # what descgen sends): then the profiles describe it.
            entries = [model for model in self._models.values() if model.base_model_id == model_id]
        own = next((model for model in entries if model.id == model_id and not model.profile), None)
        profiles = [model for model in entries if model.profile and model.lifecycle != "EOL"]
        described = own or next(iter(profiles), None)
        if described is None or described.lifecycle == "EOL":
            raise ApiError("ResourceNotFoundException", f"The model {identifier} was not found.")
        lifecycle: dict[str, Any] = {"status": described.lifecycle}
        if described.eol_date is not None:
            lifecycle["endOfLifeTime"] = _timestamp(datetime.combine(described.eol_date, time(), UTC))
        return {
            "modelDetails": {
                "modelArn": self._foundation_model_arn(model_id),
                "modelId": model_id,
                "modelName": _base_name(described),
                "providerName": described.provider or model_id.split(".", 1)[0].capitalize(),
                "inputModalities": ["TEXT"],
                "outputModalities": ["TEXT"],
                "responseStreamingSupported": True,
                "customizationsSupported": [],
                "inferenceTypesSupported": (["ON_DEMAND"] if own else []) + (["INFERENCE_PROFILE"] if profiles else []),
                "modelLifecycle": lifecycle,
            }
        }

    def _get_inference_profile(self, identifier: str) -> dict[str, Any]:
        operation = self._control.operation_model("GetInferenceProfile")
        _check(operation.input_shape, {"inferenceProfileIdentifier": identifier})
        profile_id = _model_key(identifier)
        model = self.models().get(profile_id)
        if model is None or not model.profile or model.lifecycle == "EOL":
            raise ApiError("ResourceNotFoundException", f"The inference profile {identifier} was not found.")
        geography = profile_id.split(".", 1)[0]  # us, eu, apac, global, ...
        area = "Global" if geography == "global" else geography.upper()
        return {
            "inferenceProfileId": profile_id,
            "inferenceProfileArn": f"arn:aws:bedrock:{self.region}:{self.account_id}:inference-profile/{profile_id}",
            "inferenceProfileName": " ".join(part for part in (area, model.provider, _base_name(model)) if part),
            "description": f"Routes requests to {_base_name(model)} across Regions.",
            "status": "ACTIVE",
            "type": "SYSTEM_DEFINED",
            # Bedrock lists each Region of the profile's geography; one Region is enough to follow the ARN.
            "models": [{"modelArn": self._foundation_model_arn(model.base_model_id)}],
        }

    def _foundation_model_arn(self, model_id: str) -> str:
        return f"arn:aws:bedrock:{self.region}::foundation-model/{model_id}"

    def _invoke_model(self, model_id: str, body: bytes) -> _Reply:
        self._throttle("invokeModel")
        model = self._usable_model(model_id)
        try:
            request = json.loads(body)
        except ValueError as error:
            raise ApiError("ValidationException", f"Malformed input request: {error}") from error
        answer, _ = self._model_answer("InvokeModel", model, model_id, request)
        return _Reply(
            200,
            json.dumps(anthropic_response(answer, request=request, model_id=model_id), ensure_ascii=False).encode(),
            {
                "Content-Type": "application/json",
                "X-Amzn-Bedrock-Input-Token-Count": str(answer.input_tokens),
                "X-Amzn-Bedrock-Output-Token-Count": str(answer.output_tokens),
            },
        )

    def _converse(self, model_id: str, body: bytes) -> _Reply:
        self._throttle("converse")
        model = self._usable_model(model_id)
        answer, _ = self._model_answer("Converse", model, model_id, _json_object(body))
        return _json_reply(converse_response(answer))

    def _model_answer(
        self, invocation_type: str, model: EmulatedModel, model_id: str, body: Any
    ) -> tuple[Answer, dict[str, Any] | None]:
        """What the model answers to one request body, and the JSON schema it was asked to follow.

        ValidationException for a body the model refuses: malformed, of the other invocation type,
        or asking a model without structured output for a schema.
        """
        try:
            if not isinstance(body, dict):
                raise ValueError("the request body must be a JSON object")
            if invocation_type == "InvokeModel":
                return answer_anthropic(body), None
            # The body becomes a Converse request for this model, so that is what is checked; closed:
            # a key the shape does not know (an Anthropic body's anthropic_version) is refused.
            _check(self._runtime.operation_model("Converse").input_shape, {**body, "modelId": model_id}, closed=True)
            schema = requested_schema(body)
            answer = answer_converse(body)
        except (ValueError, ApiError) as error:
            raise ApiError("ValidationException", f"Malformed input request: {error}") from error
        if schema is not None and not model.structured_output:
            raise ApiError(
                "ValidationException",
                f"The model {model_id} does not support structured output. Remove outputConfig.textFormat and "
                "try again.",
            )
        return answer, schema

    def _find_job(self, identifier: str) -> _Job:
        shape = self._control.operation_model("GetModelInvocationJob").input_shape
        _check(shape, {"jobIdentifier": identifier})
        job = self._jobs.get(identifier.rsplit("/", 1)[-1])
        if job is None or (identifier.startswith("arn:") and identifier != job.arn):
            raise ApiError("ResourceNotFoundException", f"Job {identifier} was not found.")
        return job

    # ------------------------------------------------------------------ the job worker

    def _set_status(self, job: _Job, status: str, message: str | None = None) -> None:
        """Callers hold the lock."""
        job.status = status
        job.last_modified = _now()
        if message is not None:
            job.message = message
        if status in TERMINAL_STATUSES:
            job.end_time = job.last_modified

    def _advance(self, job: _Job, status: str) -> None:
        """Waits one step, then moves on, unless someone asked the job to stop meanwhile."""
        self._pause(job)
        with self._lock:
            stopping = job.status == "Stopping"
            if not stopping:
                self._set_status(job, status)
        if stopping:
            self._pause(job)  # ends the job as Stopped

    def _pause(self, job: _Job) -> None:
        if self._closing.wait(self._step_seconds):
            raise _Halt
        if job.status == "Stopping":
            if self._closing.wait(self._step_seconds):
                raise _Halt
            self._finish(job, "Stopped", job.stop_reason)
            raise _Halt

    def _finish(self, job: _Job, status: str, message: str | None = None) -> None:
        with self._lock:
            self._set_status(job, status, message)

    def _run_job(self, job: _Job) -> None:
        with tempfile.TemporaryFile() as records:
            try:
                self._advance(job, "Validating")
                problem = self._copy_input(job, records)
                if problem is not None:
                    self._pause(job)
                    self._finish(job, "Failed", problem)
                    return
                self._advance(job, "Scheduled")
                self._advance(job, "InProgress")
                self._pause(job)
                outcome = job.faults.outcome
                if outcome in ("Completed", "PartiallyCompleted"):
                    self._answer_records(job, records)
                elif outcome == "Stopped":
                    with self._lock:
                        job.stop_reason = "Stopped by an operator (emulated fault)."
                        self._set_status(job, "Stopping")
                    self._pause(job)
                elif outcome == "Expired":
                    hours = job.request.get("timeoutDurationInHours", DEFAULT_TIMEOUT_HOURS)
                    self._finish(job, "Expired", f"The job did not finish within {hours} hours (emulated fault).")
                else:
                    self._finish(job, "Failed", "Internal error while processing the job (emulated fault).")
            except _Halt:
                return
            except Exception as error:  # a worker must end its job, never leave it InProgress forever
                logger.exception("bedrock emulator: job %s failed", job.job_id)
                self._finish(job, "Failed", f"Internal error in the Bedrock emulator: {error}")

    def _copy_input(self, job: _Job, records: IO[bytes]) -> str | None:
        """Validating: the input, checked and spooled to ``records``; or why the job fails."""
        uri = job.request["inputDataConfig"]["s3InputDataConfig"]["s3Uri"]
        bucket, key = _split_s3_uri(uri)
        try:
            found = self._s3.get_object(Bucket=bucket, Key=key)
        except ClientError as error:
            return f"Unable to read the input file {uri}: {error.response['Error'].get('Code')}."
        if found["ContentLength"] > self._max_input_bytes:
            return f"The input file {uri} is larger than {self._max_input_bytes} bytes."
        count = 0
        for line in found["Body"].iter_lines(chunk_size=1 << 16):
            if not line.strip():
                continue
            count += 1
            if count > self._max_records:
                found["Body"].close()
                return f"The input file {uri} has more than {self._max_records} records."
            problem = _input_line_problem(line)
            if problem is not None:
                found["Body"].close()
                return f"Line {count} of {uri} is invalid: {problem}."
            records.write(line + b"\n")
        if count < self._min_records:
            return f"The input file {uri} has {count} records; a job needs at least {self._min_records}."
        records.seek(0)
        with self._lock:
            job.counts = {"totalRecordCount": count}
        return None

    def _answer_records(self, job: _Job, records: IO[bytes]) -> None:
        """InProgress: answer, shuffle, upload the manifest and then the output file."""
        faults = job.faults
        total = job.counts["totalRecordCount"]
        to_answer = total if faults.outcome == "Completed" else int(total * faults.partial_fraction)
        stats = {"success": 0, "error": 0, "input_tokens": 0, "output_tokens": 0}
        with tempfile.TemporaryFile() as answers, tempfile.TemporaryFile() as shuffled:
            index: list[tuple[bytes, int, int]] = []  # (order key, offset, length): the only per-record state
            for number, raw in enumerate(records, start=1):
                if number > to_answer:
                    break
                if job.status == "Stopping" or self._closing.is_set():
                    self._pause(job)  # ends the job as Stopped, or unwinds it on shutdown
                record = json.loads(raw)
                line = self._answer(job, record, stats)
                for copy in range(2 if _picked(faults, record["recordId"], "duplicate_record_rate") else 1):
                    index.append((_order_key(faults.seed, record["recordId"], copy), answers.tell(), len(line)))
                    answers.write(line)
                if number % 1000 == 0:
                    self._count(job, stats)
            self._count(job, stats)
            if job.status == "Stopping":
                self._pause(job)  # a stop that arrives before the upload still discards the output
            self._write_shuffled(index, answers, shuffled, faults)
            self._upload(job, stats, total, shuffled)
        status = "Completed" if faults.outcome == "Completed" else "PartiallyCompleted"
        message = (
            None if status == "Completed" else f"{to_answer} of {total} records were processed before the job ended."
        )
        self._finish(job, status, message)

    def _answer(self, job: _Job, record: dict[str, Any], stats: dict[str, int]) -> bytes:
        faults, record_id, body = job.faults, record["recordId"], record["modelInput"]
        line: dict[str, Any] = {"recordId": record_id, "modelInput": body}
        if _picked(faults, record_id, "record_error_rate"):
            line["error"] = {"errorCode": faults.record_error_code, "errorMessage": faults.record_error_message}
            stats["error"] += 1
        else:
            try:
                answer, schema = self._model_answer(job.invocation_type, job.model, job.request["modelId"], body)
            except ApiError as error:
                # What Bedrock does with a body the model rejects: a record error, not a failed job.
                line["error"] = {"errorCode": 400, "errorMessage": error.message}
                stats["error"] += 1
            else:
                answer = _with_text_faults(answer, schema, faults, record_id)
                line["modelOutput"] = (
                    converse_response(answer)
                    if job.invocation_type == "Converse"
                    else anthropic_response(answer, request=body, model_id=job.request["modelId"])
                )
                stats["success"] += 1
                digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
                with self._lock:
                    self._bought[record_id, digest] += 1
                stats["input_tokens"] += answer.input_tokens
                stats["output_tokens"] += answer.output_tokens
        raw = json.dumps(line, ensure_ascii=False).encode()
        if _picked(faults, record_id, "malformed_line"):
            raw = raw[: len(raw) // 2]
        return raw

    def _count(self, job: _Job, stats: dict[str, int]) -> None:
        with self._lock:
            job.counts.update(
                processedRecordCount=stats["success"] + stats["error"],
                successRecordCount=stats["success"],
                errorRecordCount=stats["error"],
            )

    @staticmethod
    def _write_shuffled(
        index: list[tuple[bytes, int, int]], answers: IO[bytes], shuffled: IO[bytes], faults: JobFaults
    ) -> None:
        line_end = b"\r\n" if faults.crlf_line_ends else b"\n"
        index.sort()
        for position, (_, offset, length) in enumerate(index):
            answers.seek(offset)
            line = answers.read(length)
            if faults.truncate_last_line and position == len(index) - 1:
                shuffled.write(line[: len(line) // 2])  # as if the writer died mid-line
            else:
                shuffled.write(line + line_end)
        shuffled.seek(0)

    def _upload(self, job: _Job, stats: dict[str, int], total: int, output: IO[bytes]) -> None:
        input_uri = job.request["inputDataConfig"]["s3InputDataConfig"]["s3Uri"]
        bucket, prefix = _split_s3_uri(job.request["outputDataConfig"]["s3OutputDataConfig"]["s3Uri"])
        folder = f"{prefix}/" if prefix and not prefix.endswith("/") else prefix
        folder = f"{folder}{job.job_id}/"
        manifest = {
            "totalRecordCount": total,
            "processedRecordCount": stats["success"] + stats["error"],
            "successRecordCount": stats["success"],
            "errorRecordCount": stats["error"],
            "inputTokenCount": stats["input_tokens"],
            "outputTokenCount": stats["output_tokens"],
        }
        # The manifest first: the output file's ObjectCreated event starts a parser that may read it.
        self._s3.put_object(Bucket=bucket, Key=f"{folder}{MANIFEST_NAME}", Body=json.dumps(manifest).encode())
        file_name = input_uri.rstrip("/").rsplit("/", 1)[-1] + OUTPUT_SUFFIX
        self._s3.put_object(Bucket=bucket, Key=f"{folder}{file_name}", Body=output)


# ---------------------------------------------------------------------- faults on one record


def _picked(faults: JobFaults, record_id: str, fault: str) -> bool:
    rate = float(getattr(faults, fault))
    return rate > 0 and _unit_hash(faults.seed, record_id, fault) < rate


def _unit_hash(seed: int, record_id: str, salt: str) -> float:
    digest = hashlib.sha256(f"{seed}\0{record_id}\0{salt}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _order_key(seed: int, record_id: str, copy: int) -> bytes:
    return hashlib.sha256(f"{seed}\0{record_id}\0order\0{copy}".encode()).digest()


def _foreign_marker(marker: str) -> str:
    """Another product's marker, in the same language."""
    found = MARKER_PATTERN.fullmatch(marker)
    language = found["language"] if found else "en"
    product = found["product"] if found else ""
    return f"#other-{hashlib.sha256(product.encode()).hexdigest()[:8]}#{language}#"


def _with_text_faults(answer: Answer, schema: dict[str, Any] | None, faults: JobFaults, record_id: str) -> Answer:
    """The answer with the record's text faults: on the text, or on the JSON object of a structured answer."""
    chosen = [name for name in _TEXT_FAULTS if _picked(faults, record_id, name)]
    if not chosen:
        return answer
    text, stop_reason = answer.text, answer.stop_reason
    if schema is None:
        text = _marker_faults(text, chosen)
    else:
        text = _json_faults(text, chosen, schema, _unit_hash(faults.seed, record_id, "schema_violation_kind"))
    if "preamble" in chosen:
        text = _PREAMBLE + text
    if "code_fence" in chosen:
        text = f"```{'html' if schema is None else 'json'}\n{text}\n```"
    if "empty_text" in chosen:
        text = ""
    if "max_tokens" in chosen:
        text = text[: len(text) // 3]
        stop_reason = "max_tokens"
    return dataclasses.replace(answer, text=text, stop_reason=stop_reason, output_tokens=estimate_tokens(text))


def _marker_faults(text: str, chosen: list[str]) -> str:
    found = MARKER_PATTERN.match(text)
    marker = found.group(0) if found else ""
    body = text[len(marker) :]
    if "two_markers" in chosen and marker:
        body = _with_foreign_marker_inside(body, marker)
    if "foreign_marker" in chosen and marker:
        marker = _foreign_marker(marker)
    if "missing_marker" in chosen:
        marker = ""
        body = body.lstrip("\n")
    return marker + body


def _json_faults(text: str, chosen: list[str], schema: Mapping[str, Any], kind: float) -> str:
    """Marker faults on the ``marker`` and ``html`` properties, then the structured faults."""
    try:
        data = json.loads(text)
    except ValueError:
        return text  # already cut short by the request's own token limit
    marker = data.get("marker")
    if "two_markers" in chosen and marker and isinstance(data.get("html"), str):
        data["html"] = _with_foreign_marker_inside(data["html"], marker)
    if "foreign_marker" in chosen and marker:
        data["marker"] = _foreign_marker(marker)
    if "missing_marker" in chosen:
        data["marker"] = ""
    if "schema_violation" in chosen:
        _break_schema(data, schema, kind)
    text = json.dumps(data, ensure_ascii=False)
    if "invalid_json" in chosen:
        text = text[: len(text) // 2]
    return text


def _break_schema(data: dict[str, Any], schema: Mapping[str, Any], kind: float) -> None:
    """One violation, picked by ``kind`` (0 to 1): a required property missing, one of the wrong type,
    or (where there is one) a meta_title longer than 60 characters."""
    required = schema.get("required")
    names = [name for name in required if name in data] if isinstance(required, list) else list(data)
    victim = names[-1] if names else "meta_title"
    ways = ["missing", "wrong type"] + (["too long"] if isinstance(data.get("meta_title"), str) else [])
    way = ways[int(kind * len(ways))]
    if way == "missing":
        data.pop(victim, None)
    elif way == "wrong type":
        data[victim] = [data.get(victim)]
    else:
        title = data["meta_title"]
        data["meta_title"] = f"{title} – {title} – {title} – {title} – {title}"[:61].ljust(61, ".")


def _with_foreign_marker_inside(body: str, marker: str) -> str:
    """Another product's marker before the body's second paragraph (as if a second description began)."""
    second_paragraph = body.find("\n<ul>")
    cut = second_paragraph if second_paragraph >= 0 else len(body) // 2
    return f"{body[:cut]}\n{_foreign_marker(marker)}{body[cut:]}"


# ---------------------------------------------------------------------- wire helpers


def _s3_client(endpoint_url: str | None, region: str) -> Any:
    session = boto3.session.Session()
    # An emulated S3 (moto) accepts any keys; fall back to dummy ones so a bare laptop works.
    keys: dict[str, Any] = (
        {} if session.get_credentials() else {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    )
    return session.client(
        "s3",
        endpoint_url=endpoint_url,
        region_name=region,
        # Path style: a loopback endpoint has no DNS for bucket subdomains.
        config=Config(s3={"addressing_style": "path"}),
        **keys,
    )


def _handler_for(emulator: BedrockEmulator) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # boto3 keeps connections alive
        # Headers and body go out in separate writes; without this, Nagle's algorithm and the client's
        # delayed ACK add about 40 ms to every call.
        disable_nagle_algorithm = True

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            reply = emulator._handle(self.command, self.path, body)
            self.send_response(reply.status)
            headers = {"Content-Type": "application/json", **reply.headers}
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)

        do_GET = do_POST = do_PUT = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:
            logger.debug("bedrock emulator: " + format, *args)

    return Handler


def _json_reply(body: dict[str, Any]) -> _Reply:
    return _Reply(200, json.dumps(body, ensure_ascii=False).encode())


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body or b"{}")
    except ValueError as error:
        raise ApiError("ValidationException", f"The request body is not JSON: {error}") from error
    if not isinstance(data, dict):
        raise ApiError("ValidationException", "The request body must be a JSON object.")
    return data


def _query_params(operation: OperationModel, query: dict[str, str]) -> dict[str, Any]:
    """Query-string values, typed by the operation's input shape (names come from the model)."""
    params: dict[str, Any] = {}
    members = operation.input_shape.members if operation.input_shape else {}
    for member, shape in members.items():
        wire_name = shape.serialization.get("name", member)
        if shape.serialization.get("location") != "querystring" or wire_name not in query:
            continue
        value = query[wire_name]
        try:
            if shape.type_name in ("integer", "long"):
                params[member] = int(value)
            elif shape.type_name == "timestamp":
                params[member] = _parse_timestamp(value)
            else:
                params[member] = value
        except ValueError as error:
            raise ApiError("ValidationException", f"Value {value!r} at '{member}' is not valid: {error}") from error
    return params


def _check(shape: Shape | None, value: Any, path: str = "", *, closed: bool = False) -> None:
    """Checks a value against a botocore shape's constraints, the way the service does.

    ``closed``: a member the shape does not have is refused too, as a model refuses an
    unknown key in a request body (boto3 itself never sends one).
    """
    where = path or "request"
    if shape is None or shape.metadata.get("document"):
        return  # no input, or any JSON value
    if isinstance(shape, StructureShape):
        if not isinstance(value, dict):
            raise _invalid(where, value, "Member must be an object")
        unknown = sorted(set(value) - set(shape.members)) if closed else []
        if unknown:
            raise ApiError("ValidationException", f"extraneous key [{_join(path, unknown[0])}] is not permitted")
        present = [name for name in shape.members if value.get(name) is not None]
        if shape.metadata.get("union") and len(present) != 1:
            raise _invalid(where, value, f"Member must set exactly one of {sorted(shape.members)}")
        for name in shape.required_members:
            if value.get(name) is None:
                raise _invalid(_join(path, name), None, "Member must not be null")
        for name in present:
            _check(shape.members[name], value[name], _join(path, name), closed=closed)
        return
    number = isinstance(value, int | float) and not isinstance(value, bool)
    checks: dict[str, Callable[[], bool]] = {
        "list": lambda: isinstance(value, list),
        "map": lambda: isinstance(value, dict),
        "string": lambda: isinstance(value, str),
        "integer": lambda: isinstance(value, int) and not isinstance(value, bool),
        "long": lambda: isinstance(value, int) and not isinstance(value, bool),
        "float": lambda: number,
        "double": lambda: number,
        "boolean": lambda: isinstance(value, bool),
    }
    if shape.type_name in checks and not checks[shape.type_name]():
        raise _invalid(where, value, f"Member must be of type {shape.type_name}")
    meta = shape.metadata
    size, measure = (len(value), "length") if isinstance(value, list | str | dict) else (value, "value")
    if number or isinstance(value, list | str | dict):
        if "min" in meta and size < meta["min"]:
            raise _invalid(where, value, f"Member must have {measure} greater than or equal to {meta['min']}")
        if "max" in meta and size > meta["max"]:
            raise _invalid(where, value, f"Member must have {measure} less than or equal to {meta['max']}")
    enum = getattr(shape, "enum", None)
    if isinstance(value, str) and enum and value not in enum:
        raise _invalid(where, value, f"Member must satisfy enum value set: {enum}")
    if isinstance(value, str) and "pattern" in meta and not re.fullmatch(meta["pattern"], value):
        raise _invalid(where, value, f"Member must satisfy regular expression pattern: {meta['pattern']}")
    if isinstance(shape, ListShape) and isinstance(value, list):
        for position, item in enumerate(value):
            _check(shape.member, item, f"{where}.{position + 1}", closed=closed)
    if isinstance(shape, MapShape) and isinstance(value, dict):
        for key, item in value.items():
            _check(shape.value, item, f"{where}.{key}", closed=closed)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _invalid(where: str, value: Any, constraint: str) -> ApiError:
    shown = "null" if value is None else repr(value) if not isinstance(value, dict) else "{...}"
    return ApiError(
        "ValidationException",
        f"1 validation error detected: Value {shown} at '{where}' failed to satisfy constraint: {constraint}",
    )


def _input_line_problem(line: bytes) -> str | None:
    try:
        record = json.loads(line)
    except ValueError:
        return "it is not JSON"
    if not isinstance(record, dict):
        return "it is not a JSON object"
    if not isinstance(record.get("recordId"), str) or not record["recordId"]:
        return "it has no recordId"
    if not isinstance(record.get("modelInput"), dict):
        return "it has no modelInput object"
    return None


def _model_key(identifier: str) -> str:
    """The model or profile id in an identifier: itself, or the end of its ARN (``…/foundation-model/<id>``)."""
    return identifier.rsplit("/", 1)[-1] if identifier.startswith("arn:") else identifier


def _base_name(model: EmulatedModel) -> str:
    """The foundation model's name: a profile's entry names the profile too, as in "Claude Haiku 4.5 (US … profile)"."""
    name = re.sub(r"\s*\([^)]*\)$", "", model.name) if model.profile else model.name
    return name or model.base_model_id


def _split_s3_uri(uri: str) -> tuple[str, str]:
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    return bucket, key


def _decode_token(token: str) -> int:
    try:
        return int(base64.urlsafe_b64decode(token.encode()).decode())
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise ApiError("ValidationException", "The nextToken is not valid.") from error


def _now() -> datetime:
    return datetime.now(UTC)


def _timestamp(moment: datetime) -> str:
    """ISO 8601 with milliseconds and Z, as Bedrock writes them (botocore parses either form)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _parse_timestamp(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
