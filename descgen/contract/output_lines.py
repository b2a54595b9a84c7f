"""One line of a Bedrock batch output file (``*.jsonl.out``) -> one ``RecordResult``.

A line is ``{"recordId", "modelInput", "modelOutput"}`` or, when Bedrock could not
answer, ``{"recordId", "modelInput", "error": {"errorCode", "errorMessage"}}``.
``modelOutput`` is the response body of the job's invocation type:

- Converse (this version's jobs): ``{"output": {"message": {"content": [{"text"}]}},
  "stopReason", "usage": {"inputTokens", "outputTokens"}}``, the same body the
  ``converse`` call returns, so on-demand answers are read here too;
- InvokeModel with an Anthropic body (jobs written by the previous version, still
  in flight when this one deploys): ``{"content": [{"type": "text", "text"}],
  "stop_reason", "usage": {"input_tokens", "output_tokens"}}``.

Nothing here raises on bad data: a line that cannot be read becomes an ``error``
result when its record id can still be found (so its task is retried at once), or
an ``UnreadableLine`` that the caller logs (its task is recovered by monitor-jobs).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from descgen.contract.messages import RecordResult, TokenUsage
from descgen.contract.records import find_markers

MALFORMED_OUTPUT = "MalformedOutput"
_RECORD_ID_IN_RAW = re.compile(rb'"recordId"\s*:\s*"([A-Za-z0-9]{1,64})"')
# A bad line is quoted in logs and messages, never whole.
_EXCERPT_CHARS = 120


@dataclass(frozen=True)
class UnreadableLine:
    """A line that names no record id we could find: nothing to join it to."""

    reason: str
    excerpt: str


# What SQS refuses in a message (its allowed set is #x9 #xA #xD #x20-#xD7FF #xE000-#xFFFD
# #x10000-#x10FFFF): JSON escapes the control characters, but not these two.
_NOT_SENDABLE = str.maketrans({0xFFFE: 0xFFFD, 0xFFFF: 0xFFFD})
_UNSENDABLE = re.compile("[\ud800-\udfff\ufffe\uffff]")  # a surrogate, or what SQS refuses


def sendable_text(text: str) -> str:
    """Text that encodes to UTF-8 and that SQS accepts.

    JSON may legally carry a lone surrogate (an emoji cut in half by max_tokens):
    ``json.loads`` returns it, and encoding it would fail the whole file. A
    surrogate pair is joined, a lone one becomes U+FFFD.
    """
    if text.isascii() or _UNSENDABLE.search(text) is None:  # nearly every answer: nothing to copy
        return text
    joined = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return joined.translate(_NOT_SENDABLE)


def excerpt(raw: bytes) -> str:
    return raw[:_EXCERPT_CHARS].decode("utf-8", errors="replace")


def read_output_line(raw: bytes) -> RecordResult | UnreadableLine | None:
    """Read one raw line (with or without its CR/LF); None for a blank line."""
    line = raw.rstrip(b"\r\n")
    if not line.strip():
        return None
    try:
        data = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError:
        return _malformed(line, "line is not valid UTF-8")
    except ValueError:
        return _malformed(line, "line is not JSON (truncated or corrupt)")
    if not isinstance(data, dict) or not isinstance(data.get("recordId"), str) or not data["recordId"]:
        return UnreadableLine("line has no recordId", excerpt(line))
    record_id: str = data["recordId"]
    error = data.get("error")
    if error is not None:
        if not isinstance(error, dict):
            error = {"errorMessage": str(error)}
        return RecordResult(
            record_id=record_id,
            status="error",
            error_code=sendable_text(str(error.get("errorCode", "Unknown"))),
            error_message=sendable_text(str(error.get("errorMessage", ""))),
        )
    return result_from_model_output(record_id, data.get("modelOutput"))


def result_from_model_output(record_id: str, output: Any) -> RecordResult:
    """A Converse or Anthropic Messages response body -> a result with its text, markers and usage."""
    if not isinstance(output, dict):
        return _no_content(record_id)
    converse = output.get("output")
    if isinstance(converse, dict):
        message = converse.get("message")
        blocks = message.get("content") if isinstance(message, dict) else None
        stop_reason, usage_keys = output.get("stopReason"), ("inputTokens", "outputTokens")
    else:
        blocks = output.get("content")
        stop_reason, usage_keys = output.get("stop_reason"), ("input_tokens", "output_tokens")
    if not isinstance(blocks, list):
        return _no_content(record_id)
    # Converse text blocks are {"text"}; Anthropic's are {"type": "text", "text"}; others (reasoning) are skipped.
    text = sendable_text(
        "".join(
            block["text"]
            for block in blocks
            if isinstance(block, dict) and isinstance(block.get("text"), str) and block.get("type", "text") == "text"
        )
    )
    usage = output.get("usage")
    token_usage = None
    if isinstance(usage, dict) and all(isinstance(usage.get(key), int) for key in usage_keys):
        token_usage = TokenUsage(usage[usage_keys[0]], usage[usage_keys[1]])
    return RecordResult(
        record_id=record_id,
        status="ok",
        markers=tuple(find_markers(text)),
        text=text,
        stop_reason=stop_reason if isinstance(stop_reason, str) else None,
        usage=token_usage,
    )


def _no_content(record_id: str) -> RecordResult:
    return RecordResult(
        record_id=record_id,
        status="error",
        error_code=MALFORMED_OUTPUT,
        error_message="modelOutput has no content list",
    )


def _malformed(line: bytes, reason: str) -> RecordResult | UnreadableLine:
    found = _RECORD_ID_IN_RAW.search(line)
    if found is None:
        return UnreadableLine(reason, excerpt(line))
    return RecordResult(
        record_id=found.group(1).decode("ascii"),
        status="error",
        error_code=MALFORMED_OUTPUT,
        error_message=reason,
    )
