"""Capped exponential backoff with full jitter, for the retry loops descgen writes by hand.

botocore's standard retry mode already backs off (with jitter) between the attempts
of one API call. This is for the loops botocore cannot see: the SQS batch calls'
failed entries (``sqs_batches``) and the on-demand ``converse`` calls that Bedrock
refused before accepting them (``descgen.aws.converse``).

Full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"): the wait
before retry ``n`` is uniform in ``[0, min(cap, base * 2**n))``. Callers that back
off together (many Lambda invocations, many drain runs) spread out instead of
retrying in step; the worst-case total wait stays bounded by ``longest_total_wait``.

Standard library only: the Lambdas are packaged with this module.
"""

from __future__ import annotations

import random
from collections.abc import Callable


def full_jitter_delay(retry: int, *, base: float, cap: float, uniform: Callable[[], float] = random.random) -> float:
    """Seconds to wait before retry number ``retry`` (1 is the first retry, after the first attempt failed)."""
    if retry < 1:
        raise ValueError(f"retry numbers start at 1, not {retry}")
    return uniform() * longest_delay(retry, base=base, cap=cap)


def longest_delay(retry: int, *, base: float, cap: float) -> float:
    """The upper bound of ``full_jitter_delay`` for retry number ``retry``."""
    return float(min(cap, base * 2**retry))


def longest_total_wait(attempts: int, *, base: float, cap: float) -> float:
    """The most a loop of ``attempts`` attempts (so ``attempts - 1`` retries) can sleep in all."""
    return sum(longest_delay(retry, base=base, cap=cap) for retry in range(1, attempts))
