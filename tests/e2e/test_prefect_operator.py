"""The Prefect operator's experience, on a real server with a real worker and the real CLI.

GIVEN the local stack standing in for AWS, a Prefect server, ``prefect deploy --all``
from prefect.yaml and a process worker on the pool it names (conftest.py),
the tests drive everything through ``prefect deployment run`` as an operator would.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from queue import Empty, Queue

import boto3
import pytest
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterFlowRunId,
    ArtifactFilterKey,
    DeploymentFilter,
    DeploymentFilterName,
    FlowRunFilter,
)
from prefect.client.schemas.objects import Artifact, FlowRun, StateType

from descgen.formats import count
from tests.e2e.conftest import AWS_CREDENTIALS_BLOCK, DEPLOYMENT_NAMES, PRODUCTS, STORE, Operator
from tests.e2e.database import descriptions_by_language, task_states_by_language

pytestmark = pytest.mark.e2e


def artifacts_of(operator: Operator, run: FlowRun, key: str) -> list[Artifact]:
    with operator.client() as client:
        return client.read_artifacts(
            artifact_filter=ArtifactFilter(
                key=ArtifactFilterKey(any_=[key]), flow_run_id=ArtifactFilterFlowRunId(any_=[run.id])
            )
        )


def test_an_adhoc_batch_with_parameters_ends_with_a_done_description_for_every_requested_task(
    operator: Operator, adhoc_cycle: dict[str, FlowRun]
) -> None:
    # WHEN the ad-hoc generate ran with store, languages and limit, then drain and monitor (the fixture)
    # THEN every English and German task is done with a stored description; French was not asked for
    states = task_states_by_language(operator.database_url, STORE)
    assert states["en"] == {"done": PRODUCTS}
    assert states["de"] == {"done": PRODUCTS}
    assert states["fr"] == {"pending": PRODUCTS}
    assert descriptions_by_language(operator.database_url, STORE) == {"en": PRODUCTS, "de": PRODUCTS}
    # AND the run carried the parameters given on the command line
    assert adhoc_cycle["generate"].parameters == {"store": STORE, "languages": ["en", "de"], "limit": 2 * PRODUCTS}
    # AND the worker ran the deployed commit, cloned by the pull step
    with operator.client() as client:
        deployment = client.read_deployment_by_name("generate-descriptions/adhoc")
    assert deployment.version == operator.commit
    assert deployment.pull_steps is not None
    assert deployment.pull_steps[0]["prefect.deployments.steps.git_clone"]["commit_sha"] == operator.commit


def test_the_flows_reach_aws_with_the_credentials_block_named_in_settings(
    operator: Operator, adhoc_cycle: dict[str, FlowRun]
) -> None:
    # GIVEN a worker whose environment holds no AWS credentials at all, only the block's name
    assert not {key for key in operator.env if key.startswith("AWS_ACCESS") or key.endswith("_ACCESS_KEY_ID")}
    assert operator.env["DESCGEN_AWS_CREDENTIALS_BLOCK"] == AWS_CREDENTIALS_BLOCK
    # THEN the cycle (S3, SNS, SQS, Bedrock) ran on the block's credentials
    with operator.client() as client:
        block = client.read_block_document_by_name(AWS_CREDENTIALS_BLOCK, "aws-credentials", include_secrets=False)
    assert block.name == AWS_CREDENTIALS_BLOCK
    assert adhoc_cycle["drain"].state_type == StateType.COMPLETED


def test_the_generate_run_leaves_its_batch_table_summary_and_a_finished_progress_bar(
    operator: Operator, adhoc_cycle: dict[str, FlowRun]
) -> None:
    run = adhoc_cycle["generate"]
    [table] = artifacts_of(operator, run, f"generate-{STORE}")
    [row] = json.loads(table.data)  # one batch of 12 records
    assert row["records"] == count(2 * PRODUCTS)  # counts as descgen.formats writes them
    assert row["languages"] == f"de {count(PRODUCTS)}, en {count(PRODUCTS)}"
    assert row["est. batch cost"].startswith("$")
    assert row["est. on-demand cost"].startswith("$")
    [summary] = artifacts_of(operator, run, f"generate-{STORE}-summary")
    assert "estimated cost" in summary.data
    assert "batch jobs: **1**" in summary.data
    [progress] = artifacts_of(operator, run, f"generate-{STORE}-progress")
    assert progress.type == "progress"
    assert float(progress.data) == 100.0


def test_the_drain_run_leaves_its_counts_and_the_queue_depths(
    operator: Operator, adhoc_cycle: dict[str, FlowRun]
) -> None:
    drained = [
        json.loads(artifact.data)[0]
        for run_id in operator.flow_runs["drain-results/scheduled"]
        for artifact in artifacts_of(operator, _run(operator, run_id), "drain-results")
    ]
    assert len(drained) == len(operator.flow_runs["drain-results/scheduled"])  # one table per run
    assert sum(int(row["applied"].replace(",", "")) for row in drained) == 2 * PRODUCTS
    last = drained[-1]
    assert {"failed", "skipped (human edit)", "queue depth", "DLQ depth"} <= last.keys()
    assert last["queue depth"] == count(0)
    assert last["DLQ depth"] == count(0)


def test_the_monitor_run_shows_each_job_with_its_real_cost(operator: Operator, adhoc_cycle: dict[str, FlowRun]) -> None:
    # The cycle ends with a monitor run after the last result was applied: the batch is complete and costed.
    runs = [_run(operator, run_id) for run_id in operator.flow_runs["monitor-jobs/scheduled"]]
    assert {run.name for run in runs} == {"monitor jobs of every store"}
    rows = [json.loads(artifact.data) for run in runs for artifact in artifacts_of(operator, run, "monitor-jobs")]
    costed = [row for table in rows for row in table if row.get("real cost (batch)", "-") != "-"]
    assert costed, f"no monitor artifact shows a real cost: {rows}"
    assert costed[-1]["job"] == "Completed"
    assert costed[-1]["records"] == count(2 * PRODUCTS)


def test_one_scheduled_deployment_generates_every_due_store(operator: Operator) -> None:
    with operator.client() as client:
        due = client.read_deployment_by_name("generate-due-stores/scheduled")
        adhoc = client.read_deployment_by_name("generate-descriptions/adhoc")
    [schedule] = due.schedules
    assert schedule.active
    assert schedule.schedule.interval.total_seconds() == 900  # type: ignore[union-attr]  # prefect.yaml declares an interval schedule
    assert schedule.parameters == {}  # no store named: the stores come from the database
    assert adhoc.schedules == []
    assert set(due.tags) >= {"descgen", "generate", "nightly"}


def test_overlapping_runs_queue_or_wait_rather_than_run_side_by_side(
    operator: Operator, adhoc_cycle: dict[str, FlowRun]
) -> None:
    with operator.client() as client:
        deployments = {name: client.read_deployment_by_name(name) for name in DEPLOYMENT_NAMES}
        store_limit = client.read_global_concurrency_limit_by_name(f"generate-{STORE}")
    strategies = {
        name: (
            d.global_concurrency_limit.limit if d.global_concurrency_limit else None,
            d.concurrency_options.collision_strategy if d.concurrency_options else None,
        )
        for name, d in deployments.items()
    }
    assert strategies["drain-results/scheduled"] == (1, "CANCEL_NEW")
    assert strategies["monitor-jobs/scheduled"] == (1, "CANCEL_NEW")
    assert strategies["generate-descriptions/adhoc"][1] == "ENQUEUE"
    assert strategies["generate-due-stores/scheduled"] == (1, "CANCEL_NEW")
    # the generate run created its store's limit on first use: one run per store at a time
    assert store_limit.limit == 1
    assert store_limit.active_slots == 0


def test_an_invalid_parameter_is_refused_before_a_worker_sees_it(operator: Operator) -> None:
    def adhoc_runs() -> int:
        with operator.client() as client:
            return client.count_flow_runs(
                flow_run_filter=FlowRunFilter(),
                deployment_filter=DeploymentFilter(name=DeploymentFilterName(any_=["adhoc"])),
            )

    before = adhoc_runs()
    result = operator.cli(
        "deployment", "run", "generate-descriptions/adhoc", "--param", f"store={STORE}", "--param", "limit=0"
    )
    output = " ".join((result.stdout + result.stderr).split())
    assert result.returncode != 0
    assert "Validation failed for field 'limit'" in output, output
    assert "less than the minimum of 1" in output, output
    assert adhoc_runs() == before  # no flow run was created, so no worker can pick one up


def test_the_run_form_describes_every_parameter(operator: Operator) -> None:
    with operator.client() as client:
        deployments = client.read_deployments()
    for deployment in deployments:
        properties = deployment.parameter_openapi_schema["properties"]
        undescribed = [name for name, schema in properties.items() if not schema.get("description")]
        assert not undescribed, f"{deployment.name} of flow {deployment.flow_id}: no description for {undescribed}"


# --- the DLQ alert ------------------------------------------------------------------------


@pytest.fixture
def webhook() -> Iterator[tuple[str, Queue[dict[str, str]]]]:
    """A notification receiver on 127.0.0.1: what the automation sends lands in the queue."""
    received: Queue[dict[str, str]] = Queue()

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.put(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *_: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/alerts", received
    finally:
        server.shutdown()
        server.server_close()


def test_a_dead_letter_queue_over_the_threshold_notifies_through_the_automation(
    operator: Operator, adhoc_cycle: dict[str, FlowRun], webhook: tuple[str, Queue[dict[str, str]]]
) -> None:
    url, received = webhook
    # GIVEN a notification block and the automation from deployments/, created as the docs say
    block = operator.processes.run(
        "alert",
        [
            sys.executable,
            "-c",
            "import sys; from prefect.blocks.notifications import CustomWebhookNotificationBlock as B; "
            "B(name='descgen alerts', url=sys.argv[1], json_data={'subject': '{{subject}}', 'body': '{{body}}'})"
            ".save('e2e-alerts', overwrite=True)",
            url,
        ],
        operator.env,
        cwd=operator.repo,
    )
    assert block.returncode == 0, block.stderr
    created = operator.processes.run(
        "alert",
        [sys.executable, "deployments/create_dlq_alert.py", "--block", "custom-webhook/e2e-alerts"],
        operator.env,
        cwd=operator.repo,
    )
    assert "created" in created.stdout, created.stdout + created.stderr
    # AND one dead letter, over the threshold of 0 this session runs with
    sqs = boto3.client(
        "sqs",
        region_name=operator.stack_env["DESCGEN_AWS_REGION"],
        endpoint_url=operator.stack_env["DESCGEN_SQS_ENDPOINT_URL"],
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    dlq_url = operator.stack_env["DESCGEN_DLQ_URL"]
    sqs.send_message(QueueUrl=dlq_url, MessageBody='{"not": "a results page"}')
    try:
        # WHEN drain-results runs
        run = operator.run_to_the_end("drain-results/scheduled", max_seconds=10)
        # THEN it fails loudly, and the automation sends a notification naming the depth
        assert run.state_type == StateType.FAILED, operator.diagnostics(run.id)
        try:
            notification = received.get(timeout=60)
        except Empty:
            pytest.fail("no notification within 60 s of the drain run\n" + operator.diagnostics(run.id))
        assert "1 messages in the dead-letter queue" in notification["subject"], notification
        assert "redrive-dlq/manual" in notification["body"], notification
    finally:
        sqs.purge_queue(QueueUrl=dlq_url)


def _run(operator: Operator, run_id: object) -> FlowRun:
    with operator.client() as client:
        return client.read_flow_run(run_id)  # type: ignore[arg-type]  # a UUID, kept as object by the callers
