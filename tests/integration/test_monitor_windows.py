"""monitor-jobs' waits, with windows that are not zero: what is inside a window is left alone,
what is past it is released, republished, retried or closed; a job still running is only watched.

The batches are made by the production steps (claim, write the file to S3, publish to SNS)
on SQLite and PostgreSQL, with S3, SNS and SQS in moto; then their clocks are set back, as
if the minutes had passed. Bedrock is a real botocore client answered by its Stubber, so
every call monitor makes is checked against the service model and no other call is made.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from sqlalchemy import Engine, select, update

from descgen.aws.clients import AwsClients
from descgen.contract.keys import job_id_from_arn, manifest_key
from descgen.db.models import Batch, GenerationTask, utcnow
from descgen.db.session import session_scope
from descgen.generation import claim, publish_job_request, write_batch_file
from descgen.monitoring import MonitorReport, monitor
from descgen.settings import Settings
from tests.builders import MODEL, catalog, load, priced

STALE_MINUTES = 30
GRACE_MINUTES = 15
MAX_JOB_REQUESTS = 3
JOB_ARN = "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/k3x9p2m7q1w4"


@pytest.fixture
def resources(aws) -> dict[str, str]:
    """A bucket, a topic, and a queue subscribed to the topic to count the job requests it carries."""
    suffix = uuid.uuid4().hex[:8]
    bucket = f"descgen-monitor-{suffix}"
    aws("s3").create_bucket(Bucket=bucket)
    topic = aws("sns").create_topic(Name=f"descgen-jobs-{suffix}")["TopicArn"]
    requests = aws("sqs").create_queue(QueueName=f"descgen-job-requests-{suffix}")["QueueUrl"]
    requests_arn = aws("sqs").get_queue_attributes(QueueUrl=requests, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    aws("sns").subscribe(
        TopicArn=topic, Protocol="sqs", Endpoint=requests_arn, Attributes={"RawMessageDelivery": "true"}
    )
    return {"bucket": bucket, "topic": topic, "requests": requests}


@pytest.fixture
def settings(engine: Engine, resources: dict[str, str], moto_url: str) -> Settings:
    return Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        bucket=resources["bucket"],
        topic_arn=resources["topic"],
        queue_url=resources["requests"],  # unused by monitor
        dlq_url=resources["requests"],
        s3_endpoint_url=moto_url,
        sns_endpoint_url=moto_url,
        stale_batch_minutes=STALE_MINUTES,
        result_grace_minutes=GRACE_MINUTES,
        max_job_requests=MAX_JOB_REQUESTS,
        model_id=MODEL,
    )


@pytest.fixture
def bedrock() -> Iterator[Stubber]:
    """Bedrock's control plane, answering exactly the calls a test queues; any other call fails it."""
    client = boto3.client("bedrock", region_name="us-east-1")
    with Stubber(client) as stub:
        yield stub
        stub.assert_no_pending_responses()


def clients(aws, bedrock: Stubber) -> AwsClients:
    return AwsClients(s3=aws("s3"), sns=aws("sns"), sqs=aws("sqs"), bedrock=bedrock.client, bedrock_runtime=None)


def job_requests_sent(aws, resources: dict[str, str]) -> list[dict[str, Any]]:
    """The job requests the topic carried since the last look."""
    sqs = aws("sqs")
    bodies = []
    while messages := sqs.receive_message(QueueUrl=resources["requests"], MaxNumberOfMessages=10).get("Messages"):
        bodies += [json.loads(m["Body"]) for m in messages]
        sqs.delete_message_batch(
            QueueUrl=resources["requests"],
            Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)],
        )
    return bodies


def set_back(engine: Engine, batch_id: str, minutes: float, *columns: str) -> None:
    """As if ``minutes`` had passed since each of the batch's ``columns`` was written."""
    when = utcnow() - timedelta(minutes=minutes)
    with session_scope(engine) as session:
        session.execute(update(Batch).where(Batch.id == batch_id).values(**dict.fromkeys(columns, when)))


def batch_row(engine: Engine, batch_id: str) -> Batch:
    with session_scope(engine) as session:
        return session.get_one(Batch, batch_id)


def task_rows(engine: Engine, store: str) -> list[tuple[str, str | None, int, str | None]]:
    """(state, batch, attempts, reason) of every task of the store."""
    with session_scope(engine) as session:
        return [
            (t.state, t.batch_id, t.attempts, t.reason)
            for t in session.scalars(select(GenerationTask).where(GenerationTask.store_id == store))
        ]


def claimed_batch(engine: Engine, settings: Settings, store: str) -> str:
    batch_id = claim(engine, settings, store, MODEL, None, 100)
    assert batch_id is not None
    return batch_id


def published_batch(engine: Engine, settings: Settings, aws, resources, store: str) -> str:
    batch_id = claimed_batch(engine, settings, store)
    write_batch_file(engine, aws("s3"), settings, batch_id)
    publish_job_request(engine, aws("sns"), settings, batch_id)
    assert len(job_requests_sent(aws, resources)) == 1
    return batch_id


def no_job_named(bedrock: Stubber, batch_id: str) -> None:
    bedrock.add_response(
        "list_model_invocation_jobs", {"invocationJobSummaries": []}, {"nameContains": f"descgen-{batch_id}"}
    )


def job_status(bedrock: Stubber, status: str) -> None:
    bedrock.add_response(
        "get_model_invocation_job",
        {
            "jobArn": JOB_ARN,
            "modelId": MODEL,
            "roleArn": "arn:aws:iam::123456789012:role/batch",
            "status": status,
            "submitTime": datetime(2026, 11, 26, 2, 0, tzinfo=UTC),
            "inputDataConfig": {"s3InputDataConfig": {"s3Uri": "s3://x/input/b.jsonl"}},
            "outputDataConfig": {"s3OutputDataConfig": {"s3Uri": "s3://x/output/b/"}},
        },
        {"jobIdentifier": JOB_ARN},
    )


def with_job(engine: Engine, batch_id: str, **values: Any) -> None:
    """Bedrock accepted the batch's job (as monitor records when it finds it)."""
    with session_scope(engine) as session:
        session.execute(update(Batch).where(Batch.id == batch_id).values(job_arn=JOB_ARN, **values))


def run(engine: Engine, aws, bedrock: Stubber, settings: Settings) -> MonitorReport:
    report = monitor(engine, clients(aws, bedrock), settings)
    assert report.errors == []
    return report


# --- a batch whose generate run stopped before its file reached S3: released after the stale window ---------


def test_a_claimed_batch_inside_the_stale_window_is_left_to_its_generate_run(engine, aws, bedrock, settings):
    # GIVEN tasks claimed 29 minutes ago by a generate run that has written nothing yet
    store = load(engine, catalog("slowrun", products=2, languages=("en",)))
    batch_id = claimed_batch(engine, settings, store)
    set_back(engine, batch_id, STALE_MINUTES - 1, "created_at")
    # WHEN monitor-jobs runs
    report = run(engine, aws, bedrock, settings)
    # THEN the run is given its time: nothing released, the tasks still claimed by the batch
    assert report.released_tasks == 0
    assert [view.action for view in report.batches] == ["waiting for its generate run"]
    assert batch_row(engine, batch_id).state == "claimed"
    assert {(state, batch) for state, batch, _, _ in task_rows(engine, store)} == {("claimed", batch_id)}


def test_a_claimed_batch_past_the_stale_window_is_released_with_no_attempt_counted(engine, aws, bedrock, settings):
    # GIVEN tasks claimed 31 minutes ago by a generate run that died before its upload
    store = load(engine, catalog("deadrun", products=2, languages=("en",)))
    batch_id = claimed_batch(engine, settings, store)
    set_back(engine, batch_id, STALE_MINUTES + 1, "created_at")
    # WHEN monitor-jobs runs
    report = run(engine, aws, bedrock, settings)
    # THEN the tasks are pending again, with no attempt counted, and the batch is released
    assert report.released_tasks == 2
    assert batch_row(engine, batch_id).state == "released"
    assert task_rows(engine, store) == [("pending", None, 0, "generate run died before upload")] * 2


def test_a_generate_run_that_keeps_its_heartbeat_is_not_released_however_old_its_batch(engine, aws, bedrock, settings):
    # GIVEN a batch claimed two hours ago whose run last showed signs of life 29 minutes ago
    store = load(engine, catalog("longrun", products=2, languages=("en",)))
    batch_id = claimed_batch(engine, settings, store)
    set_back(engine, batch_id, 120, "created_at")
    set_back(engine, batch_id, STALE_MINUTES - 1, "heartbeat_at")
    # WHEN monitor-jobs runs, THEN the batch is left to its run
    assert run(engine, aws, bedrock, settings).released_tasks == 0
    assert batch_row(engine, batch_id).state == "claimed"


def test_a_claimed_batch_whose_file_reached_s3_is_republished_only_past_the_stale_window(
    engine, aws, bedrock, resources, settings
):
    # GIVEN a batch whose file is in S3 but whose run died before publishing its job request
    store = load(engine, catalog("nopublish", products=2, languages=("en",)))
    batch_id = claimed_batch(engine, settings, store)
    write_batch_file(engine, aws("s3"), settings, batch_id)
    # WHEN monitor-jobs runs inside the window, THEN nothing is published
    set_back(engine, batch_id, STALE_MINUTES - 1, "created_at", "heartbeat_at")
    assert run(engine, aws, bedrock, settings).republished == 0
    assert job_requests_sent(aws, resources) == []
    assert batch_row(engine, batch_id).state == "claimed"
    # AND past the window, its job is requested once, and its tasks are submitted
    set_back(engine, batch_id, STALE_MINUTES + 1, "created_at", "heartbeat_at")
    assert run(engine, aws, bedrock, settings).republished == 1
    assert [request["batchId"] for request in job_requests_sent(aws, resources)] == [batch_id]
    batch = batch_row(engine, batch_id)
    assert (batch.state, batch.job_requests) == ("published", 1)
    assert {state for state, _, _, _ in task_rows(engine, store)} == {"submitted"}


# --- a published batch with no job: republished after the stale window, given up after max_job_requests ----


def test_a_published_batch_with_no_job_yet_inside_the_stale_window_is_not_asked_again(
    engine, aws, bedrock, resources, settings
):
    # GIVEN a job request published 29 minutes ago, and no job by its name yet
    store = load(engine, catalog("pubwait", products=2, languages=("en",)))
    batch_id = published_batch(engine, settings, aws, resources, store)
    set_back(engine, batch_id, STALE_MINUTES - 1, "created_at", "heartbeat_at", "published_at")
    no_job_named(bedrock, batch_id)
    # WHEN monitor-jobs runs
    report = run(engine, aws, bedrock, settings)
    # THEN the request is given its time: nothing published again, nothing counted
    assert report.republished == 0
    assert [view.action for view in report.batches] == ["waiting for its job to be created"]
    assert job_requests_sent(aws, resources) == []
    batch = batch_row(engine, batch_id)
    assert (batch.state, batch.job_requests) == ("published", 1)


def test_a_published_batch_with_no_job_past_the_stale_window_is_republished(engine, aws, bedrock, resources, settings):
    # GIVEN a job request published 31 minutes ago (MAX_JOB_REQUESTS - 1 requests so far), and no job by its name
    store = load(engine, catalog("publost", products=2, languages=("en",)))
    batch_id = published_batch(engine, settings, aws, resources, store)
    with_job_requests(engine, batch_id, MAX_JOB_REQUESTS - 1)
    set_back(engine, batch_id, STALE_MINUTES + 1, "created_at", "heartbeat_at", "published_at")
    no_job_named(bedrock, batch_id)
    # WHEN monitor-jobs runs
    report = run(engine, aws, bedrock, settings)
    # THEN the request is published again and counted; the tasks wait for their job, no attempt counted
    assert report.republished == 1
    assert [request["batchId"] for request in job_requests_sent(aws, resources)] == [batch_id]
    batch = batch_row(engine, batch_id)
    assert (batch.state, batch.job_requests) == ("published", MAX_JOB_REQUESTS)
    assert {(state, attempts) for state, _, attempts, _ in task_rows(engine, store)} == {("submitted", 0)}


def test_a_batch_that_used_its_job_requests_is_closed_and_its_tasks_retried(engine, aws, bedrock, resources, settings):
    # GIVEN a batch past the stale window that already sent MAX_JOB_REQUESTS job requests, none of which made a job
    store = load(engine, catalog("pubgone", products=2, languages=("en",)))
    batch_id = published_batch(engine, settings, aws, resources, store)
    with_job_requests(engine, batch_id, MAX_JOB_REQUESTS)
    set_back(engine, batch_id, STALE_MINUTES + 1, "created_at", "heartbeat_at", "published_at")
    no_job_named(bedrock, batch_id)
    # WHEN monitor-jobs runs
    report = run(engine, aws, bedrock, settings)
    # THEN no request is sent again: the batch is closed and its tasks go back with an attempt counted
    assert (report.republished, report.retried_tasks) == (0, 2)
    assert job_requests_sent(aws, resources) == []
    assert batch_row(engine, batch_id).state == "closed"
    reason = f"no Bedrock job after {MAX_JOB_REQUESTS} job requests"
    assert task_rows(engine, store) == [("pending", None, 1, reason)] * 2


def with_job_requests(engine: Engine, batch_id: str, count: int) -> None:
    with session_scope(engine) as session:
        session.execute(update(Batch).where(Batch.id == batch_id).values(job_requests=count))


# --- a job still running is only watched ------------------------------------------------------------------


@pytest.mark.parametrize("status", ["Submitted", "Validating", "Scheduled", "InProgress", "Stopping"])
def test_a_job_still_running_is_recorded_and_its_batch_left_alone(engine, aws, bedrock, resources, settings, status):
    # GIVEN a batch whose job Bedrock reports as still running, long after it was published
    store = load(engine, catalog("running", products=2, languages=("en",)))
    batch_id = published_batch(engine, settings, aws, resources, store)
    with_job(engine, batch_id, state="submitted")
    set_back(engine, batch_id, 24 * 60, "created_at", "heartbeat_at", "published_at")
    job_status(bedrock, status)
    # WHEN monitor-jobs runs
    report = run(engine, aws, bedrock, settings)
    # THEN the job's status is recorded and nothing else happens: no end, no cost, no retry, no request
    assert [view.action for view in report.batches] == [f"job {status}"]
    assert (report.retried_tasks, report.failed_tasks, report.republished) == (0, 0, 0)
    batch = batch_row(engine, batch_id)
    assert (batch.state, batch.job_status, batch.ended_at, batch.cost_usd) == ("submitted", status, None, None)
    assert {(state, attempts) for state, _, attempts, _ in task_rows(engine, store)} == {("submitted", 0)}
    assert job_requests_sent(aws, resources) == []


# --- an ended job: results still on their way are waited for, for result_grace_minutes -----------------------


@pytest.mark.parametrize(
    ("minutes_since_the_end", "expected"),
    [
        (GRACE_MINUTES - 1, ("ended", "submitted", 0)),
        (GRACE_MINUTES + 1, ("closed", "pending", 1)),
    ],
    ids=["inside the grace", "past the grace"],
)
def test_results_still_missing_are_waited_for_until_the_grace_is_over(
    engine, aws, bedrock, resources, settings, minutes_since_the_end, expected
):
    # GIVEN a completed job whose results have not all been drained, seen to end some minutes ago
    store = load(engine, catalog("grace", products=2, languages=("en",)))
    batch_id = published_batch(engine, settings, aws, resources, store)
    with_job(engine, batch_id, state="ended", job_status="Completed", ended_at=utcnow(), cost_usd=0.01)
    set_back(engine, batch_id, minutes_since_the_end, "ended_at")
    # WHEN monitor-jobs runs
    run(engine, aws, bedrock, settings)
    # THEN inside the grace nothing moves; past it the tasks go back with an attempt counted and the batch closes
    batch_state, task_state, attempts = expected
    assert batch_row(engine, batch_id).state == batch_state
    assert {(state, attempts) for state, _, attempts, _ in task_rows(engine, store)} == {(task_state, attempts)}
    if task_state == "pending":
        assert {reason for _, _, _, reason in task_rows(engine, store)} == {"no result in the output of job Completed"}


# --- the real cost: the manifest's token counts at the catalog's prices -----------------------------------


def test_the_real_cost_is_the_manifests_token_counts_at_the_catalogs_prices(engine, aws, bedrock, resources, settings):
    # GIVEN a job that completed, with a manifest of known and distinct token counts
    store = load(engine, catalog("manifest", products=2, languages=("en",)))
    batch_id = published_batch(engine, settings, aws, resources, store)
    with_job(engine, batch_id, state="submitted")
    input_tokens, output_tokens = 1_234_567, 345_678
    aws("s3").put_object(
        Bucket=settings.bucket,
        Key=manifest_key(settings.output_prefix, batch_id, job_id_from_arn(JOB_ARN)),
        Body=json.dumps(
            {"totalRecordCount": 2, "processedRecordCount": 2, "successRecordCount": 2, "errorRecordCount": 0,
             "inputTokenCount": input_tokens, "outputTokenCount": output_tokens}
        ).encode(),
    )  # fmt: skip
    job_status(bedrock, "Completed")
    # WHEN monitor-jobs sees the job end
    run(engine, aws, bedrock, settings)
    # THEN the batch holds exactly the manifest's counts, and their price in batch and on demand
    batch = batch_row(engine, batch_id)
    assert (batch.state, batch.input_tokens, batch.output_tokens) == ("ended", input_tokens, output_tokens)
    expected_batch, expected_on_demand = priced(MODEL, input_tokens, output_tokens)
    assert batch.cost_usd == pytest.approx(expected_batch, rel=1e-12)
    assert batch.on_demand_cost_usd == pytest.approx(expected_on_demand, rel=1e-12)
    # (Claude Haiku 4.5 through the US profile: 0.55 / 2.75 USD per million in batch, 1.10 / 5.50 on demand)
    assert (round(batch.cost_usd, 8), round(batch.on_demand_cost_usd, 8)) == (1.62962635, 3.2592527)
