"""Lambda create_bedrock_job: an SNS job request -> one Bedrock batch inference job.

SNS delivers at least once and retries, so this is idempotent:
``clientRequestToken`` is the batch id, and a job name already taken by an earlier
delivery resolves to that job instead of an error.
"""

from __future__ import annotations

import logging
import os
from typing import Any

import boto3

from descgen.contract.keys import input_key, output_folder, s3_uri
from descgen.contract.lambda_settings import CreateJobSettings as Settings
from descgen.contract.lambda_settings import from_environ
from descgen.contract.messages import ContractError, JobRequest

log = logging.getLogger()


def create_job(request: JobRequest, settings: Settings, bedrock: Any) -> str:
    """Create (or find) the batch's job and return its ARN.

    The input and output locations must be the ones this deployment owns: a
    message cannot point Bedrock, and the role it passes, at another bucket.
    """
    expected_input = s3_uri(settings.bucket, input_key(settings.input_prefix, request.batch_id))
    expected_output = s3_uri(settings.bucket, output_folder(settings.output_prefix, request.batch_id))
    if (request.s3_input_uri, request.s3_output_uri) != (expected_input, expected_output):
        raise ContractError(
            f"batch {request.batch_id}: locations {request.s3_input_uri} -> {request.s3_output_uri} "
            f"are not {expected_input} -> {expected_output}"
        )
    try:
        response = bedrock.create_model_invocation_job(
            jobName=request.job_name,
            roleArn=settings.role_arn,
            clientRequestToken=request.batch_id,
            modelId=request.model_id,
            inputDataConfig={"s3InputDataConfig": {"s3Uri": expected_input, "s3InputFormat": "JSONL"}},
            outputDataConfig={"s3OutputDataConfig": {"s3Uri": expected_output}},
            timeoutDurationInHours=settings.job_timeout_hours,
        )
        job_arn: str = response["jobArn"]
    except bedrock.exceptions.ConflictException:
        job_arn = _job_arn_by_name(bedrock, request.job_name)
    log.info("batch %s -> job %s", request.batch_id, job_arn)
    return job_arn


def _job_arn_by_name(bedrock: Any, job_name: str) -> str:
    pages = bedrock.get_paginator("list_model_invocation_jobs").paginate(nameContains=job_name)
    for page in pages:
        for summary in page["invocationJobSummaries"]:
            if summary["jobName"] == job_name:
                return str(summary["jobArn"])
    raise RuntimeError(f"job name {job_name} is taken but no such job is listed")


SETTINGS = from_environ(Settings, os.environ)
log.setLevel(SETTINGS.log_level)
BEDROCK = boto3.client("bedrock", endpoint_url=SETTINGS.bedrock_endpoint_url)


def lambda_handler(event: dict[str, Any], context: object) -> dict[str, list[str]]:
    requests = [JobRequest.from_json(record["Sns"]["Message"]) for record in event["Records"]]
    return {"jobArns": [create_job(request, SETTINGS, BEDROCK) for request in requests]}
