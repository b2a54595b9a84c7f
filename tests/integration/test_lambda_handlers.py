"""Both handlers, called with the events AWS sends (tests/events/), against the emulators."""

from __future__ import annotations

import importlib
import json
import sys
import uuid
from pathlib import Path

import pytest

from descgen.contract.lambda_settings import (
    LAMBDA_CONNECT_TIMEOUT_SECONDS,
    LAMBDA_READ_TIMEOUT_SECONDS,
    LambdaConfigError,
)
from descgen.contract.messages import ContractError, ResultPage
from local.bedrock_emulator import BedrockEmulator

EVENTS = Path(__file__).parent.parent / "events"
BATCH = "acme-20261126020000-a1b2c3"
JOB = "k3x9p2m7q1w4"
OUTPUT_KEY = f"output/{BATCH}/{JOB}/{BATCH}.jsonl.out"


def event(name: str) -> dict:
    return json.loads((EVENTS / name).read_text())


def load_handler(name: str, monkeypatch: pytest.MonkeyPatch, environment: dict[str, str]):
    """Import the handler as a fresh Lambda container would: environment first, then the module."""
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    sys.modules.pop(f"lambdas.{name}.handler", None)
    return importlib.import_module(f"lambdas.{name}.handler")


@pytest.fixture
def bucket(aws) -> str:
    name = f"descgen-test-{uuid.uuid4().hex[:8]}"
    aws("s3").create_bucket(Bucket=name)
    return name


@pytest.fixture
def queue_url(aws) -> str:
    return aws("sqs").create_queue(QueueName=f"results-{uuid.uuid4().hex[:8]}")["QueueUrl"]


def received_pages(aws, queue_url: str) -> list[ResultPage]:
    pages = []
    while messages := aws("sqs").receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", []):
        pages += [ResultPage.from_json(m["Body"]) for m in messages]
    return pages


@pytest.fixture
def parse_output(monkeypatch, moto_url, queue_url):
    return load_handler(
        "parse_output",
        monkeypatch,
        {
            "DESCGEN_QUEUE_URL": queue_url,
            "DESCGEN_OUTPUT_PREFIX": "output/",
            "DESCGEN_PAGE_SIZE": "2",
            "DESCGEN_S3_ENDPOINT_URL": moto_url,
            "DESCGEN_SQS_ENDPOINT_URL": moto_url,
        },
    )


def model_line(record_id: str, text: str) -> bytes:
    output = {
        "content": [{"type": "text", "text": text}],
        "stop_reason": "end_turn",
        "usage": {"input_tokens": 9, "output_tokens": 30},
    }
    return json.dumps({"recordId": record_id, "modelInput": {}, "modelOutput": output}).encode()


def s3_event_for(bucket: str) -> dict:
    data = event("s3_output_created.json")
    data["Records"][0]["s3"]["bucket"]["name"] = bucket
    return data


def test_parse_output_turns_every_line_into_a_result_and_sends_pages(aws, bucket, queue_url, parse_output):
    # GIVEN an output file with good answers, an error, a cut line, garbage, a blank line and CRLF ends
    lines = [
        model_line("t1a0", "#P1#en#<p>one</p>") + b"\r",
        model_line("t2a0", "#P2#en#<p>two</p>"),
        json.dumps(
            {"recordId": "t3a0", "modelInput": {}, "error": {"errorCode": 429, "errorMessage": "slow down"}}
        ).encode(),
        b"",
        b"this line is not json at all",
        model_line("t4a0", "#P4#en#<p>four</p>")[:40],  # truncated last line, no LF
    ]
    aws("s3").put_object(Bucket=bucket, Key=OUTPUT_KEY, Body=b"\n".join(lines))
    # WHEN the S3 event (its key URL-encoded, as S3 sends it) reaches the handler
    answer = parse_output.lambda_handler(s3_event_for(bucket), None)
    # THEN every readable line is a result, in pages of two, and the garbage line is counted
    [report] = answer["parsed"]
    assert (report["results"], report["unreadable"], report["messages"]) == (4, 1, 2)
    pages = received_pages(aws, queue_url)
    assert {page.batch_id for page in pages} == {BATCH}
    results = {r.record_id: r for page in pages for r in page.results}
    assert results["t1a0"].text == "#P1#en#<p>one</p>"
    assert results["t1a0"].markers == (("P1", "en"),)
    assert (results["t3a0"].status, results["t3a0"].error_code) == ("error", "429")
    assert (results["t4a0"].status, results["t4a0"].error_code) == ("error", "MalformedOutput")


def test_parse_output_logs_an_unreadable_line_clearly(aws, bucket, parse_output, caplog):
    aws("s3").put_object(Bucket=bucket, Key=OUTPUT_KEY, Body=b"{broken\n" + model_line("t1a0", "#P1#en#<p>x</p>"))
    parse_output.lambda_handler(s3_event_for(bucket), None)
    assert f"{OUTPUT_KEY} line 1 unreadable (line is not JSON (truncated or corrupt))" in caplog.text


def test_parse_output_ignores_the_test_event_s3_sends_when_notifications_are_configured(parse_output):
    assert parse_output.lambda_handler(event("s3_test_event.json"), None) == {"parsed": []}


def test_parse_output_ignores_files_that_are_not_a_jobs_output(aws, bucket, queue_url, parse_output):
    data = event("s3_manifest_created.json")
    data["Records"][0]["s3"]["bucket"]["name"] = bucket
    assert parse_output.lambda_handler(data, None) == {"parsed": []}
    assert received_pages(aws, queue_url) == []


def test_parse_output_sent_the_same_file_twice_sends_the_same_results_twice(aws, bucket, queue_url, parse_output):
    # S3 delivers at least once; the drain is what makes a second delivery harmless
    aws("s3").put_object(Bucket=bucket, Key=OUTPUT_KEY, Body=model_line("t1a0", "#P1#en#<p>x</p>"))
    parse_output.lambda_handler(s3_event_for(bucket), None)
    parse_output.lambda_handler(s3_event_for(bucket), None)
    pages = received_pages(aws, queue_url)
    assert [r.record_id for p in pages for r in p.results] == ["t1a0", "t1a0"]


def test_a_lambda_without_its_required_environment_fails_at_import_naming_the_variable(monkeypatch):
    monkeypatch.delenv("DESCGEN_QUEUE_URL", raising=False)
    with pytest.raises(LambdaConfigError, match="DESCGEN_QUEUE_URL is required"):
        load_handler("parse_output", monkeypatch, {"DESCGEN_OUTPUT_PREFIX": "output/"})


@pytest.fixture
def bedrock(moto_url):
    with BedrockEmulator(s3_endpoint_url=moto_url, step_seconds=0.01, min_records=1) as emulator:
        yield emulator


@pytest.fixture
def create_bedrock_job(monkeypatch, bedrock):
    return load_handler(
        "create_bedrock_job",
        monkeypatch,
        {
            "DESCGEN_BEDROCK_ROLE_ARN": "arn:aws:iam::123456789012:role/descgen-test-bedrock-batch",
            "DESCGEN_BUCKET": "descgen-test-data",
            "DESCGEN_INPUT_PREFIX": "input/",
            "DESCGEN_OUTPUT_PREFIX": "output/",
            "DESCGEN_BEDROCK_ENDPOINT_URL": bedrock.url,
        },
    )


def bedrock_client(bedrock: BedrockEmulator):
    import boto3

    return boto3.client("bedrock", endpoint_url=bedrock.url, region_name="us-east-1")


def test_create_bedrock_job_creates_the_batchs_converse_job_with_its_token_role_and_locations(
    create_bedrock_job, bedrock
):
    # GIVEN the SNS event of a job request for a Converse input file
    # WHEN the handler receives it
    answer = create_bedrock_job.lambda_handler(event("sns_job_request.json"), None)

    # THEN the batch has a job, created with the batch's token, the deployment's role and locations
    [creation] = answer["jobs"]
    assert (creation["batch_id"], creation["waiting"]) == (BATCH, None)
    job = bedrock_client(bedrock).get_model_invocation_job(jobIdentifier=creation["job_arn"])
    assert job["clientRequestToken"] == BATCH
    assert job["jobName"] == f"descgen-{BATCH}"
    assert job["modelInvocationType"] == "Converse"
    assert job["roleArn"] == "arn:aws:iam::123456789012:role/descgen-test-bedrock-batch"
    assert job["inputDataConfig"]["s3InputDataConfig"]["s3Uri"] == f"s3://descgen-test-data/input/{BATCH}.jsonl"
    assert job["outputDataConfig"]["s3OutputDataConfig"]["s3Uri"] == f"s3://descgen-test-data/output/{BATCH}/"


def test_a_job_request_published_by_the_previous_version_still_makes_an_invoke_model_job(create_bedrock_job, bedrock):
    # GIVEN a job request without modelInvocationType, as the previous version published it
    # (SNS may still be retrying one after this version deploys)
    old_event = event("sns_job_request_from_the_previous_version.json")

    # WHEN the handler receives it
    [creation] = create_bedrock_job.lambda_handler(old_event, None)["jobs"]

    # THEN its job reads the input file as the Anthropic InvokeModel bodies it holds
    job = bedrock_client(bedrock).get_model_invocation_job(jobIdentifier=creation["job_arn"])
    assert job["modelInvocationType"] == "InvokeModel"


def test_create_bedrock_job_delivered_twice_makes_one_job(create_bedrock_job, bedrock):
    first = create_bedrock_job.lambda_handler(event("sns_job_request.json"), None)
    second = create_bedrock_job.lambda_handler(event("sns_job_request.json"), None)
    assert first == second
    jobs = bedrock_client(bedrock).list_model_invocation_jobs()
    assert len(jobs["invocationJobSummaries"]) == 1


def test_the_lambdas_aws_clients_retry_in_standard_mode_with_a_bounded_number_of_calls(
    create_bedrock_job, parse_output
):
    # GIVEN both handlers, imported as a Lambda container imports them
    clients = [create_bedrock_job.BEDROCK, parse_output.S3, parse_output.SQS]

    # WHEN their clients' retry configuration is read
    # THEN each retries in standard mode, three calls in all at most
    assert [client.meta.config.retries for client in clients] == [{"mode": "standard", "total_max_attempts": 3}] * 3


def test_the_lambdas_aws_clients_cut_a_stuck_call_short(create_bedrock_job, parse_output):
    # GIVEN both handlers, imported as a Lambda container imports them
    clients = [create_bedrock_job.BEDROCK, create_bedrock_job.S3, parse_output.S3, parse_output.SQS]
    # THEN each gives up on a connection or an answer within the contract's timeouts (the bound is in lambda_settings)
    expected = (LAMBDA_CONNECT_TIMEOUT_SECONDS, LAMBDA_READ_TIMEOUT_SECONDS)
    assert [(c.meta.config.connect_timeout, c.meta.config.read_timeout) for c in clients] == [expected] * 4
    assert [c.meta.config.retries["mode"] for c in clients] == ["standard"] * 4


def test_create_bedrock_job_refuses_a_message_pointing_at_another_bucket(create_bedrock_job):
    data = event("sns_job_request.json")
    message = json.loads(data["Records"][0]["Sns"]["Message"])
    message["s3OutputUri"] = f"s3://someone-elses-bucket/output/{BATCH}/"
    data["Records"][0]["Sns"]["Message"] = json.dumps(message)
    with pytest.raises(ContractError, match="are not s3://descgen-test-data/input/"):
        create_bedrock_job.lambda_handler(data, None)


def test_create_bedrock_job_refuses_a_message_it_cannot_read(create_bedrock_job):
    data = event("sns_job_request.json")
    data["Records"][0]["Sns"]["Message"] = "{not json"
    with pytest.raises(ContractError, match="job request is not JSON"):
        create_bedrock_job.lambda_handler(data, None)
