"""Reading the account's Bedrock jobs: one job by its exact name, and how many hold a model's job slots.

A real botocore ``bedrock`` client (its paginator, its parameter validation) with
the answers supplied at the HTTP boundary: botocore's Stubber, or a small fake of
the account's job list.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import boto3
from botocore.awsrequest import AWSResponse
from botocore.config import Config
from botocore.stub import Stubber

from descgen.contract.bedrock_jobs import find_job
from descgen.contract.lambda_settings import LAMBDA_CLIENT_RETRIES

MODEL = "anthropic.claude-sonnet-4-5-20250929-v1:0"
ALL_STATUSES = (
    "Submitted",
    "Validating",
    "Scheduled",
    "InProgress",
    "Stopping",
    "Completed",
    "PartiallyCompleted",
    "Failed",
    "Stopped",
    "Expired",
)


def bedrock_client() -> Any:
    """A real client, configured as the Lambdas configure theirs; it never reaches the network here."""
    return boto3.client("bedrock", region_name="us-east-1", config=Config(retries=LAMBDA_CLIENT_RETRIES.copy()))


def job_summary(name: str, *, model_id: str = MODEL, status: str = "InProgress") -> dict[str, Any]:
    """One entry of ListModelInvocationJobs, with the fields Bedrock always sends."""
    return {
        "jobArn": f"arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/{name}-id",
        "jobName": name,
        "modelId": model_id,
        "roleArn": "arn:aws:iam::123456789012:role/batch",
        "status": status,
        "submitTime": datetime(2026, 11, 26, 2, 0, tzinfo=UTC),
        "inputDataConfig": {"s3InputDataConfig": {"s3Uri": f"s3://x/input/{name}.jsonl"}},
        "outputDataConfig": {"s3OutputDataConfig": {"s3Uri": f"s3://x/output/{name}/"}},
    }


class AccountJobs:
    """The account's jobs, listed as Bedrock lists them: filtered by status and name, two per page."""

    PAGE = 2

    def __init__(self, bedrock: Any, jobs: list[dict[str, Any]]) -> None:
        self.jobs = jobs
        self.calls: list[dict[str, str]] = []
        bedrock.meta.events.register("before-call.bedrock.ListModelInvocationJobs", self._answer)

    def _answer(self, params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        query = params["query_string"]
        self.calls.append(query)
        found = [
            job
            for job in self.jobs
            if job["status"] == query.get("statusEquals", job["status"])
            and query.get("nameContains", "") in job["jobName"]
        ]
        start = int(query.get("nextToken", 0))
        page: dict[str, Any] = {"invocationJobSummaries": found[start : start + self.PAGE]}
        if start + self.PAGE < len(found):
            page["nextToken"] = str(start + self.PAGE)
        return AWSResponse(params["url"], 200, {}, None), page


# --------------------------------------------------------------------------------------------------------------
# find_job
# --------------------------------------------------------------------------------------------------------------


def test_find_job_reads_every_page_and_returns_the_job_named_exactly() -> None:
    # GIVEN a listing by name whose first page holds only a job whose name merely contains it
    bedrock = bedrock_client()
    wanted = job_summary("descgen-b1")
    with Stubber(bedrock) as stub:
        stub.add_response(
            "list_model_invocation_jobs",
            {"invocationJobSummaries": [job_summary("descgen-b10")], "nextToken": "page-2"},
            {"nameContains": "descgen-b1"},
        )
        stub.add_response(
            "list_model_invocation_jobs",
            {"invocationJobSummaries": [job_summary("descgen-b11"), wanted]},
            {"nameContains": "descgen-b1", "nextToken": "page-2"},
        )

        # WHEN the job is looked up by name
        found = find_job(bedrock, "descgen-b1")

        # THEN the second page was read and the exact match is returned, summary and all
        stub.assert_no_pending_responses()
    assert found == wanted


def test_find_job_returns_none_when_no_job_has_that_exact_name() -> None:
    # GIVEN jobs whose names only contain the one asked for
    bedrock = bedrock_client()
    AccountJobs(bedrock, [job_summary("descgen-b10"), job_summary("descgen-b11"), job_summary("descgen-b12")])

    # WHEN the job is looked up, THEN there is none
    assert find_job(bedrock, "descgen-b1") is None
