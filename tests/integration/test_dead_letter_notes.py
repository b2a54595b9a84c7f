"""What the drain learned of each message it left behind, shown by the redrive dry run (issue 14).

On moto: a results queue whose redrive policy moves a message to its DLQ after
``max_receive_count`` receives, as Terraform declares it; SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import text

from descgen import cli
from descgen.aws_layout import LAYOUT
from descgen.db.dead_letters import notes_by_id, prune_notes, record_notes
from descgen.db.models import utcnow
from descgen.db.session import session_scope
from descgen.dead_letters import NEVER_SEEN, PREVIEW_CHARS, note_for, one_line
from descgen.dead_letters import markdown_table as dry_run_table
from descgen.draining import drain
from descgen.redrive import RedriveReport, explain_dead_letters
from descgen.settings import Settings
from tests.builders import answer, catalog, load, page, submit

# a body that is no result page, and would be a link, an image, emphasis and a table cell in Markdown
HOSTILE_BODY = "see [here](http://evil.example) <img src=x onerror=alert(1)> **now** | `rm -rf`\nsecond line"
HOSTILE_BATCH = "[elsewhere](http://evil.example)-1"


@pytest.fixture
def queues(aws) -> tuple[str, str]:
    """A results queue (1 s leases) and its dead-letter queue, with the deployment's redrive policy."""
    sqs = aws("sqs")
    name = f"notes-{uuid.uuid4().hex[:8]}"
    dlq_url = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    policy = {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": LAYOUT.dlq.max_receive_count}
    queue_url = sqs.create_queue(
        QueueName=name, Attributes={"VisibilityTimeout": "1", "RedrivePolicy": json.dumps(policy)}
    )["QueueUrl"]
    return queue_url, dlq_url


def settings_for(engine, queues) -> Settings:
    queue_url, dlq_url = queues
    return Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        bucket="unused",
        topic_arn="unused",
        queue_url=queue_url,
        dlq_url=dlq_url,
        receive_wait_seconds=0,
    )


def send(aws, queue_url: str, body: str) -> str:
    return aws("sqs").send_message(QueueUrl=queue_url, MessageBody=body)["MessageId"]


def drain_until_dead(engine, aws, queues) -> list:
    """Drain as the schedule would until SQS has moved what the drain leaves behind to the DLQ."""
    reports = []
    for _ in range(LAYOUT.dlq.max_receive_count):
        reports.append(drain(engine, aws("sqs"), settings_for(engine, queues), max_messages=10, max_seconds=10))
        time.sleep(1.1)  # the lease of what was left behind
    drain(engine, aws("sqs"), settings_for(engine, queues), max_messages=10, max_seconds=10)  # SQS moves them here
    return reports


def dry_run(engine, aws, queues) -> RedriveReport:
    with session_scope(engine) as session:
        return explain_dead_letters(aws("sqs"), session, queues[1], max_messages=10)


def test_the_dry_run_shows_each_dead_letters_batch_reason_and_preview(engine, aws, queues):
    # GIVEN a good page, a message that is no page, and a page for a batch this database never had
    store = load(engine, catalog("notes", products=2, languages=("en",)))
    batch_id, tasks = submit(engine, store)
    send(aws, queues[0], page(batch_id, answer(engine, tasks[0])).to_json())
    junk = send(aws, queues[0], HOSTILE_BODY)
    foreign_body = page(HOSTILE_BATCH, answer(engine, tasks[1])).to_json()
    foreign = send(aws, queues[0], foreign_body)
    # WHEN the drain meets them until SQS moves what it left behind to the dead-letter queue
    first, second = drain_until_dead(engine, aws, queues)
    # THEN the good page was applied once; the other two were left behind on each receive
    assert (first.results.applied, first.undecodable, first.unapplied) == (1, 1, 1)
    assert (second.undecodable, second.unapplied) == (1, 1)
    # AND the dry run shows each of them with its batch, the reason the drain learned and the start of its body
    report = dry_run(engine, aws, queues)
    letters = {letter.message_id: letter for letter in report.listed}
    assert set(letters) == {junk, foreign}
    junk_note, foreign_note = letters[junk].note, letters[foreign].note
    assert junk_note is not None
    assert foreign_note is not None
    assert (junk_note.batch_id, letters[junk].batch_id) == (None, None)
    assert junk_note.reason.startswith("undecodable: result page is not JSON")
    assert junk_note.preview == letters[junk].preview == one_line(HOSTILE_BODY, PREVIEW_CHARS)
    assert (foreign_note.batch_id, foreign_note.reason) == (HOSTILE_BATCH, "its batch is not in this database")
    assert foreign_note.preview == one_line(foreign_body, PREVIEW_CHARS)
    assert len(foreign_note.preview) == PREVIEW_CHARS
    # AND a redelivered message updated its one note: first seen on the first drain, last on the second
    assert (foreign_note.receive_count, junk_note.receive_count) == (2, 2)
    assert foreign_note.first_seen < foreign_note.last_seen
    # AND in the artifact, the hostile body and batch id are literal text: no link, image, emphasis or cell
    table = dry_run_table(report.listed)
    assert "its batch is not in this database" in table
    assert "undecodable: result page is not JSON" in table
    assert r"see \[here\](http://evil.example) &lt;img src=x onerror=alert(1)&gt; \*\*now\*\* \| \`rm -rf\`" in table
    assert r"\[elsewhere\](http://evil.example)-1" in table
    for markup in ("[here](", "<img", "**now**", "[elsewhere]("):
        assert markup not in table
    assert all(line.count(" | ") == 5 for line in table.splitlines()[4:])  # every row keeps its six cells


def test_a_dead_letter_the_drain_never_saw_says_so(engine, aws, queues):
    # GIVEN a message that reached the DLQ without the drain (sent there by hand)
    sent = send(aws, queues[1], "put here by hand")
    # WHEN the dry run lists the DLQ, THEN it has no note, and says why
    [letter] = dry_run(engine, aws, queues).listed
    assert (letter.message_id, letter.note, letter.preview) == (sent, None, "put here by hand")
    assert NEVER_SEEN in dry_run_table([letter])


def test_a_note_the_database_refuses_does_not_stop_the_drain(engine, aws, queues):
    # GIVEN a database that refuses every note, a message that is no page, and a good page
    refuse = {
        "postgresql": [
            "CREATE FUNCTION refuse_notes() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'notes refused'; END $$ "
            "LANGUAGE plpgsql",
            "CREATE TRIGGER refuse_notes BEFORE INSERT ON dead_letter_notes FOR EACH ROW EXECUTE FUNCTION refuse_notes()",
        ],
        "sqlite": [
            "CREATE TRIGGER refuse_notes BEFORE INSERT ON dead_letter_notes BEGIN SELECT RAISE(ABORT, 'notes refused'); END"
        ],
    }
    with engine.begin() as connection:
        for statement in refuse[engine.dialect.name]:
            connection.execute(text(statement))
    store = load(engine, catalog("unnoted", products=1, languages=("en",)))
    batch_id, [task] = submit(engine, store)
    junk = send(aws, queues[0], "not a page")
    send(aws, queues[0], page(batch_id, answer(engine, task)).to_json())
    # WHEN the drain runs
    report = drain(engine, aws("sqs"), settings_for(engine, queues), max_messages=10, max_seconds=10)
    # THEN the good page is applied and the junk left behind, as without notes; the lost note is a reported problem
    assert (report.results.applied, report.deleted, report.undecodable, report.left_behind) == (1, 1, 1, [junk])
    assert any("were not recorded" in problem and "notes refused" in problem for problem in report.problems)


def test_notes_older_than_the_dlq_keeps_a_message_are_pruned(engine):
    # GIVEN a note last seen just past the DLQ's retention, and one just inside it
    now = utcnow()
    retention = timedelta(seconds=LAYOUT.dlq.message_retention_seconds)
    old = note_for("m-old", "x", 2, "undecodable", now - retention - timedelta(minutes=1))
    recent = note_for("m-recent", "y", 2, "undecodable", now - retention + timedelta(minutes=1))
    with session_scope(engine) as session:
        record_notes(session, [old, recent])
    # WHEN housekeeping counts (a dry run), THEN nothing goes; WHEN it prunes, THEN only the old one goes
    with session_scope(engine) as session:
        assert prune_notes(session, now - retention, dry_run=True) == 1
    with session_scope(engine) as session:
        assert prune_notes(session, now - retention, dry_run=False) == 1
    with session_scope(engine) as session:
        assert set(notes_by_id(session, ["m-old", "m-recent"])) == {"m-recent"}


def test_descgen_dlq_list_prints_each_dead_letter_with_its_note(engine, aws, queues, moto_url, monkeypatch, capsys):
    # GIVEN a message the drain could not decode, now in the DLQ
    junk = send(aws, queues[0], HOSTILE_BODY)
    drain_until_dead(engine, aws, queues)
    # AND the settings a worker reads
    for key in [key for key in os.environ if key.startswith("DESCGEN_")]:
        monkeypatch.delenv(key)
    settings = settings_for(engine, queues)
    environment = {"DATABASE_URL": settings.database_url, "BUCKET": "unused", "TOPIC_ARN": "unused"}
    environment |= {"QUEUE_URL": queues[0], "DLQ_URL": queues[1], "SQS_ENDPOINT_URL": moto_url}
    for key, value in environment.items():
        monkeypatch.setenv(f"DESCGEN_{key}", value)
    cli.settings.cache_clear()
    # WHEN the operator lists the DLQ
    try:
        status = cli.main(["dlq", "list"])
    finally:
        cli.settings.cache_clear()
    # THEN one line names the message, its reason and the start of its body, on one line
    out = capsys.readouterr().out
    assert status == 0
    [line] = out.splitlines()
    assert line.startswith(f"{junk}  batch -  ")
    assert "undecodable: result page is not JSON" in line
    assert line.endswith(f"preview: {one_line(HOSTILE_BODY, PREVIEW_CHARS)}")
