"""Record ids, markers and the two messages: the contract both sides share."""

import json

import pytest

from descgen.contract.messages import ContractError, JobRequest, RecordResult, ResultPage, TokenUsage
from descgen.contract.records import find_markers, make_marker, make_record_id, parse_record_id


def test_a_record_id_names_its_task_and_attempt_and_is_alphanumeric():
    record_id = make_record_id(12345, 2)
    assert record_id.isalnum()
    assert parse_record_id(record_id) == (12345, 2)


@pytest.mark.parametrize("record_id", ["", "12345", "t12a", "x1a1", "t1a1 ", "t1a1;drop", "T1A1"])
def test_a_record_id_that_is_not_ours_parses_to_none(record_id):
    assert parse_record_id(record_id) is None


def test_markers_are_found_in_order_of_appearance():
    text = "#P1#en#<p>text</p> and #P-2.x#pt-BR# later"
    assert find_markers(text) == [("P1", "en"), ("P-2.x", "pt-BR")]


@pytest.mark.parametrize(("product", "language"), [("a#b", "en"), ("", "en"), ("P1", "EN"), ("P1", "e")])
def test_an_id_that_would_make_a_marker_ambiguous_is_refused(product, language):
    with pytest.raises(ValueError, match="cannot appear in a marker"):
        make_marker(product, language)


def test_a_job_request_round_trips_and_carries_its_schema_version():
    request = JobRequest("b1", "descgen-b1", "anthropic.m", "s3://x/input/b1.jsonl", "s3://x/output/b1/", "Converse")
    assert json.loads(request.to_json())["schemaVersion"] == 1
    assert JobRequest.from_json(request.to_json()) == request


def test_a_result_page_round_trips_with_unicode_text_usage_and_errors():
    page = ResultPage(
        "b1",
        (
            RecordResult(
                "t1a0", "ok", (("P1", "ja"),), "#P1#ja#<p>日本語 ✓ مرحبا</p>", "end_turn", usage=TokenUsage(10, 20)
            ),
            RecordResult("t2a0", "error", error_code="429", error_message="throttled"),
        ),
    )
    assert ResultPage.from_json(page.to_json()) == page


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("not json", "not JSON"),
        ("[1, 2]", "not a JSON object"),
        ('{"schemaVersion": 2, "batchId": "b", "results": []}', "schemaVersion 2"),
        ('{"schemaVersion": 1, "batchId": "b", "results": []}', "non-empty list"),
        ('{"schemaVersion": 1, "results": [{"recordId": "t1a0", "status": "ok", "text": "x"}]}', "batchId"),
        ('{"schemaVersion": 1, "batchId": "b", "results": [{"recordId": "t1a0", "status": "maybe"}]}', "status"),
        ('{"schemaVersion": 1, "batchId": "b", "results": [{"recordId": "t1a0", "status": "ok"}]}', "no text"),
        ('{"schemaVersion": 1, "batchId": "b", "results": [{"recordId": "t1a0", "status": "error"}]}', "errorCode"),
        (
            '{"schemaVersion": 1, "batchId": "b", "results": [{"recordId": "t1a0", "status": "ok", "text": "x",'
            ' "usage": {"inputTokens": -1, "outputTokens": 1}}]}',
            "non-negative",
        ),
    ],
)
def test_a_message_that_breaks_the_contract_is_refused_with_the_reason(body, reason):
    with pytest.raises(ContractError, match=reason):
        ResultPage.from_json(body)
