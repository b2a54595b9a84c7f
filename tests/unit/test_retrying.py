"""What can heal, said once (descgen/retrying.py): each error is tried again, or fails at once.

The errors are the ones botocore, SQLAlchemy's drivers and descgen itself raise,
built as they raise them.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg.errors
import pytest
from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    ParamValidationError,
    ReadTimeoutError,
    ResponseStreamingError,
)
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, InternalError, OperationalError, ProgrammingError

from descgen import draining
from descgen.contract.messages import ContractError
from descgen.draining import DatabaseUnavailable
from descgen.model_catalog import ModelRefused
from descgen.retrying import (
    CALL_BOUNDS,
    DRAIN_COMMIT_ATTEMPTS,
    call_bounds_markdown,
    may_heal,
    refused_before_billing,
)
from descgen.stores import UnknownName

README = Path(__file__).resolve().parents[2] / "README.md"


def aws_error(code: str, status: int, operation: str = "PutObject") -> ClientError:
    """A ClientError as botocore raises it from a parsed error answer."""
    return ClientError(
        {"Error": {"Code": code, "Message": f"{code} says no"}, "ResponseMetadata": {"HTTPStatusCode": status}},
        operation,
    )


def database_error(kind: type[DBAPIError], driver_error: Exception) -> DBAPIError:
    """The SQLAlchemy wrapper around a driver's error, as a failed statement raises it."""
    return kind("SELECT 1", {}, driver_error)


def pydantic_error() -> PydanticValidationError:
    class Limit(BaseModel):
        limit: int

    try:
        Limit.model_validate({"limit": "many"})
    except PydanticValidationError as error:
        return error
    raise AssertionError("pydantic accepted 'many' as an int")


def raised_from(error: BaseException, cause: BaseException) -> BaseException:
    try:
        raise error from cause
    except BaseException as raised:
        return raised


HEALS = {
    # throttling, whatever the status a service sends it with
    "ThrottlingException 400 (Bedrock control plane)": aws_error("ThrottlingException", 400),
    "Throttling 400 (SNS)": aws_error("Throttling", 400),
    "TooManyRequestsException 429": aws_error("TooManyRequestsException", 429),
    "SlowDown 503 (S3)": aws_error("SlowDown", 503),
    "RequestThrottled 403 (SQS)": aws_error("RequestThrottled", 403),
    "ModelNotReadyException 429 (Bedrock runtime)": aws_error("ModelNotReadyException", 429),
    # the service's own trouble
    "RequestTimeout 400 (S3)": aws_error("RequestTimeout", 400),
    "ServiceUnavailable 503": aws_error("ServiceUnavailable", 503),
    "ServiceUnavailableException 503": aws_error("ServiceUnavailableException", 503),
    "InternalError 500 (S3, SNS)": aws_error("InternalError", 500),
    "InternalServerException 500 (Bedrock)": aws_error("InternalServerException", 500),
    "an unknown code with 502": aws_error("BadGateway", 502),
    "an unknown code with 504": aws_error("GatewayTimeout", 504),
    # transport
    "no endpoint": EndpointConnectionError(endpoint_url="https://sqs.us-east-1.amazonaws.com"),
    "connect timeout": ConnectTimeoutError(endpoint_url="https://s3.amazonaws.com"),
    "read timeout": ReadTimeoutError(endpoint_url="https://sns.us-east-1.amazonaws.com"),
    "connection closed mid-answer": ConnectionClosedError(endpoint_url="https://s3.amazonaws.com"),
    "answer stream cut": ResponseStreamingError(error="connection reset"),
    "a socket reset": ConnectionResetError(104, "Connection reset by peer"),
    "a socket timeout": TimeoutError("timed out"),
    # the database
    "PostgreSQL refused the connection": database_error(
        OperationalError, psycopg.OperationalError("connection failed: Connection refused")
    ),
    "PostgreSQL shut down (57P01)": database_error(OperationalError, psycopg.errors.AdminShutdown("terminating")),
    "a deadlock (40P01)": database_error(OperationalError, psycopg.errors.DeadlockDetected("deadlock detected")),
    "a serialization failure (40001)": database_error(
        OperationalError, psycopg.errors.SerializationFailure("could not serialize access")
    ),
    "a lock not available (55P03)": database_error(OperationalError, psycopg.errors.LockNotAvailable("lock timeout")),
    "SQLite busy": database_error(OperationalError, sqlite3.OperationalError("database is locked")),
    "a connection invalidated": DBAPIError("SELECT 1", {}, Exception("server closed"), connection_invalidated=True),
    "a connection already closed": database_error(InterfaceError, psycopg.InterfaceError("connection is closed")),
    "a wrapper raised from a database error": raised_from(
        DatabaseUnavailable("database unavailable, nothing received"),
        database_error(OperationalError, psycopg.OperationalError("connection refused")),
    ),
}

NEVER_HEALS = {
    # the request is wrong
    "ValidationException 400": aws_error("ValidationException", 400),
    "ValidationError 400 (SNS, SQS)": aws_error("ValidationError", 400),
    "InvalidParameter 400 (SNS)": aws_error("InvalidParameter", 400),
    "ResourceNotFoundException 404": aws_error("ResourceNotFoundException", 404),
    "NoSuchBucket 404": aws_error("NoSuchBucket", 404),
    "NoSuchKey 404": aws_error("NoSuchKey", 404),
    "QueueDoesNotExist 400": aws_error("QueueDoesNotExist", 400),
    "AWS.SimpleQueueService.NonExistentQueue 400": aws_error("AWS.SimpleQueueService.NonExistentQueue", 400),
    "NotFound 404 (SNS topic)": aws_error("NotFound", 404),
    "an unknown 4xx": aws_error("ConflictException", 409),
    # who sends it may not
    "AccessDenied 403 (S3)": aws_error("AccessDenied", 403),
    "AccessDeniedException 403": aws_error("AccessDeniedException", 403),
    "KMS.AccessDeniedException 400 (SQS with SSE)": aws_error("KMS.AccessDeniedException", 400),
    "AuthorizationError 403 (SNS)": aws_error("AuthorizationError", 403),
    "InvalidClientTokenId 403": aws_error("InvalidClientTokenId", 403),
    "UnrecognizedClientException 400": aws_error("UnrecognizedClientException", 400),
    "SignatureDoesNotMatch 403": aws_error("SignatureDoesNotMatch", 403),
    "ExpiredToken 400": aws_error("ExpiredToken", 400),
    "no credentials": NoCredentialsError(),
    "no region": NoRegionError(),
    "a parameter botocore refused": ParamValidationError(report="Invalid bucket name"),
    # the statement or the data is wrong
    "an integrity error": database_error(IntegrityError, sqlite3.IntegrityError("UNIQUE constraint failed")),
    "a missing table (PostgreSQL)": database_error(
        ProgrammingError, psycopg.errors.UndefinedTable('relation "products" does not exist')
    ),
    "a missing table (SQLite)": database_error(OperationalError, sqlite3.OperationalError("no such table: products")),
    "a database internal error (XX000)": database_error(InternalError, psycopg.errors.InternalError_("cache lookup")),
    # descgen said no
    "an unknown store": UnknownName("no store 'shpo': did you mean 'shop'?"),
    "a refused model": ModelRefused("model x reached end of life"),
    "a refused model, raised from throttling": raised_from(
        ModelRefused("no access"), aws_error("ThrottlingException", 429)
    ),
    "input pydantic refused": pydantic_error(),
    "a message that breaks the contract": ContractError("job request is not JSON"),
    # a bug is a bug
    "a ValueError": ValueError("bad"),
    "a KeyError": KeyError("batch"),
    "a RuntimeError with no cause": RuntimeError("batch has no input file yet"),
}


@pytest.mark.parametrize("error", HEALS.values(), ids=HEALS.keys())
def test_an_error_that_can_heal_is_tried_again(error):
    assert may_heal(error) is True


@pytest.mark.parametrize("error", NEVER_HEALS.values(), ids=NEVER_HEALS.keys())
def test_an_error_that_never_heals_fails_at_once(error):
    assert may_heal(error) is False


@pytest.mark.parametrize("status", [429, 500, 503])
@pytest.mark.parametrize("code", ["ValidationException", "AccessDeniedException", "NoSuchBucket", "ExpiredToken"])
def test_a_code_that_says_the_request_is_wrong_is_final_whatever_the_status(code, status):
    # GIVEN an answer whose code says the request is wrong, behind a status a proxy or emulator chose
    # THEN the code decides: the same request would be refused the same way
    assert may_heal(aws_error(code, status)) is False


NOT_BILLED = {
    "throttled (429)": aws_error("ThrottlingException", 429, "Converse"),
    "the model is not ready (429)": aws_error("ModelNotReadyException", 429, "Converse"),
    "service unavailable (503)": aws_error("ServiceUnavailableException", 503, "Converse"),
    "no endpoint": EndpointConnectionError(endpoint_url="https://bedrock-runtime.us-east-1.amazonaws.com"),
    "connect timeout": ConnectTimeoutError(endpoint_url="https://bedrock-runtime.us-east-1.amazonaws.com"),
}
MAYBE_BILLED = {
    "an internal error (500): the model may have run": aws_error("InternalServerException", 500, "Converse"),
    "a model timeout (408)": aws_error("ModelTimeoutException", 408, "Converse"),
    "a model error (424)": aws_error("ModelErrorException", 424, "Converse"),
    "a read timeout: the request was sent": ReadTimeoutError(endpoint_url="https://bedrock-runtime"),
    "a connection closed mid-answer": ConnectionClosedError(endpoint_url="https://bedrock-runtime"),
    "an answer stream cut": ResponseStreamingError(error="reset"),
    "a validation error (never heals anyway)": aws_error("ValidationException", 400, "Converse"),
    "access denied": aws_error("AccessDeniedException", 403, "Converse"),
}


@pytest.mark.parametrize("error", NOT_BILLED.values(), ids=NOT_BILLED.keys())
def test_an_on_demand_call_bedrock_refused_before_accepting_may_be_sent_again(error):
    assert refused_before_billing(error) is True


@pytest.mark.parametrize("error", MAYBE_BILLED.values(), ids=MAYBE_BILLED.keys())
def test_an_on_demand_call_bedrock_may_have_billed_is_never_sent_again(error):
    assert refused_before_billing(error) is False


def test_every_bound_is_the_product_of_its_layers_and_none_exceeds_36_calls():
    # GIVEN the written-down table / THEN each row multiplies its layers, and the worst is a Lambda's SQS page
    for bound in CALL_BOUNDS:
        assert bound.most == bound.runs * (bound.client_attempts or 1) * bound.loop_attempts
    assert max(bound.most for bound in CALL_BOUNDS) == 36


def test_an_on_demand_record_is_sent_by_no_layer_but_its_own_unbilled_refusals():
    [converse] = [bound for bound in CALL_BOUNDS if bound.operation.startswith("Bedrock Converse")]
    assert (converse.runs, converse.client_attempts, converse.most) == (1, 1, 3)


def test_readme_shows_the_bounds_the_code_has():
    # GIVEN the table as data / WHEN README is read / THEN it holds the same table, row for row
    assert call_bounds_markdown() in README.read_text()


def test_the_drains_deadlock_retries_are_the_ones_the_table_counts():
    assert draining._COMMIT_ATTEMPTS == DRAIN_COMMIT_ATTEMPTS  # the drain keeps its loop private; the table reads it


def test_a_cause_chain_that_loops_back_on_itself_ends():
    first, second = RuntimeError("a"), RuntimeError("b")
    first.__cause__, second.__cause__ = second, first
    assert may_heal(first) is False
