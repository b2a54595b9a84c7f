"""Money, counts and durations read the same wherever a person sees them."""

from __future__ import annotations

import pytest

from descgen.formats import count, duration, money


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (0, "$0.0000"),
        (0.00004, "$0.0000"),
        (0.00005, "$0.0001"),
        (0.0165, "$0.0165"),
        (1, "$1.0000"),
        (1234.56789, "$1,234.5679"),
        (1_234_567.5, "$1,234,567.5000"),
        (-0.01, "-$0.0100"),
        (-0.00001, "$0.0000"),  # no "-$0.0000"
    ],
)
def test_money_has_four_fixed_decimals_and_thousands_separators_at_every_size(amount, shown):
    assert money(amount) == shown


@pytest.mark.parametrize(("number", "shown"), [(0, "0"), (999, "999"), (1000, "1,000"), (12_345_678, "12,345,678")])
def test_counts_have_thousands_separators(number, shown):
    assert count(number) == shown


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(0, "0s"), (12.4, "12s"), (59.6, "1m 00s"), (247, "4m 07s"), (7500, "2h 05m"), (3 * 86_400 + 7200, "3d 02h")],
)
def test_durations_show_their_two_largest_units(seconds, shown):
    assert duration(seconds) == shown
