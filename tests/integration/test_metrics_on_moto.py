"""The flows' CloudWatch metrics, read back from moto: what a monitor close and a drain send, and
that a CloudWatch that fails costs a log line, never the run.

Cycles run under a Prefect test harness against the local stack (its fixtures are test_cycle's);
each test has a namespace of its own, because moto's CloudWatch is one per process.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from prefect.client.orchestration import get_client
from sqlalchemy import select

from descgen.db.models import Batch
from descgen.db.session import session_scope
from descgen.formats import money
from descgen.metrics import METRIC_NAMES, Metric
from descgen.settings import get_settings
from tasks import connections
from tests.builders import catalog
from tests.integration import test_cycle as cycle_suite
from tests.integration.test_cycle import cycle, load, states

# test_cycle's fixtures: the local stack, a fresh database with settings pointing at both, a Prefect harness
prefect_server = cycle_suite.prefect_server
stack = cycle_suite.stack
settings_env = cycle_suite.settings_env
engine = cycle_suite.engine

DEAD_ENDPOINT = "http://127.0.0.1:9"  # the discard port: nothing listens on loopback there


def statistics(cloudwatch: Any, namespace: str, metric: Metric, store: str, model: str) -> dict[str, float]:
    """Sum, SampleCount and Maximum of one metric of one store and model over the last day."""
    now = datetime.now(UTC)
    points = cloudwatch.get_metric_statistics(
        Namespace=namespace,
        MetricName=metric.value,
        Dimensions=[{"Name": "Store", "Value": store}, {"Name": "Model", "Value": model}],
        StartTime=now - timedelta(hours=1),
        EndTime=now + timedelta(hours=1),
        Period=7200,
        Statistics=["Sum", "SampleCount", "Maximum"],
    )["Datapoints"]
    return (
        {
            name: sum(point[name] for point in points) if name != "Maximum" else max(p[name] for p in points)
            for name in ("Sum", "SampleCount", "Maximum")
        }
        if points
        else {}
    )


@pytest.fixture
def namespace(monkeypatch) -> str:
    """A namespace of this test's own (moto's CloudWatch is shared by every test of the process)."""
    name = f"descgen-test-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("DESCGEN_METRICS_NAMESPACE", name)
    return name


def test_a_cycle_leaves_each_closed_batchs_and_each_drains_figures_in_cloudwatch_per_store_and_model(
    stack, engine, namespace
):
    # GIVEN a store whose 8 tasks go through a whole cycle: generate, drain, monitor
    store = load(engine, catalog("metrics", products=4, languages=("en", "de")))
    cycle(stack, engine, store)
    assert states(engine, store) == {"done": 8}
    with session_scope(engine) as session:
        batch = session.scalars(select(Batch).where(Batch.store_id == store)).one()
    assert batch.input_tokens
    assert batch.output_tokens
    assert batch.cost_usd
    assert batch.published_at
    assert batch.ended_at
    cloudwatch = stack.client("cloudwatch")

    # WHEN CloudWatch is asked for the namespace's metrics
    listed = cloudwatch.list_metrics(Namespace=namespace)["Metrics"]

    # THEN every metric descgen defines is there, each with the store and the model as its dimensions
    assert {m["MetricName"] for m in listed} == METRIC_NAMES
    assert {tuple((d["Name"], d["Value"]) for d in m["Dimensions"]) for m in listed} == {
        (("Store", store), ("Model", batch.model_id))
    }

    def figure(metric: Metric, statistic: str = "Sum") -> float:
        return statistics(cloudwatch, namespace, metric, store, batch.model_id)[statistic]

    # AND the closed batch's figures are the ones monitor recorded from the manifest, sent once
    assert figure(Metric.INPUT_TOKENS, "SampleCount") == 1
    assert figure(Metric.INPUT_TOKENS) == batch.input_tokens
    assert figure(Metric.OUTPUT_TOKENS) == batch.output_tokens
    assert figure(Metric.COST_USD) == pytest.approx(batch.cost_usd)
    assert figure(Metric.COST_PER_1K_TOKENS) == pytest.approx(
        1000 * batch.cost_usd / (batch.input_tokens + batch.output_tokens)
    )
    assert figure(Metric.TURNAROUND_SECONDS) == pytest.approx((batch.ended_at - batch.published_at).total_seconds())
    # AND the drains' results add up to the eight published descriptions, none held or retried
    assert figure(Metric.RESULTS_APPLIED) == 8
    assert figure(Metric.QUALITY_HOLDS) == 0
    assert figure(Metric.RETRIES) == 0

    # AND monitor-jobs left the cost trend as an artifact, with the batch's cost in the one money format
    async def latest_trend() -> str:
        async with get_client() as client:
            artifact = await client.read_latest_artifacts()
            return next(str(a.data) for a in artifact if a.key == "cost-trends")

    import asyncio

    trend = asyncio.run(latest_trend())
    [line] = [line for line in trend.splitlines() if line.startswith(f"| {store} |")]
    assert f"| {money(batch.cost_usd)} |" in line


def test_a_cloudwatch_that_fails_costs_one_log_line_per_run_and_the_cycle_still_completes(
    stack, engine, namespace, monkeypatch, caplog
):
    # GIVEN the flows' CloudWatch endpoint where nothing answers
    monkeypatch.setenv("DESCGEN_CLOUDWATCH_ENDPOINT_URL", DEAD_ENDPOINT)
    for cached in (get_settings, connections.aws):
        cached.cache_clear()
    store = load(engine, catalog("nometrics", products=2, languages=("en",)))

    # WHEN a whole cycle runs
    with caplog.at_level(logging.WARNING, logger="descgen.aws.cloudwatch"):
        cycle(stack, engine, store)

    # THEN every task is done: the drain and the monitor that could not send their metrics did their work
    assert states(engine, store) == {"done": 2}
    # AND each failed send said so in one line naming the namespace
    lost = [r for r in caplog.records if r.name == "descgen.aws.cloudwatch"]
    assert lost, "no failed PutMetricData was logged"
    assert all(namespace in r.getMessage() and "\n" not in r.getMessage() for r in lost)
    # AND nothing reached the namespace
    assert stack.client("cloudwatch").list_metrics(Namespace=namespace)["Metrics"] == []
