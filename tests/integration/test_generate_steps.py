"""The generate side's steps on their own: the input file cut at the file-size quota (the rest
released), and the on-demand remainder (throttling vs validation errors, and its heartbeat).

SQLite and PostgreSQL; S3 and SQS in moto. Bedrock's runtime is
a small fake that answers each record by its product.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError
from sqlalchemy import Engine, select

from descgen.aws.clients import AwsClients
from descgen.contract.keys import input_key
from descgen.db.batches import release_tasks
from descgen.db.models import Batch, GenerationTask
from descgen.db.session import session_scope
from descgen.draining import drain
from descgen.generation import HEARTBEAT_EVERY, BatchNoLongerOpen, claim, send_on_demand, write_batch_file
from descgen.lifecycle import BatchState
from descgen.model_catalog import QuotaOverride
from descgen.settings import Settings
from tests.builders import MODEL, catalog, good_body, load, priced, product_id


@pytest.fixture
def settings(engine: Engine, aws) -> Settings:
    suffix = uuid.uuid4().hex[:8]
    bucket = f"descgen-generate-{suffix}"
    aws("s3").create_bucket(Bucket=bucket)
    queue = aws("sqs").create_queue(QueueName=f"descgen-results-{suffix}")["QueueUrl"]
    return Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        bucket=bucket,
        topic_arn="arn:aws:sns:us-east-1:123456789012:unused",
        queue_url=queue,
        dlq_url=queue,
        model_id=MODEL,
        structured_output=False,  # text answers: the marker, then HTML
        quality_gate=False,  # the lifecycle rules here; the gate has tests of its own
        receive_wait_seconds=0,
    )


def tasks(engine: Engine, store: str) -> list[GenerationTask]:
    with session_scope(engine) as session:
        return list(
            session.scalars(
                select(GenerationTask).where(GenerationTask.store_id == store).order_by(GenerationTask.id)
            ).all()
        )


def batch_row(engine: Engine, batch_id: str) -> Batch:
    with session_scope(engine) as session:
        return session.get_one(Batch, batch_id)


# --- the input file and the file-size quota ---------------------------------------------------------------


def input_lines(aws, settings: Settings, batch_id: str) -> list[bytes]:
    body = aws("s3").get_object(Bucket=settings.bucket, Key=input_key(settings.input_prefix, batch_id))["Body"].read()
    return body.splitlines(keepends=True)


def test_a_batch_over_the_file_size_quota_is_cut_and_what_did_not_fit_is_released(engine, aws, settings):
    # GIVEN five claimed tasks, the third one's product with a long title (a longer line)
    document = catalog("bigfile", products=5, languages=("en",))
    document["products"][2]["title"] = ("Long title " * 50)[:500]
    store = load(engine, document)
    batch_id = claim(engine, settings, store, MODEL, None, 100)
    assert batch_id is not None
    uncut = input_lines(aws, settings, write_batch_file(engine, aws("s3"), settings, batch_id).batch_id)
    sizes = [len(line) for line in uncut]
    assert sizes[2] > max(sizes[3], sizes[4])
    # WHEN the file is written under a quota one byte short of the first three lines: the fourth and
    # fifth lines would fit in what is left, but never in place of the third
    quota = sum(sizes[:3]) - 1
    assert sizes[0] + sizes[1] + sizes[3] <= quota
    tight = settings.model_copy(update={"quota_override": QuotaOverride(max_file_bytes=quota)})
    written = write_batch_file(engine, aws("s3"), tight, batch_id)
    # THEN the file holds the first two lines, byte for byte, and stays within the quota
    assert input_lines(aws, settings, batch_id) == uncut[:2]
    assert written.input_bytes == sizes[0] + sizes[1] <= quota
    batch = batch_row(engine, batch_id)
    assert (batch.record_count, batch.input_bytes, written.released, written.estimate.records) == (
        2,
        written.input_bytes,
        3,
        2,
    )
    # AND the three that did not fit are pending again, out of the batch, with no attempt counted
    rows = [(t.state, t.batch_id, t.attempts, t.reason) for t in tasks(engine, store)]
    assert rows[:2] == [("claimed", batch_id, 0, None)] * 2
    assert rows[2:] == [("pending", None, 0, "did not fit the input file quota")] * 3


# --- the on-demand remainder --------------------------------------------------------------------------------


def converse_answer(text: str, input_tokens: int, output_tokens: int) -> dict[str, Any]:
    """A Converse response, as bedrock-runtime returns it."""
    return {
        "output": {"message": {"role": "assistant", "content": [{"text": text}]}},
        "stopReason": "end_turn",
        "usage": {
            "inputTokens": input_tokens,
            "outputTokens": output_tokens,
            "totalTokens": input_tokens + output_tokens,
        },
        "metrics": {"latencyMs": 420},
    }


def good_text(engine: Engine, task: GenerationTask) -> str:
    return f"#{product_id(engine, task)}#{task.language_id}#" + good_body(engine, task)


def on_demand_batch(engine: Engine, settings: Settings, store: str) -> str:
    batch_id = claim(engine, settings, store, MODEL, None, 100, mode="on_demand")
    assert batch_id is not None
    return batch_id


class RuntimeByProduct:
    """bedrock-runtime answering each record by the product its prompt is for (the order of calls aside)."""

    def __init__(self, answers: dict[str, Callable[[], dict[str, Any]]]) -> None:
        self._answers = answers
        self.calls: Counter[str] = Counter()

    def converse(self, modelId: str, **body: Any) -> dict[str, Any]:
        prompt = body["messages"][0]["content"][0]["text"]
        [product] = [p for p in self._answers if f"exactly #{p}#" in prompt]
        self.calls[product] += 1
        return self._answers[product]()


def refusal(code: str, message: str, status: int) -> Callable[[], dict[str, Any]]:
    def refuse() -> dict[str, Any]:
        raise ClientError(
            {"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": status}}, "Converse"
        )

    return refuse


def test_on_demand_a_throttled_record_waits_and_an_invalid_one_fails_while_the_others_are_kept(engine, aws, settings):
    # GIVEN a remainder of three records, and Bedrock answering one, throttling one (every time it is
    # asked) and refusing one as invalid
    store = load(engine, catalog("ondemand", products=3, languages=("en",)))
    batch_id = on_demand_batch(engine, settings, store)
    answered, throttled, invalid = tasks(engine, store)
    runtime = RuntimeByProduct(
        {
            "P1": lambda: converse_answer(good_text(engine, answered), 321, 123),
            "P2": refusal("ThrottlingException", "Too many requests, please wait", 429),
            "P3": refusal("ValidationException", "The prompt is too long", 400),
        }
    )
    clients = AwsClients(s3=aws("s3"), sns=None, sqs=aws("sqs"), bedrock=None, bedrock_runtime=runtime)
    # WHEN the remainder is sent on demand, and its results drained
    sent = send_on_demand(engine, clients, settings, batch_id)
    drained = drain(engine, aws("sqs"), settings, max_messages=10, max_seconds=10)
    # THEN the invalid request was sent once (it cannot heal), the answered one once (it is paid for)
    assert (runtime.calls["P1"], runtime.calls["P3"]) == (1, 1)
    assert runtime.calls["P2"] >= 1
    # AND only the answered record is paid for, at on-demand prices
    assert sent is not None
    assert (sent.records, sent.input_tokens, sent.output_tokens) == (3, 321, 123)
    _, on_demand_usd = priced(MODEL, 321, 123)
    batch = batch_row(engine, batch_id)
    assert (batch.state, batch.mode, batch.input_tokens, batch.output_tokens) == ("ended", "on_demand", 321, 123)
    assert batch.cost_usd == batch.on_demand_cost_usd == pytest.approx(on_demand_usd)
    # AND the answer is applied; the throttle is a wait (no attempt counted); the invalid request fails
    assert (drained.results.applied, drained.results.waited, drained.results.failed) == (1, 1, 1)
    rows = {t.id: (t.state, t.attempts, t.waits, t.reason) for t in tasks(engine, store)}
    assert rows[answered.id][:2] == ("done", 0)
    assert rows[throttled.id] == ("pending", 0, 1, "Bedrock error ThrottlingException: Too many requests, please wait")
    assert rows[invalid.id] == ("failed", 1, 0, "Bedrock error ValidationException: The prompt is too long")


class Runtime:
    """bedrock-runtime answering every record well; ``before_call(n)`` runs before the n-th call (from 1)."""

    def __init__(self, engine: Engine, before_call: Callable[[int], None]) -> None:
        self._engine = engine
        self._before_call = before_call
        self.calls = 0

    def converse(self, modelId: str, **body: Any) -> dict[str, Any]:
        self.calls += 1
        self._before_call(self.calls)
        return converse_answer("#P0#en#<p>any</p>", 100, 200)  # what it says is not what these tests look at


def heartbeat(engine: Engine, batch_id: str) -> datetime | None:
    return batch_row(engine, batch_id).heartbeat_at


def test_a_long_on_demand_run_shows_signs_of_life_every_few_records(engine, aws, settings):
    # GIVEN a remainder of HEARTBEAT_EVERY + 5 records
    store = load(engine, catalog("heartbeat", products=HEARTBEAT_EVERY + 5, languages=("en",)))
    batch_id = on_demand_batch(engine, settings, store)
    seen: list[datetime | None] = []
    runtime = Runtime(engine, lambda _: seen.append(heartbeat(engine, batch_id)))
    clients = AwsClients(s3=aws("s3"), sns=None, sqs=aws("sqs"), bedrock=None, bedrock_runtime=runtime)
    # WHEN it is sent on demand
    sent = send_on_demand(engine, clients, settings, batch_id)
    # THEN the batch's heartbeat, set as the run began, moves on after every HEARTBEAT_EVERY calls,
    # so monitor-jobs does not take the run for dead and release its batch
    assert sent is not None
    assert runtime.calls == HEARTBEAT_EVERY + 5
    assert seen[0] is not None
    assert set(seen[:HEARTBEAT_EVERY]) == {seen[0]}
    assert seen[HEARTBEAT_EVERY] is not None
    assert seen[HEARTBEAT_EVERY] > seen[0]
    assert set(seen[HEARTBEAT_EVERY:]) == {seen[HEARTBEAT_EVERY]}


def test_an_on_demand_run_whose_batch_monitor_released_stops_buying_at_its_next_heartbeat(engine, aws, settings):
    # GIVEN a remainder of HEARTBEAT_EVERY + 5 records, whose batch monitor-jobs releases during the 10th call
    store = load(engine, catalog("released", products=HEARTBEAT_EVERY + 5, languages=("en",)))
    batch_id = on_demand_batch(engine, settings, store)

    def monitor_releases(call: int) -> None:
        if call == 10:
            with session_scope(engine) as session:
                release_tasks(session, batch_id, None, "generate run died before upload")
                session.get_one(Batch, batch_id).state = BatchState.RELEASED

    runtime = Runtime(engine, monitor_releases)
    clients = AwsClients(s3=aws("s3"), sns=None, sqs=aws("sqs"), bedrock=None, bedrock_runtime=runtime)
    # WHEN it is sent on demand
    with pytest.raises(BatchNoLongerOpen, match="released"):
        send_on_demand(engine, clients, settings, batch_id)
    # THEN it stopped at the heartbeat after call HEARTBEAT_EVERY: no more calls bought, no result sent,
    # and the tasks are the next run's, pending with no attempt counted
    assert runtime.calls == HEARTBEAT_EVERY
    assert aws("sqs").receive_message(QueueUrl=settings.queue_url).get("Messages", []) == []
    assert {(t.state, t.attempts, t.batch_id) for t in tasks(engine, store)} == {("pending", 0, None)}
