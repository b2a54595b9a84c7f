"""An on-demand converse is sent again only when Bedrock refused it unbilled (descgen/aws/converse.py).

Bedrock runtime at the boundary: a fake that answers each request from a script
(an error botocore would raise, or an answer) and counts the requests it got.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, ConnectTimeoutError, ReadTimeoutError

from descgen.aws.converse import converse_paid_once
from descgen.contract.backoff import longest_delay
from descgen.retrying import CONVERSE_ATTEMPTS, CONVERSE_BACKOFF_BASE_SECONDS, CONVERSE_BACKOFF_CAP_SECONDS

ANSWER = {"output": {"message": {"role": "assistant", "content": [{"text": "#p1#en#<p>Hi</p>"}]}}}
BODY = {"messages": [{"role": "user", "content": [{"text": "Describe p1"}]}]}


def bedrock_error(code: str, status: int) -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": "no"}, "ResponseMetadata": {"HTTPStatusCode": status}}, "Converse"
    )


class ScriptedRuntime:
    """bedrock-runtime answering each converse with the next item of its script."""

    def __init__(self, *script: object) -> None:
        self.script = list(script)
        self.requests = 0

    def converse(self, *, modelId: str, **body: object) -> object:
        assert (modelId, body) == ("m", BODY)
        self.requests += 1
        item = self.script.pop(0) if self.script else ANSWER
        if isinstance(item, BaseException):
            raise item
        return item


def test_a_throttled_call_is_sent_again_after_a_jittered_wait_and_answered():
    # GIVEN Bedrock throttling twice, then answering
    runtime = ScriptedRuntime(bedrock_error("ThrottlingException", 429), bedrock_error("ThrottlingException", 429))
    waits: list[float] = []
    # WHEN the record is sent
    answer = converse_paid_once(runtime, "m", BODY, sleep=waits.append)
    # THEN three requests, one answer, and two waits under their bounds
    assert (answer, runtime.requests) == (ANSWER, 3)
    bounds = [longest_delay(n, base=CONVERSE_BACKOFF_BASE_SECONDS, cap=CONVERSE_BACKOFF_CAP_SECONDS) for n in (1, 2)]
    assert all(0 <= wait < bound for wait, bound in zip(waits, bounds, strict=True))


def test_a_call_throttled_every_time_stops_after_three_requests():
    runtime = ScriptedRuntime(*[bedrock_error("ThrottlingException", 429)] * 10)
    with pytest.raises(ClientError, match="ThrottlingException"):
        converse_paid_once(runtime, "m", BODY, sleep=lambda _: None)
    assert runtime.requests == CONVERSE_ATTEMPTS == 3


@pytest.mark.parametrize(
    "refusal",
    [bedrock_error("ServiceUnavailableException", 503), ConnectTimeoutError(endpoint_url="https://bedrock-runtime")],
    ids=["service unavailable", "connection never opened"],
)
def test_a_call_bedrock_never_ran_is_sent_again(refusal):
    runtime = ScriptedRuntime(refusal)
    assert converse_paid_once(runtime, "m", BODY, sleep=lambda _: None) == ANSWER
    assert runtime.requests == 2


@pytest.mark.parametrize(
    "error",
    [
        bedrock_error("InternalServerException", 500),
        bedrock_error("ModelTimeoutException", 408),
        bedrock_error("ModelErrorException", 424),
        bedrock_error("ValidationException", 400),
        ReadTimeoutError(endpoint_url="https://bedrock-runtime"),
    ],
    ids=["500 after the model may have run", "model timeout", "model error", "validation", "read timeout"],
)
def test_a_call_bedrock_may_have_billed_is_not_sent_again(error):
    # GIVEN Bedrock failing after it may have accepted (and billed) the request
    runtime = ScriptedRuntime(error)
    # WHEN the record is sent / THEN the error is raised after one request: never paid twice
    with pytest.raises(type(error)):
        converse_paid_once(runtime, "m", BODY, sleep=lambda _: None)
    assert runtime.requests == 1
