"""The local Lambda runner: AWS-shaped events to the packaged handlers, retried as AWS does.

moto cannot run Lambda code without Docker, so the local stack routes the same
notifications Terraform declares (SNS topic -> create_bedrock_job; S3
``output/*.jsonl.out`` -> parse_output) to one delivery queue per function. The
runner long-polls each queue, turns the delivery into the event the Lambda
service would send (S3 events pass through unchanged; SNS envelopes become
``{"Records": [{"EventSource": "aws:sns", "Sns": ...}]}``), and invokes the
function in its own process from its built zip. Like an asynchronous invocation,
a failure is retried ``maximum_retry_attempts`` times after a delay, then the
event goes to the on-failure destination queue with the error: never silently.
An execution environment that died (killed, crashed) fails the invocation in hand
and is replaced by a fresh one for the next, as the Lambda service does.
"""

from __future__ import annotations

import contextlib
import json
import logging
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from descgen.aws.queues import queue_depth

log = logging.getLogger(__name__)

CONTAINER_SCRIPT = Path(__file__).with_name("lambda_container.py")


@dataclass(frozen=True)
class Invocation:
    ok: bool
    result: Any = None
    error: str | None = None
    seconds: float = 0.0
    maxrss_kb: int = 0


class LambdaContainer:
    """A warm execution environment: one process, invocations one at a time."""

    def __init__(self, package: Path, environment: dict[str, str]) -> None:
        self._process = subprocess.Popen(  # noqa: S603  (our own interpreter and script)
            [sys.executable, "-I", str(CONTAINER_SCRIPT), str(package)],
            env=environment,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self._lock = threading.Lock()

    def invoke(self, event: dict[str, Any]) -> Invocation:
        with self._lock:
            assert self._process.stdin
            assert self._process.stdout
            started = time.monotonic()
            try:
                self._process.stdin.write(json.dumps(event) + "\n")
                self._process.stdin.flush()
            except BrokenPipeError:  # the process died between two invocations
                line = ""
            else:
                line = self._process.stdout.readline()
            seconds = time.monotonic() - started
        if not line:
            return Invocation(ok=False, error=f"runtime exited with code {self._process.wait()}", seconds=seconds)
        answer = json.loads(line)
        if answer["ok"]:
            return Invocation(True, answer["result"], seconds=seconds, maxrss_kb=answer["maxrss_kb"])
        error = f"{answer['errorType']}: {answer['errorMessage']}"
        return Invocation(False, error=error, seconds=seconds, maxrss_kb=answer["maxrss_kb"])

    @property
    def pid(self) -> int:
        return self._process.pid

    def alive(self) -> bool:
        return self._process.poll() is None

    def stop(self) -> None:
        if self._process.stdin:
            with contextlib.suppress(BrokenPipeError):
                self._process.stdin.close()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


def sns_event(delivery: dict[str, Any], subscription_arn: str) -> dict[str, Any]:
    """An SNS notification as SQS receives it -> the event SNS sends a Lambda."""
    return {
        "Records": [
            {
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "EventSubscriptionArn": subscription_arn,
                "Sns": {
                    "Type": delivery.get("Type", "Notification"),
                    "MessageId": delivery["MessageId"],
                    "TopicArn": delivery["TopicArn"],
                    "Subject": delivery.get("Subject"),
                    "Message": delivery["Message"],
                    "Timestamp": delivery["Timestamp"],
                    "SignatureVersion": delivery.get("SignatureVersion", "1"),
                    "Signature": delivery.get("Signature", ""),
                    "SigningCertUrl": delivery.get("SigningCertURL", ""),
                    "UnsubscribeUrl": delivery.get("UnsubscribeURL", ""),
                    "MessageAttributes": delivery.get("MessageAttributes", {}),
                },
            }
        ]
    }


def s3_event(delivery: dict[str, Any]) -> dict[str, Any]:
    """S3 sends the same JSON to a queue as to a Lambda (test events included)."""
    return delivery


@dataclass
class FunctionStats:
    invocations: int = 0
    failures: int = 0
    sent_to_failure_destination: int = 0
    errors: list[str] = field(default_factory=list)
    peak_memory_kb: int = 0
    last: Invocation | None = None  # what the latest invocation returned, and how long it took


@dataclass
class LambdaFunction:
    name: str
    package: Path
    environment: dict[str, str]
    delivery_queue_url: str
    to_event: Callable[[dict[str, Any]], dict[str, Any]]
    stats: FunctionStats = field(default_factory=FunctionStats)


class LambdaRunner:
    def __init__(
        self,
        sqs: Any,
        functions: list[LambdaFunction],
        failure_queue_url: str,
        *,
        maximum_retry_attempts: int,
        retry_delay_seconds: int = 1,
    ) -> None:
        self._sqs = sqs
        self.functions = {function.name: function for function in functions}
        self._failure_queue_url = failure_queue_url
        self._max_attempts = 1 + maximum_retry_attempts
        self._retry_delay = retry_delay_seconds
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._containers: dict[str, LambdaContainer] = {}
        self._busy = {name: False for name in self.functions}

    def start(self) -> LambdaRunner:
        for function in self.functions.values():
            self._containers[function.name] = LambdaContainer(function.package, function.environment)
            thread = threading.Thread(target=self._poll, args=(function,), name=f"lambda-{function.name}", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=10)
        for container in self._containers.values():
            container.stop()

    def container_pids(self) -> dict[str, int]:
        """Each function's execution environment process (the chaos run kills them)."""
        return {name: container.pid for name, container in self._containers.items()}

    def idle(self) -> bool:
        """No delivery waiting or being handled (what the demo waits for)."""
        for function in self.functions.values():
            if self._busy[function.name]:
                return False
            if queue_depth(self._sqs, function.delivery_queue_url).total:
                return False
        return True

    def _poll(self, function: LambdaFunction) -> None:
        while not self._stop.is_set():
            try:
                messages = self._sqs.receive_message(
                    QueueUrl=function.delivery_queue_url,
                    MaxNumberOfMessages=1,
                    WaitTimeSeconds=1,
                    AttributeNames=["ApproximateReceiveCount"],
                ).get("Messages", [])
            except Exception:  # the emulator is stopping
                if not self._stop.is_set():
                    log.exception("runner for %s could not poll its delivery queue", function.name)
                return
            for message in messages:
                self._busy[function.name] = True
                try:
                    self._deliver(function, message)
                finally:
                    self._busy[function.name] = False

    def _deliver(self, function: LambdaFunction, message: dict[str, Any]) -> None:
        event = function.to_event(json.loads(message["Body"]))
        if not self._containers[function.name].alive():
            self._containers[function.name].stop()
            self._containers[function.name] = LambdaContainer(function.package, function.environment)
        outcome = self._containers[function.name].invoke(event)
        function.stats.invocations += 1
        function.stats.last = outcome
        function.stats.peak_memory_kb = max(function.stats.peak_memory_kb, outcome.maxrss_kb)
        receipt = message["ReceiptHandle"]
        if outcome.ok:
            self._sqs.delete_message(QueueUrl=function.delivery_queue_url, ReceiptHandle=receipt)
            return
        function.stats.failures += 1
        function.stats.errors.append(outcome.error or "")
        attempt = int(message["Attributes"]["ApproximateReceiveCount"])
        log.warning("%s failed (attempt %d of %d): %s", function.name, attempt, self._max_attempts, outcome.error)
        if attempt < self._max_attempts:
            self._sqs.change_message_visibility(
                QueueUrl=function.delivery_queue_url, ReceiptHandle=receipt, VisibilityTimeout=self._retry_delay
            )
            return
        # the on-failure destination record Lambda writes for an async invocation
        record = {
            "requestContext": {
                "functionArn": function.name,
                "condition": "RetriesExhausted",
                "approximateInvokeCount": attempt,
            },
            "requestPayload": event,
            "responsePayload": {"errorMessage": outcome.error},
        }
        self._sqs.send_message(QueueUrl=self._failure_queue_url, MessageBody=json.dumps(record))
        self._sqs.delete_message(QueueUrl=function.delivery_queue_url, ReceiptHandle=receipt)
        function.stats.sent_to_failure_destination += 1
