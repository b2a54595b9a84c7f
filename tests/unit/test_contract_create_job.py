"""create_job: one job request -> one Bedrock job, the existing job, or a wait for a job slot.

Bedrock's answers come from botocore's Stubber on a real ``bedrock`` client, so
every request is checked against the service model as it would be sent.
"""

from __future__ import annotations

import logging
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import ANY, Stubber

from descgen.contract.create_job import JobCreation, create_job
from descgen.contract.lambda_settings import CreateJobSettings
from descgen.contract.messages import ContractError, JobRequest
from tests.unit.test_contract_bedrock_jobs import MODEL, bedrock_client, job_summary

BATCH = "acme-20261126020000-a1b2c3"
JOB_NAME = f"descgen-{BATCH}"
JOB_ARN = "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/k3x9p2m7q1w4"
SETTINGS = CreateJobSettings(
    role_arn="arn:aws:iam::123456789012:role/descgen-test-bedrock-batch",
    bucket="descgen-test-data",
    input_prefix="input/",
    output_prefix="output/",
    job_timeout_hours=24,
)


def s3_client() -> Any:
    """A real S3 client with nothing stubbed: any call it makes fails the test."""
    client = boto3.client("s3", region_name="us-east-1")
    Stubber(client).activate()
    return client


def job_request(invocation_type: str = "Converse", bucket: str = "descgen-test-data") -> JobRequest:
    return JobRequest(
        batch_id=BATCH,
        job_name=JOB_NAME,
        model_id=MODEL,
        s3_input_uri=f"s3://{bucket}/input/{BATCH}.jsonl",
        s3_output_uri=f"s3://{bucket}/output/{BATCH}/",
        invocation_type=invocation_type,
    )


def expected_create_call(invocation_type: str) -> dict[str, object]:
    return {
        "jobName": JOB_NAME,
        "roleArn": SETTINGS.role_arn,
        "clientRequestToken": BATCH,
        "modelId": MODEL,
        "modelInvocationType": invocation_type,
        "inputDataConfig": {
            "s3InputDataConfig": {"s3Uri": f"s3://descgen-test-data/input/{BATCH}.jsonl", "s3InputFormat": "JSONL"}
        },
        "outputDataConfig": {"s3OutputDataConfig": {"s3Uri": f"s3://descgen-test-data/output/{BATCH}/"}},
        "timeoutDurationInHours": 24,
    }


@pytest.mark.parametrize("invocation_type", ["Converse", "InvokeModel"])
def test_create_job_creates_the_job_with_the_requests_invocation_type(invocation_type: str) -> None:
    # GIVEN Bedrock ready to accept one job
    bedrock = bedrock_client()
    with Stubber(bedrock) as stub:
        stub.add_response("create_model_invocation_job", {"jobArn": JOB_ARN}, expected_create_call(invocation_type))

        # WHEN the batch's job is created
        creation = create_job(job_request(invocation_type), SETTINGS, bedrock, s3_client())

        # THEN CreateModelInvocationJob got the invocation type, token, role and locations; the job is the answer
        stub.assert_no_pending_responses()
    assert creation == JobCreation(BATCH, job_arn=JOB_ARN)


@pytest.mark.parametrize("error_code", ["ServiceQuotaExceededException", "ThrottlingException"])
def test_a_full_job_quota_makes_the_batch_wait_instead_of_failing(
    error_code: str, caplog: pytest.LogCaptureFixture
) -> None:
    # GIVEN Bedrock answering that the model has no job slot (or throttling past the client's retries)
    bedrock = bedrock_client()
    with Stubber(bedrock) as stub:
        stub.add_client_error(
            "create_model_invocation_job", error_code, "Too many jobs in progress", http_status_code=400
        )

        s3 = boto3.client("s3", region_name="us-east-1")
        with Stubber(s3) as s3_stub:
            s3_stub.add_response(
                "put_object",
                {},
                {"Bucket": SETTINGS.bucket, "Key": f"output/{BATCH}/job-slot-wait.json", "Body": ANY},
            )

            # WHEN the batch's job is requested
            with caplog.at_level(logging.INFO):
                creation = create_job(job_request(), SETTINGS, bedrock, s3)

            # THEN it leaves the wait marker for monitor-jobs
            s3_stub.assert_no_pending_responses()
    # AND nothing is raised (AWS would retry the invocation and burn the batch's attempts): the batch waits
    assert creation == JobCreation(BATCH, waiting=f"{error_code}: Too many jobs in progress")
    # AND one warning line names the batch and Bedrock's answer
    [warning] = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert warning.getMessage() == f"batch {BATCH} waits for a job slot: {error_code}: Too many jobs in progress"


def test_a_job_name_already_taken_by_an_earlier_delivery_resolves_to_that_job() -> None:
    # GIVEN an earlier delivery that created the job, so the name is taken
    bedrock = bedrock_client()
    existing = job_summary(JOB_NAME)
    with Stubber(bedrock) as stub:
        stub.add_client_error("create_model_invocation_job", "ConflictException", "name taken", http_status_code=409)
        stub.add_response(
            "list_model_invocation_jobs",
            {"invocationJobSummaries": [job_summary(f"{JOB_NAME}0"), existing]},
            {"nameContains": JOB_NAME},
        )

        # WHEN the request is delivered again
        creation = create_job(job_request(), SETTINGS, bedrock, s3_client())

        # THEN the answer is the existing job, and no second job was asked for
        stub.assert_no_pending_responses()
    assert creation == JobCreation(BATCH, job_arn=existing["jobArn"])


def test_a_taken_job_name_with_no_such_job_listed_fails_loudly() -> None:
    # GIVEN a conflict on the name, but no job of that exact name in the listing
    bedrock = bedrock_client()
    with Stubber(bedrock) as stub:
        stub.add_client_error("create_model_invocation_job", "ConflictException", "name taken", http_status_code=409)
        stub.add_response("list_model_invocation_jobs", {"invocationJobSummaries": []}, {"nameContains": JOB_NAME})

        # WHEN the job is requested, THEN the error says so (AWS retries, then the failure destination keeps it)
        with pytest.raises(RuntimeError, match=f"job name {JOB_NAME} is taken but no such job is listed"):
            create_job(job_request(), SETTINGS, bedrock, s3_client())


@pytest.mark.parametrize("error_code", ["AccessDeniedException", "ValidationException", "InternalServerException"])
def test_any_other_bedrock_error_is_raised_so_aws_retries_the_invocation(error_code: str) -> None:
    # GIVEN Bedrock refusing the job for a reason a job slot would not fix
    bedrock = bedrock_client()
    with Stubber(bedrock) as stub:
        stub.add_client_error("create_model_invocation_job", error_code, "no", http_status_code=400)

        # WHEN the job is requested, THEN the error is raised
        with pytest.raises(ClientError, match=error_code):
            create_job(job_request(), SETTINGS, bedrock, s3_client())


def test_a_request_pointing_at_another_bucket_is_refused_before_bedrock_is_called() -> None:
    # GIVEN a request whose files are not in this deployment's bucket
    bedrock = bedrock_client()
    with Stubber(bedrock) as stub:
        # WHEN the job is requested, THEN it is refused, and Bedrock was never asked (no answer was queued)
        with pytest.raises(ContractError, match="are not s3://descgen-test-data/input/"):
            create_job(job_request(bucket="someone-elses-bucket"), SETTINGS, bedrock, s3_client())
        stub.assert_no_pending_responses()
