"""The one retry policy of every Prefect task that retries: only what may heal, with jitter.

``@task(**RETRY_WHAT_HEALS)``. What heals is ``descgen.retrying.may_heal``; the
numbers (and the bound they put on each operation's calls) are there too. A task
that spends money on every run (``send_on_demand``) or that a retry would only
push towards the dead-letter queue (``drain_queue``) has no retries at all.
"""

from __future__ import annotations

from typing import Any

from descgen.retrying import TASK_RETRIES, TASK_RETRY_DELAYS_SECONDS, TASK_RETRY_JITTER_FACTOR, may_heal


def retry_if_it_may_heal(task: Any, task_run: Any, state: Any) -> bool:
    """Prefect's ``retry_condition_fn``: try again only when the error may heal."""
    error = state.result(raise_on_failure=False)
    return isinstance(error, BaseException) and may_heal(error)


RETRY_WHAT_HEALS: dict[str, Any] = {
    "retries": TASK_RETRIES,
    "retry_delay_seconds": list(TASK_RETRY_DELAYS_SECONDS),
    "retry_jitter_factor": TASK_RETRY_JITTER_FACTOR,
    "retry_condition_fn": retry_if_it_may_heal,
}
