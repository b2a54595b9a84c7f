"""How money, counts and durations read wherever a person sees them: artifacts, the CLI, log lines.

One rule each, so two places never show the same figure two ways:

- money: US dollars with a fixed four decimals and thousands separators (``$1,234.5678``,
  ``$0.0042``). Four, because one batch of a cheap model costs fractions of a cent and
  a sum of them must still add up on the page; fixed, so a column of them lines up;
- counts: whole numbers with thousands separators (``12,345``);
- durations: the two largest units (``2h 05m``, ``4m 07s``, ``12s``).
"""

from __future__ import annotations

MONEY_DECIMALS = 4


def money(amount: float) -> str:
    """``$1,234.5678``; a negative amount as ``-$0.0100``."""
    sign = "-" if amount < 0 and round(abs(amount), MONEY_DECIMALS) != 0 else ""
    return f"{sign}${abs(amount):,.{MONEY_DECIMALS}f}"


def count(number: int) -> str:
    """``12,345``."""
    return f"{number:,}"


def duration(seconds: float) -> str:
    """``2d 03h``, ``2h 05m``, ``4m 07s``, ``12s``: the two largest units, rounded to the second."""
    whole = round(seconds)
    days, rest = divmod(whole, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours:02d}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {secs:02d}s"
    return f"{secs}s"
