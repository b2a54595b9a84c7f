"""Moving dead-letter messages back to the results queue, once their cause is fixed.

On AWS this is ``StartMessageMoveTask`` (SQS moves them itself, at its own pace).
Where that API is missing, as on the emulator, messages are received from the
DLQ, sent to the queue and only then deleted: a crash in between duplicates a
message, which the drain applies once, and never loses one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError
from sqlalchemy.orm import Session

from descgen.aws.queues import queue_arn
from descgen.contract.sqs_batches import MAX_ENTRIES_PER_CALL, MessageSender, delete_messages
from descgen.db.dead_letters import notes_by_id
from descgen.dead_letters import PREVIEW_CHARS, DeadLetter, batch_id_of, one_line, with_notes
from descgen.formats import count

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

log = logging.getLogger(__name__)

# What an endpoint answers for an action it does not implement.
_MISSING_ACTION_CODES = frozenset({"InvalidAction", "UnsupportedOperation", "NotImplemented", "500", "501"})
PEEK_SECONDS = 30


@dataclass
class RedriveReport:
    method: str
    moved: int = 0
    listed: list[DeadLetter] = field(default_factory=list)
    move_task_handle: str | None = None


def list_dead_letters(sqs: SQSClient, dlq_url: str, max_messages: int) -> RedriveReport:
    """What a redrive would move (the dry run); the messages stay where they are."""
    report = RedriveReport(method="dry run")
    handles: list[str] = []
    seen: set[str] = set()
    while len(report.listed) < max_messages:
        messages = sqs.receive_message(
            QueueUrl=dlq_url,
            MaxNumberOfMessages=min(MAX_ENTRIES_PER_CALL, max_messages - len(report.listed)),
            VisibilityTimeout=PEEK_SECONDS,
            WaitTimeSeconds=1,  # a short poll may answer "empty" for a queue that is not
            AttributeNames=["ApproximateReceiveCount"],
        ).get("Messages", [])
        fresh = [message for message in messages if message["MessageId"] not in seen]
        if not fresh:
            break
        for message in fresh:
            seen.add(message["MessageId"])
            report.listed.append(
                DeadLetter(
                    message_id=message["MessageId"],
                    batch_id=batch_id_of(message["Body"]),
                    bytes=len(message["Body"].encode()),
                    receive_count=int(message["Attributes"]["ApproximateReceiveCount"]),
                    preview=one_line(message["Body"], PREVIEW_CHARS),
                )
            )
            handles.append(message["ReceiptHandle"])
    for handle in handles:  # visible again at once: a dry run changes nothing
        sqs.change_message_visibility(QueueUrl=dlq_url, ReceiptHandle=handle, VisibilityTimeout=0)
    return report


def explain_dead_letters(sqs: SQSClient, session: Session, dlq_url: str, max_messages: int) -> RedriveReport:
    """The dry run with what the drain learned of each message (``dead_letters.py``)."""
    report = list_dead_letters(sqs, dlq_url, max_messages)
    notes = notes_by_id(session, [letter.message_id for letter in report.listed])
    return replace(report, listed=with_notes(report.listed, notes))


def redrive(
    sqs: SQSClient, dlq_url: str, queue_url: str, *, max_messages: int, max_request_bytes: int
) -> RedriveReport:
    """Move dead letters back. ``max_messages`` bounds the fallback only: a move task moves the whole DLQ."""
    try:
        handle = sqs.start_message_move_task(
            SourceArn=queue_arn(sqs, dlq_url), DestinationArn=queue_arn(sqs, queue_url)
        )
        return RedriveReport(method="StartMessageMoveTask", move_task_handle=handle["TaskHandle"])
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") not in _MISSING_ACTION_CODES:
            raise
        log.info("StartMessageMoveTask is not available here; moving messages by receive/send/delete")
    report = RedriveReport(method="receive/send/delete")
    while report.moved < max_messages:
        messages = sqs.receive_message(
            QueueUrl=dlq_url, MaxNumberOfMessages=min(MAX_ENTRIES_PER_CALL, max_messages - report.moved)
        ).get("Messages", [])
        if not messages:
            break
        with MessageSender(sqs, queue_url, max_request_bytes=max_request_bytes) as sender:
            for message in messages:
                sender.add(message["Body"])
        deleted = delete_messages(sqs, dlq_url, [message["ReceiptHandle"] for message in messages])
        report.moved += len(messages)
        if deleted.failed_receipts:
            log.warning(
                "%s moved message(s) are still in the DLQ too; the drain applies them once",
                count(len(deleted.failed_receipts)),
            )
    return report
