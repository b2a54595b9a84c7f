"""The embedded default: S3, SNS and SQS (moto, server mode), Bedrock (our emulator)
and the two Lambdas (the runner), all on 127.0.0.1, all started in this process.

The resources are the ones Terraform declares, built from the same
``descgen/aws_layout.json``: the bucket, the job topic, the results queue with
its dead-letter queue and redrive policy, the Lambdas' failure destination, and
the two notifications. Run ``python -m local.stack`` to keep one up for a Prefect
server and workers; it writes the settings they need to ``.env``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import boto3
from moto.server import ThreadedMotoServer

from descgen.aws.queues import queue_arn
from descgen.aws_layout import LAYOUT
from descgen.contract.bedrock_jobs import RUNNING_JOB_STATUSES
from descgen.contract.lambda_settings import CreateJobSettings, ParseOutputSettings, to_environ
from local.bedrock_emulator import BedrockEmulator
from local.lambda_runner import LambdaFunction, LambdaRunner, s3_event, sns_event

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parent.parent
REGION = "us-east-1"
ACCOUNT_ID = "123456789012"  # moto's account
KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
DELIVERY_VISIBILITY_SECONDS = 900  # a Lambda's longest timeout: one delivery is handled once at a time


def build_lambda_zips(out_dir: Path) -> dict[str, Path]:
    """The same packaging command a deployment runs."""
    subprocess.run(  # noqa: S603
        [sys.executable, str(REPO / "infra" / "package_lambdas.py"), "--out", str(out_dir)], check=True
    )
    return {zip_path.stem: zip_path for zip_path in out_dir.glob("*.zip")}


class LocalStack:
    def __init__(
        self,
        *,
        name_prefix: str = "descgen-local",
        page_size: int = 100,
        bedrock_step_seconds: float = 0.2,
        min_records: int = 100,
        lambda_retry_delay_seconds: int = 1,
    ) -> None:
        self.name_prefix = name_prefix
        self.page_size = page_size
        self._bedrock_step_seconds = bedrock_step_seconds
        self._min_records = min_records
        self._retry_delay = lambda_retry_delay_seconds
        self._moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._workdir = tempfile.TemporaryDirectory(prefix="descgen-local-")
        self.aws_url = ""
        self.bedrock: BedrockEmulator
        self.runner: LambdaRunner
        self.bucket = LAYOUT.name(name_prefix, "bucket")
        self.queue_url = self.dlq_url = self.topic_arn = self.failure_queue_url = ""

    # --- clients on the emulators ---------------------------------------------------

    def client(self, service: str) -> Any:
        endpoint = self.bedrock.url if service.startswith("bedrock") else self.aws_url
        return boto3.client(service, region_name=REGION, endpoint_url=endpoint, **KEYS)  # type: ignore[call-overload]  # the stubs overload client() on literal service names; any is asked for here

    # --- lifecycle -------------------------------------------------------------------

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    def start(self) -> LocalStack:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto logs every request at INFO
        self._moto.start()
        host, port = self._moto.get_host_and_port()
        self.aws_url = f"http://{host}:{port}"
        self.bedrock = BedrockEmulator(
            s3_endpoint_url=self.aws_url,
            region=REGION,
            account_id=ACCOUNT_ID,
            step_seconds=self._bedrock_step_seconds,
            min_records=self._min_records,
        ).start()
        self._create_resources()
        zips = build_lambda_zips(Path(self._workdir.name))
        sqs = self.client("sqs")
        self.runner = LambdaRunner(
            sqs,
            [
                LambdaFunction(
                    name="create_bedrock_job",
                    package=zips["create_bedrock_job"],
                    environment=self.lambda_environment("create_bedrock_job"),
                    delivery_queue_url=self._create_job_deliveries,
                    to_event=lambda body: sns_event(body, self._subscription_arn),
                ),
                LambdaFunction(
                    name="parse_output",
                    package=zips["parse_output"],
                    environment=self.lambda_environment("parse_output"),
                    delivery_queue_url=self._parse_output_deliveries,
                    to_event=s3_event,
                ),
            ],
            self.failure_queue_url,
            maximum_retry_attempts=LAYOUT.lambda_async.maximum_retry_attempts,
            retry_delay_seconds=self._retry_delay,
        ).start()
        return self

    def stop(self) -> None:
        for stop in (self.runner.stop, self.bedrock.stop, self._moto.stop, self._workdir.cleanup):
            try:
                stop()
            except Exception:  # keep stopping the rest
                log.exception("while stopping the local stack")

    def _create_resources(self) -> None:
        s3, sns, sqs = self.client("s3"), self.client("sns"), self.client("sqs")
        s3.create_bucket(Bucket=self.bucket)
        self.topic_arn = sns.create_topic(Name=LAYOUT.name(self.name_prefix, "topic"))["TopicArn"]
        self.dlq_url = sqs.create_queue(
            QueueName=LAYOUT.name(self.name_prefix, "dlq"),
            Attributes={"MessageRetentionPeriod": str(LAYOUT.dlq.message_retention_seconds)},
        )["QueueUrl"]
        dlq_arn = queue_arn(sqs, self.dlq_url)
        self.queue_url = sqs.create_queue(
            QueueName=LAYOUT.name(self.name_prefix, "queue"),
            Attributes={
                "ReceiveMessageWaitTimeSeconds": str(LAYOUT.queue.receive_wait_time_seconds),
                "VisibilityTimeout": str(LAYOUT.queue.visibility_timeout_seconds),
                "MessageRetentionPeriod": str(LAYOUT.queue.message_retention_seconds),
                "MaximumMessageSize": str(LAYOUT.queue.max_message_size),
                "RedrivePolicy": json.dumps(
                    {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": LAYOUT.dlq.max_receive_count}
                ),
            },
        )["QueueUrl"]
        self.failure_queue_url = sqs.create_queue(QueueName=LAYOUT.name(self.name_prefix, "lambda_failures_queue"))[
            "QueueUrl"
        ]
        # Where AWS invokes the functions directly, the local stack delivers to a queue per function.
        delivery = {"VisibilityTimeout": str(DELIVERY_VISIBILITY_SECONDS)}
        self._create_job_deliveries = sqs.create_queue(
            QueueName=f"{LAYOUT.name(self.name_prefix, 'create_job_function')}-deliveries", Attributes=delivery
        )["QueueUrl"]
        self._parse_output_deliveries = sqs.create_queue(
            QueueName=f"{LAYOUT.name(self.name_prefix, 'parse_output_function')}-deliveries", Attributes=delivery
        )["QueueUrl"]
        self.resubscribe_create_job()
        s3.put_bucket_notification_configuration(
            Bucket=self.bucket,
            NotificationConfiguration={
                "QueueConfigurations": [
                    {
                        "Id": "parse-output",
                        "QueueArn": queue_arn(sqs, self._parse_output_deliveries),
                        "Events": ["s3:ObjectCreated:*"],
                        "Filter": {
                            "Key": {
                                "FilterRules": [
                                    {"Name": "prefix", "Value": LAYOUT.output_prefix},
                                    {"Name": "suffix", "Value": LAYOUT.output_suffix},
                                ]
                            }
                        },
                    }
                ]
            },
        )

    def idle(self) -> bool:
        """No emulated Bedrock job still running, and no Lambda delivery waiting or in hand."""
        pages = self.client("bedrock").get_paginator("list_model_invocation_jobs").paginate()
        jobs = [job for page in pages for job in page["invocationJobSummaries"]]
        return all(job["status"] not in RUNNING_JOB_STATUSES for job in jobs) and self.runner.idle()

    def wait_until_idle(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not self.idle():
            if time.monotonic() > deadline:
                raise TimeoutError(f"Bedrock jobs or Lambda deliveries still busy after {timeout:g}s")
            time.sleep(0.1)

    def resubscribe_create_job(self) -> None:
        """The topic's subscription for create_bedrock_job (tests remove it to lose a delivery)."""
        sqs = self.client("sqs")
        self._subscription_arn = self.client("sns").subscribe(
            TopicArn=self.topic_arn, Protocol="sqs", Endpoint=queue_arn(sqs, self._create_job_deliveries)
        )["SubscriptionArn"]

    # --- configuration handed out ------------------------------------------------------

    def lambda_environment(self, function: str) -> dict[str, str]:
        """What Terraform's environment block sets, plus the endpoints and what the runtime provides."""
        runtime = {
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_ACCESS_KEY_ID": KEYS["aws_access_key_id"],
            "AWS_SECRET_ACCESS_KEY": KEYS["aws_secret_access_key"],
            "AWS_LAMBDA_FUNCTION_NAME": function,
        }
        settings: CreateJobSettings | ParseOutputSettings
        if function == "create_bedrock_job":
            settings = CreateJobSettings(
                role_arn=f"arn:aws:iam::{ACCOUNT_ID}:role/{self.name_prefix}-bedrock-batch",
                bucket=self.bucket,
                input_prefix=LAYOUT.input_prefix,
                output_prefix=LAYOUT.output_prefix,
                bedrock_endpoint_url=self.bedrock.url,
                s3_endpoint_url=self.aws_url,
                log_level="WARNING",
            )
        else:
            settings = ParseOutputSettings(
                queue_url=self.queue_url,
                output_prefix=LAYOUT.output_prefix,
                page_size=self.page_size,
                max_message_bytes=LAYOUT.queue.max_message_size,
                s3_endpoint_url=self.aws_url,
                sqs_endpoint_url=self.aws_url,
                log_level="WARNING",
            )
        return runtime | to_environ(settings)

    def settings_environment(self) -> dict[str, str]:
        """descgen's settings for flows and workers pointed at this stack."""
        return {
            "DESCGEN_AWS_REGION": REGION,
            "DESCGEN_BUCKET": self.bucket,
            "DESCGEN_TOPIC_ARN": self.topic_arn,
            "DESCGEN_QUEUE_URL": self.queue_url,
            "DESCGEN_DLQ_URL": self.dlq_url,
            "DESCGEN_S3_ENDPOINT_URL": self.aws_url,
            "DESCGEN_SNS_ENDPOINT_URL": self.aws_url,
            "DESCGEN_SQS_ENDPOINT_URL": self.aws_url,
            "DESCGEN_CLOUDWATCH_ENDPOINT_URL": self.aws_url,  # the flows' metrics land in moto's CloudWatch
            "DESCGEN_BEDROCK_ENDPOINT_URL": self.bedrock.url,
            "DESCGEN_BEDROCK_RUNTIME_ENDPOINT_URL": self.bedrock.url,
            "DESCGEN_AWS_ACCESS_KEY_ID": KEYS["aws_access_key_id"],
            "DESCGEN_AWS_SECRET_ACCESS_KEY": KEYS["aws_secret_access_key"],
            "DESCGEN_PAGE_SIZE": str(self.page_size),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the local stack until Ctrl-C and write its settings to a file.")
    parser.add_argument("--env-file", default=".env", help="where to write the DESCGEN_* settings (default .env)")
    parser.add_argument("--min-records", type=int, default=100, help="the emulated Bedrock minimum records per job")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    with LocalStack(min_records=args.min_records) as stack:
        # the flows' quota must agree with the emulator's, or small runs would only ever be deferred
        env = stack.settings_environment() | {"DESCGEN_QUOTA_OVERRIDE__MIN_RECORDS": str(args.min_records)}
        Path(args.env_file).write_text("".join(f"{key}={value}\n" for key, value in env.items()))
        log.info("AWS emulator on %s, Bedrock emulator on %s", stack.aws_url, stack.bedrock.url)
        log.info("settings written to %s; Ctrl-C to stop", args.env_file)
        with contextlib.suppress(KeyboardInterrupt):
            stopped.wait()


if __name__ == "__main__":
    main()
