"""The Bedrock batch emulator, driven only through boto3's own clients, with S3 in moto (server mode)."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import unquote_plus

import boto3
import jsonschema  # a dev dependency through checkov
import pytest
from botocore.config import Config

from descgen.contract.records import find_markers, make_record_id
from descgen.model_catalog import load_model_catalog
from descgen.prompts import ProductFacts, jsonl_line, model_input
from local.bedrock_emulator import BedrockEmulator, EmulatedModel, JobFaults
from tests.builders import anthropic_body

REGION = "us-east-1"
BUCKET = "descgen-emulator-test"
CATALOG = load_model_catalog().by_id()
# The catalog's default: an ACTIVE inference profile with batch and structured output.
MODEL_ID = load_model_catalog().default_model
EOL_MODEL_ID = next(model.id for model in CATALOG.values() if model.lifecycle == "EOL")
ON_DEMAND_MODEL_ID = next(
    model.id for model in CATALOG.values() if model.inference_profile == "none" and model.lifecycle != "EOL"
)
# Models of the emulator's own, for what no catalog entry should be relied on for.
PLAIN_TEXT_MODEL = EmulatedModel("emulator.plain-text-v1:0", structured_output=False)
NO_BATCH_MODEL = EmulatedModel("emulator.on-demand-only-v1:0", batch=False)
ROLE_ARN = "arn:aws:iam::123456789012:role/descgen-bedrock-batch"
TERMINAL = {"Completed", "PartiallyCompleted", "Failed", "Stopped", "Expired"}
STEP_SECONDS = 0.03
MIN_RECORDS = 3
MAX_RECORDS = 40
WAIT_SECONDS = 10.0
NO_RETRIES = Config(retries={"total_max_attempts": 1})


# ---------------------------------------------------------------------- fixtures (moto_url: tests/conftest.py)


@pytest.fixture(scope="module")
def s3(moto_url: str) -> Any:
    client = boto3.client("s3", endpoint_url=moto_url, region_name=REGION)
    client.create_bucket(Bucket=BUCKET)
    return client


@pytest.fixture(scope="module")
def emulator(moto_url: str) -> Iterator[BedrockEmulator]:
    with BedrockEmulator(
        s3_endpoint_url=moto_url,
        region=REGION,
        step_seconds=STEP_SECONDS,
        min_records=MIN_RECORDS,
        max_records=MAX_RECORDS,
        models={model.id: model for model in (PLAIN_TEXT_MODEL, NO_BATCH_MODEL)},
    ) as running:
        yield running


@pytest.fixture(autouse=True)
def no_faults_left_behind(emulator: BedrockEmulator) -> Iterator[None]:
    yield
    emulator.reset_faults()
    emulator.set_throttles(create_throttles=0, converse_throttles=0, invoke_throttles=0)


@pytest.fixture(scope="module")
def bedrock(emulator: BedrockEmulator) -> Any:
    # boto3's own client: only the endpoint differs from production.
    return boto3.client("bedrock", endpoint_url=emulator.url, region_name=REGION)


@pytest.fixture(scope="module")
def runtime(emulator: BedrockEmulator) -> Any:
    return boto3.client("bedrock-runtime", endpoint_url=emulator.url, region_name=REGION)


# ---------------------------------------------------------------------- helpers


def converse_body(task: int | str = 1, language_id: str = "en", *, structured: bool = False) -> dict[str, Any]:
    facts = ProductFacts(f"p{task}", f"Product {task}", ("gift idea",), {"color": "red"})
    return model_input(facts, language_id, max_tokens=1024, temperature=0.2, structured=structured)


def input_lines(count: int, *, invocation_type: str = "Converse", structured: bool = False) -> bytes:
    """Lines as descgen writes them: Converse bodies, or for InvokeModel the Anthropic bodies of old."""
    lines = []
    for task in range(1, count + 1):
        body = converse_body(task, structured=structured)
        lines.append(
            jsonl_line(make_record_id(task, 1), anthropic_body(body) if invocation_type == "InvokeModel" else body)
        )
    return b"".join(lines)


def submit(
    bedrock: Any,
    s3: Any,
    name: str,
    count: int = 8,
    *,
    invocation_type: str = "Converse",
    structured: bool = False,
    **extra: Any,
) -> str:
    """Uploads input/<name>.jsonl and creates job <name> writing to output/<name>/."""
    lines = input_lines(count, invocation_type=invocation_type, structured=structured)
    s3.put_object(Bucket=BUCKET, Key=f"input/{name}.jsonl", Body=lines)
    return create(bedrock, name, invocation_type=invocation_type, **extra)


def create(
    bedrock: Any, name: str, *, model_id: str = MODEL_ID, invocation_type: str | None = "Converse", **extra: Any
) -> str:
    """Creates job <name> on input/<name>.jsonl; ``invocation_type`` None leaves it to Bedrock's default."""
    if invocation_type is not None:
        extra["modelInvocationType"] = invocation_type
    response = bedrock.create_model_invocation_job(
        jobName=name,
        roleArn=ROLE_ARN,
        modelId=model_id,
        inputDataConfig={"s3InputDataConfig": {"s3Uri": f"s3://{BUCKET}/input/{name}.jsonl"}},
        outputDataConfig={"s3OutputDataConfig": {"s3Uri": f"s3://{BUCKET}/output/{name}/"}},
        **extra,
    )
    return str(response["jobArn"])


def wait_until_done(bedrock: Any, job_arn: str) -> tuple[dict[str, Any], list[str]]:
    """Polls until the job is terminal; returns it and every status seen, in order."""
    seen: list[str] = []
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        job = bedrock.get_model_invocation_job(jobIdentifier=job_arn)
        if not seen or seen[-1] != job["status"]:
            seen.append(job["status"])
        if job["status"] in TERMINAL:
            return job, seen
        time.sleep(0.005)
    raise AssertionError(f"{job_arn} is not done after {WAIT_SECONDS}s; statuses seen: {seen}")


def output_keys(s3: Any, name: str) -> list[str]:
    listed = s3.list_objects_v2(Bucket=BUCKET, Prefix=f"output/{name}/")
    return sorted(item["Key"] for item in listed.get("Contents", []))


def read_output(s3: Any, name: str, job_arn: str) -> tuple[bytes, dict[str, int]]:
    job_id = job_arn.rsplit("/", 1)[-1]
    folder = f"output/{name}/{job_id}/"
    raw = s3.get_object(Bucket=BUCKET, Key=f"{folder}{name}.jsonl.out")["Body"].read()
    manifest = json.loads(s3.get_object(Bucket=BUCKET, Key=f"{folder}manifest.json.out")["Body"].read())
    return raw, manifest


def run(
    bedrock: Any, s3: Any, name: str, count: int = 8, **options: Any
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Submits a job, waits for it and returns its parsed output lines and manifest."""
    job_arn = submit(bedrock, s3, name, count, **options)
    job, _ = wait_until_done(bedrock, job_arn)
    assert job["status"] == "Completed", job.get("message")
    raw, manifest = read_output(s3, name, job_arn)
    return [json.loads(line) for line in raw.splitlines()], manifest


def text_of(line: dict[str, Any]) -> str:
    """The answer's text, from a Converse or an Anthropic modelOutput."""
    output = line["modelOutput"]
    blocks = output["output"]["message"]["content"] if "output" in output else output["content"]
    return "".join(block["text"] for block in blocks)


def stop_reason_of(line: dict[str, Any]) -> str:
    output = line["modelOutput"]
    return str(output["stopReason"] if "stopReason" in output else output["stop_reason"])


def own_marker(line: dict[str, Any]) -> tuple[str, str]:
    return (f"p{line['recordId'][1:].split('a')[0]}", "en")


def schema_of(line: dict[str, Any]) -> dict[str, Any]:
    """The JSON schema the record asked its answer to follow."""
    return dict(json.loads(line["modelInput"]["outputConfig"]["textFormat"]["structure"]["jsonSchema"]["schema"]))


def admin(emulator: BedrockEmulator, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    """Calls an admin endpoint over HTTP, as another process would."""
    request = urllib.request.Request(
        f"{emulator.url}/_emulator/{path}",
        data=json.dumps(body).encode() if body is not None else None,
        method=method,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return dict(json.loads(response.read()))


# ---------------------------------------------------------------------- the control-plane API


def test_boto3_with_only_an_endpoint_override_creates_and_gets_a_job(bedrock: Any, s3: Any) -> None:
    # GIVEN an input file in S3
    # WHEN boto3's bedrock client creates a job and reads it back
    job_arn = submit(bedrock, s3, "api-create", timeoutDurationInHours=24)
    job = bedrock.get_model_invocation_job(jobIdentifier=job_arn)
    # THEN the job has a real-looking ARN and every field the model describes
    assert job_arn.startswith(f"arn:aws:bedrock:{REGION}:123456789012:model-invocation-job/")
    assert len(job_arn.rsplit("/", 1)[-1]) == 12
    assert job["jobName"] == "api-create"
    assert job["modelId"] == MODEL_ID
    assert job["roleArn"] == ROLE_ARN
    assert job["status"] in {"Submitted", "Validating", "Scheduled", "InProgress"}
    assert job["inputDataConfig"] == {"s3InputDataConfig": {"s3Uri": f"s3://{BUCKET}/input/api-create.jsonl"}}
    assert job["outputDataConfig"] == {"s3OutputDataConfig": {"s3Uri": f"s3://{BUCKET}/output/api-create/"}}
    assert job["timeoutDurationInHours"] == 24
    assert job["modelInvocationType"] == "Converse"
    assert job["jobExpirationTime"] - job["submitTime"] == timedelta(hours=24)
    assert job["lastModifiedTime"] >= job["submitTime"]
    done, _ = wait_until_done(bedrock, job_arn)
    assert done["endTime"] >= done["submitTime"]


def test_a_job_can_be_read_by_its_arn_or_its_bare_id(bedrock: Any, s3: Any) -> None:
    # GIVEN a job
    job_arn = submit(bedrock, s3, "api-identifier")
    # WHEN it is read by ARN and by id
    by_arn = bedrock.get_model_invocation_job(jobIdentifier=job_arn)
    by_id = bedrock.get_model_invocation_job(jobIdentifier=job_arn.rsplit("/", 1)[-1])
    # THEN both name the same job
    assert by_arn["jobArn"] == by_id["jobArn"] == job_arn


def test_an_unknown_job_is_not_found(bedrock: Any) -> None:
    # GIVEN no job with this id / WHEN it is read / THEN boto3 raises the modelled exception
    with pytest.raises(bedrock.exceptions.ResourceNotFoundException):
        bedrock.get_model_invocation_job(jobIdentifier="abcdef123456")


def test_a_job_name_outside_the_models_pattern_is_a_validation_error(bedrock: Any) -> None:
    # GIVEN a name with an underscore, which the service model's pattern forbids (boto3 does not check patterns)
    # WHEN / THEN creating the job is refused by the service
    with pytest.raises(bedrock.exceptions.ValidationException, match="jobName"):
        create(bedrock, "bad_name")


def test_the_same_client_request_token_returns_the_same_job(bedrock: Any, s3: Any) -> None:
    # GIVEN a job created with a client request token
    first = submit(bedrock, s3, "api-idempotent", clientRequestToken="batch-42")
    # WHEN the same request is sent again (a retried Lambda)
    again = create(bedrock, "api-idempotent", clientRequestToken="batch-42")
    # THEN it answers with the same job and makes no new one
    assert again == first
    listed = bedrock.list_model_invocation_jobs(nameContains="api-idempotent")["invocationJobSummaries"]
    assert [job["jobArn"] for job in listed] == [first]


def test_a_job_name_used_with_another_token_is_a_conflict(bedrock: Any, s3: Any) -> None:
    # GIVEN a job with a name
    submit(bedrock, s3, "api-conflict", clientRequestToken="token-one")
    # WHEN / THEN another request with the same name but another token conflicts
    with pytest.raises(bedrock.exceptions.ConflictException):
        create(bedrock, "api-conflict", clientRequestToken="token-two")


def test_create_job_resolves_a_job_name_already_taken_to_the_job_that_has_it(bedrock: Any, s3: Any) -> None:
    from descgen.contract.create_job import JobCreation, create_job
    from descgen.contract.lambda_settings import CreateJobSettings
    from descgen.contract.messages import JobRequest

    # GIVEN the batch's job, already made under its name by an earlier request with another token
    batch = "emu-taken-20261201-a1b2c3"
    job_name = f"descgen-{batch}"
    s3.put_object(Bucket=BUCKET, Key=f"input/{batch}.jsonl", Body=input_lines(3))
    existing = bedrock.create_model_invocation_job(
        jobName=job_name,
        roleArn=ROLE_ARN,
        modelId=MODEL_ID,
        clientRequestToken="an-earlier-token",
        inputDataConfig={"s3InputDataConfig": {"s3Uri": f"s3://{BUCKET}/input/{batch}.jsonl"}},
        outputDataConfig={"s3OutputDataConfig": {"s3Uri": f"s3://{BUCKET}/output/{batch}/"}},
    )["jobArn"]
    request = JobRequest(
        batch_id=batch,
        job_name=job_name,
        model_id=MODEL_ID,
        s3_input_uri=f"s3://{BUCKET}/input/{batch}.jsonl",
        s3_output_uri=f"s3://{BUCKET}/output/{batch}/",
        invocation_type="Converse",
    )
    settings = CreateJobSettings(
        role_arn=ROLE_ARN, bucket=BUCKET, input_prefix="input/", output_prefix="output/", job_timeout_hours=24
    )
    # WHEN create_bedrock_job is asked for it (Bedrock answers ConflictException over HTTP)
    creation = create_job(request, settings, bedrock, s3)
    # THEN the answer is the job that has the name, and there is still one job by that name
    assert creation == JobCreation(batch, job_arn=existing)
    listed = bedrock.list_model_invocation_jobs(nameContains=job_name)["invocationJobSummaries"]
    assert [job["jobArn"] for job in listed] == [existing]


def test_jobs_are_listed_with_each_filter_sorted_and_paged(bedrock: Any, s3: Any) -> None:
    # GIVEN three jobs, created in order, one of which fails (its input is missing)
    first = submit(bedrock, s3, "listing-a-1")
    time.sleep(0.02)
    between = datetime.now(UTC)
    time.sleep(0.02)
    second = submit(bedrock, s3, "listing-a-2")
    third = create(bedrock, "listing-b-1")
    for job_arn in (first, second, third):
        wait_until_done(bedrock, job_arn)

    def names(**filters: Any) -> list[str]:
        return [job["jobName"] for job in bedrock.list_model_invocation_jobs(**filters)["invocationJobSummaries"]]

    # WHEN they are listed with each filter / THEN each filter keeps only its jobs
    assert names(nameContains="listing-a", sortOrder="Ascending") == ["listing-a-1", "listing-a-2"]
    assert names(nameContains="listing", statusEquals="Failed") == ["listing-b-1"]
    assert names(nameContains="listing", submitTimeAfter=between, sortOrder="Ascending") == [
        "listing-a-2",
        "listing-b-1",
    ]
    assert names(nameContains="listing", submitTimeBefore=between) == ["listing-a-1"]
    # AND creation time sorts both ways, newest first by default
    assert names(nameContains="listing", sortBy="CreationTime") == ["listing-b-1", "listing-a-2", "listing-a-1"]
    # AND boto3's paginator walks pages of one
    pages = bedrock.get_paginator("list_model_invocation_jobs").paginate(
        nameContains="listing", sortOrder="Ascending", PaginationConfig={"PageSize": 1}
    )
    paged = [[job["jobName"] for job in page["invocationJobSummaries"]] for page in pages]
    assert paged == [["listing-a-1"], ["listing-a-2"], ["listing-b-1"]]


def test_a_bad_status_filter_is_a_validation_error(bedrock: Any) -> None:
    # GIVEN a status the model does not know / WHEN listing / THEN the service refuses it
    with pytest.raises(bedrock.exceptions.ValidationException):
        bedrock.list_model_invocation_jobs(statusEquals="Done")


# ---------------------------------------------------------------------- the job lifecycle and its files


def test_a_completed_converse_job_walks_the_real_statuses_and_writes_converse_output_and_manifest(
    bedrock: Any, s3: Any
) -> None:
    # GIVEN an input file of 12 Converse records, as descgen writes them
    job_arn = submit(bedrock, s3, "life-complete", count=12)
    # WHEN the job is followed until it ends
    job, seen = wait_until_done(bedrock, job_arn)
    # THEN it walked the real status sequence
    assert seen == ["Submitted", "Validating", "Scheduled", "InProgress", "Completed"]
    # AND wrote the output and manifest in Bedrock's layout
    job_id = job_arn.rsplit("/", 1)[-1]
    assert output_keys(s3, "life-complete") == [
        f"output/life-complete/{job_id}/life-complete.jsonl.out",
        f"output/life-complete/{job_id}/manifest.json.out",
    ]
    raw, manifest = read_output(s3, "life-complete", job_arn)
    lines = [json.loads(line) for line in raw.splitlines()]
    # AND every record is answered exactly once, in the Converse response shape, with its own marker
    # and its input echoed
    assert sorted(line["recordId"] for line in lines) == sorted(make_record_id(task, 1) for task in range(1, 13))
    for line in lines:
        output = line["modelOutput"]
        assert output["output"]["message"]["role"] == "assistant"
        assert output["stopReason"] == "end_turn"
        usage = output["usage"]
        assert usage["totalTokens"] == usage["inputTokens"] + usage["outputTokens"] > 0
        assert output["metrics"]["latencyMs"] > 0
        assert find_markers(text_of(line))[0] == own_marker(line)
        assert line["modelInput"]["messages"]
    # AND the counts agree between the manifest, the output and the job
    tokens_out = sum(line["modelOutput"]["usage"]["outputTokens"] for line in lines)
    tokens_in = sum(line["modelOutput"]["usage"]["inputTokens"] for line in lines)
    assert manifest == {
        "totalRecordCount": 12,
        "processedRecordCount": 12,
        "successRecordCount": 12,
        "errorRecordCount": 0,
        "inputTokenCount": tokens_in,
        "outputTokenCount": tokens_out,
    }
    assert (job["totalRecordCount"], job["processedRecordCount"], job["errorRecordCount"]) == (12, 12, 0)


def test_the_output_order_is_shuffled(bedrock: Any, s3: Any) -> None:
    # GIVEN records in input order / WHEN a job answers them
    lines, _ = run(bedrock, s3, "life-order", count=20)
    # THEN the output does not follow the input order (real output order is not guaranteed)
    assert [line["recordId"] for line in lines] != [make_record_id(task, 1) for task in range(1, 21)]


def test_the_output_file_raises_an_s3_event_after_the_manifest_exists(bedrock: Any, s3: Any, moto_url: str) -> None:
    # GIVEN S3 notifications for new objects under output/ on a queue
    sqs = boto3.client("sqs", endpoint_url=moto_url, region_name=REGION)
    queue_url = sqs.create_queue(QueueName="emulator-object-created")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    s3.put_bucket_notification_configuration(
        Bucket=BUCKET,
        NotificationConfiguration={
            "QueueConfigurations": [
                {
                    "QueueArn": queue_arn,
                    "Events": ["s3:ObjectCreated:*"],
                    "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "output/life-events/"}]}},
                }
            ]
        },
    )
    try:
        # WHEN a job completes
        run(bedrock, s3, "life-events")
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1)["Messages"]
    finally:
        s3.put_bucket_notification_configuration(Bucket=BUCKET, NotificationConfiguration={})
    # THEN the manifest's event comes first and the output file's is a plain ObjectCreated:Put
    # (event keys arrive URL-encoded; moto even encodes "/" as %2F)
    records = [record for message in messages for record in json.loads(message["Body"]).get("Records", [])]
    keys = [unquote_plus(record["s3"]["object"]["key"]) for record in records]
    events = [(record["eventName"], key.rsplit("/", 1)[-1]) for record, key in zip(records, keys, strict=True)]
    assert events == [("ObjectCreated:Put", "manifest.json.out"), ("ObjectCreated:Put", "life-events.jsonl.out")]


def test_a_job_whose_input_is_missing_fails_with_a_message(bedrock: Any, s3: Any) -> None:
    # GIVEN a job whose input object does not exist
    job_arn = create(bedrock, "life-no-input")
    # WHEN it is validated
    job, seen = wait_until_done(bedrock, job_arn)
    # THEN it fails while Validating, says why, and writes nothing
    assert seen[-2:] == ["Validating", "Failed"]
    assert "NoSuchKey" in job["message"]
    assert output_keys(s3, "life-no-input") == []


@pytest.mark.parametrize(("count", "reason"), [(MIN_RECORDS - 1, "at least"), (MAX_RECORDS + 1, "more than")])
def test_a_job_outside_the_record_quotas_fails(bedrock: Any, s3: Any, count: int, reason: str) -> None:
    # GIVEN an input with too few or too many records for the quotas
    job_arn = submit(bedrock, s3, f"life-quota-{count}", count=count)
    # WHEN it is validated
    job, _ = wait_until_done(bedrock, job_arn)
    # THEN it fails with the quota in its message
    assert job["status"] == "Failed"
    assert reason in job["message"]


def test_a_job_with_a_line_that_is_not_a_record_fails(bedrock: Any, s3: Any) -> None:
    # GIVEN an input whose third line has no recordId
    lines = input_lines(3) + b'{"modelInput": {}}\n'
    s3.put_object(Bucket=BUCKET, Key="input/life-bad-line.jsonl", Body=lines)
    # WHEN it is validated
    job, _ = wait_until_done(bedrock, create(bedrock, "life-bad-line"))
    # THEN it fails and names the line
    assert job["status"] == "Failed"
    assert "Line 4" in job["message"]


# ---------------------------------------------------------------------- outcomes


def test_a_partially_completed_job_answers_only_its_share_of_the_records(
    bedrock: Any, s3: Any, emulator: BedrockEmulator
) -> None:
    # GIVEN a fault: the job ends after a quarter of its records
    emulator.set_faults(
        JobFaults(outcome="PartiallyCompleted", partial_fraction=0.25), job_name_contains="outcome-part"
    )
    # WHEN a job of 16 records runs
    job_arn = submit(bedrock, s3, "outcome-part", count=16)
    job, _ = wait_until_done(bedrock, job_arn)
    # THEN it is PartiallyCompleted with a message, and only 4 records are in the output and manifest
    assert job["status"] == "PartiallyCompleted"
    assert job["message"]
    raw, manifest = read_output(s3, "outcome-part", job_arn)
    assert len(raw.splitlines()) == 4
    assert manifest["totalRecordCount"] == 16
    assert manifest["processedRecordCount"] == manifest["successRecordCount"] == 4
    assert job["processedRecordCount"] == 4


@pytest.mark.parametrize("outcome", ["Failed", "Expired", "Stopped"])
def test_a_failed_expired_or_stopped_outcome_ends_with_a_message_and_no_files(
    bedrock: Any, s3: Any, emulator: BedrockEmulator, outcome: str
) -> None:
    # GIVEN a fault that ends the job while it runs
    name = f"outcome-{outcome.lower()}"
    emulator.set_faults(JobFaults(outcome=outcome), job_name_contains=name)
    # WHEN the job runs
    job, seen = wait_until_done(bedrock, submit(bedrock, s3, name))
    # THEN it ends that way after InProgress, says why, and writes nothing
    assert seen[-1] == outcome
    assert "InProgress" in seen
    if outcome == "Stopped":
        assert seen[-2:] == ["Stopping", "Stopped"]
    assert job["message"]
    assert job["endTime"] >= job["submitTime"]
    assert output_keys(s3, name) == []


def test_a_job_stopped_through_the_api_goes_stopping_then_stopped_and_writes_nothing(bedrock: Any, s3: Any) -> None:
    # GIVEN a job that has just been submitted
    job_arn = submit(bedrock, s3, "outcome-api-stop")
    # WHEN it is stopped through the API
    bedrock.stop_model_invocation_job(jobIdentifier=job_arn)
    stopping = bedrock.get_model_invocation_job(jobIdentifier=job_arn)["status"]
    job, seen = wait_until_done(bedrock, job_arn)
    # THEN it goes Stopping, then Stopped, and writes no output
    assert stopping == "Stopping"
    assert seen[-1] == "Stopped"
    assert job["message"]
    assert output_keys(s3, "outcome-api-stop") == []


def test_stopping_a_finished_job_is_a_validation_error(bedrock: Any, s3: Any) -> None:
    # GIVEN a completed job
    job_arn = submit(bedrock, s3, "outcome-stop-late")
    wait_until_done(bedrock, job_arn)
    # WHEN / THEN stopping it is refused
    with pytest.raises(bedrock.exceptions.ValidationException, match="Completed"):
        bedrock.stop_model_invocation_job(jobIdentifier=job_arn)


def test_record_errors_carry_the_configured_code_and_message(bedrock: Any, s3: Any, emulator: BedrockEmulator) -> None:
    # GIVEN a fault: about half the records fail with a 500
    emulator.set_faults(
        JobFaults(record_error_rate=0.5, record_error_code=500, record_error_message="Internal failure"),
        job_name_contains="outcome-record-errors",
    )
    # WHEN a job of 20 records runs
    lines, manifest = run(bedrock, s3, "outcome-record-errors", count=20)
    # THEN failed records carry the error instead of an output, and the counts add up
    errors = [line for line in lines if "error" in line]
    assert 0 < len(errors) < 20
    assert all(line["error"] == {"errorCode": 500, "errorMessage": "Internal failure"} for line in errors)
    assert all("modelOutput" not in line and line["modelInput"] for line in errors)
    assert manifest["errorRecordCount"] == len(errors)
    assert manifest["successRecordCount"] == 20 - len(errors)


# ---------------------------------------------------------------------- invocation types and record shapes


def test_an_invoke_model_job_still_answers_anthropic_bodies_in_the_anthropic_shape(bedrock: Any, s3: Any) -> None:
    # GIVEN an older batch: Anthropic Messages bodies, in a job created without modelInvocationType
    s3.put_object(Bucket=BUCKET, Key="input/shape-invoke.jsonl", Body=input_lines(5, invocation_type="InvokeModel"))
    job_arn = create(bedrock, "shape-invoke", invocation_type=None)
    # WHEN it runs
    job, _ = wait_until_done(bedrock, job_arn)
    raw, manifest = read_output(s3, "shape-invoke", job_arn)
    lines = [json.loads(line) for line in raw.splitlines()]
    # THEN it is an InvokeModel job, and every answer is an Anthropic Messages response with the marker
    assert job["status"] == "Completed"
    assert job["modelInvocationType"] == "InvokeModel"
    for line in lines:
        output = line["modelOutput"]
        assert (output["type"], output["role"], output["stop_reason"]) == ("message", "assistant", "end_turn")
        assert find_markers(text_of(line)) == [own_marker(line)]
    # AND the manifest adds up the Anthropic usages
    assert manifest["inputTokenCount"] == sum(line["modelOutput"]["usage"]["input_tokens"] for line in lines)
    assert manifest["outputTokenCount"] == sum(line["modelOutput"]["usage"]["output_tokens"] for line in lines)


@pytest.mark.parametrize(
    ("invocation_type", "body", "named"),
    [
        ("Converse", anthropic_body(converse_body()), "anthropic_version"),
        ("InvokeModel", converse_body(), "inferenceConfig"),
        ("Converse", {**converse_body(), "inferenceConfig": {"maxTokens": 512, "temperature": 3}}, "temperature"),
        ("Converse", {**converse_body(), "messages": [{"role": "user", "content": [{"type": "text"}]}]}, "type"),
    ],
    ids=["anthropic-in-converse", "converse-in-invoke-model", "temperature-out-of-range", "anthropic-block"],
)
def test_a_body_of_the_other_invocation_type_or_outside_the_shape_is_a_record_error_400(
    bedrock: Any, s3: Any, invocation_type: str, body: dict[str, Any], named: str
) -> None:
    # GIVEN a job of good records and one whose body does not fit the job's invocation type
    name = f"shape-wrong-{invocation_type.lower()}-{named.lower().replace('_', '-')}"
    good = input_lines(3, invocation_type=invocation_type)
    s3.put_object(Bucket=BUCKET, Key=f"input/{name}.jsonl", Body=good + jsonl_line("t99a1", body))
    # WHEN the job runs
    job, _ = wait_until_done(bedrock, create(bedrock, name, invocation_type=invocation_type))
    raw, manifest = read_output(s3, name, job["jobArn"])
    lines = {line["recordId"]: line for line in map(json.loads, raw.splitlines())}
    # THEN that record is a 400 that names the offending key, and the job still completes
    assert job["status"] == "Completed"
    error = lines["t99a1"]["error"]
    assert error["errorCode"] == 400
    assert error["errorMessage"].startswith("Malformed input request:")
    assert named in error["errorMessage"]
    assert (manifest["successRecordCount"], manifest["errorRecordCount"]) == (3, 1)


# ---------------------------------------------------------------------- structured output


def test_structured_answers_are_json_that_matches_the_requested_schema(bedrock: Any, s3: Any) -> None:
    # GIVEN Converse records that ask for JSON with a schema, for a model with structured output
    # WHEN the job runs
    lines, _ = run(bedrock, s3, "structured-clean", count=5, structured=True)
    # THEN each answer's text is one JSON object that conforms to the schema
    for line in lines:
        answer = json.loads(text_of(line))
        jsonschema.validate(answer, schema_of(line))
        # AND carries the record's marker, the HTML body without it, and meta fields within their bounds
        assert find_markers(answer["marker"]) == [own_marker(line)]
        assert answer["html"].startswith("<p>")
        assert find_markers(answer["html"]) == []
        assert 0 < len(answer["meta_title"]) <= 60
        assert 0 < len(answer["meta_description"]) <= 155
        assert stop_reason_of(line) == "end_turn"


def test_a_model_without_structured_output_answers_a_schema_request_with_a_record_error(bedrock: Any, s3: Any) -> None:
    # GIVEN records that ask for JSON with a schema, sent to a model without structured output
    s3.put_object(Bucket=BUCKET, Key="input/structured-refused.jsonl", Body=input_lines(3, structured=True))
    job_arn = create(bedrock, "structured-refused", model_id=PLAIN_TEXT_MODEL.id)
    # WHEN the job runs
    job, _ = wait_until_done(bedrock, job_arn)
    raw, manifest = read_output(s3, "structured-refused", job_arn)
    # THEN every record is a 400 that says why
    errors = [json.loads(line)["error"] for line in raw.splitlines()]
    assert job["status"] == "Completed"
    assert len(errors) == 3
    assert all(error["errorCode"] == 400 and "structured output" in error["errorMessage"] for error in errors)
    assert manifest["errorRecordCount"] == 3


STRUCTURED_FAULTS = [
    "missing_marker",
    "foreign_marker",
    "two_markers",
    "schema_violation",
    "invalid_json",
    "code_fence",
    "preamble",
    "empty_text",
    "max_tokens",
]


def conforms(answer: Any, schema: dict[str, Any]) -> bool:
    try:
        jsonschema.validate(answer, schema)
    except jsonschema.ValidationError:
        return False
    return True


@pytest.mark.parametrize("fault", STRUCTURED_FAULTS)
def test_each_text_fault_changes_a_structured_answer_as_it_says(
    bedrock: Any, s3: Any, emulator: BedrockEmulator, fault: str
) -> None:
    # GIVEN a fault that hits every record of a structured job
    name = f"structured-{fault.replace('_', '-')}"
    emulator.set_faults(JobFaults(**{fault: 1.0}), job_name_contains=name)
    # WHEN the job runs
    lines, _ = run(bedrock, s3, name, count=6, structured=True)
    # THEN each answer shows the fault
    for line in lines:
        own, text, schema = own_marker(line), text_of(line), schema_of(line)
        if fault in ("invalid_json", "max_tokens"):
            with pytest.raises(ValueError, match=r"Unterminated|Expecting"):
                json.loads(text)
            assert stop_reason_of(line) == ("max_tokens" if fault == "max_tokens" else "end_turn")
            continue
        if fault == "empty_text":
            assert text == ""
            continue
        if fault == "code_fence":
            assert text.startswith("```json\n{")
            assert text.endswith("}\n```")
            text = text.removeprefix("```json\n").removesuffix("\n```")
        if fault == "preamble":
            assert text.startswith("Here is the description:")
            text = text[text.index("{") :]
        answer = json.loads(text)
        if fault == "schema_violation":
            assert not conforms(answer, schema) or len(answer["meta_title"]) > 60
            continue
        assert conforms(answer, schema)
        if fault == "missing_marker":
            assert answer["marker"] == ""
        elif fault == "foreign_marker":
            assert find_markers(answer["marker"]) != [own]
            assert len(find_markers(answer["marker"])) == 1
        elif fault == "two_markers":
            assert find_markers(answer["marker"]) == [own]
            assert find_markers(answer["html"])[0] != own
        else:
            assert find_markers(answer["marker"]) == [own]


# ---------------------------------------------------------------------- the model table


def test_an_unknown_model_is_refused_on_create_and_on_the_runtime(bedrock: Any, runtime: Any) -> None:
    # GIVEN a model id no table entry has
    unknown = "emulator.no-such-model-v1:0"
    # WHEN a job is created for it, or it is called on demand / THEN each is a ValidationException
    with pytest.raises(bedrock.exceptions.ValidationException, match="model identifier is invalid"):
        create(bedrock, "model-unknown", model_id=unknown)
    with pytest.raises(runtime.exceptions.ValidationException, match="model identifier is invalid"):
        runtime.converse(modelId=unknown, **converse_body())
    with pytest.raises(runtime.exceptions.ValidationException, match="model identifier is invalid"):
        runtime.invoke_model(modelId=unknown, body=json.dumps(anthropic_body(converse_body())))


def test_an_eol_model_is_refused_on_create_and_on_the_runtime(bedrock: Any, runtime: Any) -> None:
    # GIVEN a model the catalog marks EOL
    # WHEN a job is created for it, or it is called on demand / THEN each is refused, naming end of life
    with pytest.raises(bedrock.exceptions.ValidationException, match="end of its life"):
        create(bedrock, "model-eol", model_id=EOL_MODEL_ID)
    with pytest.raises(runtime.exceptions.ValidationException, match="end of its life"):
        runtime.converse(modelId=EOL_MODEL_ID, **converse_body())
    with pytest.raises(runtime.exceptions.ValidationException, match="end of its life"):
        runtime.invoke_model(modelId=EOL_MODEL_ID, body=json.dumps(anthropic_body(converse_body())))
    # AND nothing was created
    assert bedrock.list_model_invocation_jobs(nameContains="model-eol")["invocationJobSummaries"] == []


def test_a_model_without_batch_support_is_refused_on_create(bedrock: Any) -> None:
    # GIVEN a model that serves on demand only / WHEN a job is created for it / THEN it is refused
    with pytest.raises(bedrock.exceptions.ValidationException, match="batch"):
        create(bedrock, "model-no-batch", model_id=NO_BATCH_MODEL.id)


def test_the_same_client_request_token_answers_the_earlier_job_even_after_its_model_reached_eol(
    bedrock: Any, s3: Any, emulator: BedrockEmulator
) -> None:
    # GIVEN a job created with a token, for a model that then reaches end of life
    model = EmulatedModel("emulator.retiring-v1:0", structured_output=True)
    emulator.set_model(model)
    first = submit(bedrock, s3, "model-retiring", model_id=model.id, clientRequestToken="retiring-1")
    emulator.set_model(replace(model, lifecycle="EOL"))
    # WHEN the same request is retried / THEN it still answers the earlier job
    assert create(bedrock, "model-retiring", model_id=model.id, clientRequestToken="retiring-1") == first
    # AND a new request is refused
    with pytest.raises(bedrock.exceptions.ValidationException, match="end of its life"):
        create(bedrock, "model-retiring-2", model_id=model.id)


def test_the_jobs_in_flight_quota_is_answered_with_service_quota_exceeded_until_a_job_ends(
    bedrock: Any, s3: Any, emulator: BedrockEmulator
) -> None:
    # GIVEN a model whose quota allows one job in flight, and one job running on it
    model = EmulatedModel("emulator.one-slot-v1:0", max_jobs_in_flight=1)
    emulator.set_model(model)
    first = submit(bedrock, s3, "quota-first", model_id=model.id)
    s3.put_object(Bucket=BUCKET, Key="input/quota-second.jsonl", Body=input_lines(4))
    # WHEN a second job is created, by id or by the model's ARN
    # THEN Bedrock's quota error is answered (HTTP 400, as botocore's model says)
    with pytest.raises(bedrock.exceptions.ServiceQuotaExceededException) as refused:
        create(bedrock, "quota-second", model_id=model.id)
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    model_arn = f"arn:aws:bedrock:{REGION}::foundation-model/{model.id}"
    with pytest.raises(bedrock.exceptions.ServiceQuotaExceededException):
        create(bedrock, "quota-second", model_id=model_arn)
    # AND once the first job has ended, the same request succeeds
    wait_until_done(bedrock, first)
    second = create(bedrock, "quota-second", model_id=model.id)
    assert wait_until_done(bedrock, second)[0]["status"] == "Completed"


def test_models_can_be_listed_and_changed_over_http(bedrock: Any, emulator: BedrockEmulator) -> None:
    # GIVEN the table, listed over HTTP: the catalog's entries and the constructor's
    listed = {model["modelId"]: model for model in admin(emulator, "GET", "models")["models"]}
    assert set(CATALOG) | {PLAIN_TEXT_MODEL.id, NO_BATCH_MODEL.id} <= set(listed)
    assert listed[MODEL_ID]["profile"] is True
    assert listed[EOL_MODEL_ID]["lifecycle"] == "EOL"
    # WHEN another process adds a model, then marks it EOL
    added = admin(emulator, "PUT", "models", {"modelId": "emulator.http-v1:0", "maxJobsInFlight": 3})
    changed = admin(emulator, "PUT", "models", {"modelId": "emulator.http-v1:0", "lifecycle": "EOL"})
    # THEN each answer is the entry, the change keeps the other fields, and jobs for it are refused
    assert (added["lifecycle"], added["maxJobsInFlight"], added["batch"]) == ("ACTIVE", 3, True)
    assert (changed["lifecycle"], changed["maxJobsInFlight"]) == ("EOL", 3)
    with pytest.raises(bedrock.exceptions.ValidationException, match="end of its life"):
        create(bedrock, "model-http", model_id="emulator.http-v1:0")


@pytest.mark.parametrize(
    "body",
    [{"modelId": MODEL_ID, "lifecycle": "RETIRED"}, {"modelId": MODEL_ID, "colour": "red"}, {"lifecycle": "EOL"}],
)
def test_a_bad_model_change_over_http_is_refused(emulator: BedrockEmulator, body: dict[str, Any]) -> None:
    # GIVEN a change with an unknown lifecycle, an unknown field or no model id
    # WHEN it is PUT / THEN the emulator answers 400 and the entry is unchanged
    with pytest.raises(urllib.error.HTTPError) as refused:
        admin(emulator, "PUT", "models", body)
    assert refused.value.code == 400
    assert emulator.models()[MODEL_ID].lifecycle == "ACTIVE"


# ---------------------------------------------------------------------- throttling


def test_create_throttling_answers_throttling_exception_then_lets_calls_through(
    bedrock: Any, s3: Any, emulator: BedrockEmulator
) -> None:
    # GIVEN a throttling fault on the next two create calls, and a client that does not retry
    emulator.set_throttles(create_throttles=2)
    no_retries = boto3.client("bedrock", endpoint_url=emulator.url, region_name=REGION, config=NO_RETRIES)
    s3.put_object(Bucket=BUCKET, Key="input/throttle-create.jsonl", Body=input_lines(4))
    # WHEN it creates a job three times
    for _ in range(2):
        with pytest.raises(no_retries.exceptions.ThrottlingException) as throttled:
            create(no_retries, "throttle-create")
        # THEN the first two are throttled with HTTP 429, as botocore's model says
        assert throttled.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429
    # AND the third creates the job
    assert wait_until_done(bedrock, create(no_retries, "throttle-create"))[0]["status"] == "Completed"
    assert emulator.throttles()["createModelInvocationJob"] == 0


def test_boto3s_own_retries_absorb_a_single_create_throttle(bedrock: Any, s3: Any, emulator: BedrockEmulator) -> None:
    # GIVEN one throttled create call, set over HTTP, and boto3's default client (which retries throttling)
    assert admin(emulator, "PUT", "throttle", {"createModelInvocationJob": 1})["createModelInvocationJob"] == 1
    s3.put_object(Bucket=BUCKET, Key="input/throttle-retried.jsonl", Body=input_lines(4))
    # WHEN it creates a job / THEN the retry succeeds and the fault is spent
    assert create(bedrock, "throttle-retried")
    assert admin(emulator, "GET", "throttle")["createModelInvocationJob"] == 0


def test_converse_throttling_set_over_http_answers_throttling_exception(emulator: BedrockEmulator) -> None:
    # GIVEN one throttled Converse call, set over HTTP, and a runtime client that does not retry
    admin(emulator, "PUT", "throttle", {"converse": 1})
    no_retries = boto3.client("bedrock-runtime", endpoint_url=emulator.url, region_name=REGION, config=NO_RETRIES)
    # WHEN it calls Converse twice / THEN the first is throttled and the second answers
    with pytest.raises(no_retries.exceptions.ThrottlingException):
        no_retries.converse(modelId=MODEL_ID, **converse_body())
    assert no_retries.converse(modelId=MODEL_ID, **converse_body())["stopReason"] == "end_turn"


def test_an_unknown_throttled_operation_over_http_is_refused(emulator: BedrockEmulator) -> None:
    with pytest.raises(urllib.error.HTTPError) as refused:
        admin(emulator, "PUT", "throttle", {"listModelInvocationJobs": 1})
    assert refused.value.code == 400


# ---------------------------------------------------------------------- GetFoundationModel and GetInferenceProfile


@pytest.mark.parametrize(
    ("model_id", "inference_types"),
    [(CATALOG[MODEL_ID].base_model_id, ["INFERENCE_PROFILE"]), (ON_DEMAND_MODEL_ID, ["ON_DEMAND"])],
    ids=["behind-a-profile", "on-demand"],
)
def test_a_catalog_model_is_described_with_how_it_can_be_invoked(
    bedrock: Any, model_id: str, inference_types: list[str]
) -> None:
    # GIVEN a foundation model of the catalog / WHEN boto3 gets it
    details = bedrock.get_foundation_model(modelIdentifier=model_id)["modelDetails"]
    # THEN it is described as Bedrock does, ACTIVE, with the ways it can be invoked
    assert details["modelArn"] == f"arn:aws:bedrock:{REGION}::foundation-model/{model_id}"
    assert details["modelId"] == model_id
    assert (
        details["providerName"] == CATALOG[MODEL_ID if inference_types == ["INFERENCE_PROFILE"] else model_id].provider
    )
    assert details["modelName"]
    assert "(" not in details["modelName"]
    assert (details["inputModalities"], details["outputModalities"]) == (["TEXT"], ["TEXT"])
    assert details["inferenceTypesSupported"] == inference_types
    assert details["modelLifecycle"] == {"status": "ACTIVE"}


def test_a_legacy_model_shows_its_end_of_life_time(bedrock: Any, emulator: BedrockEmulator) -> None:
    # GIVEN a LEGACY model with a known end-of-life date
    emulator.set_model(EmulatedModel("emulator.legacy-v1:0", lifecycle="LEGACY", eol_date=date(2027, 1, 31)))
    # WHEN boto3 gets it by its ARN
    arn = f"arn:aws:bedrock:{REGION}::foundation-model/emulator.legacy-v1:0"
    lifecycle = bedrock.get_foundation_model(modelIdentifier=arn)["modelDetails"]["modelLifecycle"]
    # THEN its lifecycle says LEGACY and when it ends
    assert lifecycle == {"status": "LEGACY", "endOfLifeTime": datetime(2027, 1, 31, tzinfo=UTC)}


@pytest.mark.parametrize("model_id", [EOL_MODEL_ID, "emulator.no-such-model-v1:0", MODEL_ID])
def test_an_eol_unknown_or_profile_id_is_not_a_foundation_model(bedrock: Any, model_id: str) -> None:
    # GIVEN a model past end of life, one nobody knows, or an inference profile's id
    # WHEN / THEN GetFoundationModel answers ResourceNotFoundException
    with pytest.raises(bedrock.exceptions.ResourceNotFoundException):
        bedrock.get_foundation_model(modelIdentifier=model_id)


def test_an_inference_profile_is_described_by_its_id_or_its_arn(bedrock: Any) -> None:
    # GIVEN the catalog's default, an inference profile
    arn = f"arn:aws:bedrock:{REGION}:123456789012:inference-profile/{MODEL_ID}"
    # WHEN boto3 gets it by id and by ARN
    by_id = bedrock.get_inference_profile(inferenceProfileIdentifier=MODEL_ID)
    by_arn = bedrock.get_inference_profile(inferenceProfileIdentifier=arn)
    # THEN both describe the system-defined profile and the foundation model behind it
    for profile in (by_id, by_arn):
        assert profile["inferenceProfileId"] == MODEL_ID
        assert profile["inferenceProfileArn"] == arn
        assert profile["inferenceProfileName"]
        assert (profile["status"], profile["type"]) == ("ACTIVE", "SYSTEM_DEFINED")
        base_arn = f"arn:aws:bedrock:{REGION}::foundation-model/{CATALOG[MODEL_ID].base_model_id}"
        assert profile["models"] == [{"modelArn": base_arn}]


@pytest.mark.parametrize("profile_id", ["us.emulator.no-such-profile-v1:0", ON_DEMAND_MODEL_ID])
def test_an_unknown_id_or_a_foundation_model_is_not_an_inference_profile(bedrock: Any, profile_id: str) -> None:
    with pytest.raises(bedrock.exceptions.ResourceNotFoundException):
        bedrock.get_inference_profile(inferenceProfileIdentifier=profile_id)


# ---------------------------------------------------------------------- text and line faults


@pytest.mark.parametrize("invocation_type", ["Converse", "InvokeModel"])
@pytest.mark.parametrize(
    "fault", ["missing_marker", "foreign_marker", "two_markers", "code_fence", "preamble", "empty_text", "max_tokens"]
)
def test_each_text_fault_changes_the_answer_as_it_says(
    bedrock: Any, s3: Any, emulator: BedrockEmulator, fault: str, invocation_type: str
) -> None:
    # GIVEN a fault that hits every record
    name = f"text-{fault.replace('_', '-')}-{invocation_type.lower()}"
    emulator.set_faults(JobFaults(**{fault: 1.0}), job_name_contains=name)
    # WHEN a job of either invocation type runs
    lines, _ = run(bedrock, s3, name, count=4, invocation_type=invocation_type)
    # THEN each answer shows the fault
    for line in lines:
        own = own_marker(line)
        text = text_of(line)
        markers = find_markers(text)
        if fault == "missing_marker":
            assert markers == []
            assert text.startswith("<p>")
        elif fault == "foreign_marker":
            assert len(markers) == 1
            assert markers[0] != own
            assert text.startswith(f"#{markers[0][0]}#en#")
        elif fault == "two_markers":
            assert markers[0] == own
            assert len(markers) == 2
            assert markers[1] != own
        elif fault == "code_fence":
            assert text.startswith("```html\n#")
            assert text.endswith("\n```")
        elif fault == "preamble":
            assert text.startswith("Here is the description:")
            assert markers == [own]
        elif fault == "empty_text":
            assert text == ""
        else:
            assert stop_reason_of(line) == "max_tokens"
            assert text.startswith(f"#{own[0]}#en#")
            assert not text.endswith("</p>")
        if fault != "max_tokens":
            assert stop_reason_of(line) == "end_turn"


def test_a_malformed_line_is_not_json_but_still_names_its_record(
    bedrock: Any, s3: Any, emulator: BedrockEmulator
) -> None:
    # GIVEN a fault that corrupts every line
    emulator.set_faults(JobFaults(malformed_line=1.0), job_name_contains="line-malformed")
    job_arn = submit(bedrock, s3, "line-malformed", count=4)
    wait_until_done(bedrock, job_arn)
    # WHEN the output is read
    raw, _ = read_output(s3, "line-malformed", job_arn)
    # THEN no line is JSON, yet each starts with its record id
    for line in raw.splitlines():
        with pytest.raises(ValueError, match=r"Unterminated|Expecting"):
            json.loads(line)
        assert line.startswith(b'{"recordId": "t')


def test_crlf_line_ends_and_a_truncated_last_line(bedrock: Any, s3: Any, emulator: BedrockEmulator) -> None:
    # GIVEN faults: CR LF line ends and a last line cut short
    emulator.set_faults(JobFaults(crlf_line_ends=True, truncate_last_line=True), job_name_contains="line-crlf")
    job_arn = submit(bedrock, s3, "line-crlf", count=5)
    wait_until_done(bedrock, job_arn)
    # WHEN the output is read
    raw, _ = read_output(s3, "line-crlf", job_arn)
    lines = raw.split(b"\r\n")
    # THEN four whole lines end in CR LF, and the fifth is cut without a line end
    assert len(lines) == 5
    assert all(json.loads(line) for line in lines[:4])
    assert not raw.endswith(b"\n")
    with pytest.raises(ValueError, match=r"Unterminated|Expecting"):
        json.loads(lines[4])


def test_a_duplicated_record_is_written_twice(bedrock: Any, s3: Any, emulator: BedrockEmulator) -> None:
    # GIVEN a fault that duplicates every record
    emulator.set_faults(JobFaults(duplicate_record_rate=1.0), job_name_contains="line-duplicate")
    # WHEN a job of 5 records runs
    lines, manifest = run(bedrock, s3, "line-duplicate", count=5)
    # THEN each record appears twice, identical, while the manifest counts it once
    ids = [line["recordId"] for line in lines]
    assert len(ids) == 10
    assert all(ids.count(record_id) == 2 for record_id in ids)
    assert manifest["processedRecordCount"] == 5


def test_the_same_seed_gives_byte_identical_output_and_another_seed_does_not(
    bedrock: Any, s3: Any, emulator: BedrockEmulator
) -> None:
    # GIVEN a mix of faults at partial rates, with seed 7 for two jobs and seed 8 for a third
    mix = {"record_error_rate": 0.3, "missing_marker": 0.3, "code_fence": 0.3, "duplicate_record_rate": 0.2}
    emulator.set_faults(JobFaults(seed=7, **mix), job_name_contains="seed-seven")
    emulator.set_faults(JobFaults(seed=8, **mix), job_name_contains="seed-eight")
    outputs = {}
    for name in ("seed-seven-a", "seed-seven-b", "seed-eight"):
        job_arn = submit(bedrock, s3, name, count=30)
        job, _ = wait_until_done(bedrock, job_arn)
        assert job["status"] == "Completed"
        outputs[name] = read_output(s3, name, job_arn)[0]
    # THEN the two seed-7 runs are byte for byte the same, and seed 8 differs
    assert outputs["seed-seven-a"] == outputs["seed-seven-b"]
    assert outputs["seed-eight"] != outputs["seed-seven-a"]


def test_the_last_matching_fault_rule_wins(bedrock: Any, s3: Any, emulator: BedrockEmulator) -> None:
    # GIVEN a rule for every job, then a rule for names containing "rules-fence"
    emulator.set_faults(JobFaults(preamble=1.0))
    emulator.set_faults(JobFaults(code_fence=1.0), job_name_contains="rules-fence")
    # WHEN one job matches both rules and another only the first
    fenced, _ = run(bedrock, s3, "rules-fence", count=3)
    prefaced, _ = run(bedrock, s3, "rules-other", count=3)
    # THEN each gets the last rule that matches its name
    assert all(text_of(line).startswith("```html\n#") for line in fenced)
    assert all(text_of(line).startswith("Here is the description:") for line in prefaced)


def test_faults_can_be_set_and_reset_over_http(bedrock: Any, s3: Any, emulator: BedrockEmulator) -> None:
    # GIVEN faults set through the admin endpoint, as another process would
    rules = admin(emulator, "PUT", "faults", {"jobNameContains": "http-faults", "faults": {"empty_text": 1.0}})
    assert rules["rules"][-1]["jobNameContains"] == "http-faults"
    # WHEN a matching job runs
    lines, _ = run(bedrock, s3, "http-faults-on", count=3)
    # THEN the faults apply, and after DELETE they no longer do
    assert all(text_of(line) == "" for line in lines)
    assert admin(emulator, "DELETE", "faults") == {"rules": []}
    lines, _ = run(bedrock, s3, "http-faults-off", count=3)
    assert all(text_of(line) for line in lines)


def test_an_unknown_fault_over_http_is_refused(emulator: BedrockEmulator) -> None:
    # GIVEN a fault name that does not exist / WHEN it is PUT / THEN the emulator answers 400 and keeps no rule
    request = urllib.request.Request(
        f"{emulator.url}/_emulator/faults", data=b'{"faults": {"gremlins": 1}}', method="PUT"
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    assert refused.value.code == 400
    assert emulator.fault_rules() == []


# ---------------------------------------------------------------------- on-demand InvokeModel


def test_invoke_model_answers_through_the_bedrock_runtime_client(runtime: Any) -> None:
    # GIVEN boto3's bedrock-runtime client on the same emulator, and an Anthropic Messages body
    facts = ProductFacts("sku-1", "Desk lamp", ("reading light",))
    body = anthropic_body(model_input(facts, "fr", max_tokens=1024, temperature=0, structured=False))
    # WHEN it invokes the model with the same body an older batch line carries
    response = runtime.invoke_model(modelId=MODEL_ID, body=json.dumps(body), contentType="application/json")
    answer = json.loads(response["body"].read())
    # THEN it gets an Anthropic Messages response, in French, for that product
    assert response["contentType"] == "application/json"
    assert answer["type"] == "message"
    assert answer["stop_reason"] == "end_turn"
    assert answer["content"][0]["text"].startswith("#sku-1#fr#")
    assert answer["usage"]["output_tokens"] > 0


def test_invoke_model_refuses_a_body_that_is_not_a_messages_request(runtime: Any) -> None:
    # GIVEN a body without messages / WHEN it is invoked / THEN boto3 raises the modelled ValidationException
    with pytest.raises(runtime.exceptions.ValidationException):
        runtime.invoke_model(modelId=MODEL_ID, body=b'{"max_tokens": 10}')


# ---------------------------------------------------------------------- on-demand Converse


@pytest.mark.parametrize(
    "model_id", [MODEL_ID, f"arn:aws:bedrock:{REGION}:123456789012:inference-profile/{MODEL_ID}"], ids=["id", "arn"]
)
def test_converse_answers_through_the_bedrock_runtime_client(runtime: Any, model_id: str) -> None:
    # GIVEN the Converse body a batch line carries, asking for structured output
    body = converse_body("sku-2", "de", structured=True)
    # WHEN boto3's runtime client calls Converse, with a profile id or its ARN (percent-encoded in the path)
    response = runtime.converse(modelId=model_id, **body)
    # THEN the answer is a Converse response whose text is the schema's JSON, in German, for that product
    assert response["output"]["message"]["role"] == "assistant"
    assert response["stopReason"] == "end_turn"
    usage = response["usage"]
    assert usage["totalTokens"] == usage["inputTokens"] + usage["outputTokens"]
    assert response["metrics"]["latencyMs"] > 0
    answer = json.loads(response["output"]["message"]["content"][0]["text"])
    jsonschema.validate(answer, json.loads(body["outputConfig"]["textFormat"]["structure"]["jsonSchema"]["schema"]))
    assert answer["marker"] == "#psku-2#de#"
    assert "Sie" in answer["html"]


def test_converse_without_a_schema_answers_the_marker_then_html(runtime: Any) -> None:
    response = runtime.converse(modelId=PLAIN_TEXT_MODEL.id, **converse_body("sku-3"))
    assert response["output"]["message"]["content"][0]["text"].startswith("#psku-3#en#\n<p>")


def test_converse_refuses_structured_output_on_a_model_without_it(runtime: Any) -> None:
    # GIVEN a model without structured output / WHEN Converse asks it for a schema / THEN ValidationException
    with pytest.raises(runtime.exceptions.ValidationException, match="structured output"):
        runtime.converse(modelId=PLAIN_TEXT_MODEL.id, **converse_body(structured=True))
