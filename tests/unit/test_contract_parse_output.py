"""parse_output_object: an output file streamed in chunks -> one result per line -> pages in SQS.

S3 and SQS are fakes: an object body that hands out the chunks it is given, and a
queue that keeps what it is sent.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from descgen.contract.lambda_settings import ParseOutputSettings
from descgen.contract.messages import ResultPage
from descgen.contract.parse_output import MAX_LINE_BYTES, ParseReport, parse_output_object

BATCH = "acme-20261126020000-a1b2c3"
KEY = f"output/{BATCH}/k3x9p2m7q1w4/{BATCH}.jsonl.out"
SETTINGS = ParseOutputSettings(queue_url="https://sqs.local/results", output_prefix="output/", page_size=2)


class ObjectBody:
    """An S3 object body delivered in exactly the given chunks, whatever chunk size is asked for."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks

    def iter_chunks(self, chunk_size: int) -> Iterator[bytes]:
        yield from self.chunks


class FakeS3:
    def __init__(self, objects: dict[str, list[bytes]]) -> None:
        self.objects = objects
        self.reads: list[str] = []

    def get_object(self, Bucket: str, Key: str) -> dict[str, Any]:
        self.reads.append(Key)
        return {"Body": ObjectBody(self.objects[Key])}


class FakeSqs:
    def __init__(self) -> None:
        self.bodies: list[str] = []

    def send_message_batch(self, QueueUrl: str, Entries: list[dict[str, str]]) -> dict[str, Any]:
        self.bodies += [entry["MessageBody"] for entry in Entries]
        return {"Successful": [{"Id": entry["Id"]} for entry in Entries], "Failed": []}

    def record_ids(self) -> list[str]:
        return [result.record_id for body in self.bodies for result in ResultPage.from_json(body).results]


def error_line(record_id: str) -> bytes:
    """A line for a record Bedrock could not answer (the shape every invocation type shares)."""
    return json.dumps(
        {"recordId": record_id, "modelInput": {}, "error": {"errorCode": 400, "errorMessage": "no"}}
    ).encode()


def test_lines_cut_across_chunks_are_joined_and_each_line_is_one_result() -> None:
    # GIVEN a file whose lines are cut mid-line by the chunks, with a CRLF end, a blank line and no final LF
    content = b"\n".join([error_line("t1a0") + b"\r", error_line("t2a0"), b"", error_line("t3a0"), error_line("t4a0")])
    chunks = [content[i : i + 7] for i in range(0, len(content), 7)]
    s3, sqs = FakeS3({KEY: chunks}), FakeSqs()

    # WHEN the file is parsed
    report = parse_output_object("bucket", KEY, SETTINGS, s3, sqs)

    # THEN every record arrives once, in pages of two, and nothing was unreadable
    assert report == ParseReport(key=KEY, results=4, unreadable=0, messages=2, sqs_requests=1)
    assert sqs.record_ids() == ["t1a0", "t2a0", "t3a0", "t4a0"]


def test_a_line_over_the_maximum_is_dropped_whole_as_one_unreadable_line() -> None:
    # GIVEN a corrupt line of more than MAX_LINE_BYTES, spread over many chunks, between two good lines
    megabyte = b"x" * (1024 * 1024)
    huge = [megabyte] * (MAX_LINE_BYTES // len(megabyte) + 3)
    chunks = [error_line("t1a0") + b"\n", *huge, b"tail of the huge line\n" + error_line("t2a0") + b"\n"]
    s3, sqs = FakeS3({KEY: chunks}), FakeSqs()

    # WHEN the file is parsed
    report = parse_output_object("bucket", KEY, SETTINGS, s3, sqs)

    # THEN the huge line counts once as unreadable, its tail is not read as another line, and its neighbours arrive
    assert report is not None
    assert (report.results, report.unreadable) == (2, 1)
    assert sqs.record_ids() == ["t1a0", "t2a0"]


def test_a_line_over_the_maximum_that_names_its_record_comes_back_as_an_error_for_that_record() -> None:
    # GIVEN an answer line of more than MAX_LINE_BYTES (a runaway model), its record id first as Bedrock writes it
    megabyte = b"x" * (1024 * 1024)
    start = b'{"recordId": "t9a2", "modelInput": {"messages": []}, "modelOutput": {"output": {"message": {"content": [{"text": "'
    huge = [start, *[megabyte] * (MAX_LINE_BYTES // len(megabyte) + 3), b'"}]}}}}\n']
    chunks = [error_line("t1a0") + b"\n", *huge, error_line("t2a0") + b"\n"]
    s3, sqs = FakeS3({KEY: chunks}), FakeSqs()

    # WHEN the file is parsed
    report = parse_output_object("bucket", KEY, SETTINGS, s3, sqs)

    # THEN the huge line is not read, but its record gets an error result (its task is retried at once)
    assert report is not None
    assert (report.results, report.unreadable) == (3, 0)
    results = {r.record_id: r for body in sqs.bodies for r in ResultPage.from_json(body).results}
    assert list(results) == ["t1a0", "t9a2", "t2a0"]
    dropped = results["t9a2"]
    assert (dropped.status, dropped.error_code) == ("error", "MalformedOutput")
    assert dropped.error_message == f"output line over {MAX_LINE_BYTES} bytes, not read"
    assert dropped.text is None


def test_a_record_id_met_only_deep_inside_an_oversized_line_is_not_taken_for_its_own() -> None:
    # GIVEN a line over the maximum that does not start with a record id, but quotes one further in
    megabyte = b"x" * (1024 * 1024)
    chunks = [
        b'{"modelInput": "',
        megabyte,
        b'", "recordId": "t5a0", "junk": "',
        *[megabyte] * (MAX_LINE_BYTES // len(megabyte) + 2),
        b'"}\n',
    ]
    s3, sqs = FakeS3({KEY: chunks}), FakeSqs()

    # WHEN the file is parsed, THEN it is one unreadable line: no guess at whose it is
    report = parse_output_object("bucket", KEY, SETTINGS, s3, sqs)
    assert report is not None
    assert (report.results, report.unreadable, sqs.bodies) == (0, 1, [])


def test_a_key_that_is_not_a_jobs_output_file_is_neither_read_nor_sent() -> None:
    # GIVEN the job's manifest, which lands under the same prefix
    s3, sqs = FakeS3({}), FakeSqs()

    # WHEN its key is parsed
    report = parse_output_object("bucket", f"output/{BATCH}/k3x9p2m7q1w4/manifest.json.out", SETTINGS, s3, sqs)

    # THEN nothing is read or sent
    assert (report, s3.reads, sqs.bodies) == (None, [], [])
