"""A meter inside the emulated SQS server: requests and server time per queue and action.

The local stack's moto server runs in this process, so wrapping moto's SQS
request handlers counts every call whoever makes it: the parse Lambda in its own
process, the drain, the runner. That makes the benchmark's request counts a
measurement independent of the counters in the code under test (the drain's
``DrainReport.sqs_requests`` is cross-checked against it). It also shows how long
moto itself spends on each action, which is how its slowdown on a full queue is
seen. Only the benchmark installs it; nothing in descgen or local/ knows of it.
"""

from __future__ import annotations

import functools
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from moto.sqs.responses import SQSResponse

SENDS = ("send_message", "send_message_batch")
RECEIVES = ("receive_message",)
DELETES = ("delete_message", "delete_message_batch")
METERED = (*SENDS, *RECEIVES, *DELETES, "change_message_visibility", "get_queue_attributes")


class SqsMeter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: Counter[tuple[str, str]] = Counter()
        self.seconds: Counter[tuple[str, str]] = Counter()

    def record(self, queue: str, action: str, seconds: float) -> None:
        with self._lock:
            self.requests[queue, action] += 1
            self.seconds[queue, action] += seconds

    def count(self, queue: str, actions: tuple[str, ...]) -> int:
        with self._lock:
            return sum(self.requests[queue, action] for action in actions)

    def server_seconds(self, queue: str, actions: tuple[str, ...]) -> float:
        with self._lock:
            return sum(self.seconds[queue, action] for action in actions)

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self.seconds.clear()


@contextmanager
def metered_sqs() -> Iterator[SqsMeter]:
    """Install the meter on moto's SQS handlers for the duration of the block."""
    meter = SqsMeter()
    originals = {action: getattr(SQSResponse, action) for action in METERED}
    for action, original in originals.items():
        setattr(SQSResponse, action, _metered(meter, action, original))
    try:
        yield meter
    finally:
        for action, original in originals.items():
            setattr(SQSResponse, action, original)


def _metered(meter: SqsMeter, action: str, original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def handler(response: SQSResponse) -> Any:
        started = time.perf_counter()
        try:
            return original(response)
        finally:
            meter.record(response._get_queue_name(), action, time.perf_counter() - started)

    return handler
