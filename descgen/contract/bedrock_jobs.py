"""Reading the account's Bedrock batch jobs: one job by name, and which statuses are running.

Shared by create_bedrock_job (a job name already taken resolves to that job) and
monitor-jobs (follow a batch whose job ARN was never recorded). ``bedrock`` is a
boto3 ``bedrock`` client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_bedrock import BedrockClient

# Bedrock's statuses of a job that has not ended (and holds one of the model's job slots).
RUNNING_JOB_STATUSES = frozenset({"Submitted", "Validating", "Scheduled", "InProgress", "Stopping"})


def find_job(bedrock: BedrockClient, job_name: str) -> dict[str, Any] | None:
    """The summary of the job named exactly ``job_name``, or None if there is none.

    ``nameContains`` is a substring filter (``descgen-b1`` also finds ``descgen-b10``),
    so the name is compared exactly, on every page.
    """
    pages = bedrock.get_paginator("list_model_invocation_jobs").paginate(nameContains=job_name)
    for page in pages:
        for summary in page["invocationJobSummaries"]:
            if summary["jobName"] == job_name:
                return dict(summary)
    return None
