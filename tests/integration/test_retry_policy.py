"""One retry policy, as Prefect and Bedrock carry it out.

Prefect tasks run under a Prefect test harness: an error that never heals runs
once, one that heals is tried again, within the written bound. The on-demand
``converse`` goes to the Bedrock emulator through a client configured as
production configures it: only refusals Bedrock did not bill are sent again.
"""

from __future__ import annotations

import importlib
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from prefect import Flow, Task, get_client, task
from prefect.settings import PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW, temporary_settings
from prefect.states import Completed, Failed
from prefect.testing.utilities import prefect_test_harness

from descgen.aws.clients import CONVERSE_CONFIG, AwsClients
from descgen.aws.converse import converse_paid_once
from descgen.contract.messages import ResultPage
from descgen.db import migrate
from descgen.db.session import make_engine
from descgen.model_catalog import load_model_catalog
from descgen.prompts import ProductFacts, model_input
from descgen.retrying import TASK_ATTEMPTS, TASK_RETRY_DELAYS_SECONDS, TASK_RETRY_JITTER_FACTOR
from descgen.settings import Settings, get_settings
from local.bedrock_emulator import BedrockEmulator
from tasks import connections
from tasks.retry_policy import RETRY_WHAT_HEALS, retry_if_it_may_heal
from tests.builders import catalog, load

REPO_ROOT = Path(__file__).resolve().parents[2]
# Tasks whose every run buys something that a retry would buy again.
SPENDS_MONEY = {"tasks.generate.send_on_demand"}


def throttled() -> ClientError:
    return ClientError(
        {"Error": {"Code": "ThrottlingException", "Message": "slow down"}, "ResponseMetadata": {"HTTPStatusCode": 429}},
        "PutObject",
    )


def refused() -> ClientError:
    return ClientError(
        {"Error": {"Code": "ValidationException", "Message": "bad"}, "ResponseMetadata": {"HTTPStatusCode": 400}},
        "CreateModelInvocationJob",
    )


def prefect_objects() -> Iterator[tuple[str, Task[Any, Any] | Flow[Any, Any]]]:
    """Every task and flow defined in tasks/ and flows/, by its dotted name."""
    for folder in ("tasks", "flows"):
        for path in sorted((REPO_ROOT / folder).glob("*.py")):
            module = importlib.import_module(f"{folder}.{path.stem}")
            for name, value in vars(module).items():
                if isinstance(value, Task | Flow) and value.fn.__module__ == module.__name__:
                    yield f"{module.__name__}.{name}", value


# ---------------------------------------------------------------------- what every task declares


def test_every_task_that_retries_retries_only_what_may_heal_with_jitter():
    # GIVEN every Prefect task of the project
    retrying = {name: item for name, item in prefect_objects() if isinstance(item, Task) and item.retries}
    assert len(retrying) >= 10  # the scan found them
    # THEN each one that retries does so through the one condition, with the policy's delays and jitter
    for name, item in retrying.items():
        assert item.retry_condition_fn is retry_if_it_may_heal, name
        assert (item.retries, item.retry_delay_seconds) == (TASK_ATTEMPTS - 1, list(TASK_RETRY_DELAYS_SECONDS)), name
        assert item.retry_jitter_factor == TASK_RETRY_JITTER_FACTOR, name


def test_a_task_that_spends_money_has_no_retries_and_no_flow_retries_it():
    objects = dict(prefect_objects())
    for name in SPENDS_MONEY:
        assert objects[name].retries == 0, name
    # a flow's retry would run its tasks again, the on-demand sender with them
    assert all(not item.retries for item in objects.values() if isinstance(item, Flow))


def test_the_condition_reads_the_error_of_the_failed_run():
    assert retry_if_it_may_heal(None, None, Failed(data=throttled())) is True
    assert retry_if_it_may_heal(None, None, Failed(data=refused())) is False
    assert retry_if_it_may_heal(None, None, Completed(data=1)) is False


# ---------------------------------------------------------------------- as Prefect runs them


@pytest.fixture(scope="module")
def prefect_server() -> Iterator[None]:
    # the tasks run on their own, outside a flow: their logs stay local
    with (
        prefect_test_harness(server_startup_timeout=120),
        temporary_settings({PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW: "ignore"}),
    ):
        yield


def run_count(state: Any) -> int:
    with get_client(sync_client=True) as client:
        return client.read_task_run(state.state_details.task_run_id).run_count


def flaky_task(*errors: BaseException) -> tuple[Task[[], str], list[int]]:
    """A task with the project's policy (no waits) that raises ``errors`` in turn, then answers."""
    runs: list[int] = []

    @task(**RETRY_WHAT_HEALS)
    def call_aws() -> str:
        runs.append(len(runs) + 1)
        if len(runs) <= len(errors):
            raise errors[len(runs) - 1]
        return "done"

    return call_aws.with_options(retry_delay_seconds=0), runs


def test_a_validation_error_runs_once(prefect_server):
    # GIVEN a task whose call AWS refuses as invalid / WHEN it runs
    call_aws, runs = flaky_task(refused(), refused(), refused())
    state = call_aws(return_state=True)
    # THEN it fails after one run: the same request would be refused the same way
    assert state.is_failed()
    assert runs == [1]


def test_a_throttled_call_is_tried_again_until_it_goes_through(prefect_server):
    call_aws, runs = flaky_task(throttled(), throttled())
    assert call_aws() == "done"
    assert runs == [1, 2, 3]


def test_throttling_that_never_ends_stops_after_four_runs(prefect_server):
    call_aws, runs = flaky_task(*[throttled()] * 10)
    assert call_aws(return_state=True).is_failed()
    assert len(runs) == TASK_ATTEMPTS == 4


@pytest.fixture
def worker_settings(monkeypatch, tmp_path) -> Iterator[Any]:
    """A worker's settings with the database URL a test chooses; the AWS locations are never reached."""

    def use_database(url: str) -> None:
        for key, value in {
            "DESCGEN_DATABASE_URL": url,
            "DESCGEN_BUCKET": "unused",
            "DESCGEN_TOPIC_ARN": "unused",
            "DESCGEN_QUEUE_URL": "unused",
            "DESCGEN_DLQ_URL": "unused",
        }.items():
            monkeypatch.setenv(key, value)
        for cached in (get_settings, connections.engine, connections.aws):
            cached.cache_clear()

    yield use_database
    for cached in (get_settings, connections.engine, connections.aws):
        cached.cache_clear()


def test_an_unknown_store_is_refused_after_one_run(prefect_server, worker_settings, database_url):
    from tasks.known_names import check_known_names

    # GIVEN a database with no store / WHEN the first task of a flow checks the store's name
    worker_settings(database_url)
    state = check_known_names.with_options(retry_delay_seconds=0)("shpo", return_state=True)
    # THEN it is refused once: an unknown name stays unknown
    assert state.is_failed()
    assert run_count(state) == 1


def test_a_database_that_refuses_connections_is_tried_again_four_times(prefect_server, worker_settings):
    from tasks.known_names import check_known_names

    # GIVEN a PostgreSQL that is down (nothing listens on the port)
    worker_settings(f"postgresql+psycopg://descgen@127.0.0.1:9/{uuid.uuid4().hex}?connect_timeout=2")
    # WHEN a task needs it
    state = check_known_names.with_options(retry_delay_seconds=0)("acme", return_state=True)
    # THEN the task is tried again (a restart heals), four runs in all, and then it fails loudly
    assert state.is_failed()
    assert run_count(state) == TASK_ATTEMPTS == 4


# ---------------------------------------------------------------------- on-demand converse, against the emulator

MODEL_ID = load_model_catalog().default_model


@pytest.fixture(scope="module")
def emulator(moto_url: str) -> Iterator[BedrockEmulator]:
    with BedrockEmulator(s3_endpoint_url=moto_url, region="us-east-1") as running:
        yield running


@pytest.fixture
def runtime(emulator: BedrockEmulator) -> Iterator[Any]:
    """bedrock-runtime configured as production configures it; only the endpoint differs."""
    yield boto3.client("bedrock-runtime", endpoint_url=emulator.url, region_name="us-east-1", config=CONVERSE_CONFIG)
    emulator.set_throttles(converse_throttles=0)


def body() -> dict[str, Any]:
    facts = ProductFacts("p1", "Product 1", ("gift idea",), {"color": "red"})
    return model_input(facts, "en", max_tokens=512, temperature=0.2, structured=False)


def test_a_throttled_on_demand_record_is_answered_after_its_unbilled_refusals(emulator, runtime):
    # GIVEN Bedrock throttling the next two converse calls
    emulator.set_throttles(converse_throttles=2)
    # WHEN one record is sent
    answer = converse_paid_once(runtime, MODEL_ID, body(), sleep=lambda _: None)
    # THEN it is answered by the third request
    assert answer["output"]["message"]["content"][0]["text"].startswith("#p1#en#")
    assert emulator.throttles()["converse"] == 0


def test_an_on_demand_record_reaches_bedrock_three_times_at_most(emulator, runtime):
    # GIVEN Bedrock throttling the next five converse calls
    emulator.set_throttles(converse_throttles=5)
    # WHEN one record is sent
    with pytest.raises(runtime.exceptions.ThrottlingException):
        converse_paid_once(runtime, MODEL_ID, body(), sleep=lambda _: None)
    # THEN exactly three requests reached Bedrock: botocore added none of its own
    assert emulator.throttles()["converse"] == 2


def test_an_on_demand_remainder_outlasts_throttling_and_buys_each_record_once(emulator, runtime, aws, tmp_path):
    from descgen import generation

    # GIVEN a remainder of three records claimed for on-demand, and Bedrock throttling the next two converse calls
    url = f"sqlite:///{tmp_path / 'descgen.sqlite3'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    queue_url = aws("sqs").create_queue(QueueName=f"results-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    settings = Settings(database_url=url, bucket="unused", topic_arn="unused", queue_url=queue_url, dlq_url=queue_url)
    store = load(engine, catalog("od", products=3, languages=("en",)), model=settings.model_id)
    batch_id = generation.claim(engine, settings, store, settings.model_id, None, 10, mode="on_demand")
    assert batch_id is not None
    emulator.set_throttles(converse_throttles=2)
    clients = AwsClients(s3=None, sns=None, sqs=aws("sqs"), bedrock=None, bedrock_runtime=runtime)

    # WHEN the remainder is sent
    run = generation.send_on_demand(engine, clients, settings, batch_id)

    # THEN every record is answered (the refusals were sent again), and each was bought once
    assert run is not None
    assert run.records == 3
    results = [r for page in received_pages(aws("sqs"), queue_url) for r in page.results]
    assert sorted(r.status for r in results) == ["ok"] * 3
    assert emulator.throttles()["converse"] == 0
    engine.dispose()


def received_pages(sqs: Any, queue_url: str) -> list[ResultPage]:
    pages = []
    while messages := sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", []):
        pages += [ResultPage.from_json(m["Body"]) for m in messages]
    return pages
