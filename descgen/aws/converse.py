"""On-demand ``converse``: bought per request, so sent again only when Bedrock refused it unbilled.

A ``converse`` call has no idempotency token: a request Bedrock accepted is billed,
whatever happens to its answer on the way back. So the bedrock-runtime client makes
one request per call (``CONVERSE_CONFIG``: botocore would otherwise send it again
after a read timeout or a 5xx), and this loop sends it again only after a refusal
that ran nothing (``descgen.retrying.refused_before_billing``: throttling, service
unavailable, a connection that never opened), at most ``CONVERSE_ATTEMPTS`` requests
per record with full-jitter backoff between them. Any other error is raised for the
caller to turn into an error result: the record's task is retried through its
lifecycle, bounded by its attempts.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from descgen.contract.backoff import full_jitter_delay
from descgen.retrying import (
    CONVERSE_ATTEMPTS,
    CONVERSE_BACKOFF_BASE_SECONDS,
    CONVERSE_BACKOFF_CAP_SECONDS,
    refused_before_billing,
)

if TYPE_CHECKING:
    from mypy_boto3_bedrock_runtime import BedrockRuntimeClient
    from mypy_boto3_bedrock_runtime.type_defs import ConverseResponseTypeDef


def converse_paid_once(
    runtime: BedrockRuntimeClient,
    model_id: str,
    body: Mapping[str, Any],
    *,
    attempts: int = CONVERSE_ATTEMPTS,
    sleep: Callable[[float], None] = time.sleep,
) -> ConverseResponseTypeDef:
    """Bedrock's answer to one Converse request; the last error once the request cannot be sent again."""
    for attempt in range(1, attempts + 1):
        try:
            return runtime.converse(modelId=model_id, **body)
        except (ClientError, BotoCoreError) as error:
            if attempt == attempts or not refused_before_billing(error):
                raise
            sleep(full_jitter_delay(attempt, base=CONVERSE_BACKOFF_BASE_SECONDS, cap=CONVERSE_BACKOFF_CAP_SECONDS))
    raise ValueError(f"attempts must be at least 1, not {attempts}")
