"""redrive on AWS: StartMessageMoveTask moves the dead letters, and nothing else is called.

moto has no StartMessageMoveTask (the cycle tests see its fallback, receive/send/delete):
here a real ``sqs`` client answers through botocore's Stubber, so each request is checked
against the service model and any call not queued fails the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from descgen.redrive import redrive

ACCOUNT = "https://sqs.us-east-1.amazonaws.com/123456789012"
QUEUE_URL, DLQ_URL = f"{ACCOUNT}/descgen-results", f"{ACCOUNT}/descgen-results-dlq"
QUEUE_ARN, DLQ_ARN = (
    "arn:aws:sqs:us-east-1:123456789012:descgen-results",
    "arn:aws:sqs:us-east-1:123456789012:descgen-results-dlq",
)
TASK_HANDLE = "eyJ0YXNrSWQiOiJkYjFhM2I4Zi0xIn0="


@pytest.fixture
def sqs() -> Iterator[Stubber]:
    client = boto3.client("sqs", region_name="us-east-1")
    with Stubber(client) as stub:
        yield stub


def arns_are_read(stub: Stubber) -> None:
    for url, arn in ((DLQ_URL, DLQ_ARN), (QUEUE_URL, QUEUE_ARN)):
        stub.add_response(
            "get_queue_attributes",
            {"Attributes": {"QueueArn": arn}},
            {"QueueUrl": url, "AttributeNames": ["QueueArn"]},
        )


def move(stub: Stubber) -> Any:
    return redrive(stub.client, DLQ_URL, QUEUE_URL, max_messages=1000, max_request_bytes=262_144)


def test_on_aws_a_move_task_moves_the_dead_letters_back_to_the_results_queue(sqs: Stubber) -> None:
    # GIVEN SQS with StartMessageMoveTask, as on AWS
    arns_are_read(sqs)
    sqs.add_response(
        "start_message_move_task", {"TaskHandle": TASK_HANDLE}, {"SourceArn": DLQ_ARN, "DestinationArn": QUEUE_ARN}
    )
    # WHEN the dead letters are redriven
    report = move(sqs)
    # THEN one move task from the DLQ to the queue does it; nothing is received, sent or deleted by hand
    sqs.assert_no_pending_responses()
    assert (report.method, report.move_task_handle, report.moved) == ("StartMessageMoveTask", TASK_HANDLE, 0)


@pytest.mark.parametrize("code", ["AccessDenied", "ResourceNotFoundException", "UnsupportedOperation.Other"])
def test_a_move_task_that_aws_refuses_is_an_error_not_a_reason_to_move_by_hand(sqs: Stubber, code: str) -> None:
    # GIVEN SQS refusing the move task for a reason other than not having the action
    arns_are_read(sqs)
    sqs.add_client_error("start_message_move_task", code, "refused", http_status_code=400)
    # WHEN the dead letters are redriven, THEN the error is raised, and no message was received to move by hand
    with pytest.raises(ClientError, match=code):
        move(sqs)
    sqs.assert_no_pending_responses()


def test_an_endpoint_without_the_action_falls_back_to_receive_send_delete(sqs: Stubber) -> None:
    # GIVEN an endpoint that does not implement StartMessageMoveTask, and an empty DLQ
    arns_are_read(sqs)
    sqs.add_client_error("start_message_move_task", "InvalidAction", "no such action", http_status_code=400)
    sqs.add_response("receive_message", {}, {"QueueUrl": DLQ_URL, "MaxNumberOfMessages": 10})
    # WHEN the dead letters are redriven, THEN the fallback looked and found nothing to move
    report = move(sqs)
    sqs.assert_no_pending_responses()
    assert (report.method, report.moved, report.move_task_handle) == ("receive/send/delete", 0, None)
