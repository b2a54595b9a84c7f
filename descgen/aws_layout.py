"""The AWS side's names and queue policy, from ``aws_layout.json``.

Terraform reads the same file (``jsondecode(file(...))`` in ``infra/locals.tf``),
and so does the local stack, so the emulated resources are the declared ones.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LAYOUT_FILE = Path(__file__).with_name("aws_layout.json")


@dataclass(frozen=True)
class QueuePolicy:
    receive_wait_time_seconds: int
    visibility_timeout_seconds: int
    message_retention_seconds: int
    max_message_size: int


@dataclass(frozen=True)
class DeadLetterPolicy:
    message_retention_seconds: int
    max_receive_count: int


@dataclass(frozen=True)
class LambdaAsyncPolicy:
    maximum_retry_attempts: int
    maximum_event_age_in_seconds: int


@dataclass(frozen=True)
class AwsLayout:
    input_prefix: str
    output_prefix: str
    output_suffix: str
    name_suffixes: dict[str, str]
    queue: QueuePolicy
    dlq: DeadLetterPolicy
    lambda_async: LambdaAsyncPolicy

    def name(self, name_prefix: str, resource: str) -> str:
        """``descgen-prod`` + ``queue`` -> ``descgen-prod-results``."""
        return f"{name_prefix}-{self.name_suffixes[resource]}"


def load_layout(path: Path = LAYOUT_FILE) -> AwsLayout:
    data: dict[str, Any] = json.loads(path.read_text())
    return AwsLayout(
        input_prefix=data["input_prefix"],
        output_prefix=data["output_prefix"],
        output_suffix=data["output_suffix"],
        name_suffixes=dict(data["name_suffixes"]),
        queue=QueuePolicy(**data["queue"]),
        dlq=DeadLetterPolicy(**data["dlq"]),
        lambda_async=LambdaAsyncPolicy(**data["lambda_async"]),
    )


LAYOUT = load_layout()
