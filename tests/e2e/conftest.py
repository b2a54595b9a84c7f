"""A real Prefect server, the local stack, prefect.yaml deployed, and a process worker.

Everything listens on 127.0.0.1 and lives in a temporary directory; every process is
stopped when the session ends, whatever happened (tests/e2e/processes.py).

The workers clone their code as prefect.yaml says: the URL of the deploying clone's
``origin`` at the deployed commit. Here the deploying clone is a snapshot of this
working tree committed into a temporary git repository whose ``origin`` is itself, so
the pull step runs for real (git clone, set the working directory, pip) without a
network, on exactly the code under test, committed or not.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest
import yaml
from prefect.client.orchestration import SyncPrefectClient
from prefect.client.schemas.objects import FlowRun, StateType

from tests.e2e.processes import Processes, tail, wait_for

REPO = Path(__file__).resolve().parents[2]
PREFECT_YAML = yaml.safe_load((REPO / "prefect.yaml").read_text())
WORK_POOL = PREFECT_YAML["definitions"]["work_pool"]["name"]
SAMPLE_CATALOG = REPO / "local" / "sample_catalog.json"
# What a developer's runs leave in the tree that .gitignore does not (yet) cover: never deployed.
LOCAL_STATE = re.compile(r"^\.prefect/|\.sqlite3(-\w+)?$")
STORE = "e2e"
DEPLOYMENT_NAMES = (
    "generate-due-stores/scheduled",
    "generate-descriptions/adhoc",
    "drain-results/scheduled",
    "monitor-jobs/scheduled",
    "redrive-dlq/manual",
    "rollback-batch/manual",
    "publish-descriptions/scheduled",
    "review-descriptions/manual",
    "prune-versions/daily",
)
PRODUCTS = 6
LANGUAGES = {"en": "English", "de": "German", "fr": "French"}

FAKE_AWS_KEYS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}  # moto takes any
STACK_KEY_SETTINGS = {"DESCGEN_AWS_ACCESS_KEY_ID", "DESCGEN_AWS_SECRET_ACCESS_KEY"}
AWS_CREDENTIALS_BLOCK = "e2e-aws"
SAVE_AWS_CREDENTIALS_BLOCK = (
    "import sys; from prefect_aws import AwsCredentials; "
    "AwsCredentials(aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3]).save(sys.argv[1], overwrite=True)"
)

SERVER_START_SECONDS = 120
STACK_START_SECONDS = 120
FLOW_RUN_SECONDS = 150


def prefect_cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "prefect", *args]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def read_env_file(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {key: value for key, value in pairs}


def snapshot_repository(source: Path, target: Path) -> str:
    """This working tree (tracked and untracked, minus what .gitignore ignores) as one commit in ``target``."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=source,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for relative in filter(None, listed.split("\0")):
        path = source / relative
        if path.is_file() and not LOCAL_STATE.search(relative):
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target / relative)
    git = ["git", "-c", "user.name=descgen e2e", "-c", "user.email=e2e@localhost", "-c", "init.defaultBranch=main"]
    git += ["-c", "commit.gpgsign=false"]
    for command in (
        ["init", "-q"],
        ["add", "-A"],
        ["commit", "-q", "--no-verify", "-m", "snapshot of the working tree under test"],
        ["remote", "add", "origin", target.as_uri()],
        ["fetch", "-q", "origin"],
    ):
        subprocess.run([*git, *command], cwd=target, check=True, capture_output=True)
    return subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=target, check=True, capture_output=True, text=True
    ).stdout.strip()


def small_catalog(path: Path) -> Path:
    sample = json.loads(SAMPLE_CATALOG.read_text())
    catalog = {
        "store": {"id": STORE, "name": "End-to-end test store", "languages": LANGUAGES},
        "products": sample["products"][:PRODUCTS],
    }
    path.write_text(json.dumps(catalog))
    return path


@dataclass
class Operator:
    """What a platform engineer has in front of them: a server, a worker, the CLI."""

    processes: Processes
    api_url: str
    env: dict[str, str]  # what every CLI call, the worker and its flow runs see
    repo: Path  # the deploying clone
    commit: str
    work: Path
    database_url: str
    stack_env: dict[str, str]
    flow_runs: dict[str, list[UUID]] = field(default_factory=dict)

    def client(self) -> SyncPrefectClient:
        return SyncPrefectClient(self.api_url)

    def cli(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return self.processes.run("cli", prefect_cli(*args), self.env, cwd=self.repo, timeout=timeout)

    def run_deployment(self, name: str, **parameters: Any) -> UUID:
        """``prefect deployment run NAME --param k=v ...``; the new flow run's id."""
        params = [arg for key, value in parameters.items() for arg in ("--param", f"{key}={json.dumps(value)}")]
        result = self.cli("deployment", "run", name, *params)
        found = re.search(r"UUID: ([0-9a-f-]{36})", result.stdout)
        assert found, f"could not run {name} (exit {result.returncode}):\n{result.stdout}{result.stderr}"
        return UUID(found.group(1))

    def wait_for_run(self, flow_run_id: UUID, timeout: float = FLOW_RUN_SECONDS) -> FlowRun:
        def finished() -> FlowRun | None:
            self.processes.check("worker")
            with self.client() as client:
                run = client.read_flow_run(flow_run_id)
            return run if run.state is not None and run.state.is_final() else None

        return wait_for(finished, f"flow run {flow_run_id}", timeout, every=1)

    def run_to_the_end(self, name: str, **parameters: Any) -> FlowRun:
        flow_run_id = self.run_deployment(name, **parameters)
        self.flow_runs.setdefault(name, []).append(flow_run_id)
        return self.wait_for_run(flow_run_id)

    def diagnostics(self, flow_run_id: UUID | None = None) -> str:
        """The worker's log and a flow run's logs, for an assertion message."""
        parts = [f"--- worker log ---\n{tail(self.processes.log('worker'), 60)}"]
        if flow_run_id is not None:
            from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId

            with self.client() as client:
                logs = client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id])), limit=200)
            parts.append("--- flow run logs ---\n" + "\n".join(f"{log.level} {log.message}" for log in logs))
        return "\n".join(parts)


def _child_environment(home: Path) -> dict[str, str]:
    """The outer environment minus any descgen, Prefect or AWS setting, plus what keeps Prefect
    private and quiet. No AWS credentials anywhere: the flows get theirs from the AwsCredentials
    block, or fail."""
    base = {key: value for key, value in os.environ.items() if not key.startswith(("DESCGEN_", "PREFECT_", "AWS_"))}
    return base | {
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "PREFECT_HOME": str(home),
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_CLI_PROMPT": "false",
        "PREFECT_CLI_WRAP_LINES": "false",
        "PREFECT_CLI_COLORS": "false",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PIP_NO_INPUT": "1",
    }


@pytest.fixture(scope="session")
def operator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Operator]:
    root = tmp_path_factory.mktemp("prefect-e2e")
    dirs = {name: root / name for name in ("logs", "stack", "prefect-home", "repo", "work", "worker")}
    for path in dirs.values():
        path.mkdir()
    processes = Processes(dirs["logs"])
    try:
        yield _bring_up(processes, dirs)
    finally:
        processes.stop_all()


def _bring_up(processes: Processes, dirs: Mapping[str, Path]) -> Operator:
    env = _child_environment(dirs["prefect-home"])
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"

    # The two slow starts overlap: the local AWS stand-in and the Prefect server.
    env_file = dirs["stack"] / ".env"
    processes.start(
        "stack",
        [sys.executable, "-m", "local.stack", "--env-file", str(env_file), "--min-records", "1"],
        env | FAKE_AWS_KEYS,  # the stand-in for AWS may have keys; the flows may not
        cwd=dirs["stack"],
    )
    processes.start(
        "server",
        prefect_cli("server", "start", "--host", "127.0.0.1", "--port", str(port)),
        # The test triggers every run itself: no scheduler creating drain runs behind its back.
        env | {"PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED": "false", "PREFECT_UI_ENABLED": "false"},
        cwd=dirs["prefect-home"],
    )
    commit = snapshot_repository(REPO, dirs["repo"])

    def server_healthy() -> bool:
        processes.check("server")
        try:
            return httpx.get(f"{api_url}/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def stack_ready() -> bool:
        processes.check("stack")
        return env_file.exists() and "DESCGEN_PAGE_SIZE=" in env_file.read_text()

    wait_for(server_healthy, "the Prefect server", SERVER_START_SECONDS)
    wait_for(stack_ready, "the local stack's settings", STACK_START_SECONDS)
    # The stack hands out its keys as settings; the flows get them from a block instead.
    stack_env = read_env_file(env_file)
    keyless = {key: value for key, value in stack_env.items() if key not in STACK_KEY_SETTINGS}
    database_url = f"sqlite:///{dirs['work'] / 'descgen.sqlite3'}"
    env |= keyless | {
        "PREFECT_API_URL": api_url,
        "DESCGEN_AWS_CREDENTIALS_BLOCK": AWS_CREDENTIALS_BLOCK,
        "PREFECT_WORKER_QUERY_SECONDS": "1",
        "DESCGEN_DATABASE_URL": database_url,
        "DESCGEN_RECEIVE_WAIT_SECONDS": "1",  # an empty queue answers in 1 s, not 20
        "DESCGEN_QUOTA_OVERRIDE__MIN_RECORDS": "1",  # the emulator's minimum (--min-records 1)
        "DESCGEN_DLQ_ALERT_THRESHOLD": "0",  # one dead letter is an alert
        "DESCGEN_PUBLISH_DIR": str(dirs["work"] / "published"),  # the file publisher's folder
    }
    operator = Operator(processes, api_url, env, dirs["repo"], commit, dirs["work"], database_url, stack_env)

    catalog = small_catalog(dirs["work"] / "catalog.json")
    for step in (["migrate"], ["load-catalog", str(catalog)]):
        result = processes.run("descgen", [sys.executable, "-m", "descgen.cli", *step], env, cwd=dirs["work"])
        assert result.returncode == 0, f"descgen {step[0]} failed:\n{result.stdout}{result.stderr}"
    block = processes.run(
        "blocks",
        [sys.executable, "-c", SAVE_AWS_CREDENTIALS_BLOCK, AWS_CREDENTIALS_BLOCK, *FAKE_AWS_KEYS.values()],
        env,
        cwd=dirs["work"],
    )
    assert block.returncode == 0, f"could not save the AwsCredentials block:\n{block.stderr}"
    for step in (
        ["work-pool", "create", WORK_POOL, "--type", "process"],
        ["deploy", "--all", "--no-prompt"],
    ):
        result = operator.cli(*step, timeout=180)
        assert result.returncode == 0, f"prefect {step[0]} failed:\n{result.stdout}{result.stderr}"
    processes.start(
        "worker",
        prefect_cli("worker", "start", "--pool", WORK_POOL, "--type", "process", "--name", "e2e-worker"),
        env,
        cwd=dirs["worker"],  # empty: the flow runs' code comes from the pull step, nowhere else
    )

    def worker_online() -> bool:
        processes.check("worker")
        with operator.client() as client:
            return any(worker.status == "ONLINE" for worker in client.read_workers_for_work_pool(WORK_POOL))

    wait_for(worker_online, "the worker to come online", 60, every=1)
    return operator


@pytest.fixture(scope="session")
def adhoc_cycle(operator: Operator) -> dict[str, FlowRun]:
    """An ad-hoc generate for two of the store's three languages, then drain and monitor until every one is done."""
    from tests.e2e.database import requested_tasks_open

    generate = operator.run_to_the_end(
        "generate-descriptions/adhoc", store=STORE, languages=["en", "de"], limit=2 * PRODUCTS
    )
    assert generate.state_type == StateType.COMPLETED, operator.diagnostics(generate.id)
    deadline = time.monotonic() + 150
    runs = {"generate": generate}
    while True:
        for name, key in (("drain-results/scheduled", "drain"), ("monitor-jobs/scheduled", "monitor")):
            run = operator.run_to_the_end(name, max_seconds=20) if key == "drain" else operator.run_to_the_end(name)
            assert run.state_type == StateType.COMPLETED, operator.diagnostics(run.id)
            runs[key] = run
        if not requested_tasks_open(operator.database_url, STORE, ["en", "de"]):
            return runs
        assert time.monotonic() < deadline, "the requested tasks were not all done in time"
        time.sleep(1)
