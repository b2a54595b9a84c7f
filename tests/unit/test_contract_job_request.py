"""The SNS job request: which invocation type a batch's job is created with."""

from __future__ import annotations

import json

import pytest

from descgen.contract.messages import SCHEMA_VERSION, ContractError, JobRequest


def request(invocation_type: str = "Converse") -> JobRequest:
    return JobRequest(
        batch_id="b1",
        job_name="descgen-b1",
        model_id="anthropic.m",
        s3_input_uri="s3://x/input/b1.jsonl",
        s3_output_uri="s3://x/output/b1/",
        invocation_type=invocation_type,
    )


@pytest.mark.parametrize("invocation_type", ["Converse", "InvokeModel"])
def test_a_job_request_carries_its_invocation_type_through_sns(invocation_type: str) -> None:
    # GIVEN a job request for an input file of Converse or InvokeModel lines
    sent = request(invocation_type)

    # WHEN it is written to SNS and read back
    wire = json.loads(sent.to_json())
    received = JobRequest.from_json(sent.to_json())

    # THEN the wire says modelInvocationType, under the same schema version, and nothing is lost
    assert wire["modelInvocationType"] == invocation_type
    assert wire["schemaVersion"] == SCHEMA_VERSION == 1
    assert received == sent


def test_a_job_request_from_the_previous_version_without_the_key_is_read_as_invoke_model() -> None:
    # GIVEN a message the previous version published: no modelInvocationType, Anthropic bodies in its file
    message = json.loads(request().to_json())
    del message["modelInvocationType"]

    # WHEN it is read
    received = JobRequest.from_json(json.dumps(message))

    # THEN its job will read the file as InvokeModel bodies
    assert received.invocation_type == "InvokeModel"


@pytest.mark.parametrize("value", ["converse", "Chat", "", None, 1, ["Converse"]])
def test_a_job_request_with_an_unknown_invocation_type_is_refused_at_the_edge(value: object) -> None:
    # GIVEN a message whose modelInvocationType is not one Bedrock knows
    message = json.loads(request().to_json())
    message["modelInvocationType"] = value

    # WHEN it is read, THEN it is refused with the reason
    with pytest.raises(ContractError, match="modelInvocationType"):
        JobRequest.from_json(json.dumps(message))


def test_a_job_request_cannot_be_built_with_an_unknown_invocation_type() -> None:
    # GIVEN a producer that names an invocation type Bedrock does not know
    # WHEN it builds the request, THEN it fails before anything is published
    with pytest.raises(ContractError, match="'Messages' is not one of Converse, InvokeModel"):
        request("Messages")
