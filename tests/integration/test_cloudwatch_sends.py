"""PutMetricData against moto: requests of the size CloudWatch takes; a failure is one log line."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import boto3
from moto import mock_aws

from descgen.aws.clients import CLIENT_CONFIG
from descgen.aws.cloudwatch import send_metrics
from descgen.metrics import MAX_METRICS_PER_REQUEST, Metric
from tests.integration.test_metrics_on_moto import DEAD_ENDPOINT, statistics


@mock_aws
def test_more_data_points_than_one_request_takes_arrive_in_several_requests_all_of_them():
    # GIVEN more data points than one PutMetricData takes
    cloudwatch = boto3.client("cloudwatch", region_name="us-east-1", config=CLIENT_CONFIG)
    now = datetime.now(UTC)
    data = [
        {
            "MetricName": Metric.RESULTS_APPLIED.value,
            "Dimensions": [{"Name": "Store", "Value": "bulk"}, {"Name": "Model", "Value": "m"}],
            "Timestamp": now,
            "Value": 1.0,
            "Unit": "Count",
        }
    ] * (MAX_METRICS_PER_REQUEST + 5)
    # WHEN they are sent
    sent = send_metrics(cloudwatch, "bulk-test", data)
    # THEN all of them arrived
    assert sent == len(data)
    assert statistics(cloudwatch, "bulk-test", Metric.RESULTS_APPLIED, "bulk", "m")["Sum"] == len(data)


def test_a_failed_request_is_one_warning_and_sends_nothing_after_it(caplog):
    # GIVEN a client whose endpoint does not answer (connection refused, after the standard mode's retries)
    cloudwatch = boto3.client(
        "cloudwatch",
        region_name="us-east-1",
        endpoint_url=DEAD_ENDPOINT,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=CLIENT_CONFIG,
    )
    data = [{"MetricName": "Retries", "Value": 1.0}] * (MAX_METRICS_PER_REQUEST + 1)
    # WHEN the data is sent
    with caplog.at_level(logging.WARNING, logger="descgen.aws.cloudwatch"):
        sent = send_metrics(cloudwatch, "gone", data)
    # THEN nothing raised, nothing was sent, and one line says how much was lost and where
    assert sent == 0
    [record] = caplog.records
    assert record.getMessage().startswith(f"{len(data)} metric data points not sent to CloudWatch namespace gone: ")
