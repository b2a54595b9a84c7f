"""Pages within SQS limits, and batch calls that retry every failed entry."""

import json

import pytest

from descgen.contract.backoff import longest_delay, longest_total_wait
from descgen.contract.messages import RecordResult, ResultPage
from descgen.contract.sqs_batches import (
    RESULT_TOO_LARGE,
    SQS_BATCH_ATTEMPTS,
    MessageSender,
    SqsBatchError,
    delete_messages,
    pack_pages,
)


class FlakySqs:
    """SQS at the boundary: fails the entries it is told to, a number of times each."""

    def __init__(self, fail_times=0, sender_fault=False):
        self.fail_times = fail_times
        self.sender_fault = sender_fault
        self.calls = []
        self.sent = []
        self.failures_left = {}

    def _split(self, entries, key):
        ok, failed = [], []
        for entry in entries:
            left = self.failures_left.setdefault(entry[key], self.fail_times)
            if left:
                self.failures_left[entry[key]] = left - 1
                failed.append(
                    {
                        "Id": entry["Id"],
                        "SenderFault": self.sender_fault,
                        "Code": "InternalError",
                        "Message": "try again",
                    }
                )
            else:
                ok.append({"Id": entry["Id"]})
        return ok, failed

    def send_message_batch(self, QueueUrl, Entries):
        self.calls.append(("send", len(Entries)))
        ok, failed = self._split(Entries, "MessageBody")
        self.sent.extend(e["MessageBody"] for e in Entries if e["Id"] in {o["Id"] for o in ok})
        return {"Successful": ok, "Failed": failed}

    def delete_message_batch(self, QueueUrl, Entries):
        self.calls.append(("delete", len(Entries)))
        ok, failed = self._split(Entries, "ReceiptHandle")
        return {"Successful": ok, "Failed": failed}


def results(n, text="#P1#en#<p>" + "x" * 100 + "</p>"):
    return [RecordResult(f"t{i}a0", "ok", (("P1", "en"),), text) for i in range(n)]


def test_pages_hold_at_most_page_size_results_and_lose_none():
    bodies = list(pack_pages("b1", results(250), page_size=100, max_message_bytes=262_144))
    pages = [ResultPage.from_json(body) for body in bodies]
    assert [len(page.results) for page in pages] == [100, 100, 50]
    assert [r.record_id for page in pages for r in page.results] == [f"t{i}a0" for i in range(250)]


def test_page_size_one_reproduces_one_message_per_product():
    assert len(list(pack_pages("b1", results(7), page_size=1, max_message_bytes=262_144))) == 7


def test_pages_never_exceed_the_message_size_limit():
    bodies = list(pack_pages("b1", results(300, "x" * 2000), page_size=1000, max_message_bytes=65_536))
    assert all(len(body.encode()) <= 65_536 for body in bodies)
    assert sum(len(json.loads(body)["results"]) for body in bodies) == 300


@pytest.mark.parametrize("text", ["ascii only", "ünïcødé ✓ 日本語", "emoji 😀 and more 😀"])
def test_a_page_is_the_result_pages_own_json_and_non_ascii_text_is_measured_in_bytes(text):
    batch = results(40, text * 30)
    bodies = list(pack_pages("b-ü", batch, page_size=1000, max_message_bytes=8_192))
    assert len(bodies) > 1
    assert all(len(body.encode()) <= 8_192 for body in bodies)
    for body in bodies:
        assert body == ResultPage.from_json(body).to_json()  # encoded once, yet the same text
    assert [r for body in bodies for r in ResultPage.from_json(body).results] == batch


def test_a_result_too_large_for_any_message_becomes_an_error_for_its_record():
    [body] = pack_pages("b1", results(1, "x" * 5000), page_size=10, max_message_bytes=4096)
    [result] = ResultPage.from_json(body).results
    assert (result.record_id, result.status, result.error_code) == ("t0a0", "error", RESULT_TOO_LARGE)


def test_send_batches_hold_at_most_ten_messages_and_fit_the_request_limit():
    sqs = FlakySqs()
    with MessageSender(sqs, "q", max_request_bytes=5000) as sender:
        for i in range(25):
            sender.add(f"message {i} " + "y" * 900)
    assert all(count <= 10 for _, count in sqs.calls)
    assert all(count <= 5 for _, count in sqs.calls)  # 5 x ~910 bytes fit in 5000, 6 do not
    assert len(sqs.sent) == 25


def test_every_entry_sqs_reports_as_failed_is_retried_until_it_is_sent():
    sqs = FlakySqs(fail_times=2)
    with MessageSender(sqs, "q", max_request_bytes=262_144, sleep=lambda _: None) as sender:
        for i in range(13):
            sender.add(f"m{i}")
    assert sorted(sqs.sent) == sorted(f"m{i}" for i in range(13))
    assert sender.counters.retried_entries == 2 * 13


def test_entries_still_failing_after_every_attempt_raise_instead_of_being_dropped():
    sqs = FlakySqs(fail_times=99)
    sender = MessageSender(sqs, "q", max_request_bytes=262_144, attempts=3, sleep=lambda _: None)
    sender.add("m")
    with pytest.raises(SqsBatchError, match="still failing after 3 attempts"):
        sender.flush()


def test_a_sender_fault_is_raised_at_once():
    sqs = FlakySqs(fail_times=1, sender_fault=True)
    sender = MessageSender(sqs, "q", max_request_bytes=262_144, sleep=lambda _: None)
    sender.add("m")
    with pytest.raises(SqsBatchError, match="sender's fault"):
        sender.flush()
    assert len(sqs.calls) == 1


def test_failed_deletes_are_retried_and_the_ones_that_never_go_are_reported():
    sqs = FlakySqs(fail_times=1)
    counters = delete_messages(sqs, "q", [f"r{i}" for i in range(23)], sleep=lambda _: None)
    assert counters.failed_receipts == []
    assert counters.retried_entries == 23
    stubborn = delete_messages(FlakySqs(fail_times=99), "q", ["r1", "r2"], attempts=2, sleep=lambda _: None)
    assert stubborn.failed_receipts == ["r1", "r2"]


def test_an_entry_that_keeps_failing_costs_four_calls_at_most_then_raises():
    # GIVEN SQS failing one entry forever / WHEN it is sent with the default attempts
    sqs = FlakySqs(fail_times=99)
    sender = MessageSender(sqs, "q", max_request_bytes=262_144, sleep=lambda _: None)
    sender.add("m")
    # THEN four calls in all (README's bound: x 3 botocore requests each), and the loss is loud
    with pytest.raises(SqsBatchError, match="after 4 attempts"):
        sender.flush()
    assert len(sqs.calls) == SQS_BATCH_ATTEMPTS == 4


def test_a_delete_that_keeps_failing_costs_four_calls_per_ten_receipts_at_most():
    sqs = FlakySqs(fail_times=99)
    counters = delete_messages(sqs, "q", [f"r{i}" for i in range(15)], sleep=lambda _: None)
    assert sqs.calls == [("delete", 10)] * 4 + [("delete", 5)] * 4
    assert len(counters.failed_receipts) == 15


def test_the_waits_between_retries_are_jittered_and_bounded():
    # GIVEN many entries failing three times each, sent and deleted in separate groups
    waits = []
    sqs = FlakySqs(fail_times=3)
    with MessageSender(sqs, "q", max_request_bytes=262_144, sleep=waits.append) as sender:
        for i in range(30):
            sender.add(f"m{i}")
    delete_messages(FlakySqs(fail_times=3), "q", [f"r{i}" for i in range(30)], sleep=waits.append)
    # THEN each group waited before retries 1, 2 and 3, each wait under its bound (0.2, 0.4, 0.8 s)...
    assert len(waits) == 6 * 3
    by_retry = [waits[retry::3] for retry in range(3)]
    for retry, group_waits in enumerate(by_retry, start=1):
        assert all(0 <= wait < longest_delay(retry, base=0.1, cap=2.0) for wait in group_waits)
    # ...and no two groups waited in step (full jitter, not a fixed schedule)
    assert all(len(set(group_waits)) == 6 for group_waits in by_retry)
    assert sum(max(group) for group in by_retry) <= longest_total_wait(SQS_BATCH_ATTEMPTS, base=0.1, cap=2.0)
