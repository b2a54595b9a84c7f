"""The chaos run: several stores through whole cycles on the local stack and a private
PostgreSQL, while faults land at random points; then quiet, then the invariants.

Everything is the production path but the scheduler: the local stack (moto, the
Bedrock emulator, the Lambda runner with the packaged handlers), and generate, drain
and monitor as processes of their own (``chaos.steps``) that the driver starts the way
Prefect's schedules would (one generate per store at a time, every 2-6 s; one drain
at a time, back to back; a monitor every 1-3 s; a store's catalog import changing a few
titles every 6-12 s) and may SIGKILL. The random choices come from one seed
(printed; ``--seed`` / ``SEED=`` replays the same schedule of faults and choices;
process timing still varies from run to run).

Faults, by kind:
    kill generate|drain|monitor   SIGKILL of the step's process group, at a random point of its run
    kill <Lambda>                 SIGKILL of the function's execution environment while it handles
                                  a delivery (the runner starts a fresh one, as Lambda does)
    restart postgres              ``pg_ctl restart -m fast|immediate`` of the private cluster
                                  (stands in for ``pg_ctlcluster ... restart``; see chaos.postgres)
    duplicate S3|SNS delivery     the same S3 event / SNS notification delivered to the Lambda again
    SQS send|delete failures      a window in which a share of the results queue's SendMessageBatch /
                                  DeleteMessageBatch calls fail, whole or per entry (chaos.sqs_proxy)
    emulator <fault>              a window in which new Bedrock jobs end partially, failed or expired,
                                  or answer with record errors, invalid structured output, foreign
                                  markers or messy lines; or CreateModelInvocationJob is throttled
"""

from __future__ import annotations

import dataclasses
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import DBAPIError

from chaos.invariants import RunState, Verdict, check, load_database, product_token, results_left_open
from chaos.postgres import PrivateCluster
from chaos.sqs_proxy import SqsFaultProxy
from descgen.aws.queues import queue_arn, queue_depth
from descgen.contract.lambda_settings import ParseOutputSettings
from descgen.db import migrate
from descgen.db.catalog import load_catalog
from descgen.db.models import Batch, GenerationTask
from descgen.db.session import make_engine, session_scope
from descgen.lifecycle import OPEN_STATES, BatchState, TaskState
from local.bedrock_emulator import JobFaults
from local.stack import REPO, LocalStack

LANGUAGES = ("en", "de")
TICK_SECONDS = 0.25
LAMBDAS = ("create_bedrock_job", "parse_output")
FAULT_KINDS = (
    "kill generate",
    "kill drain",
    "kill monitor",
    "kill lambda",
    "restart postgres",
    "duplicate S3 delivery",
    "duplicate SNS delivery",
    "SQS send failures",
    "SQS delete failures",
    "emulator fault",
)
# Short windows so a run of minutes still sees every monitor branch (the defaults are 30
# minutes): a job's results may be late for 15 s, a batch with no job is republished after
# 12 s. The grace outlasts a killed drain's lease (RESULTS_VISIBILITY_SECONDS) and a Lambda
# retry, or monitor would resend tasks whose results are only in flight.
SETTINGS = {
    "DESCGEN_RECEIVE_WAIT_SECONDS": "1",
    "DESCGEN_RESULT_GRACE_MINUTES": "0.25",
    "DESCGEN_STALE_BATCH_MINUTES": "0.2",
    "DESCGEN_QUOTA_OVERRIDE__MIN_RECORDS": "1",
    "DESCGEN_QUOTA_OVERRIDE__MAX_RECORDS": "16",  # several batches per store and run
    "DESCGEN_QUOTA_OVERRIDE__MAX_JOBS_IN_FLIGHT": "4",  # some batches wait for a job slot
}
RESULTS_VISIBILITY_SECONDS = 8  # a killed drain's messages come back in seconds, not 120
STEP_TIMEOUT_SECONDS = 90
SQS_FAILURE_RATE = 0.5  # of the batch calls in a failure window (whole calls or some of their entries)
# The parse Lambda's SQS endpoint setting, by its field (no second spelling of the variable).
SQS_ENDPOINT_VARIABLE = {f.name: f.metadata["env"] for f in dataclasses.fields(ParseOutputSettings)}["sqs_endpoint_url"]


@dataclass(frozen=True)
class ChaosConfig:
    seconds: float
    seed: int
    stores: int = 3
    products: int = 24
    fault_every_seconds: float = 2.5  # the mean time between two faults
    quiet_seconds: float = 150.0  # the most the run may take to settle after the faults stop
    log_dir: Path = REPO / "build" / "chaos"


@dataclass
class Figures:
    faults: Counter[str] = field(default_factory=Counter)  # injected (a kill that found its process)
    missed: Counter[str] = field(default_factory=Counter)  # a fault that found nothing to hit
    steps: Counter[str] = field(default_factory=Counter)  # "<kind> ok|killed|failed"
    catalog_changes: int = 0
    catalog_changes_refused: int = 0


class ChaosStack(LocalStack):
    """The local stack, with the parse Lambda's SQS calls through the fault proxy."""

    def __init__(self, rng: random.Random, **options: Any) -> None:
        super().__init__(**options)
        self._rng = rng
        self.proxy: SqsFaultProxy | None = None

    def lambda_environment(self, function: str) -> dict[str, str]:
        environment = super().lambda_environment(function)
        if function == "parse_output":
            environment[SQS_ENDPOINT_VARIABLE] = self.sqs_proxy().url
        return environment

    def sqs_proxy(self) -> SqsFaultProxy:
        if self.proxy is None:
            queue_name = self.queue_url.rsplit("/", 1)[-1]
            self.proxy = SqsFaultProxy(self.aws_url, queue_name, self._rng).start()
        return self.proxy

    def stop(self) -> None:
        super().stop()
        if self.proxy is not None:
            self.proxy.stop()


@dataclass
class Step:
    kind: str
    store: str | None
    process: subprocess.Popen[bytes]
    started: float
    kill_at: float | None = None


def catalog(store: str, products: int, revisions: dict[str, int]) -> dict[str, Any]:
    """A store's catalog; every title carries the product's token (checked in each text later)."""
    rows = []
    for number in range(1, products + 1):
        product = f"P{number:04d}"
        revision = revisions.get(product, 0)
        rows.append(
            {
                "id": product,
                "title": f"Desk lamp {product_token(store, product)} series {revision + 1}",
                "seo_keywords": ["desk lamp", f"lamp {number}"],
                "attributes": {"power": f"{5 + number % 7} W", "colour": ("black", "white", "brass")[number % 3]},
            }
        )
    return {
        "store": {"id": store, "name": store.title(), "languages": {lang: lang for lang in LANGUAGES}},
        "products": rows,
    }


class ChaosRun:
    def __init__(self, config: ChaosConfig, stack: ChaosStack, cluster: PrivateCluster) -> None:
        self.config = config
        self.rng = random.Random(config.seed)
        self.stack = stack
        self.cluster = cluster
        self.proxy = stack.sqs_proxy()
        self.engine: Engine = make_engine(cluster.url)
        self.proxy.check_deleted = lambda bodies: results_left_open(self.engine, bodies)
        self.figures = Figures()
        self.stores = [f"chaos{number}" for number in range(1, config.stores + 1)]
        self.revisions: dict[str, dict[str, int]] = {store: {} for store in self.stores}
        self.running: list[Step] = []
        self.armed: Counter[str] = Counter()  # kills waiting for a process of their kind
        self.windows: dict[str, float] = {}  # fault window -> when it closes
        self.emulator_bag: list[str] = []
        self.deliveries: dict[str, deque[str]] = {"S3": deque(maxlen=20), "SNS": deque(maxlen=20)}
        self.sqs = stack.client("sqs")
        self.taps = self._tap_deliveries()
        config.log_dir.mkdir(parents=True, exist_ok=True)
        for old in config.log_dir.glob("*.log"):
            old.unlink()
        self.environment = self._step_environment()

    # ------------------------------------------------------------------ setup

    def _step_environment(self) -> dict[str, str]:
        inherited = {key: value for key, value in os.environ.items() if not key.startswith("DESCGEN_")}
        return (
            inherited
            | self.stack.settings_environment()
            | SETTINGS
            | {
                "DESCGEN_DATABASE_URL": self.cluster.url,
                "DESCGEN_SQS_ENDPOINT_URL": self.proxy.url,
                "PYTHONPATH": str(REPO),
            }
        )

    def _tap_deliveries(self) -> dict[str, str]:
        """A queue that receives a copy of every SNS job request and every S3 output event."""
        s3, sns = self.stack.client("s3"), self.stack.client("sns")
        taps = {}
        for source in self.deliveries:
            url = self.sqs.create_queue(QueueName=f"{self.stack.name_prefix}-{source.lower()}-tap")["QueueUrl"]
            taps[source] = url
        sns.subscribe(TopicArn=self.stack.topic_arn, Protocol="sqs", Endpoint=queue_arn(self.sqs, taps["SNS"]))
        notifications = s3.get_bucket_notification_configuration(Bucket=self.stack.bucket)
        [parse] = notifications["QueueConfigurations"]
        tap = {**parse, "Id": "chaos-tap", "QueueArn": queue_arn(self.sqs, taps["S3"])}
        s3.put_bucket_notification_configuration(
            Bucket=self.stack.bucket, NotificationConfiguration={"QueueConfigurations": [parse, tap]}
        )
        return taps

    def prepare(self) -> None:
        migrate.upgrade(self.cluster.url)
        for store in self.stores:
            with session_scope(self.engine) as session:
                load_catalog(session, catalog(store, self.config.products, self.revisions[store]))
        self.sqs.set_queue_attributes(
            QueueUrl=self.stack.queue_url, Attributes={"VisibilityTimeout": str(RESULTS_VISIBILITY_SECONDS)}
        )

    # ------------------------------------------------------------------ the chaos

    def run(self) -> list[Verdict]:
        try:
            return self._run()
        finally:
            for step in self.running:  # an interrupted run leaves no step behind
                kill_group(step.process)
                step.process.wait()

    def _run(self) -> list[Verdict]:
        self.prepare()
        started = time.monotonic()
        print(
            f"chaos: {len(self.stores)} stores x {self.config.products} products x {len(LANGUAGES)} languages, "
            f"{self.config.seconds:g}s of faults, seed {self.config.seed}; step logs in {self.config.log_dir}"
        )
        next_fault = started + self.rng.expovariate(1 / self.config.fault_every_seconds)
        next_generate = {store: started for store in self.stores}
        next_monitor = started + 2
        next_catalog_change = started + self.rng.uniform(5, 10)
        bag: list[str] = []
        while (now := time.monotonic()) < started + self.config.seconds:
            self._reap()
            self._collect_deliveries()
            for store in self.stores:
                if now >= next_generate[store] and not self._running("generate", store):
                    self._start("generate", store)
                    next_generate[store] = now + self.rng.uniform(2, 6)
            if not self._running("drain"):
                self._start("drain")
            if now >= next_monitor and not self._running("monitor"):
                self._start("monitor")
                next_monitor = now + self.rng.uniform(1, 3)
            if now >= next_catalog_change:
                self._change_a_catalog()
                next_catalog_change = now + self.rng.uniform(6, 12)
            if now >= next_fault:
                if not bag:  # every kind once per round, in a random order: a short run still sees them all
                    bag = self.rng.sample(FAULT_KINDS, k=len(FAULT_KINDS))
                self._inject(bag.pop())
                next_fault = now + self.rng.expovariate(1 / self.config.fault_every_seconds)
            self._kill_due(now)
            self._close_windows(now)
            time.sleep(TICK_SECONDS)
        print(f"chaos: faults stop after {time.monotonic() - started:.0f}s; settling")
        self._calm_down()
        settled = self._settle()
        state = self._state()
        print(self.report(state, settled, time.monotonic() - started))
        return check(state)

    def _start(self, kind: str, store: str | None = None) -> Step:
        arguments = [sys.executable, "-m", "chaos.steps", kind, *([store] if store else [])]
        log = (self.config.log_dir / f"{kind}{'-' + store if store else ''}.log").open("ab")
        process = subprocess.Popen(  # noqa: S603  (our own interpreter and module)
            arguments,
            env=self.environment,
            cwd=self.config.log_dir,  # not the repo: a developer's .env there must not reach the steps
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a process group: the drain's read-ahead process dies with it
        )
        log.close()
        step = Step(kind, store, process, time.monotonic())
        if self.armed[f"kill {kind}"]:
            self.armed[f"kill {kind}"] -= 1
            step.kill_at = step.started + self.rng.uniform(0.5, 4.0)
        self.running.append(step)
        return step

    def _running(self, kind: str, store: str | None = None) -> bool:
        return any(step.kind == kind and (store is None or step.store == store) for step in self.running)

    def _reap(self) -> None:
        for step in list(self.running):
            code = step.process.poll()
            if code is None:
                continue
            self.running.remove(step)
            outcome = "ok" if code == 0 else "killed" if code == -signal.SIGKILL else "failed"
            self.figures.steps[f"{step.kind} {outcome}"] += 1

    def _kill_due(self, now: float) -> None:
        for step in self.running:
            if step.kill_at is not None and now >= step.kill_at:
                step.kill_at = None
                hit = kill_group(step.process)
                (self.figures.faults if hit else self.figures.missed)[f"kill {step.kind}"] += 1
        for function in LAMBDAS:
            kind = f"kill {function}"
            if self.armed[kind] and queue_depth(self.sqs, self._delivery_queue(function)).in_flight:
                self.armed[kind] -= 1
                try:
                    os.kill(self.stack.runner.container_pids()[function], signal.SIGKILL)
                    self.figures.faults[kind] += 1
                except ProcessLookupError:  # it had died already; the runner replaces it
                    self.figures.missed[kind] += 1

    def _delivery_queue(self, function: str) -> str:
        return self.stack.runner.functions[function].delivery_queue_url

    def _inject(self, kind: str) -> None:
        if kind.startswith("kill") and kind != "kill lambda":
            step_kind = kind.removeprefix("kill ")
            running = [step for step in self.running if step.kind == step_kind and step.kill_at is None]
            if running:
                self.rng.choice(running).kill_at = time.monotonic() + self.rng.uniform(0.0, 2.0)
            else:
                self.armed[kind] += 1
        elif kind == "kill lambda":
            self.armed[f"kill {self.rng.choice(LAMBDAS)}"] += 1  # when it next holds a delivery
        elif kind == "restart postgres":
            mode = self.rng.choice(("fast", "immediate"))
            self.cluster.restart(mode)
            self.figures.faults[f"restart postgres ({mode})"] += 1
        elif kind.startswith("duplicate"):
            source = kind.split()[1]
            function = "parse_output" if source == "S3" else "create_bedrock_job"
            if self.deliveries[source]:
                body = self.rng.choice(list(self.deliveries[source]))
                self.sqs.send_message(QueueUrl=self._delivery_queue(function), MessageBody=body)
                self.figures.faults[kind] += 1
            else:
                self.figures.missed[kind] += 1
        elif kind.startswith("SQS"):
            self.windows[kind] = time.monotonic() + self.rng.uniform(5, 12)
            self._set_sqs_rates()
            self.figures.faults[kind] += 1
        else:
            self._emulator_fault()

    def _emulator_fault(self) -> None:
        seed = self.rng.randrange(1 << 30)
        choices: dict[str, Callable[[], None]] = {
            "partially completed job": lambda: self._job_faults(outcome="PartiallyCompleted", partial_fraction=0.5),
            "failed job": lambda: self._job_faults(outcome="Failed"),
            "expired job": lambda: self._job_faults(outcome="Expired"),
            "record errors": lambda: self._job_faults(
                record_error_rate=0.3, record_error_code=self.rng.choice((429, 500, 400)), seed=seed
            ),
            "invalid structured output": lambda: self._job_faults(invalid_json=0.2, schema_violation=0.2, seed=seed),
            "foreign markers": lambda: self._job_faults(foreign_marker=0.2, two_markers=0.1, seed=seed),
            "messy output lines": lambda: self._job_faults(
                malformed_line=0.1, duplicate_record_rate=0.2, crlf_line_ends=True, seed=seed
            ),
            "throttled job creation": lambda: self.stack.bedrock.set_throttles(create_throttles=self.rng.randint(1, 4)),
        }
        if not self.emulator_bag:  # each emulator fault once per round, as the kinds are
            self.emulator_bag = self.rng.sample(sorted(choices), k=len(choices))
        name = self.emulator_bag.pop()
        choices[name]()
        self.windows["emulator fault"] = time.monotonic() + self.rng.uniform(3, 8)
        self.figures.faults[f"emulator: {name}"] += 1

    def _job_faults(self, **faults: Any) -> None:
        self.stack.bedrock.reset_faults()
        self.stack.bedrock.set_faults(JobFaults(**faults))

    def _set_sqs_rates(self) -> None:
        self.proxy.set_failure_rates(
            send=SQS_FAILURE_RATE if "SQS send failures" in self.windows else 0.0,
            delete=SQS_FAILURE_RATE if "SQS delete failures" in self.windows else 0.0,
        )

    def _close_windows(self, now: float) -> None:
        for window, closes in list(self.windows.items()):
            if now >= closes:
                del self.windows[window]
                if window == "emulator fault":
                    self.stack.bedrock.reset_faults()
                else:
                    self._set_sqs_rates()

    def _collect_deliveries(self) -> None:
        for source, url in self.taps.items():
            messages = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get(
                "Messages", []
            )
            for message in messages:
                if source == "S3" and "Records" not in json.loads(message["Body"]):
                    continue  # the s3:TestEvent of the tap's own configuration
                self.deliveries[source].append(message["Body"])
            if messages:
                self.sqs.delete_message_batch(
                    QueueUrl=url,
                    Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)],
                )

    def _change_a_catalog(self) -> None:
        """A store's import changes a few titles: sync marks their tasks to send again (if not in flight)."""
        store = self.rng.choice(self.stores)
        for number in self.rng.sample(range(1, self.config.products + 1), k=min(4, self.config.products)):
            product = f"P{number:04d}"
            self.revisions[store][product] = self.revisions[store].get(product, 0) + 1
        document = catalog(store, self.config.products, self.revisions[store])
        try:
            with session_scope(self.engine) as session:
                load_catalog(session, document)
            self.figures.catalog_changes += 1
        except DBAPIError:  # the database was restarting: the import failed whole, as a real one would
            self.figures.catalog_changes_refused += 1

    # ------------------------------------------------------------------ quiet

    def _calm_down(self) -> None:
        """No new fault; the steps in flight finish (or are stopped past their time)."""
        self.windows.clear()
        self._set_sqs_rates()
        self.stack.bedrock.reset_faults()
        self.stack.bedrock.set_throttles(create_throttles=0)
        self.figures.missed.update(+self.armed)  # kills that never met a process of their kind
        self.armed.clear()
        deadline = time.monotonic() + STEP_TIMEOUT_SECONDS
        while self.running and time.monotonic() < deadline:
            for step in self.running:
                step.kill_at = None
            self._reap()
            time.sleep(TICK_SECONDS)
        for step in self.running:
            kill_group(step.process)
            step.process.wait()
        self._reap()

    def _settle(self) -> bool:
        """Rounds of drain, monitor and generate (for what went back to pending) until nothing is open."""
        deadline = time.monotonic() + self.config.quiet_seconds
        while time.monotonic() < deadline:
            if self._quiet():
                return True
            self._run_to_end("drain")
            self._run_to_end("monitor")
            for store in self._stores_with_pending():
                self._run_to_end("generate", store)
            try:
                self.stack.wait_until_idle(timeout=max(1.0, deadline - time.monotonic()))
            except TimeoutError:
                break
        return self._quiet()

    def _run_to_end(self, kind: str, store: str | None = None) -> None:
        step = self._start(kind, store)
        try:
            step.process.wait(timeout=STEP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            kill_group(step.process)
            step.process.wait()
        self._reap()

    def _quiet(self) -> bool:
        """No task open or pending, every batch closed or released, no result queued, no job or delivery busy."""
        open_or_pending = (*OPEN_STATES, TaskState.PENDING)
        with session_scope(self.engine) as session:
            tasks = session.scalar(select(func.count()).where(GenerationTask.state.in_(open_or_pending)))
            batches = session.scalar(
                select(func.count()).where(Batch.state.not_in((BatchState.CLOSED, BatchState.RELEASED)))
            )
        queued = queue_depth(self.sqs, self.stack.queue_url).total
        return not tasks and not batches and not queued and self.stack.idle()

    def _stores_with_pending(self) -> list[str]:
        with session_scope(self.engine) as session:
            rows = session.scalars(
                select(GenerationTask.store_id).where(GenerationTask.state == TaskState.PENDING).distinct()
            )
            return sorted(rows)

    # ------------------------------------------------------------------ what happened

    def _state(self) -> RunState:
        state = RunState()
        load_database(self.engine, state)
        state.bought = self.stack.bedrock.bought_records()
        state.sent, state.applied = self.proxy.snapshot()
        state.deleted_unapplied = list(self.proxy.ledger.deleted_unapplied)
        state.deletes_unchecked = self.proxy.ledger.deletes_unchecked
        state.dead_letters = self._dead_letters()
        state.left_in_queue = queue_depth(self.sqs, self.stack.queue_url).total
        return state

    def _dead_letters(self) -> set[str]:
        """Every message id in the DLQ (received and kept invisible while counted)."""
        found: set[str] = set()
        while messages := self.sqs.receive_message(
            QueueUrl=self.stack.dlq_url, MaxNumberOfMessages=10, WaitTimeSeconds=0, VisibilityTimeout=600
        ).get("Messages", []):
            found.update(message["MessageId"] for message in messages)
        return found

    def report(self, state: RunState, settled: bool, seconds: float) -> str:
        figures = self.figures
        with session_scope(self.engine) as session:
            batches = Counter(dict(session.execute(select(Batch.state, func.count()).group_by(Batch.state)).all()))
        lambdas = {name: function.stats for name, function in self.stack.runner.functions.items()}
        lines = [
            f"\n=== chaos run: seed {self.config.seed}, {seconds:.0f}s, {'settled' if settled else 'NOT settled'} ===",
            "faults injected: " + _counts(figures.faults + self.proxy.ledger.faults),
            "faults that found nothing to hit: " + _counts(figures.missed),
            f"PostgreSQL restarts: {self.cluster.restarts}; catalog changes: {figures.catalog_changes} "
            f"({figures.catalog_changes_refused} refused while the database restarted)",
            "steps: " + _counts(figures.steps),
            "Lambdas: "
            + "; ".join(
                f"{name} {stats.invocations} invocations, {stats.failures} failed, "
                f"{stats.sent_to_failure_destination} to the failure destination"
                for name, stats in lambdas.items()
            ),
            f"tasks: {len(state.tasks):,}; batches: {_counts(batches)}",
            "",
        ]
        verdicts = check(state)
        for verdict in verdicts:
            lines += verdict.lines()
        failed = [verdict for verdict in verdicts if not verdict.ok]
        lines.append(
            f"\n{len(failed)} of {len(verdicts)} invariants violated"
            + (f"; replay with SEED={self.config.seed}" if failed else "")
        )
        return "\n".join(lines)


def kill_group(process: subprocess.Popen[bytes]) -> bool:
    """SIGKILL the step's process group (it and what it started); False if it had ended already."""
    if process.poll() is not None:
        return False
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:  # it ended between the two calls
        return False
    return True


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{name} {count:,}" for name, count in sorted(counter.items())) or "none"


def run_chaos(config: ChaosConfig) -> list[Verdict]:
    """Start the private cluster and the stack, run, and always stop and delete both."""
    cluster = PrivateCluster().start()
    try:
        proxy_rng = random.Random(config.seed + 1)  # the proxy's threads draw apart from the driver's schedule
        stack = ChaosStack(proxy_rng, name_prefix="descgen-chaos", bedrock_step_seconds=0.2, min_records=1, page_size=4)
        stack.start()
        try:
            return ChaosRun(config, stack, cluster).run()
        finally:
            stack.stop()
    finally:
        cluster.stop()
