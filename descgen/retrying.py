"""What can heal, said once: which errors are worth trying again, and how often descgen tries.

Retry what heals, once (STYLE 12). An error heals when the same call, made again a
little later, may succeed: throttling, a 5xx, a timeout, a dropped connection, a
database that is restarting or a transaction that lost a race. It never heals
when the request itself is wrong (``ValidationException``, a missing bucket or
queue, denied access, bad credentials) or when descgen refused it (an unknown
store, a refused model, a message that breaks the contract, settings pydantic
rejects): trying again only delays the failure the operator has to see. Anything
this module does not know is a bug until shown otherwise, so it does not heal.

``may_heal`` is the one classification; Prefect tasks use it through
``tasks.retry_policy`` (``retry_condition_fn``). Spending money is stricter:
``refused_before_billing`` says when an on-demand ``converse`` may be sent again
(Bedrock refused it before accepting it, so nothing was billed).

The bound on calls
------------------
Every layer multiplies: Prefect task attempts (or Lambda invocations per event, 1
plus AWS's async retries) x botocore's requests per API call (standard mode,
``total_max_attempts``) x a hand-written loop's attempts (the SQS batch helper, the
on-demand refusals, the drain's deadlock retries). ``CALL_BOUNDS`` below is that
table as data; README's "What breaks" section shows it (``call_bounds_markdown``)
and a test keeps the two equal. Today: 12 requests at most for any call made by a
task with retries (4 x 3), 36 for each SendMessageBatch of ten pages the
parse_output Lambda sends (3 invocations x 3 x 4), 9 CreateModelInvocationJob per
job request, 3 Converse per on-demand record.

Money: CreateModelInvocationJob is idempotent (``clientRequestToken`` = batch id,
"if this token matches a previous request, Amazon Bedrock ignores the request, but
does not return an error"; and a taken job name resolves to the existing job), so
its 9 requests make one job. An on-demand ``converse`` is not: of its 3 requests
at most 1 was accepted (and billed), the others refused unbilled (throttling,
service unavailable, no connection); and ``send_on_demand`` has no Prefect retries.
"""

from __future__ import annotations

from dataclasses import dataclass

from botocore.exceptions import BotoCoreError, ClientError, HTTPClientError, IncompleteReadError
from botocore.exceptions import ConnectionError as BotocoreConnectionError
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from descgen.aws_layout import LAYOUT
from descgen.contract.lambda_settings import LAMBDA_CLIENT_RETRIES
from descgen.contract.messages import ContractError
from descgen.contract.sqs_batches import SQS_BATCH_ATTEMPTS
from descgen.model_catalog import ModelRefused
from descgen.stores import UnknownName

# ----------------------------------------------------------------------------- the numbers

# Prefect task attempts, the first included: a database restart or a throttled API
# gets about 42 s (x up to 1.5 with jitter) to come back; longer, and the run fails
# loudly and the next scheduled run starts from what was committed.
TASK_RETRIES = 3
TASK_RETRY_DELAYS_SECONDS = (2, 10, 30)
TASK_RETRY_JITTER_FACTOR = 0.5  # Prefect's retry_jitter_factor: each delay drawn in about [0.63, 1.5] x
TASK_ATTEMPTS = 1 + TASK_RETRIES

# botocore requests per API call of descgen's clients (descgen.aws.clients), the first included.
AWS_CALL_ATTEMPTS = 3

# On-demand converse: requests per record; only a refusal Bedrock did not bill is sent again.
CONVERSE_ATTEMPTS = 3
CONVERSE_BACKOFF_BASE_SECONDS = 1.0  # full jitter: at most 2 s, then 4 s
CONVERSE_BACKOFF_CAP_SECONDS = 20.0

# descgen.draining's commits of one receive (PostgreSQL deadlock or serialization failure only).
DRAIN_COMMIT_ATTEMPTS = 3

LAMBDA_INVOCATIONS_PER_EVENT = 1 + LAYOUT.lambda_async.maximum_retry_attempts
LAMBDA_CALL_ATTEMPTS = LAMBDA_CLIENT_RETRIES["total_max_attempts"]

# ----------------------------------------------------------------------------- what heals

# botocore's own lists (botocore.retries.standard) plus the codes services send for
# "try again later"; any 429 or 5xx answer heals too, whatever its code.
THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
        "ModelNotReadyException",  # Bedrock: the model is loading; the SDKs retry it
    }
)
TRANSIENT_CODES = frozenset(
    {
        "RequestTimeout",
        "RequestTimeoutException",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "InternalError",
        "InternalFailure",
        "InternalServerError",
        "InternalServerException",
    }
)
HEALING_STATUSES = frozenset({429, 500, 502, 503, 504})

# The request is wrong, or who sends it may not: the same request fails the same way.
NEVER_HEALING_CODES = frozenset(
    {
        "ValidationException",
        "ValidationError",
        "InvalidParameter",
        "InvalidParameterValue",
        "InvalidParameterException",
        "InvalidParameterCombination",
        "MissingParameter",
        "MalformedQueryString",
        "InvalidAction",
        "ResourceNotFound",
        "ResourceNotFoundException",
        "NotFound",
        "NotFoundException",
        "NoSuchBucket",
        "NoSuchKey",
        "QueueDoesNotExist",
        "AWS.SimpleQueueService.NonExistentQueue",
        "UnauthorizedOperation",
        "AuthorizationError",
        "AuthFailure",
        "NotAuthorized",
        "OptInRequired",
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "InvalidAccessKeyId",
        "SignatureDoesNotMatch",
        "IncompleteSignature",
        "MissingAuthenticationToken",
        "ExpiredToken",
        "ExpiredTokenException",
    }
)
NEVER_HEALING_PREFIXES = ("AccessDenied", "KMS.AccessDenied", "NoSuch")

# PostgreSQL SQLSTATE classes that heal: connection exception, transaction rollback
# (deadlock, serialization failure), insufficient resources, operator intervention
# (admin or crash shutdown, cannot connect now), system error.
HEALING_SQLSTATE_CLASSES = frozenset({"08", "40", "53", "57", "58"})
HEALING_SQLSTATES = frozenset({"55P03"})  # lock_not_available
# SQLite says in words what PostgreSQL says with a SQLSTATE; these mean the schema or
# the statement is wrong, which no retry mends.
NEVER_HEALING_SQLITE_MESSAGES = ("no such table", "no such column", "has no column", "syntax error")

# descgen's own refusals: the same input is refused the same way.
NEVER_HEALING_TYPES: tuple[type[BaseException], ...] = (UnknownName, ModelRefused, ValidationError, ContractError)


def may_heal(error: BaseException) -> bool:
    """Whether the same call, made again a little later, may succeed."""
    return _may_heal(error, seen=set())


def _may_heal(error: BaseException, seen: set[int]) -> bool:
    seen.add(id(error))
    if isinstance(error, NEVER_HEALING_TYPES):
        return False
    if isinstance(error, ClientError):
        return _client_error_may_heal(error)
    if isinstance(error, BotoCoreError):
        # Transport trouble heals: no connection, a timeout, an answer cut short. The
        # rest (no credentials, no region, a parameter botocore refused) does not.
        return isinstance(error, BotocoreConnectionError | HTTPClientError | IncompleteReadError)
    if isinstance(error, DBAPIError):
        return _database_error_may_heal(error)
    if isinstance(error, DisconnectionError | PoolTimeoutError | ConnectionError | TimeoutError):
        return True
    # A wrapper that names its cause (``raise DatabaseUnavailable(...) from error``) heals as its cause does.
    cause = error.__cause__
    return cause is not None and id(cause) not in seen and _may_heal(cause, seen)


def refused_before_billing(error: BaseException) -> bool:
    """Whether Bedrock refused an on-demand call before accepting it, so sending it again cannot pay twice.

    Throttling (429: a quota said no), service unavailable (503) and a connection that
    never opened: the request was not run. A 500, a model timeout, a read timeout or a
    connection dropped mid-answer may come after the model ran and was billed: those
    become an error result for the record instead, and its task is retried (bounded by
    its attempts) through the normal lifecycle.
    """
    if isinstance(error, ClientError):
        code, status = _code_and_status(error)
        return (
            code in THROTTLING_CODES
            or code in {"ServiceUnavailable", "ServiceUnavailableException"}
            or (code not in NEVER_HEALING_CODES and status in {429, 503})
        )
    return isinstance(error, BotocoreConnectionError)  # connect timeout, no endpoint: nothing was sent


def _code_and_status(error: ClientError) -> tuple[str, int | None]:
    code = str(error.response.get("Error", {}).get("Code", ""))
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return code, status if isinstance(status, int) else None


def _client_error_may_heal(error: ClientError) -> bool:
    code, status = _code_and_status(error)
    if code in NEVER_HEALING_CODES or code.startswith(NEVER_HEALING_PREFIXES):
        return False
    if code in THROTTLING_CODES or code in TRANSIENT_CODES:
        return True
    return status in HEALING_STATUSES


def _database_error_may_heal(error: DBAPIError) -> bool:
    if error.connection_invalidated or isinstance(error, InterfaceError):
        return True  # the connection went away; the pool hands out a new one
    if not isinstance(error, OperationalError):
        return False  # IntegrityError, DataError, ProgrammingError...: the statement or the data is wrong
    sqlstate = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
    if sqlstate:
        return sqlstate[:2] in HEALING_SQLSTATE_CLASSES or sqlstate in HEALING_SQLSTATES
    # No SQLSTATE: PostgreSQL never answered (refused, reset), or SQLite ("database is locked").
    message = str(error.orig).lower()
    return not any(words in message for words in NEVER_HEALING_SQLITE_MESSAGES)


# ----------------------------------------------------------------------------- the bound, as data


@dataclass(frozen=True)
class CallBound:
    """The most requests one operation can make, layer by layer."""

    operation: str
    caller: str
    runs: int  # Prefect task attempts, or Lambda invocations per event
    client_attempts: int | None  # botocore requests per API call; None for the database
    loop_attempts: int = 1  # a hand-written loop around the call

    @property
    def most(self) -> int:
        return self.runs * (self.client_attempts or 1) * self.loop_attempts


CALL_BOUNDS: tuple[CallBound, ...] = (
    CallBound("S3 PutObject / UploadPart", "write_batch_file", TASK_ATTEMPTS, AWS_CALL_ATTEMPTS),
    CallBound("S3 GetObject / ListObjectsV2 / DeleteObject", "follow_open_batches", TASK_ATTEMPTS, AWS_CALL_ATTEMPTS),
    CallBound("SNS Publish", "request_job, follow_open_batches", TASK_ATTEMPTS, AWS_CALL_ATTEMPTS),
    CallBound("SQS ReceiveMessage", "drain_queue", 1, AWS_CALL_ATTEMPTS),
    CallBound("SQS DeleteMessageBatch, per 10", "drain_queue", 1, AWS_CALL_ATTEMPTS, SQS_BATCH_ATTEMPTS),
    CallBound(
        "SQS SendMessageBatch, per 10",
        "parse_output Lambda",
        LAMBDA_INVOCATIONS_PER_EVENT,
        LAMBDA_CALL_ATTEMPTS,
        SQS_BATCH_ATTEMPTS,
    ),
    CallBound("SQS SendMessageBatch, per 10", "send_on_demand", 1, AWS_CALL_ATTEMPTS, SQS_BATCH_ATTEMPTS),
    CallBound("SQS GetQueueAttributes", "queue_depths", TASK_ATTEMPTS, AWS_CALL_ATTEMPTS),
    CallBound(
        "Bedrock CreateModelInvocationJob, per job request",
        "create_bedrock_job Lambda",
        LAMBDA_INVOCATIONS_PER_EVENT,
        LAMBDA_CALL_ATTEMPTS,
    ),
    CallBound(
        "Bedrock Get*/List* (control plane)", "check_model, follow_open_batches", TASK_ATTEMPTS, AWS_CALL_ATTEMPTS
    ),
    CallBound("Bedrock Converse on demand, per record", "send_on_demand", 1, 1, CONVERSE_ATTEMPTS),
    CallBound("database transaction of a task", "every task with retries", TASK_ATTEMPTS, None),
    CallBound("database commit of one receive", "drain_queue", 1, None, DRAIN_COMMIT_ATTEMPTS),
)


def call_bounds_markdown() -> str:
    """``CALL_BOUNDS`` as the Markdown table README shows."""
    lines = [
        "| operation | made by | runs | botocore | loop | at most |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for bound in CALL_BOUNDS:
        client = "–" if bound.client_attempts is None else str(bound.client_attempts)
        lines.append(
            f"| {bound.operation} | {bound.caller} | {bound.runs} | {client} | {bound.loop_attempts} | {bound.most} |"
        )
    return "\n".join(lines)
