"""The drain's read-ahead: the next receive judged in a second process while this one is written.

The drain is CPU-bound in one process, and half of that is pure work: the verdict
(sanitizing, the markers' readings) and the quality gate's reading (normalized text,
MinHash sketch, every check but the duplicate one). While the drain writes receive N,
a second process reads receive N+1's task rows (a snapshot, no lock) and does that
work. The drain then reads the rows again under its lock and uses a judgement only
where the task row and the store's voice are what the snapshot saw
(``deliveries.judge_deliveries``); anything else is judged again in the drain. So the
read-ahead changes where the work runs, never what is decided.

The process starts at the first full receive (a queue with little in it is drained as
before) and takes receives once it has booted; it stops with the drain. If it fails,
the drain judges everything itself. A receive is held one receive longer than without
it: far within the queue's visibility timeout.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from functools import lru_cache

from sqlalchemy import Engine

from descgen.contract.messages import ContractError, ResultPage
from descgen.contract.sqs_batches import MAX_ENTRIES_PER_CALL
from descgen.db.results import task_rows
from descgen.db.session import make_engine, session_scope
from descgen.db.voices import voices
from descgen.deliveries import ApplyReport, Prejudged, deliveries_by_task, prejudge
from descgen.quality.gate import detect_language
from descgen.verdicts import PublishRules

log = logging.getLogger(__name__)


def read_ahead(database_url: str, bodies: Sequence[str], rules: PublishRules, gate: bool) -> Prejudged:
    """In the second process: the receive's pages judged on a snapshot of their task rows."""
    pages = []
    for body in bodies:
        try:
            pages.append(ResultPage.from_json(body))
        except ContractError:
            continue  # the drain reports it
    with session_scope(_engine(database_url)) as session:
        tasks = task_rows(session, deliveries_by_task(pages, ApplyReport()), lock=False)
        store_voices = voices(session, {task.store_id for task in tasks.values()})
    return prejudge(pages, tasks, rules, store_voices, gate=gate)


def _follow_parent(parent: int) -> None:
    """The process ends with the drain, even one killed with no chance to stop it (SIGKILL):
    else it would wait forever on its queue, holding a database connection."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_PARENT_CHECK_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, name="follow-parent", daemon=True).start()


_PARENT_CHECK_SECONDS = 1.0


def _boot() -> int:
    """What the first receive would wait for: the imports (done), the language model; the process id."""
    detect_language("boot")
    return os.getpid()


@lru_cache(maxsize=4)
def _engine(database_url: str) -> Engine:
    return (
        make_engine(database_url, pool_size=1) if not database_url.startswith("sqlite") else make_engine(database_url)
    )


class ReadAhead:
    """One second process for one drain (``with``); ``submit`` a receive, ``result`` when it is its turn."""

    def __init__(self, engine: Engine, rules: PublishRules, *, gate: bool, enabled: bool) -> None:
        self._url = engine.url.render_as_string(hide_password=False)
        self._rules = rules
        self._gate = gate
        self._enabled = enabled and engine.url.database not in (None, "", ":memory:")
        self._pool: ProcessPoolExecutor | None = None
        self._booted: Future[int] | None = None

    def __enter__(self) -> ReadAhead:
        return self

    def __exit__(self, *_: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def submit(self, bodies: Sequence[str]) -> Future[Prejudged] | None:
        """Start judging a receive; None: the drain judges it itself (so does it the first full
        receive, which starts the process: it boots while the drain works)."""
        if not self._enabled:
            return None
        if self._pool is None:
            if len(bodies) >= MAX_ENTRIES_PER_CALL:
                # spawn, not fork: the drain runs inside Prefect's threads, which a fork would copy mid-step
                self._pool = ProcessPoolExecutor(
                    max_workers=1,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_follow_parent,
                    initargs=(os.getpid(),),
                )
                self._booted = self._pool.submit(_boot)
            return None
        if self._booted is not None and not self._booted.done():
            return None  # still booting: the drain does not wait for it (its messages' visibility runs)
        return self._pool.submit(read_ahead, self._url, list(bodies), self._rules, self._gate)

    def result(self, future: Future[Prejudged] | None) -> Prejudged | None:
        if future is None:
            return None
        try:
            return future.result()
        except Exception as error:  # the drain judges the receive itself: slower, never wrong
            log.warning("read-ahead failed (%r); judging this receive in the drain", error)
            self._enabled = False
            return None
