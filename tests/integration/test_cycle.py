"""Whole cycles through the flows, under a Prefect test harness, against the local stack.

generate-descriptions -> SNS -> create_bedrock_job -> Bedrock emulator -> S3 ->
parse_output -> SQS -> drain-results -> monitor-jobs: the production path, with the
Lambdas running from their zips in their own processes.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator

import pytest
from prefect.testing.utilities import prefect_test_harness
from sqlalchemy import event, func, select

from descgen.aws.queues import queue_depth
from descgen.contract.keys import job_id_from_arn, output_folder
from descgen.db import migrate
from descgen.db.catalog import load_catalog, mark_human_edited
from descgen.db.models import Batch, Description, GenerationTask, Product
from descgen.db.session import make_engine, session_scope
from descgen.db.status import task_states
from descgen.lifecycle import OPEN_STATES
from descgen.settings import get_settings
from descgen.verdicts import PublishRules
from local.bedrock_emulator import JobFaults
from local.stack import LocalStack
from tasks import connections
from tests.builders import catalog, priced


@pytest.fixture(scope="module", autouse=True)
def prefect_server() -> Iterator[None]:
    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStack]:
    with LocalStack(name_prefix="descgen-cycle", bedrock_step_seconds=0.02, min_records=1, page_size=10) as stack:
        yield stack


@pytest.fixture
def settings_env(stack, tmp_path, monkeypatch) -> str:
    """A fresh database and empty queues; settings as a worker would read them."""
    url = f"sqlite:///{tmp_path / 'descgen.sqlite3'}"
    migrate.upgrade(url)
    environment = stack.settings_environment() | {
        "DESCGEN_DATABASE_URL": url,
        "DESCGEN_RECEIVE_WAIT_SECONDS": "0",
        "DESCGEN_RESULT_GRACE_MINUTES": "0",
        "DESCGEN_STALE_BATCH_MINUTES": "0",
        "DESCGEN_QUOTA_OVERRIDE__MIN_RECORDS": "1",
        "DESCGEN_MIN_DESCRIPTION_CHARS": "20",
    }
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    for cached in (get_settings, connections.engine, connections.aws):
        cached.cache_clear()
    for queue in (stack.queue_url, stack.dlq_url):
        empty(stack.client("sqs"), queue)
    stack.bedrock.reset_faults()
    yield url
    for cached in (get_settings, connections.engine, connections.aws):
        cached.cache_clear()


def empty(sqs, queue_url: str) -> None:
    """What an earlier test left behind (PurgeQueue is allowed once a minute)."""
    while messages := sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get(
        "Messages", []
    ):
        sqs.delete_message_batch(
            QueueUrl=queue_url,
            Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)],
        )


@pytest.fixture
def short_leases(stack):
    """Received-but-not-deleted messages come back after 1 s instead of 120 s; none outlive the test."""
    sqs = stack.client("sqs")
    sqs.set_queue_attributes(QueueUrl=stack.queue_url, Attributes={"VisibilityTimeout": "1"})
    yield
    time.sleep(1.2)
    for queue in (stack.queue_url, stack.dlq_url):
        empty(sqs, queue)
    sqs.set_queue_attributes(QueueUrl=stack.queue_url, Attributes={"VisibilityTimeout": "120"})


@pytest.fixture
def engine(settings_env):
    engine = make_engine(settings_env)
    yield engine
    engine.dispose()


def load(engine, document) -> str:
    with session_scope(engine) as session:
        store, _ = load_catalog(session, document)
    return store


def states(engine, store) -> dict[str, int]:
    with session_scope(engine) as session:
        return dict(task_states(session, store))


def open_tasks(engine, store) -> int:
    return sum(n for state, n in states(engine, store).items() if state in OPEN_STATES)


def settle(stack, engine, store, rounds: int = 10) -> None:
    """Drain and monitor until no task is in flight."""
    from flows.drain_results import drain_results
    from flows.monitor_jobs import monitor_jobs

    for _ in range(rounds):
        stack.wait_until_idle(60)
        drain_results(max_seconds=30)
        monitor_jobs()
        if not open_tasks(engine, store):
            return
    raise AssertionError(f"tasks still in flight: {states(engine, store)}")


def cycle(stack, engine, store, **parameters) -> None:
    from flows.generate_descriptions import generate_descriptions

    generate_descriptions(store=store, **parameters)
    settle(stack, engine, store)


def tasks(engine, store) -> list[GenerationTask]:
    with session_scope(engine) as session:
        return list(session.scalars(select(GenerationTask).where(GenerationTask.store_id == store)))


# --- issue 2: the whole cycle ------------------------------------------------------------


def test_a_whole_cycle_writes_one_done_sanitized_description_per_product_and_language(stack, engine):
    store = load(engine, catalog("cycle", products=6, languages=("en", "de", "fr")))
    cycle(stack, engine, store)
    assert states(engine, store) == {"done": 18}
    with session_scope(engine) as session:
        htmls = list(session.scalars(select(Description.html).where(Description.store_id == store)))
    assert len(htmls) == 18
    assert all(html.startswith("<p>") and "#" not in html[:10] for html in htmls)
    assert not any("<script" in html or "onclick" in html for html in htmls)


def test_a_dry_run_counts_and_estimates_but_changes_nothing(stack, engine):
    from prefect.client.orchestration import get_client

    from flows.generate_descriptions import generate_descriptions

    store = load(engine, catalog("dry", products=5, languages=("en", "de")))
    written = generate_descriptions(store=store, dry_run=True)
    assert written == []
    assert states(engine, store) == {}  # not even the catalog sync is kept
    assert stack.client("s3").list_objects_v2(Bucket=stack.bucket, Prefix=f"input/{store}-").get("KeyCount", 0) == 0
    with get_client(sync_client=True) as client:
        summary = client.read_latest_artifacts(limit=50)
    [plan] = [artifact for artifact in summary if artifact.key == f"generate-{store}-dry-run-summary"]
    assert "pending tasks considered: **10**" in plan.data


def test_a_second_run_over_an_unchanged_catalog_sends_nothing(stack, engine):
    from flows.generate_descriptions import generate_descriptions

    store = load(engine, catalog("again", products=3, languages=("en",)))
    cycle(stack, engine, store)
    assert generate_descriptions(store=store) == []


def test_bad_output_lines_and_an_unknown_record_id_and_an_undecodable_message_lose_nothing(
    stack, engine, caplog, short_leases
):
    # GIVEN a job whose output has cut lines, and a queue holding junk and a result for no task
    store = load(engine, catalog("bad", products=10, languages=("en",)))
    stack.bedrock.set_faults(JobFaults(malformed_line=0.3, seed=7), job_name_contains=store)
    sqs = stack.client("sqs")
    sqs.send_message(QueueUrl=stack.queue_url, MessageBody="this is not a result page")
    sqs.send_message(
        QueueUrl=stack.queue_url,
        MessageBody=json.dumps(
            {"schemaVersion": 1, "batchId": "nobody-1", "results": [{"recordId": "zz999", "status": "ok", "text": "x"}]}
        ),
    )
    # WHEN the drain meets the junk: it fails, naming both messages, until SQS moves them to the DLQ (2 receives);
    # a page for a batch this database never had is not thrown away
    from flows.drain_results import MessagesLeftBehind, drain_results

    for _ in range(2):
        with pytest.raises(MessagesLeftBehind, match=r"2 messages could not be applied \(1 undecodable, 1 refused"):
            drain_results(max_seconds=5)
        time.sleep(1.2)
    # AND the cycle runs, and runs again for what had to be retried
    cycle(stack, engine, store)
    # THEN each problem was logged, and every task still ends done
    assert "left for the dead-letter queue" in caplog.text
    assert "(batch nobody-1) left for the dead-letter queue: its batch is not in this database" in caplog.text
    retried = [t for t in tasks(engine, store) if t.state == "pending"]
    assert retried, "the malformed lines sent their tasks back to pending"
    assert all("MalformedOutput" in t.reason for t in retried)
    stack.bedrock.reset_faults()
    cycle(stack, engine, store)
    assert states(engine, store) == {"done": 10}


# --- issue 4: every job outcome ends well ----------------------------------------------------


def run_until_settled(stack, engine, store, max_runs: int = 4) -> None:
    for _ in range(max_runs):
        cycle(stack, engine, store)
        if not states(engine, store).get("pending"):
            return


@pytest.mark.parametrize("outcome", ["Failed", "Stopped", "Expired"])
def test_a_job_that_ends_without_output_sends_every_task_back_until_the_attempt_limit(stack, engine, outcome):
    store = load(engine, catalog(f"o-{outcome.lower()}", products=3, languages=("en",)))
    stack.bedrock.set_faults(JobFaults(outcome=outcome), job_name_contains=store)
    run_until_settled(stack, engine, store)
    assert states(engine, store) == {"failed": 3}
    for task in tasks(engine, store):
        assert task.attempts == 3
        assert task.reason.startswith(f"job {outcome}")


def test_a_partially_completed_job_keeps_its_results_and_retries_the_rest(stack, engine):
    store = load(engine, catalog("partial", products=10, languages=("en",)))
    stack.bedrock.set_faults(JobFaults(outcome="PartiallyCompleted", partial_fraction=0.5), job_name_contains=store)
    cycle(stack, engine, store)
    after_first = states(engine, store)
    assert after_first == {"done": 5, "pending": 5}
    assert {t.reason for t in tasks(engine, store) if t.state == "pending"} == {
        "no result in the output of job PartiallyCompleted"
    }
    stack.bedrock.reset_faults()
    cycle(stack, engine, store)
    assert states(engine, store) == {"done": 10}


def test_record_errors_retry_what_can_heal_and_fail_what_cannot(stack, engine):
    store = load(engine, catalog("errs", products=8, languages=("en",)))
    stack.bedrock.set_faults(JobFaults(record_error_rate=1.0, record_error_code=400), job_name_contains=f"{store}-")
    cycle(stack, engine, store)
    assert states(engine, store) == {"failed": 8}
    assert all(t.attempts == 1 and "Bedrock error 400" in t.reason for t in tasks(engine, store))


def test_throttled_records_are_retried_and_then_succeed(stack, engine):
    store = load(engine, catalog("throttle", products=8, languages=("en",)))
    stack.bedrock.set_faults(JobFaults(record_error_rate=0.5, record_error_code=429, seed=3), job_name_contains=store)
    cycle(stack, engine, store)
    first = states(engine, store)
    assert first.get("pending", 0) > 0
    stack.bedrock.reset_faults()
    cycle(stack, engine, store)
    assert states(engine, store) == {"done": 8}
    # a throttle is a wait: the throttled tasks were sent twice and counted no attempt
    throttled = [t for t in tasks(engine, store) if t.waits]
    assert throttled
    assert {(t.attempts, t.waits, t.sends) for t in throttled} == {(0, 1, 1)}


def test_the_real_cost_comes_from_the_manifest(stack, engine):
    # GIVEN a whole cycle, whose job wrote a manifest next to its output
    store = load(engine, catalog("cost", products=4, languages=("en", "de")))
    cycle(stack, engine, store)
    with session_scope(engine) as session:
        batch = session.scalars(select(Batch).where(Batch.store_id == store)).one()
    s3 = stack.client("s3")
    folder = f"{output_folder(get_settings().output_prefix, batch.id)}{job_id_from_arn(batch.job_arn)}/"
    manifest = json.loads(s3.get_object(Bucket=stack.bucket, Key=f"{folder}manifest.json.out")["Body"].read())
    output = s3.get_object(Bucket=stack.bucket, Key=f"{folder}{batch.id}.jsonl.out")["Body"].read().decode()
    usages = [json.loads(line)["modelOutput"]["usage"] for line in output.splitlines() if line]
    # THEN the batch holds the manifest's token counts: the sum of its eight answers' own, each different
    assert len({(u["inputTokens"], u["outputTokens"]) for u in usages}) > 1
    assert (manifest["inputTokenCount"], manifest["outputTokenCount"]) == (
        sum(u["inputTokens"] for u in usages),
        sum(u["outputTokens"] for u in usages),
    )
    assert (batch.input_tokens, batch.output_tokens) == (manifest["inputTokenCount"], manifest["outputTokenCount"])
    # AND their cost at the model's prices in descgen/model_catalog.json, in batch and on demand
    batch_usd, on_demand_usd = priced(batch.model_id, batch.input_tokens, batch.output_tokens)
    assert (batch.cost_usd, batch.on_demand_cost_usd) == (pytest.approx(batch_usd), pytest.approx(on_demand_usd))
    assert batch.cost_usd < batch.estimated_cost_usd  # the estimate assumes max_tokens for every answer


def test_a_generate_run_killed_between_upload_and_publish_gets_its_job_exactly_once(stack, engine, monkeypatch):
    from flows.monitor_jobs import monitor_jobs
    from tasks.generate import claim_batch, sync_catalog, write_batch_file

    # GIVEN a batch whose file reached S3 but whose job request was never published
    monkeypatch.setenv("DESCGEN_RESULT_GRACE_MINUTES", "10")  # monitor runs twice before the drain here
    get_settings.cache_clear()
    store = load(engine, catalog("killed", products=3, languages=("en",)))

    sync_catalog.fn(store, get_settings().model_id)
    batch_id = claim_batch.fn(store, get_settings().model_id, None, 10)
    write_batch_file.fn(batch_id)
    # WHEN monitor-jobs runs (twice: the second must find the job, not ask again)
    assert monitor_jobs().republished == 1
    stack.wait_until_idle(60)
    assert monitor_jobs().republished == 0
    settle(stack, engine, store)
    # THEN exactly one job was made for it and every task is done
    jobs = stack.client("bedrock").list_model_invocation_jobs(nameContains=batch_id)["invocationJobSummaries"]
    assert len(jobs) == 1
    assert states(engine, store) == {"done": 3}


def test_a_generate_run_killed_before_upload_has_its_tasks_released_without_an_attempt(stack, engine):
    from flows.monitor_jobs import monitor_jobs
    from tasks.generate import claim_batch, sync_catalog

    # GIVEN tasks claimed by a run that died before its file reached S3
    store = load(engine, catalog("died", products=3, languages=("en",)))
    sync_catalog.fn(store, get_settings().model_id)
    batch_id = claim_batch.fn(store, get_settings().model_id, None, 10)
    assert states(engine, store) == {"claimed": 3}
    # WHEN monitor-jobs finds the stale batch
    assert monitor_jobs().released_tasks == 3
    # THEN the tasks are pending again, with no attempt counted (it was not their fault)
    assert states(engine, store) == {"pending": 3}
    assert {t.attempts for t in tasks(engine, store)} == {0}
    with session_scope(engine) as session:
        assert session.get_one(Batch, batch_id).state == "released"
    cycle(stack, engine, store)
    assert states(engine, store) == {"done": 3}


def test_a_lost_sns_delivery_is_republished_by_monitor_and_makes_one_job(stack, engine):
    from flows.generate_descriptions import generate_descriptions
    from flows.monitor_jobs import monitor_jobs

    store = load(engine, catalog("lost", products=3, languages=("en",)))
    sns = stack.client("sns")
    [subscription] = sns.list_subscriptions_by_topic(TopicArn=stack.topic_arn)["Subscriptions"]
    sns.unsubscribe(SubscriptionArn=subscription["SubscriptionArn"])  # the delivery goes nowhere
    try:
        [written] = generate_descriptions(store=store)
    finally:
        stack.resubscribe_create_job()
    monitor_jobs()  # no job by that name: republish
    settle(stack, engine, store)
    jobs = stack.client("bedrock").list_model_invocation_jobs(nameContains=written.batch_id)["invocationJobSummaries"]
    assert len(jobs) == 1
    assert states(engine, store) == {"done": 3}


def test_monitor_run_twice_changes_nothing(stack, engine, monkeypatch):
    from flows.generate_descriptions import generate_descriptions
    from flows.monitor_jobs import monitor_jobs
    from tasks.generate import claim_batch, sync_catalog

    # GIVEN windows that are not zero, so that batches stay open from one run to the next
    monkeypatch.setenv("DESCGEN_RESULT_GRACE_MINUTES", "10")
    monkeypatch.setenv("DESCGEN_STALE_BATCH_MINUTES", "30")
    get_settings.cache_clear()
    # AND a closed batch, a batch whose job ended with its results still in the queue (monitor
    # has seen it end once), and a batch a generate run has just claimed
    done = load(engine, catalog("idem-done", products=2, languages=("en",)))
    cycle(stack, engine, done)
    ended = load(engine, catalog("idem-ended", products=2, languages=("en",)))
    generate_descriptions(store=ended)
    stack.wait_until_idle(60)
    monitor_jobs()
    claimed = load(engine, catalog("idem-claimed", products=2, languages=("en",)))
    sync_catalog.fn(claimed, get_settings().model_id)
    claim_batch.fn(claimed, get_settings().model_id, None, 10)

    def snapshot() -> tuple[list[tuple], list[tuple]]:
        with session_scope(engine) as session:
            batches = [
                (b.store_id, b.state, b.job_status, b.job_requests, b.input_tokens, b.output_tokens, b.cost_usd,
                 b.heartbeat_at, b.published_at, b.ended_at, b.closed_at)
                for b in session.scalars(select(Batch).order_by(Batch.id))
            ]  # fmt: skip
            task_rows = [
                (t.id, t.state, t.batch_id, t.attempts, t.sends, t.waits, t.reason)
                for t in session.scalars(select(GenerationTask).order_by(GenerationTask.id))
            ]
        return batches, task_rows

    before = snapshot()
    assert sorted(state for _, state, *_ in before[0]) == ["claimed", "closed", "ended"]
    # WHEN monitor-jobs runs again
    report = monitor_jobs()
    # THEN nothing changed: no batch moved, no task moved, no clock was restarted, nothing was bought
    assert snapshot() == before
    assert (report.republished, report.released_tasks, report.retried_tasks, report.failed_tasks) == (0, 0, 0, 0)


def test_a_remainder_under_the_minimum_goes_on_demand_when_the_policy_says_so(stack, engine, monkeypatch):
    store = load(engine, catalog("remainder", products=3, languages=("en",)))
    monkeypatch.setenv("DESCGEN_QUOTA_OVERRIDE__MIN_RECORDS", "100")
    monkeypatch.setenv("DESCGEN_REMAINDER_POLICY", "on_demand")
    get_settings.cache_clear()
    cycle(stack, engine, store)
    assert states(engine, store) == {"done": 3}
    with session_scope(engine) as session:
        batch = session.scalars(select(Batch).where(Batch.store_id == store)).one()
        assert (batch.mode, batch.job_arn) == ("on_demand", None)
        assert batch.cost_usd == batch.on_demand_cost_usd > 0
    assert stack.client("bedrock").list_model_invocation_jobs(nameContains=store)["invocationJobSummaries"] == []


def test_a_remainder_under_the_minimum_waits_by_default(stack, engine, monkeypatch):
    from flows.generate_descriptions import generate_descriptions

    store = load(engine, catalog("defer", products=3, languages=("en",)))
    monkeypatch.setenv("DESCGEN_QUOTA_OVERRIDE__MIN_RECORDS", "100")
    get_settings.cache_clear()
    assert generate_descriptions(store=store) == []
    assert states(engine, store) == {"pending": 3}


# --- issue 5: the dead-letter queue ----------------------------------------------------------


def test_an_undecodable_message_reaches_the_dlq_and_redrive_brings_it_back(stack, engine, monkeypatch, short_leases):
    from flows.drain_results import DeadLetterQueueGrowing, MessagesLeftBehind, drain_results
    from flows.redrive_dlq import redrive_dlq

    sqs = stack.client("sqs")
    sent = sqs.send_message(QueueUrl=stack.queue_url, MessageBody="garbage")["MessageId"]
    # SQS moves it after maxReceiveCount (2) receives; each receive's lease is short here. Each drain
    # that meets it fails at once, naming it, rather than finishing green
    for _ in range(2):
        with pytest.raises(MessagesLeftBehind, match=f"1 messages could not be applied .*: {sent}$"):
            drain_results(max_seconds=5)
        time.sleep(1.2)
    monkeypatch.setenv("DESCGEN_DLQ_ALERT_THRESHOLD", "0")
    get_settings.cache_clear()
    with pytest.raises(DeadLetterQueueGrowing, match="holds 1 messages, over the threshold of 0"):
        drain_results(max_seconds=5)
    listed = redrive_dlq(dry_run=True)
    assert [letter.bytes for letter in listed.listed] == [len("garbage")]
    [note] = [letter.note for letter in listed.listed]  # what the drain learned, shown by the dry run
    assert note is not None
    assert note.reason.startswith("undecodable: result page is not JSON")
    moved = redrive_dlq(dry_run=False)
    assert (moved.method, moved.moved) == ("receive/send/delete", 1)
    bodies = [m["Body"] for m in sqs.receive_message(QueueUrl=stack.queue_url, WaitTimeSeconds=0).get("Messages", [])]
    assert bodies == ["garbage"]


def test_a_database_down_before_the_drain_starts_receives_nothing_and_deletes_nothing(stack, engine, monkeypatch):
    from flows.drain_results import drain_results

    store = load(engine, catalog("dbdown", products=4, languages=("en",)))
    from flows.generate_descriptions import generate_descriptions

    generate_descriptions(store=store)
    stack.wait_until_idle(60)
    waiting = queue_depth(stack.client("sqs"), stack.queue_url).visible
    assert waiting > 0
    monkeypatch.setenv("DESCGEN_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    for cached in (get_settings, connections.engine):
        cached.cache_clear()
    with pytest.raises(Exception, match="database unavailable, nothing received"):
        drain_results(max_seconds=5)
    assert queue_depth(stack.client("sqs"), stack.queue_url).visible == waiting
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(Description)) == 0


class DatabaseOutage:
    """The drain's database goes down right after its first receive is committed, and stays down.

    Every statement from then on fails as SQLite fails when its file is gone; ``end()`` brings it back.
    """

    def __init__(self, engine) -> None:
        self._engine = engine
        self._wrote = False
        self.down = False
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._commit)

    def _statement(self, connection, cursor, statement, parameters, context, executemany) -> None:
        if self.down:
            raise sqlite3.OperationalError("unable to open database file")
        self._wrote = self._wrote or statement.lstrip().upper().startswith(("INSERT", "UPDATE"))

    def _commit(self, connection) -> None:
        self.down = self.down or self._wrote

    def end(self) -> None:
        event.remove(self._engine, "before_cursor_execute", self._statement)
        event.remove(self._engine, "commit", self._commit)


def test_the_database_going_down_mid_drain_run_deletes_nothing_it_did_not_commit(stack, engine, short_leases):
    from flows.drain_results import drain_results
    from flows.generate_descriptions import generate_descriptions

    # GIVEN results for 120 tasks waiting in the queue: more than one receive's worth of pages
    store = load(engine, catalog("dbmid", products=120, languages=("en",)))
    generate_descriptions(store=store)
    stack.wait_until_idle(60)
    waiting = queue_depth(stack.client("sqs"), stack.queue_url).visible
    assert waiting > 10
    # WHEN the database goes down in the middle of the drain run, after its first receive was committed
    outage = DatabaseOutage(connections.engine())
    try:
        with pytest.raises(Exception, match="database unavailable mid-drain, nothing deleted"):
            drain_results(max_seconds=30)
    finally:
        outage.end()
    # THEN the run stopped mid-way: some results were committed, the rest are still in the queue
    assert outage.down
    committed = states(engine, store).get("done", 0)
    assert 0 < committed < 120
    assert 0 < queue_depth(stack.client("sqs"), stack.queue_url).total < waiting
    # AND once the database is back, the next run applies exactly the rest: nothing committed was left
    # in the queue (it would come back stale), nothing uncommitted was deleted (it would be missing)
    time.sleep(1.2)  # the leases of the messages received before the outage
    report = drain_results(max_seconds=30)
    assert (report.results.applied, report.results.stale) == (120 - committed, 0)
    assert states(engine, store) == {"done": 120}
    assert queue_depth(stack.client("sqs"), stack.queue_url).total == 0


# --- issue 3: fingerprints, human edits, rollback through the flows ----------------------------


def test_editing_ten_percent_of_titles_sends_exactly_those_products_and_a_second_run_sends_nothing(stack, engine):
    from flows.generate_descriptions import generate_descriptions

    # GIVEN a 1,000-product catalog in three languages, fully generated
    document = catalog("thousand", products=1000, languages=("en", "de", "fr"))
    store = load(engine, document)
    cycle(stack, engine, store)
    assert states(engine, store) == {"done": 3000}
    # WHEN every tenth product's title is edited and the scheduled generate flow runs
    edited = {item["id"] for item in document["products"][::10]}
    for item in document["products"]:
        if item["id"] in edited:
            item["title"] += " (2027 model)"
    load(engine, document)
    [batch] = generate_descriptions(store=store)
    # THEN exactly those products' tasks, in every language, were sent, and nothing else
    with session_scope(engine) as session:
        sent = session.execute(
            select(GenerationTask.language_id, Product.external_id)
            .join(Product, Product.id == GenerationTask.product_id)
            .where(GenerationTask.batch_id == batch.batch_id)
        ).all()
    assert batch.estimate.records == len(sent) == 300
    assert {product for _, product in sent} == edited
    assert {language for language, _ in sent} == {"en", "de", "fr"}
    settle(stack, engine, store)
    assert generate_descriptions(store=store) == []
    assert states(engine, store) == {"done": 3000}


def test_the_same_output_file_delivered_twice_leaves_the_same_rows(stack, engine):
    store = load(engine, catalog("twice", products=5, languages=("en", "de")))
    cycle(stack, engine, store)
    with session_scope(engine) as session:
        before = sorted((d.product_id, d.language_id, d.html, d.version) for d in session.scalars(select(Description)))
        batch = session.scalars(select(Batch).where(Batch.store_id == store)).one()
    # S3 delivers at least once: the same object created again notifies the parser again
    s3 = stack.client("s3")
    [output] = [
        item["Key"]
        for item in s3.list_objects_v2(Bucket=stack.bucket, Prefix=f"output/{batch.id}/")["Contents"]
        if item["Key"].endswith(".jsonl.out")
    ]
    s3.copy_object(
        Bucket=stack.bucket, Key=output, CopySource={"Bucket": stack.bucket, "Key": output}, MetadataDirective="REPLACE"
    )
    stack.wait_until_idle(60)
    from flows.drain_results import drain_results

    report = drain_results(max_seconds=10)
    assert (report.results.applied, report.results.stale) == (0, 10)
    with session_scope(engine) as session:
        after = sorted((d.product_id, d.language_id, d.html, d.version) for d in session.scalars(select(Description)))
    assert after == before


def test_a_human_edit_survives_its_batch_and_the_drain_says_so(stack, engine):
    from flows.drain_results import drain_results
    from flows.generate_descriptions import generate_descriptions

    store = load(engine, catalog("human", products=3, languages=("en",)))
    generate_descriptions(store=store)
    with session_scope(engine) as session:
        mark_human_edited(
            session,
            store,
            "P2",
            "en",
            "<p>Anna wrote this one herself.</p>",
            PublishRules.from_settings(get_settings()),
        )
    stack.wait_until_idle(60)
    report = drain_results(max_seconds=10)
    assert (report.results.applied, report.results.skipped_human, report.results.human_kept) == (2, 1, ["P2/en"])
    with session_scope(engine) as session:
        kept = session.execute(
            select(Description.html, Description.source)
            .join(Product, Product.id == Description.product_id)
            .where(Product.external_id == "P2")
        ).one()
    assert tuple(kept) == ("<p>Anna wrote this one herself.</p>", "human")


def test_the_rollback_flow_restores_the_previous_versions_and_the_next_run_does_not_regenerate(stack, engine):
    from flows.generate_descriptions import generate_descriptions
    from flows.rollback_batch import rollback_batch

    document = catalog("undo", products=4, languages=("en",))
    store = load(engine, document)
    cycle(stack, engine, store)
    with session_scope(engine) as session:
        before = {d.product_id: d.html for d in session.scalars(select(Description))}
    document["products"][0]["title"] = "A title that went wrong"
    load(engine, document)
    cycle(stack, engine, store)
    with session_scope(engine) as session:
        bad = session.scalars(select(Batch).where(Batch.store_id == store).order_by(Batch.created_at.desc())).first()
    report = rollback_batch(batch_id=bad.id)
    assert (report.restored, report.tasks_skipped) == (1, 1)
    with session_scope(engine) as session:
        assert {d.product_id: d.html for d in session.scalars(select(Description))} == before
    assert generate_descriptions(store=store) == []


def test_an_on_demand_remainder_retried_after_it_was_sent_is_not_bought_twice(stack, engine, monkeypatch):
    from tasks.generate import claim_batch, send_on_demand, sync_catalog

    store = load(engine, catalog("retry-od", products=2, languages=("en",)))
    sync_catalog.fn(store, get_settings().model_id)
    batch_id = claim_batch.fn(store, get_settings().model_id, None, 10, mode="on_demand")
    first = send_on_demand.fn(batch_id)
    assert first.records == 2
    assert send_on_demand.fn(batch_id) is None  # a task retry: the batch has already ended
    with session_scope(engine) as session:
        batch = session.get_one(Batch, batch_id)
    assert (batch.input_tokens, batch.cost_usd) == (first.input_tokens, first.cost.on_demand_usd)
    settle(stack, engine, store)
    assert states(engine, store) == {"done": 2}


def test_a_run_whose_batch_monitor_released_sends_nothing_more(stack, engine):
    from descgen.generation import BatchNoLongerOpen
    from flows.monitor_jobs import monitor_jobs
    from tasks.generate import claim_batch, sync_catalog, write_batch_file

    store = load(engine, catalog("slow", products=2, languages=("en",)))
    sync_catalog.fn(store, get_settings().model_id)
    batch_id = claim_batch.fn(store, get_settings().model_id, None, 10)
    assert monitor_jobs().released_tasks == 2  # the run looked dead (stale after 0 minutes here)
    with pytest.raises(BatchNoLongerOpen, match="released"):
        write_batch_file.fn(batch_id)
    assert stack.client("s3").list_objects_v2(Bucket=stack.bucket, Prefix=f"input/{batch_id}").get("KeyCount", 0) == 0


def test_a_batch_that_never_gets_a_job_stops_being_republished_and_its_tasks_are_retried(stack, engine, monkeypatch):
    from flows.generate_descriptions import generate_descriptions
    from flows.monitor_jobs import monitor_jobs

    monkeypatch.setenv("DESCGEN_MAX_JOB_REQUESTS", "2")
    get_settings.cache_clear()
    store = load(engine, catalog("nojob", products=2, languages=("en",)))
    sns = stack.client("sns")
    [subscription] = sns.list_subscriptions_by_topic(TopicArn=stack.topic_arn)["Subscriptions"]
    sns.unsubscribe(SubscriptionArn=subscription["SubscriptionArn"])  # every job request is lost
    try:
        generate_descriptions(store=store)
        assert monitor_jobs().republished == 1
        closing = monitor_jobs()
    finally:
        stack.resubscribe_create_job()
    assert closing.republished == 0
    assert closing.retried_tasks == 2
    assert states(engine, store) == {"pending": 2}
    assert {t.reason for t in tasks(engine, store)} == {"no Bedrock job after 2 job requests"}


def test_a_batch_monitor_cannot_follow_does_not_hold_back_the_others(stack, engine):
    from flows.monitor_jobs import BatchesNotFollowed, monitor_jobs

    # GIVEN a batch whose recorded job does not exist, and a healthy batch after it
    broken = load(engine, catalog("broken", products=1, languages=("en",)))
    healthy = load(engine, catalog("healthy", products=2, languages=("en",)))
    from flows.generate_descriptions import generate_descriptions

    [lost] = generate_descriptions(store=broken)
    stack.wait_until_idle(60)
    with session_scope(engine) as session:
        batch = session.get_one(Batch, lost.batch_id)
        batch.state = "submitted"
        batch.job_arn = "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/nosuchjob000"
    generate_descriptions(store=healthy)
    stack.wait_until_idle(60)
    from flows.drain_results import drain_results

    drain_results(max_seconds=10)
    # WHEN monitor-jobs runs
    with pytest.raises(BatchesNotFollowed, match="1 batch"):
        monitor_jobs()
    # THEN the healthy batch was still followed to its end
    assert states(engine, healthy) == {"done": 2}
    with session_scope(engine) as session:
        assert session.scalars(select(Batch.state).where(Batch.store_id == healthy)).one() == "closed"


def test_a_drain_leaves_its_progress_bar_at_its_end(stack, engine):
    # GIVEN a batch's results waiting (a drain of a few messages moves its bar less often than every 5 s)
    from prefect import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    from flows.drain_results import drain_results
    from flows.generate_descriptions import generate_descriptions

    store = load(engine, catalog("bar", products=3, languages=("en",)))
    generate_descriptions(store=store)
    stack.wait_until_idle(60)
    # WHEN the drain runs
    drain_results(max_seconds=10)
    # THEN its progress artifact says 100%, with how many messages and why it stopped
    with get_client(sync_client=True) as client:
        [bar] = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["drain-results-progress"])),
            limit=1,
            sort="CREATED_DESC",
        )
    assert float(bar.data) == 100.0
    assert "queue empty" in (bar.description or "")
