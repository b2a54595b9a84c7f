"""PutMetricData, in requests of the size CloudWatch takes; a failure is a log line, never a failed run.

The metrics describe work already done and committed (a closed batch, a drain's
results): losing a data point costs a dot on a graph, failing the run would cost a
retry of the work. The client's standard retry mode already tried again what heals.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from descgen.metrics import in_requests

if TYPE_CHECKING:
    from mypy_boto3_cloudwatch import CloudWatchClient
    from mypy_boto3_cloudwatch.type_defs import MetricDatumTypeDef

log = logging.getLogger(__name__)


def send_metrics(cloudwatch: CloudWatchClient, namespace: str, data: Sequence[dict[str, Any]]) -> int:
    """Send ``data`` to ``namespace``; how many data points CloudWatch accepted."""
    sent = 0
    for request in in_requests(data):
        try:
            # descgen.metrics builds each datum in PutMetricData's shape
            cloudwatch.put_metric_data(Namespace=namespace, MetricData=cast("list[MetricDatumTypeDef]", request))
        except Exception as error:  # any failure: the work is done, only its metrics are lost
            log.warning(
                "%d metric data points not sent to CloudWatch namespace %s: %s",
                len(data) - sent,
                namespace,
                f"{type(error).__name__}: {error}".splitlines()[0],
            )
            return sent
        sent += len(request)
    return sent
