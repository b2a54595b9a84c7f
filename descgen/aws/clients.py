"""boto3 clients for every service descgen calls, each with its endpoint override.

The session comes from the caller: the default credential chain, a prefect-aws
``AwsCredentials`` block (``tasks/aws.py``), or the emulators' dummy keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config

from descgen.retrying import AWS_CALL_ATTEMPTS
from descgen.settings import Settings

if TYPE_CHECKING:  # the stubs are a dev dependency: workers and Lambdas run without them
    from mypy_boto3_bedrock import BedrockClient
    from mypy_boto3_bedrock_runtime import BedrockRuntimeClient
    from mypy_boto3_cloudwatch import CloudWatchClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sns import SNSClient
    from mypy_boto3_sqs import SQSClient

CONNECT_TIMEOUT_SECONDS = 5.0  # a dead endpoint is known in seconds, not botocore's default minute
READ_TIMEOUT_SECONDS = 30.0  # above SQS's longest receive wait (20 s), far above any other answer
CONVERSE_READ_TIMEOUT_SECONDS = 120.0  # a model writing a long description

# Every client but bedrock-runtime: botocore's standard retry mode (throttling, 5xx and
# transport errors; jittered exponential backoff; a retry quota that stops retry storms),
# at most AWS_CALL_ATTEMPTS requests per API call, the first included
# (``total_max_attempts``; a bare ``max_attempts`` counts retries only). Prefect's task
# retries multiply it: the table of bounds is in ``descgen.retrying``.
CLIENT_CONFIG = Config(
    retries={"mode": "standard", "total_max_attempts": AWS_CALL_ATTEMPTS},
    connect_timeout=CONNECT_TIMEOUT_SECONDS,
    read_timeout=READ_TIMEOUT_SECONDS,
    max_pool_connections=20,
)
# bedrock-runtime: on-demand ``converse`` is bought per request, and botocore would send it
# again after a read timeout or a 5xx that Bedrock may already have billed. One request
# per call; the retries that cannot pay twice are ``descgen.aws.converse``'s.
CONVERSE_CONFIG = Config(
    retries={"mode": "standard", "total_max_attempts": 1},
    connect_timeout=CONNECT_TIMEOUT_SECONDS,
    read_timeout=CONVERSE_READ_TIMEOUT_SECONDS,
    max_pool_connections=20,
)


@dataclass(frozen=True)
class AwsClients:
    s3: S3Client
    sns: SNSClient
    sqs: SQSClient
    bedrock: BedrockClient
    bedrock_runtime: BedrockRuntimeClient
    cloudwatch: CloudWatchClient | None = (
        None  # the flows' metrics (descgen.aws.cloudwatch); a test that sends none leaves it out
    )


def session_from_settings(settings: Settings) -> boto3.Session:
    if settings.aws_access_key_id and settings.aws_secret_access_key:
        return boto3.Session(
            aws_access_key_id=settings.aws_access_key_id,
            aws_secret_access_key=settings.aws_secret_access_key.get_secret_value(),
            region_name=settings.aws_region,
        )
    return boto3.Session(region_name=settings.aws_region)


def make_clients(session: boto3.Session, settings: Settings) -> AwsClients:
    # each service named by its literal: the stubs type each client by its name
    def at(endpoint_url: str | None, config: Config = CLIENT_CONFIG) -> dict[str, Any]:
        return {"region_name": settings.aws_region, "endpoint_url": endpoint_url, "config": config}

    return AwsClients(
        s3=session.client("s3", **at(settings.s3_endpoint_url)),
        sns=session.client("sns", **at(settings.sns_endpoint_url)),
        sqs=session.client("sqs", **at(settings.sqs_endpoint_url)),
        bedrock=session.client("bedrock", **at(settings.bedrock_endpoint_url)),
        bedrock_runtime=session.client("bedrock-runtime", **at(settings.bedrock_runtime_endpoint_url, CONVERSE_CONFIG)),
        cloudwatch=session.client("cloudwatch", **at(settings.cloudwatch_endpoint_url)),
    )
