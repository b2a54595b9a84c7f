"""The drain when things break: the database goes down, a page cannot be applied, deletes fail."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.exc import OperationalError

from descgen.aws.queues import queue_depth
from descgen.db.models import Description, GenerationTask
from descgen.db.session import make_engine, session_scope
from descgen.draining import DatabaseUnavailable, drain
from descgen.settings import Settings
from tests.builders import answer, catalog, good_body, load, page, submit
from tests.conftest import POSTGRES_ADMIN_URL


def settings_for(url: str, queue_url: str) -> Settings:
    return Settings(
        database_url=url,
        bucket="unused",
        topic_arn="unused",
        queue_url=queue_url,
        dlq_url=queue_url,
        receive_wait_seconds=0,
    )


@pytest.fixture
def queue_url(aws) -> str:
    return aws("sqs").create_queue(QueueName=f"drain-{uuid.uuid4().hex[:8]}", Attributes={"VisibilityTimeout": "1"})[
        "QueueUrl"
    ]


def send_pages(aws, queue_url, pages) -> None:
    for item in pages:
        aws("sqs").send_message(QueueUrl=queue_url, MessageBody=item.to_json())


def depth(aws, queue_url) -> int:
    return queue_depth(aws("sqs"), queue_url).total


class SqsThatCutsTheDatabase:
    """The real SQS client; right after the first receive, the database goes down."""

    def __init__(self, sqs, cut) -> None:
        self._sqs = sqs
        self._cut = cut
        self.deletes = 0

    def receive_message(self, **kwargs):
        answer = self._sqs.receive_message(**kwargs)
        if self._cut:
            self._cut()
            self._cut = None
        return answer

    def delete_message_batch(self, **kwargs):
        self.deletes += 1
        return self._sqs.delete_message_batch(**kwargs)


@pytest.mark.postgres
def test_the_database_going_down_mid_drain_deletes_nothing_and_loses_nothing(postgres_server, aws, queue_url):
    from descgen.db import migrate
    from tests.conftest import create_postgres_database, drop_postgres_database

    # GIVEN results waiting in the queue for a PostgreSQL database
    url = create_postgres_database(postgres_server)
    name = url.rsplit("/", 1)[1]
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    engine = make_engine(url)
    try:
        migrate.upgrade(url)
        store = load(engine, catalog("outage", products=6, languages=("en",)))
        batch_id, tasks = submit(engine, store)
        send_pages(
            aws,
            queue_url,
            [
                page(batch_id, *(answer(engine, t) for t in tasks[:3])),
                page(batch_id, *(answer(engine, t) for t in tasks[3:])),
            ],
        )

        def outage() -> None:
            with admin.connect() as connection:
                connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
                connection.execute(
                    text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
                )

        # WHEN the database goes down right after the drain received the messages
        sqs = SqsThatCutsTheDatabase(aws("sqs"), outage)
        with pytest.raises(DatabaseUnavailable, match="nothing deleted"):
            drain(engine, sqs, settings_for(url, queue_url), max_messages=100, max_seconds=10)
        # THEN nothing was deleted: both messages are still in the queue
        assert sqs.deletes == 0
        assert depth(aws, queue_url) == 2
        # AND once the database is back, the next drain applies everything
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        engine.dispose()
        import time

        time.sleep(1.1)  # the received messages' visibility timeout
        report = drain(engine, aws("sqs"), settings_for(url, queue_url), max_messages=100, max_seconds=10)
        assert report.results.applied == 6
        assert depth(aws, queue_url) == 0
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        admin.dispose()
        drop_postgres_database(postgres_server, url)


def test_a_database_that_is_down_before_the_drain_starts_receives_nothing(aws, queue_url, tmp_path):
    aws("sqs").send_message(QueueUrl=queue_url, MessageBody="anything")
    engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    with pytest.raises(DatabaseUnavailable, match="nothing received"):
        drain(engine, aws("sqs"), settings_for("unused", queue_url), max_messages=10, max_seconds=5)
    received = aws("sqs").get_queue_attributes(
        QueueUrl=queue_url, AttributeNames=["ApproximateNumberOfMessagesNotVisible"]
    )
    assert received["Attributes"]["ApproximateNumberOfMessagesNotVisible"] == "0"


def test_a_message_that_cannot_be_decoded_stays_behind_while_the_others_are_applied(engine, aws, queue_url):
    # GIVEN two good pages and a message that is not a page
    store = load(engine, catalog("poison", products=4, languages=("en",)))
    batch_id, tasks = submit(engine, store)
    good = [page(batch_id, answer(engine, t)) for t in tasks[:2]]
    send_pages(aws, queue_url, good)
    aws("sqs").send_message(QueueUrl=queue_url, MessageBody='{"schemaVersion": 1, "batchId": "b", "results": "oops"}')
    url = engine.url.render_as_string(hide_password=False)
    # WHEN the drain runs
    report = drain(engine, aws("sqs"), settings_for(url, queue_url), max_messages=3, max_seconds=10)
    # THEN the good pages are applied and deleted, the bad one is left for the dead-letter queue
    assert (report.results.applied, report.undecodable, report.deleted) == (2, 1, 2)
    assert "left for the dead-letter queue" in report.problems[0]
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(Description)) == 2
        assert session.scalar(select(func.count()).where(GenerationTask.state == "submitted")) == 2


REFUSE_POISON = {
    "postgresql": [
        "CREATE FUNCTION refuse_poison() RETURNS trigger AS $$ BEGIN "
        "IF NEW.html LIKE '%poison%' THEN RAISE EXCEPTION 'refused by a database rule'; END IF; "
        "RETURN NEW; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER refuse_poison BEFORE INSERT ON descriptions FOR EACH ROW EXECUTE FUNCTION refuse_poison()",
    ],
    "sqlite": [
        "CREATE TRIGGER refuse_poison BEFORE INSERT ON descriptions WHEN NEW.html LIKE '%poison%' "
        "BEGIN SELECT RAISE(ABORT, 'refused by a database rule'); END",
    ],
}


def test_a_page_the_database_refuses_stays_behind_while_the_others_are_applied(engine, aws, queue_url):
    # GIVEN a database rule that refuses one product's text, and three pages, one of them with that text
    with engine.begin() as connection:
        for statement in REFUSE_POISON[engine.dialect.name]:
            connection.execute(text(statement))
    store = load(engine, catalog("refused", products=3, languages=("en",)))
    batch_id, tasks = submit(engine, store)
    send_pages(
        aws,
        queue_url,
        [
            page(batch_id, answer(engine, tasks[0])),
            page(batch_id, answer(engine, tasks[1], good_body(engine, tasks[1]) + "<p>This text is poison.</p>")),
            page(batch_id, answer(engine, tasks[2])),
        ],
    )
    url = engine.url.render_as_string(hide_password=False)
    # WHEN the drain runs
    report = drain(engine, aws("sqs"), settings_for(url, queue_url), max_messages=3, max_seconds=10)
    # THEN the two good pages are applied and deleted; the refused one is not deleted (it heads for the DLQ)
    assert (report.results.applied, report.unapplied, report.deleted) == (2, 1, 2)
    assert "could not be applied" in report.problems[0]
    assert depth(aws, queue_url) == 1


def test_the_drain_reports_its_progress_after_every_receive(engine, aws):
    # the deployment's visibility timeout: a slow machine must not see a message twice
    queue_url = aws("sqs").create_queue(
        QueueName=f"progress-{uuid.uuid4().hex[:8]}", Attributes={"VisibilityTimeout": "120"}
    )["QueueUrl"]
    store = load(engine, catalog("progress", products=25, languages=("en",)))
    batch_id, tasks = submit(engine, store)
    send_pages(aws, queue_url, [page(batch_id, answer(engine, t)) for t in tasks])
    seen: list[int] = []
    url = engine.url.render_as_string(hide_password=False)
    report = drain(
        engine,
        aws("sqs"),
        settings_for(url, queue_url),
        max_messages=100,
        max_seconds=10,
        on_receive=lambda r: seen.append(r.messages),
    )
    assert seen[-1] == report.messages == 25
    assert seen == sorted(seen)
    assert len(seen) >= 3  # at most ten messages a receive


class LostRaces:
    """The database answers the drain's first ``times`` writes as PostgreSQL answers a transaction that
    lost a race: OperationalError with SQLSTATE ``sqlstate`` (40P01 deadlock_detected by default)."""

    def __init__(self, engine, times: int = 1, sqlstate: str = "40P01") -> None:
        self._engine = engine
        self.left = times
        self.raised = 0
        self._error = {"40P01": psycopg.errors.DeadlockDetected, "40001": psycopg.errors.SerializationFailure}.get(
            sqlstate, psycopg.errors.AdminShutdown
        )
        event.listen(engine, "before_cursor_execute", self._statement)

    def _statement(self, connection, cursor, statement, parameters, context, executemany) -> None:
        if self.left and statement.lstrip().upper().startswith(("INSERT", "UPDATE")):
            self.left -= 1
            self.raised += 1
            raise OperationalError(statement, parameters, self._error("the transaction lost a race"))

    def end(self) -> None:
        event.remove(self._engine, "before_cursor_execute", self._statement)


def descriptions_per_task(engine) -> list[int]:
    with session_scope(engine) as session:
        return list(
            session.scalars(
                select(func.count(Description.id)).group_by(Description.product_id, Description.language_id)
            )
        )


@pytest.mark.parametrize("sqlstate", ["40P01", "40001"], ids=["deadlock", "serialization failure"])
def test_a_receive_that_lost_a_race_in_the_database_is_applied_again_and_once(engine, aws, queue_url, sqlstate):
    # GIVEN three pages waiting, and a database whose first write of the drain loses a race
    store = load(engine, catalog(f"race-{sqlstate.lower()}", products=3, languages=("en",)))
    batch_id, tasks = submit(engine, store)
    send_pages(aws, queue_url, [page(batch_id, answer(engine, t)) for t in tasks])
    url = engine.url.render_as_string(hide_password=False)
    races = LostRaces(engine, times=1, sqlstate=sqlstate)
    # WHEN the drain runs
    try:
        report = drain(engine, aws("sqs"), settings_for(url, queue_url), max_messages=10, max_seconds=10)
    finally:
        races.end()
    # THEN the receive was run again in a new transaction: every result applied once, every message deleted
    assert races.raised == 1
    assert (report.results.applied, report.unapplied, report.deleted) == (3, 0, 3)
    assert descriptions_per_task(engine) == [1, 1, 1]
    assert depth(aws, queue_url) == 0


def test_a_receive_that_keeps_losing_races_is_tried_three_times_then_left_in_the_queue(engine, aws, queue_url):
    # GIVEN a page waiting, and a database where every write loses a race
    store = load(engine, catalog("races", products=1, languages=("en",)))
    batch_id, [task] = submit(engine, store)
    send_pages(aws, queue_url, [page(batch_id, answer(engine, task))])
    url = engine.url.render_as_string(hide_password=False)
    races = LostRaces(engine, times=100)
    # WHEN the drain runs, THEN it stops after three tries, deletes nothing, writes nothing
    try:
        with pytest.raises(DatabaseUnavailable, match="nothing deleted"):
            drain(engine, aws("sqs"), settings_for(url, queue_url), max_messages=10, max_seconds=10)
    finally:
        races.end()
    assert races.raised == 3
    assert descriptions_per_task(engine) == []
    assert depth(aws, queue_url) == 1


def test_a_database_error_that_is_not_a_lost_race_is_not_retried(engine, aws, queue_url):
    # GIVEN a page waiting, and a database that fails the drain's first write for good (an admin shutdown)
    store = load(engine, catalog("shutdown", products=1, languages=("en",)))
    batch_id, [task] = submit(engine, store)
    send_pages(aws, queue_url, [page(batch_id, answer(engine, task))])
    url = engine.url.render_as_string(hide_password=False)
    races = LostRaces(engine, times=1, sqlstate="57P01")
    # WHEN the drain runs, THEN it is not tried again: it fails at once, and the message stays
    try:
        with pytest.raises(DatabaseUnavailable, match="nothing deleted"):
            drain(engine, aws("sqs"), settings_for(url, queue_url), max_messages=10, max_seconds=10)
    finally:
        races.end()
    assert races.raised == 1
    assert depth(aws, queue_url) == 1


class Clock:
    """Monotonic seconds that move only when the drain receives: each receive takes ``per_receive`` s."""

    def __init__(self, sqs, per_receive: float) -> None:
        self._sqs = sqs
        self._per_receive = per_receive
        self.now = 0.0
        self.receives = 0

    def __call__(self) -> float:
        return self.now

    def receive_message(self, **kwargs):
        self.receives += 1
        self.now += self._per_receive
        return self._sqs.receive_message(**kwargs)

    def __getattr__(self, name):
        return getattr(self._sqs, name)


def test_the_drain_stops_at_its_time_budget_and_applies_the_receive_in_hand(engine, aws, queue_url):
    # GIVEN 25 pages waiting (three receives' worth), and receives that take 4 s each
    store = load(engine, catalog("budget", products=25, languages=("en",)))
    batch_id, tasks = submit(engine, store)
    send_pages(aws, queue_url, [page(batch_id, answer(engine, t)) for t in tasks])
    url = engine.url.render_as_string(hide_password=False)
    sqs = Clock(aws("sqs"), per_receive=4.0)
    # WHEN the drain runs with a budget of 6 s
    report = drain(engine, sqs, settings_for(url, queue_url), max_messages=100, max_seconds=6, clock=sqs)
    # THEN it receives twice (at 0 s and 4 s; at 8 s the budget is spent), and applies and deletes
    # both receives, the one in hand included; the third receive's pages wait for the next run
    assert report.stopped_because == "time budget of 6s used"
    assert sqs.receives == 2
    assert report.messages == report.results.applied == report.deleted == 20
    assert report.seconds == 8.0
    assert depth(aws, queue_url) == 5
