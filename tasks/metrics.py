"""The flows' CloudWatch metrics (descgen/metrics.py decides them, descgen/aws/cloudwatch.py sends them)."""

from __future__ import annotations

from typing import Any

from prefect import task

from descgen.aws import cloudwatch
from descgen.settings import get_settings
from tasks.connections import aws


# No Prefect retries: the client's standard mode retried what heals, and a failure is a
# log line (send_metrics never raises), so a run never fails or waits for its metrics.
@task
def send_metrics(data: list[dict[str, Any]]) -> int:
    """The data points CloudWatch accepted; none sent without data, a namespace or a client."""
    namespace, client = get_settings().metrics_namespace, aws().cloudwatch
    if not data or not namespace or client is None:
        return 0
    return cloudwatch.send_metrics(client, namespace, data)
