"""boto3 clients for every service descgen calls, each with its endpoint override.

The session comes from the caller: the default credential chain, a prefect-aws
``AwsCredentials`` block (``tasks/aws.py``), or the emulators' dummy keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config

from descgen.settings import Settings

# Standard retry mode backs off on throttling and 5xx for every call.
CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 5}, max_pool_connections=20)


@dataclass(frozen=True)
class AwsClients:
    s3: Any
    sns: Any
    sqs: Any
    bedrock: Any
    bedrock_runtime: Any


def session_from_settings(settings: Settings) -> boto3.Session:
    if settings.aws_access_key_id and settings.aws_secret_access_key:
        return boto3.Session(
            aws_access_key_id=settings.aws_access_key_id,
            aws_secret_access_key=settings.aws_secret_access_key.get_secret_value(),
            region_name=settings.aws_region,
        )
    return boto3.Session(region_name=settings.aws_region)


def make_clients(session: boto3.Session, settings: Settings) -> AwsClients:
    def client(service: str, endpoint_url: str | None) -> Any:
        return session.client(service, region_name=settings.aws_region, endpoint_url=endpoint_url, config=CLIENT_CONFIG)  # type: ignore[call-overload]

    return AwsClients(
        s3=client("s3", settings.s3_endpoint_url),
        sns=client("sns", settings.sns_endpoint_url),
        sqs=client("sqs", settings.sqs_endpoint_url),
        bedrock=client("bedrock", settings.bedrock_endpoint_url),
        bedrock_runtime=client("bedrock-runtime", settings.bedrock_runtime_endpoint_url),
    )
