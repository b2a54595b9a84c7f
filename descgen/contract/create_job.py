"""One job request -> one Bedrock batch inference job: what the create_bedrock_job Lambda does.

SNS delivers at least once and AWS retries a failed invocation twice, so this is
idempotent: ``clientRequestToken`` is the batch id, and a job name already taken by
an earlier delivery resolves to that job instead of an error.

A full jobs-in-flight quota (or throttling that outlasted the client's retries) is
not an error: raising would have AWS retry twice within minutes, then give up, and
every round would spend one of the batch's attempts. The batch is reported as
waiting for a job slot instead: a small object ``output/<batch>/job-slot-wait.json``
tells monitor-jobs that this request was a wait, not a lost message, so it puts
the batch back in line without counting the request, and publishes it when a
slot frees.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from descgen.contract.bedrock_jobs import find_job
from descgen.contract.keys import input_key, job_wait_key, output_folder, s3_uri
from descgen.contract.lambda_settings import CreateJobSettings
from descgen.contract.messages import ContractError, JobRequest

if TYPE_CHECKING:
    from mypy_boto3_bedrock import BedrockClient
    from mypy_boto3_bedrock.literals import ModelInvocationTypeType
    from mypy_boto3_s3 import S3Client

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobCreation:
    """What became of one job request: a job (``job_arn``), or a wait for a job slot (``waiting``)."""

    batch_id: str
    job_arn: str | None = None
    waiting: str | None = None  # Bedrock's answer, e.g. "ServiceQuotaExceededException: ..."


def job_locations(request: JobRequest, settings: CreateJobSettings) -> tuple[str, str]:
    """The (input, output) URIs of the request, checked against the ones this deployment owns.

    A message cannot point Bedrock, and the role it passes, at another bucket.
    """
    expected_input = s3_uri(settings.bucket, input_key(settings.input_prefix, request.batch_id))
    expected_output = s3_uri(settings.bucket, output_folder(settings.output_prefix, request.batch_id))
    if (request.s3_input_uri, request.s3_output_uri) != (expected_input, expected_output):
        raise ContractError(
            f"batch {request.batch_id}: locations {request.s3_input_uri} -> {request.s3_output_uri} "
            f"are not {expected_input} -> {expected_output}"
        )
    return expected_input, expected_output


def create_job(request: JobRequest, settings: CreateJobSettings, bedrock: BedrockClient, s3: S3Client) -> JobCreation:
    """Create (or find) the batch's job; wait instead when Bedrock has no slot for it.

    Any other error raises, so that AWS retries the invocation and then sends the
    event to the failure destination.
    """
    input_uri, output_uri = job_locations(request, settings)
    try:
        response = bedrock.create_model_invocation_job(
            jobName=request.job_name,
            roleArn=settings.role_arn,
            clientRequestToken=request.batch_id,
            modelId=request.model_id,
            # JobRequest refuses any other value than Bedrock's two (INVOCATION_TYPES)
            modelInvocationType=cast("ModelInvocationTypeType", request.invocation_type),
            inputDataConfig={"s3InputDataConfig": {"s3Uri": input_uri, "s3InputFormat": "JSONL"}},
            outputDataConfig={"s3OutputDataConfig": {"s3Uri": output_uri}},
            timeoutDurationInHours=settings.job_timeout_hours,
        )
        job_arn = str(response["jobArn"])
    except bedrock.exceptions.ConflictException:
        job_arn = _existing_job_arn(bedrock, request.job_name)
    except (bedrock.exceptions.ServiceQuotaExceededException, bedrock.exceptions.ThrottlingException) as error:
        waiting = _error_text(error)
        log.warning("batch %s waits for a job slot: %s", request.batch_id, waiting)
        s3.put_object(
            Bucket=settings.bucket,
            Key=job_wait_key(settings.output_prefix, request.batch_id),
            Body=json.dumps({"batchId": request.batch_id, "reason": waiting}).encode(),
        )
        return JobCreation(request.batch_id, waiting=waiting)
    log.info("batch %s -> job %s", request.batch_id, job_arn)
    return JobCreation(request.batch_id, job_arn=job_arn)


def _existing_job_arn(bedrock: BedrockClient, job_name: str) -> str:
    job = find_job(bedrock, job_name)
    if job is None:
        raise RuntimeError(f"job name {job_name} is taken but no such job is listed")
    return str(job["jobArn"])


def _error_text(error: Any) -> str:
    """``Code: message`` of a botocore ClientError."""
    details = error.response.get("Error", {})
    return f"{details.get('Code', type(error).__name__)}: {details.get('Message', '')}"
