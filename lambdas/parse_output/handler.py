"""Lambda parse_output: a Bedrock output file in S3 -> pages of results in SQS.

The logic is in ``descgen.contract.parse_output``.
"""

from __future__ import annotations

import logging
import os
from dataclasses import asdict
from typing import Any

import boto3
from botocore.config import Config

from descgen.contract.keys import object_key_from_event
from descgen.contract.lambda_settings import ParseOutputSettings, from_environ, lambda_client_options
from descgen.contract.parse_output import parse_output_object

SETTINGS = from_environ(ParseOutputSettings, os.environ)
logging.getLogger().setLevel(SETTINGS.log_level)
CLIENT_CONFIG = Config(**lambda_client_options())  # standard retries, timeouts: the bound is in lambda_settings
S3 = boto3.client("s3", endpoint_url=SETTINGS.s3_endpoint_url, config=CLIENT_CONFIG)
SQS = boto3.client("sqs", endpoint_url=SETTINGS.sqs_endpoint_url, config=CLIENT_CONFIG)


def lambda_handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    if event.get("Event") == "s3:TestEvent":  # sent once when notifications are configured
        return {"parsed": []}
    created = [(r["s3"]["bucket"]["name"], object_key_from_event(r["s3"]["object"]["key"])) for r in event["Records"]]
    reports = [parse_output_object(bucket, key, SETTINGS, S3, SQS) for bucket, key in created]
    return {"parsed": [asdict(report) for report in reports if report is not None]}
