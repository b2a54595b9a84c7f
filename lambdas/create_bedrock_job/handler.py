"""Lambda create_bedrock_job: an SNS job request -> one Bedrock batch inference job.

The logic, and why it is idempotent and waits on a full quota, is in
``descgen.contract.create_job``.
"""

from __future__ import annotations

import logging
import os
from dataclasses import asdict
from typing import Any

import boto3
from botocore.config import Config

from descgen.contract.create_job import create_job
from descgen.contract.lambda_settings import CreateJobSettings, from_environ, lambda_client_options
from descgen.contract.messages import JobRequest

SETTINGS = from_environ(CreateJobSettings, os.environ)
logging.getLogger().setLevel(SETTINGS.log_level)
CLIENT_CONFIG = Config(**lambda_client_options())  # standard retries, timeouts: the bound is in lambda_settings
BEDROCK = boto3.client("bedrock", endpoint_url=SETTINGS.bedrock_endpoint_url, config=CLIENT_CONFIG)
S3 = boto3.client("s3", endpoint_url=SETTINGS.s3_endpoint_url, config=CLIENT_CONFIG)


def lambda_handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    requests = [JobRequest.from_json(record["Sns"]["Message"]) for record in event["Records"]]
    return {"jobs": [asdict(create_job(request, SETTINGS, BEDROCK, S3)) for request in requests]}
