"""The drain's read-ahead: receives judged in a second process give the same outcome as the drain alone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from descgen.db.models import Description, GenerationTask, Product
from descgen.db.session import session_scope
from descgen.draining import drain
from descgen.read_ahead import ReadAhead
from tests.builders import answer, catalog, load, page, submit
from tests.integration.test_drain_failures import depth, send_pages, settings_for

PRODUCTS = 45  # five receives of ten messages at most: the first starts the process, the others use it


def stored(engine) -> dict[str, tuple[str, str | None]]:
    with session_scope(engine) as session:
        rows = session.execute(
            select(Product.external_id, GenerationTask.state, Description.html)
            .join(GenerationTask, GenerationTask.product_id == Product.id)
            .outerjoin(Description, Description.product_id == Product.id)
        )
        return {row.external_id: (row.state, row.html) for row in rows}


@pytest.fixture
def queue_url(aws) -> str:
    """A queue with the deployment's visibility timeout: waiting for the boot below must not redeliver."""
    name = f"ahead-{uuid.uuid4().hex[:8]}"
    return aws("sqs").create_queue(QueueName=name, Attributes={"VisibilityTimeout": "120"})["QueueUrl"]


@pytest.fixture
def booted_before_use(monkeypatch):
    """The read-ahead takes receives once booted, and the drain does not wait for that; here it
    does, so every receive after the first is judged ahead, however slow this machine is today."""
    submit = ReadAhead.submit

    def waiting(self, bodies):
        if self._booted is not None:
            self._booted.result(timeout=120)
        return submit(self, bodies)

    monkeypatch.setattr(ReadAhead, "submit", waiting)


@pytest.mark.parametrize("read_ahead", [True, False])
@pytest.mark.usefixtures("booted_before_use")
def test_a_drain_with_its_read_ahead_stores_what_the_drain_alone_stores(engine, aws, queue_url, read_ahead):
    store = load(engine, catalog("ahead", products=PRODUCTS, languages=("en",)))
    batch_id, tasks = submit(engine, store)
    # one bad answer (another product's marker) among the good ones: retried either way
    results = [answer(engine, t) for t in tasks[1:]] + [answer(engine, tasks[0], marker="#P9#en#")]
    send_pages(aws, queue_url, [page(batch_id, result) for result in results])
    settings = settings_for(engine.url.render_as_string(hide_password=False), queue_url)
    settings = settings.model_copy(update={"drain_read_ahead": read_ahead})

    report = drain(engine, aws("sqs"), settings, max_messages=1000, max_seconds=120)

    assert (report.messages, report.deleted, depth(aws, queue_url)) == (PRODUCTS, PRODUCTS, 0)
    assert (report.results.applied, report.results.retried) == (PRODUCTS - 1, 1)
    if read_ahead:
        assert report.results.judged_ahead >= PRODUCTS - 10  # all but the first receive
    else:
        assert report.results.judged_ahead == 0
    outcome = stored(engine)
    assert outcome.pop("P1") == ("pending", None)
    assert all(state == "done" and html.startswith("<p>") for state, html in outcome.values())


KILLED_DRAIN = """
import sys, time
from sqlalchemy import create_engine
from descgen.read_ahead import ReadAhead
from descgen.verdicts import PublishRules
ahead = ReadAhead(create_engine(sys.argv[1]), PublishRules(frozenset({"p"}), {}, 100), gate=False, enabled=True)
ahead.submit(["{}"] * 10)  # the first full receive starts the process
print(ahead._booted.result(timeout=120), flush=True)
time.sleep(300)
"""


def test_the_read_ahead_process_ends_when_the_drain_is_killed(tmp_path):
    drain_process = subprocess.Popen(
        [sys.executable, "-c", KILLED_DRAIN, f"sqlite:///{tmp_path / 'x.sqlite3'}"], stdout=subprocess.PIPE, text=True
    )
    worker = 0
    try:
        worker = int(drain_process.stdout.readline())
        os.kill(drain_process.pid, signal.SIGKILL)  # no chance to shut its pool down
        drain_process.wait(timeout=10)
        deadline = time.monotonic() + 15
        while _alive(worker) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _alive(worker), "the read-ahead process outlived the drain that started it"
    finally:
        drain_process.kill()
        if worker and _alive(worker):  # the test failed: end what it started
            os.kill(worker, signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "State:\tZ" in status.read_text())  # a zombie has ended
