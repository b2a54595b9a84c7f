"""Full-jitter backoff (descgen/contract/backoff.py): random waits under a capped exponential bound."""

from __future__ import annotations

import pytest

from descgen.contract.backoff import full_jitter_delay, longest_delay, longest_total_wait


@pytest.mark.parametrize(
    ("retry", "bound"), [(1, 0.2), (2, 0.4), (3, 0.8), (4, 1.6), (5, 2.0), (30, 2.0)], ids=lambda v: str(v)
)
def test_the_wait_before_a_retry_is_drawn_from_zero_to_a_doubling_bound_under_its_cap(retry, bound):
    # GIVEN base 0.1 s and cap 2 s / WHEN the draw is its lowest and its highest / THEN the wait spans [0, bound)
    assert longest_delay(retry, base=0.1, cap=2.0) == pytest.approx(bound)
    assert full_jitter_delay(retry, base=0.1, cap=2.0, uniform=lambda: 0.0) == 0.0
    assert full_jitter_delay(retry, base=0.1, cap=2.0, uniform=lambda: 0.5) == pytest.approx(bound / 2)


def test_waits_with_the_same_retry_number_differ():
    # GIVEN many callers backing off after the same failure / THEN they do not retry in step
    waits = {full_jitter_delay(3, base=0.1, cap=2.0) for _ in range(50)}
    assert len(waits) > 40
    assert all(0 <= wait < 0.8 for wait in waits)


def test_the_total_wait_of_a_loop_is_bounded():
    # 4 attempts = 3 retries: 0.2 + 0.4 + 0.8
    assert longest_total_wait(4, base=0.1, cap=2.0) == pytest.approx(1.4)
    assert longest_total_wait(1, base=0.1, cap=2.0) == 0


def test_there_is_no_wait_before_the_first_attempt():
    with pytest.raises(ValueError, match="start at 1"):
        full_jitter_delay(0, base=0.1, cap=2.0)
