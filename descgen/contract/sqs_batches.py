"""Pages of results in SQS messages, and SQS batch calls that lose no entry.

``SendMessageBatch`` and ``DeleteMessageBatch`` answer 200 even when some entries
failed; the failures are listed per entry. Every failed entry is retried with
backoff; an entry that still fails (or fails by the sender's fault, which no retry
heals) raises ``SqsBatchError`` from a send, so the caller fails loudly and its
trigger retries it. A delete that keeps failing is reported, not raised: the
message becomes visible again and is applied again, which is idempotent.

The bound: ``SQS_BATCH_ATTEMPTS`` calls per group of ten entries, with full-jitter
backoff between them (at most ``longest_total_wait(4, base=0.1, cap=2.0)`` = 1.4 s of
sleep). botocore's standard mode retries each of those calls on its own (throttling,
5xx, transport errors: the whole call failed, not some entries), so one group costs
at most ``SQS_BATCH_ATTEMPTS`` x the client's attempts requests (4 x 3 = 12 with the
clients descgen and the Lambdas build).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from descgen.contract.backoff import full_jitter_delay
from descgen.contract.messages import RecordResult, ResultPage

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

MAX_ENTRIES_PER_CALL = 10  # SQS limit for both batch calls
SQS_BATCH_ATTEMPTS = 4  # calls per group of entries, the first included
BACKOFF_BASE_SECONDS = 0.1  # a failed entry is an SQS-side hiccup: it clears in well under a second
BACKOFF_CAP_SECONDS = 2.0
RESULT_TOO_LARGE = "ResultTooLarge"


class SqsBatchError(RuntimeError):
    """Entries that SQS kept refusing after every retry."""


def pack_pages(
    batch_id: str, results: Iterable[RecordResult], *, page_size: int, max_message_bytes: int
) -> Iterator[str]:
    """Message bodies of at most ``page_size`` results and ``max_message_bytes`` bytes each.

    Each result is JSON-encoded once: its text is measured and joined into the page as it
    is (the page is ``ResultPage.to_json()``, character for character). A single result too
    large for any message is replaced by an error result for the same record, so its task
    is retried instead of silently lost.
    """
    empty = ResultPage(batch_id).to_json()  # {..., "results":[]}: the results come last
    head, tail = empty[: -len(_EMPTY_TAIL)] + "[", "]}"
    envelope = _utf8_bytes(empty)
    page: list[str] = []
    page_bytes = envelope
    for result in results:
        encoded = _encoded(result)
        size = _utf8_bytes(encoded) + 1  # the comma between items
        if envelope + size > max_message_bytes:
            encoded = _encoded(
                RecordResult(
                    record_id=result.record_id,
                    status="error",
                    error_code=RESULT_TOO_LARGE,
                    error_message=f"result of {size} bytes does not fit a {max_message_bytes}-byte message",
                )
            )
            size = _utf8_bytes(encoded) + 1
        if page and (len(page) >= page_size or page_bytes + size > max_message_bytes):
            yield head + ",".join(page) + tail
            page, page_bytes = [], envelope
        page.append(encoded)
        page_bytes += size
    if page:
        yield head + ",".join(page) + tail


_EMPTY_TAIL = "[]}"


def _encoded(result: RecordResult) -> str:
    return json.dumps(result.to_dict(), ensure_ascii=False, separators=(",", ":"))


def _utf8_bytes(text: str) -> int:
    """UTF-8 length; an ASCII text (most answers in English) is measured without encoding it."""
    return len(text) if text.isascii() else len(text.encode())


@dataclass
class BatchCounters:
    """What the batch calls cost and achieved (the benchmark reads these)."""

    requests: int = 0
    entries: int = 0
    retried_entries: int = 0
    failed_receipts: list[str] = field(default_factory=list)


class MessageSender:
    """Buffers message bodies into ``SendMessageBatch`` calls within SQS's limits.

    Use as a context manager (or call ``flush``): leaving it sends what is buffered.
    """

    def __init__(
        self,
        sqs: SQSClient,
        queue_url: str,
        *,
        max_request_bytes: int,
        attempts: int = SQS_BATCH_ATTEMPTS,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._sqs = sqs
        self._queue_url = queue_url
        self._max_request_bytes = max_request_bytes
        self._attempts = attempts
        self._sleep = sleep
        self._buffer: list[str] = []
        self._buffer_bytes = 0
        self.counters = BatchCounters()

    def __enter__(self) -> MessageSender:
        return self

    def __exit__(self, exc_type: object, *_: object) -> None:
        if exc_type is None:
            self.flush()

    def add(self, body: str) -> None:
        size = len(body.encode())
        if size > self._max_request_bytes:
            raise SqsBatchError(f"a message of {size} bytes exceeds the {self._max_request_bytes}-byte limit")
        if self._buffer and (
            len(self._buffer) >= MAX_ENTRIES_PER_CALL or self._buffer_bytes + size > self._max_request_bytes
        ):
            self.flush()
        self._buffer.append(body)
        self._buffer_bytes += size

    def flush(self) -> None:
        if not self._buffer:
            return
        pending = {str(index): body for index, body in enumerate(self._buffer)}
        self._buffer, self._buffer_bytes = [], 0
        self.counters.entries += len(pending)
        for attempt in range(self._attempts):
            if attempt:
                self.counters.retried_entries += len(pending)
                self._sleep(_backoff(attempt))
            response = self._sqs.send_message_batch(
                QueueUrl=self._queue_url,
                Entries=[{"Id": entry_id, "MessageBody": body} for entry_id, body in pending.items()],
            )
            self.counters.requests += 1
            failed = response.get("Failed", [])
            hopeless = [entry for entry in failed if entry.get("SenderFault")]
            if hopeless:
                raise SqsBatchError(f"SQS refused {len(hopeless)} message(s) by the sender's fault: {hopeless[0]}")
            pending = {entry["Id"]: pending[entry["Id"]] for entry in failed}
            if not pending:
                return
        raise SqsBatchError(f"{len(pending)} message(s) still failing after {self._attempts} attempts")


def delete_messages(
    sqs: SQSClient,
    queue_url: str,
    receipt_handles: Sequence[str],
    *,
    attempts: int = SQS_BATCH_ATTEMPTS,
    sleep: Callable[[float], None] = time.sleep,
) -> BatchCounters:
    """Delete in batches of ten, retrying failed entries; report any that never went."""
    counters = BatchCounters()
    for start in range(0, len(receipt_handles), MAX_ENTRIES_PER_CALL):
        pending = {str(i): handle for i, handle in enumerate(receipt_handles[start : start + MAX_ENTRIES_PER_CALL])}
        counters.entries += len(pending)
        for attempt in range(attempts):
            if attempt:
                counters.retried_entries += len(pending)
                sleep(_backoff(attempt))
            response = sqs.delete_message_batch(
                QueueUrl=queue_url,
                Entries=[{"Id": entry_id, "ReceiptHandle": handle} for entry_id, handle in pending.items()],
            )
            counters.requests += 1
            pending = {entry["Id"]: pending[entry["Id"]] for entry in response.get("Failed", [])}
            if not pending:
                break
        counters.failed_receipts.extend(pending.values())
    return counters


def _backoff(retry: int) -> float:
    return full_jitter_delay(retry, base=BACKOFF_BASE_SECONDS, cap=BACKOFF_CAP_SECONDS)
