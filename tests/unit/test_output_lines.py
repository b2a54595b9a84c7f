"""Every shape a line of a Bedrock output file can take becomes a result or a logged problem."""

import json

from descgen.contract.messages import RecordResult
from descgen.contract.output_lines import MALFORMED_OUTPUT, UnreadableLine, read_output_line


def model_output(text, stop_reason="end_turn"):
    return {
        "content": [{"type": "text", "text": text}],
        "stop_reason": stop_reason,
        "usage": {"input_tokens": 120, "output_tokens": 280},
    }


def line(data) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode() + b"\n"


def test_an_answer_becomes_an_ok_result_with_its_markers_and_usage():
    result = read_output_line(
        line({"recordId": "t1a0", "modelInput": {}, "modelOutput": model_output("#P1#en#<p>x</p>")})
    )
    assert isinstance(result, RecordResult)
    assert (result.status, result.markers, result.stop_reason) == ("ok", (("P1", "en"),), "end_turn")
    assert (result.usage.input_tokens, result.usage.output_tokens) == (120, 280)


def test_an_error_line_becomes_an_error_result_with_code_and_message():
    result = read_output_line(
        line({"recordId": "t1a0", "modelInput": {}, "error": {"errorCode": 400, "errorMessage": "bad request"}})
    )
    assert (result.status, result.error_code, result.error_message) == ("error", "400", "bad request")


def test_crlf_line_ends_are_read_like_lf():
    raw = line({"recordId": "t1a0", "modelOutput": model_output("#P1#en#<p>x</p>")}).rstrip(b"\n") + b"\r\n"
    assert read_output_line(raw).text == "#P1#en#<p>x</p>"


def test_a_truncated_line_with_a_visible_record_id_becomes_an_error_for_that_record():
    raw = line({"recordId": "t7a1", "modelOutput": model_output("#P1#en#<p>long")})[:60]
    result = read_output_line(raw)
    assert (result.record_id, result.status, result.error_code) == ("t7a1", "error", MALFORMED_OUTPUT)
    assert "not JSON" in result.error_message


def test_bytes_that_are_not_utf8_become_an_error_for_the_record():
    raw = b'{"recordId": "t3a0", "modelOutput": {"content": [{"type": "text", "text": "\xff\xfe"}]}}\n'
    result = read_output_line(raw)
    assert (result.record_id, result.error_code, result.error_message) == (
        "t3a0",
        MALFORMED_OUTPUT,
        "line is not valid UTF-8",
    )


def test_a_line_without_any_record_id_is_unreadable_and_quoted_shortly():
    outcome = read_output_line(b"garbage " * 100)
    assert isinstance(outcome, UnreadableLine)
    assert len(outcome.excerpt) <= 120


def test_a_json_line_without_record_id_is_unreadable():
    assert isinstance(read_output_line(line({"modelOutput": model_output("x")})), UnreadableLine)


def test_blank_lines_are_skipped():
    assert read_output_line(b"\r\n") is None
    assert read_output_line(b"   \n") is None


def test_a_model_output_without_content_is_an_error_not_a_crash():
    result = read_output_line(line({"recordId": "t1a0", "modelOutput": {"unexpected": True}}))
    assert (result.status, result.error_code) == ("error", MALFORMED_OUTPUT)


def test_cjk_rtl_and_emoji_text_survive_unchanged():
    text = "#P1#ja#<p>高品質のコーヒー 🎉</p><p>قهوة ممتازة</p>"
    assert read_output_line(line({"recordId": "t1a0", "modelOutput": model_output(text)})).text == text


def test_a_lone_surrogate_or_a_character_sqs_refuses_becomes_a_replacement_character():
    # an emoji cut in half by max_tokens is legal JSON, and U+FFFF is refused by SQS
    raw = b'{"recordId": "t1a0", "modelOutput": {"content": [{"type": "text", "text": "#P1#en#<p>\\ud83d\\ude00 \\ud83d \\uffff</p>"}]}}'
    result = read_output_line(raw)
    assert result.text == "#P1#en#<p>😀 \ufffd \ufffd</p>"
    result.text.encode("utf-8")  # would raise on a lone surrogate
