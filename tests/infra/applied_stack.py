"""The local stack's Bedrock emulator and Lambda runner, wired to what ``terraform apply`` created on moto.

``local.stack.LocalStack`` creates its own bucket, topic and queues; here they
are Terraform's, and everything the runner needs is read back from moto rather
than restated: each function's environment (Terraform's ``environment`` block),
its retries and on-failure queue (its event invoke config), which function the
jobs topic invokes (its subscription) and which objects invoke the parser (the
bucket's notification, filter included). The zips must be the ones Terraform
uploaded (the caller compares ``CodeSha256``).

What stays emulated, because moto runs no Lambda code without Docker: the
Lambda service. As in the local stack, each function gets a delivery queue,
subscribed to the same topic and notified by the same bucket with the same
filter as Terraform's Lambda targets, and the runner invokes the zip with the
event AWS would send. Terraform's own subscription and notification stay in
place (moto tries them, without Docker, and moves on); ``stop()`` takes the
taps away again.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from descgen.aws.queues import queue_arn
from descgen.contract.bedrock_jobs import RUNNING_JOB_STATUSES
from descgen.contract.lambda_settings import CreateJobSettings, ParseOutputSettings, environment_names
from local.bedrock_emulator import BedrockEmulator
from local.lambda_runner import LambdaFunction, LambdaRunner, s3_event, sns_event

KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
DELIVERY_VISIBILITY_SECONDS = 900  # a Lambda's longest timeout, as in local.stack
HANDLER_SETTINGS: dict[str, type] = {"create_bedrock_job": CreateJobSettings, "parse_output": ParseOutputSettings}


@dataclass(frozen=True)
class Wiring:
    """How AWS would invoke one function, as Terraform declared it."""

    function_name: str  # the AWS name, e.g. descgen-dev-parse-output
    handler_folder: str  # lambdas/<folder>, the zip's name
    environment: dict[str, str]
    failure_queue_url: str
    maximum_retry_attempts: int


class AppliedStack:
    def __init__(
        self,
        *,
        moto_url: str,
        region: str,
        outputs: dict[str, Any],
        zips: dict[str, Path],
        bedrock_step_seconds: float = 0.02,
        min_records: int = 1,
    ) -> None:
        self.moto_url = moto_url
        self.region = region
        self.outputs = outputs
        self._zips = zips
        self.bucket: str = outputs["bucket_name"]
        self.topic_arn: str = outputs["topic_arn"]
        self.queue_url: str = outputs["queue_url"]
        self.dlq_url: str = outputs["dlq_url"]
        self.failure_queue_url: str = outputs["lambda_failures_queue_url"]
        self.bedrock = BedrockEmulator(
            s3_endpoint_url=moto_url,
            region=region,
            account_id=outputs["bedrock_batch_role_arn"].split(":")[4],
            step_seconds=bedrock_step_seconds,
            min_records=min_records,
        )
        self.runner: LambdaRunner | None = None
        self.wiring: dict[str, Wiring] = {}
        self._undo: list[Any] = []  # puts Terraform's resources back as they were, last first

    def client(self, service: str) -> Any:
        endpoint = self.bedrock.url if service.startswith("bedrock") else self.moto_url
        return boto3.client(service, region_name=self.region, endpoint_url=endpoint, **KEYS)  # type: ignore[call-overload]  # the stubs overload client() on literal service names; any is asked for here

    # --- lifecycle -------------------------------------------------------------------

    def __enter__(self) -> AppliedStack:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    def start(self) -> AppliedStack:
        self.bedrock.start()
        functions = self.outputs["function_names"]  # handler folder -> AWS name
        self.wiring = {folder: self._read_wiring(folder, name) for folder, name in functions.items()}
        sns_subscription = self._tap_the_topic(functions["create_bedrock_job"])
        parse_deliveries = self._tap_the_bucket(functions["parse_output"])
        create = self.wiring["create_bedrock_job"]
        parse = self.wiring["parse_output"]
        assert create.failure_queue_url == parse.failure_queue_url == self.failure_queue_url
        assert create.maximum_retry_attempts == parse.maximum_retry_attempts
        self.runner = LambdaRunner(
            self.client("sqs"),
            [
                LambdaFunction(
                    name="create_bedrock_job",
                    package=self._zips["create_bedrock_job"],
                    environment=self._runtime_environment(create),
                    delivery_queue_url=sns_subscription.delivery_queue_url,
                    to_event=lambda body: sns_event(body, sns_subscription.lambda_subscription_arn),
                ),
                LambdaFunction(
                    name="parse_output",
                    package=self._zips["parse_output"],
                    environment=self._runtime_environment(parse),
                    delivery_queue_url=parse_deliveries,
                    to_event=s3_event,
                ),
            ],
            self.failure_queue_url,
            maximum_retry_attempts=create.maximum_retry_attempts,
            retry_delay_seconds=1,
        ).start()
        return self

    def stop(self) -> None:
        errors: list[BaseException] = []
        for stop in (self.runner.stop if self.runner else None, self.bedrock.stop, *reversed(self._undo)):
            if stop is None:
                continue
            try:
                stop()
            except Exception as error:  # keep stopping the rest
                errors.append(error)
        if errors:
            raise errors[0]

    def idle(self) -> bool:
        pages = self.client("bedrock").get_paginator("list_model_invocation_jobs").paginate()
        jobs = [job for page in pages for job in page["invocationJobSummaries"]]
        return all(job["status"] not in RUNNING_JOB_STATUSES for job in jobs) and (
            self.runner is not None and self.runner.idle()
        )

    def wait_until_idle(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not self.idle():
            if time.monotonic() > deadline:
                raise TimeoutError(f"Bedrock jobs or Lambda deliveries still busy after {timeout:g}s")
            time.sleep(0.1)

    # --- what Terraform declared, read back ---------------------------------------------

    def _read_wiring(self, folder: str, function_name: str) -> Wiring:
        lambda_client = self.client("lambda")
        configuration = lambda_client.get_function_configuration(FunctionName=function_name)
        invoke_config = lambda_client.get_function_event_invoke_config(FunctionName=function_name)
        failure_arn = invoke_config["DestinationConfig"]["OnFailure"]["Destination"]
        failure_queue = self.client("sqs").get_queue_url(QueueName=failure_arn.rsplit(":", 1)[1])["QueueUrl"]
        return Wiring(
            function_name=function_name,
            handler_folder=folder,
            environment=dict(configuration.get("Environment", {}).get("Variables", {})),
            failure_queue_url=failure_queue,
            maximum_retry_attempts=invoke_config["MaximumRetryAttempts"],
        )

    def _runtime_environment(self, wiring: Wiring) -> dict[str, str]:
        """Terraform's variables, plus what the Lambda runtime sets and the endpoints the handler reads."""
        endpoints = {
            name: self.bedrock.url if "BEDROCK" in name else self.moto_url
            for name in environment_names(HANDLER_SETTINGS[wiring.handler_folder])
            if name.endswith("_ENDPOINT_URL")
        }
        runtime = {
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_ACCESS_KEY_ID": KEYS["aws_access_key_id"],
            "AWS_SECRET_ACCESS_KEY": KEYS["aws_secret_access_key"],
            "AWS_LAMBDA_FUNCTION_NAME": wiring.function_name,
        }
        return runtime | endpoints | wiring.environment

    def _delivery_queue(self, function_name: str) -> str:
        queue_url: str = self.client("sqs").create_queue(
            QueueName=f"{function_name}-deliveries",
            Attributes={"VisibilityTimeout": str(DELIVERY_VISIBILITY_SECONDS)},
        )["QueueUrl"]
        return queue_url

    def _tap_the_topic(self, function_name: str) -> _TopicTap:
        """A delivery queue on the jobs topic, beside Terraform's subscription of the function."""
        sns, sqs = self.client("sns"), self.client("sqs")
        subscriptions = sns.list_subscriptions_by_topic(TopicArn=self.topic_arn)["Subscriptions"]
        [declared] = [
            s for s in subscriptions if s["Protocol"] == "lambda" and s["Endpoint"].endswith(f":{function_name}")
        ]
        delivery_queue = self._delivery_queue(function_name)
        tap = sns.subscribe(TopicArn=self.topic_arn, Protocol="sqs", Endpoint=queue_arn(sqs, delivery_queue))
        self._undo.append(lambda: sns.unsubscribe(SubscriptionArn=tap["SubscriptionArn"]))
        return _TopicTap(delivery_queue, declared["SubscriptionArn"])

    def _tap_the_bucket(self, function_name: str) -> str:
        """A delivery queue notified with the events and filter of Terraform's notification of the function."""
        s3, sqs = self.client("s3"), self.client("sqs")
        configuration = s3.get_bucket_notification_configuration(Bucket=self.bucket)
        configuration.pop("ResponseMetadata", None)
        [declared] = [
            c
            for c in configuration.get("LambdaFunctionConfigurations", [])
            if c["LambdaFunctionArn"].endswith(f":{function_name}")
        ]
        delivery_queue = self._delivery_queue(function_name)
        tap = {
            "Id": f"{declared['Id']}-to-the-lambda-runner",
            "QueueArn": queue_arn(sqs, delivery_queue),
            "Events": declared["Events"],
            "Filter": declared["Filter"],
        }
        tapped = configuration | {"QueueConfigurations": [*configuration.get("QueueConfigurations", []), tap]}
        s3.put_bucket_notification_configuration(Bucket=self.bucket, NotificationConfiguration=tapped)
        self._undo.append(
            lambda: s3.put_bucket_notification_configuration(
                Bucket=self.bucket, NotificationConfiguration=configuration
            )
        )
        return delivery_queue

    # --- what the Prefect side reads ----------------------------------------------------------

    def settings_environment(self, descgen_env: str) -> dict[str, str]:
        """``terraform output -raw descgen_env`` (the README's .env), plus the emulators' endpoints and keys."""
        from_terraform = dict(line.split("=", 1) for line in descgen_env.splitlines() if line.strip())
        return from_terraform | {
            "DESCGEN_S3_ENDPOINT_URL": self.moto_url,
            "DESCGEN_SNS_ENDPOINT_URL": self.moto_url,
            "DESCGEN_SQS_ENDPOINT_URL": self.moto_url,
            "DESCGEN_CLOUDWATCH_ENDPOINT_URL": self.moto_url,
            "DESCGEN_BEDROCK_ENDPOINT_URL": self.bedrock.url,
            "DESCGEN_BEDROCK_RUNTIME_ENDPOINT_URL": self.bedrock.url,
            "DESCGEN_AWS_ACCESS_KEY_ID": KEYS["aws_access_key_id"],
            "DESCGEN_AWS_SECRET_ACCESS_KEY": KEYS["aws_secret_access_key"],
        }


@dataclass(frozen=True)
class _TopicTap:
    delivery_queue_url: str
    lambda_subscription_arn: str  # Terraform's subscription: what AWS puts in EventSubscriptionArn
