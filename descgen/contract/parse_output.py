"""One Bedrock output file in S3 -> pages of results in SQS: what the parse_output Lambda does.

The file is streamed line by line, so memory does not grow with it, and results
are sent as soon as a batch call's worth of pages is ready. S3 delivers at least
once: parsing the same file twice sends the same results twice, which the drain
applies once.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from descgen.contract.keys import parse_output_key
from descgen.contract.lambda_settings import ParseOutputSettings
from descgen.contract.messages import RecordResult
from descgen.contract.output_lines import MALFORMED_OUTPUT, UnreadableLine, excerpt, read_output_line
from descgen.contract.sqs_batches import MessageSender, pack_pages

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sqs import SQSClient

log = logging.getLogger(__name__)

CHUNK_BYTES = 256 * 1024
# A model answer is a few KB; a "line" beyond this is corrupt and is not buffered whole.
MAX_LINE_BYTES = 8 * 1024 * 1024
# Bedrock writes a line's record id first ({"recordId": ..., "modelInput": ..., "modelOutput": ...}):
# a line too long to read still names its record at its start.
_RECORD_ID_AT_START = re.compile(rb'\s*\{\s*"recordId"\s*:\s*"([A-Za-z0-9]{1,64})"')


@dataclass
class ParseReport:
    key: str
    results: int = 0
    unreadable: int = 0
    messages: int = 0
    sqs_requests: int = 0


def parse_output_object(
    bucket: str, key: str, settings: ParseOutputSettings, s3: S3Client, sqs: SQSClient
) -> ParseReport | None:
    """Send every result of one output file to the queue; None if the key is not an output file."""
    target = parse_output_key(settings.output_prefix, key)
    if target is None:
        log.info("ignoring s3://%s/%s: not a batch output file", bucket, key)
        return None
    report = ParseReport(key=key)
    body = s3.get_object(Bucket=bucket, Key=key)["Body"]

    def results() -> Iterator[RecordResult]:
        for number, line in enumerate(body_lines(body), start=1):
            outcome = read_output_line(line)
            if isinstance(outcome, UnreadableLine):
                report.unreadable += 1
                log.warning("%s line %d unreadable (%s): %r", key, number, outcome.reason, outcome.excerpt)
            elif outcome is not None:
                report.results += 1
                yield outcome

    with MessageSender(sqs, settings.queue_url, max_request_bytes=settings.max_message_bytes) as sender:
        for page in pack_pages(
            target.batch_id, results(), page_size=settings.page_size, max_message_bytes=settings.max_message_bytes
        ):
            sender.add(page)
            report.messages += 1
    report.sqs_requests = sender.counters.requests
    log.info(
        "%s: %d results in %d messages, %d unreadable lines", key, report.results, report.messages, report.unreadable
    )
    return report


def body_lines(body: Any) -> Iterator[bytes]:
    """Lines split on LF only (JSONL); the last line may lack its LF.

    A line longer than ``MAX_LINE_BYTES`` is dropped whole, up to its LF. If its start
    names its record id, it stands as an error line for that record (``MalformedOutput``:
    its task is retried now, not after monitor-jobs' grace); otherwise as one unreadable line.
    """
    pending = b""
    dropping = False  # inside a line already dropped: discard up to its LF
    for chunk in body.iter_chunks(CHUNK_BYTES):
        *lines, rest = (pending + chunk).split(b"\n")
        if dropping and lines:
            lines, dropping = lines[1:], False
        yield from lines
        pending = b"" if dropping else rest
        if len(pending) > MAX_LINE_BYTES:
            log.warning("dropping a line over %d bytes: %r", MAX_LINE_BYTES, excerpt(pending))
            named = _RECORD_ID_AT_START.match(pending)
            if named is None:
                yield b"{}"  # read as "no recordId": counted as unreadable
            else:  # the id is [A-Za-z0-9] only: safe inside a JSON string as it is
                yield b'{"recordId": "%s", "error": {"errorCode": "%s", "errorMessage": "%s"}}' % (
                    named.group(1),
                    MALFORMED_OUTPUT.encode(),
                    b"output line over %d bytes, not read" % MAX_LINE_BYTES,
                )
            pending, dropping = b"", True
    if pending:
        yield pending
