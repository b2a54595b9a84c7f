"""Reading the account's Bedrock batch jobs: one job by name, and how many are running.

Shared by create_bedrock_job (a job name already taken resolves to that job) and
monitor-jobs (follow a batch whose job ARN was never recorded; wait for a free
job slot before re-publishing a batch). ``bedrock`` is a boto3 ``bedrock`` client.
"""

from __future__ import annotations

from typing import Any

# Bedrock's statuses of a job that holds one of the model's job slots, in the order a job
# goes through them (Stopping can follow any of the others).
_RUNNING_IN_LIFECYCLE_ORDER = ("Submitted", "Validating", "Scheduled", "InProgress", "Stopping")
RUNNING_JOB_STATUSES = frozenset(_RUNNING_IN_LIFECYCLE_ORDER)


def find_job(bedrock: Any, job_name: str) -> dict[str, Any] | None:
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


def jobs_in_flight(bedrock: Any, model_id: str) -> int:
    """How many of the account's jobs for ``model_id`` are running (Bedrock's jobs-in-flight quota).

    One listing per running status, filtered by Bedrock (``statusEquals``), rather than
    one listing of recent jobs filtered here: the answer is exact however long a job
    waits in Scheduled (no time window to guess), and each call returns only running
    jobs, a page or so under the quota, where a window of recent jobs grows with every
    finished batch. Five small calls per look, on the control plane, every few minutes.

    The statuses are asked in lifecycle order, so a job that moves on between two calls
    may be counted twice but is never missed: the count errs towards "full", and a batch
    waits one more monitor run rather than meeting the quota again.
    """
    paginator = bedrock.get_paginator("list_model_invocation_jobs")
    return sum(
        1
        for status in _RUNNING_IN_LIFECYCLE_ORDER
        for page in paginator.paginate(statusEquals=status)
        for summary in page["invocationJobSummaries"]
        if _is_model(summary.get("modelId"), model_id)
    )


def _is_model(listed: Any, model_id: str) -> bool:
    """A listed job may name its model by id or by ARN (``...:foundation-model/<id>``, ``...:inference-profile/<id>``)."""
    return isinstance(listed, str) and (listed == model_id or listed.endswith(f"/{model_id}"))
