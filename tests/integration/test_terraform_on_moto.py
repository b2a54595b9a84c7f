"""infra/ applied for real, offline: ``terraform fmt``, ``init`` from a provider mirror, ``validate``
and ``apply`` against a moto server; then descgen's expectations read back from what Terraform
created, and one whole cycle run on it.

Needs ``terraform`` on PATH and a filesystem mirror of hashicorp/aws (tests/infra/terraform_cli.py
says where it is looked for). Without them this module is skipped with the reason, unless CI is
set: there it fails, so a CI machine that lost Terraform cannot pass by skipping.

Nothing is written into the repository: infra/ is copied to a temporary folder beside a copy of
descgen/aws_layout.json (locals.tf reads ``../descgen/aws_layout.json``) and the Lambda zips
(``build/lambdas``, the configuration's default package folder); tests/infra/moto_override.tf
is added to the copy as ``zz_moto_override.tf``. That one file points the provider at moto and
works around moto's gaps in applying it, one documented block each; the real configuration is
applied as it is. One gap is in moto's data plane, not in the apply, and is met by the cycle test
where it bites: moto applies the bucket policy's Deny statements without their TLS conditions.
moto runs in a process of its own on 127.0.0.1 (a free port), stopped at the end of the module.

What the cycle leaves to emulation, because moto has no Lambda runtime without Docker: AWS invoking
the functions. The local stack's Lambda runner does it, fed by queues subscribed to Terraform's
topic and notified by Terraform's bucket with the filter of Terraform's notification
(tests/infra/applied_stack.py). Bedrock is the local stack's emulator, as everywhere else.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import hcl2
import pytest
from hcl2.utils import SerializationOptions

from descgen.aws_layout import LAYOUT
from descgen.contract.keys import OUTPUT_SUFFIX
from descgen.contract.lambda_settings import CreateJobSettings, ParseOutputSettings, environment_names
from descgen.metrics import METRIC_NAMES, Metric
from descgen.settings import Settings
from tests.infra.applied_stack import AppliedStack
from tests.infra.terraform_cli import Terraform, TerraformMissing, TerraformTools, find_terraform_tools

REPO_ROOT = Path(__file__).resolve().parents[2]
INFRA = REPO_ROOT / "infra"
OVERRIDE_TEMPLATE = REPO_ROOT / "tests" / "infra" / "moto_override.tf"
MOTO_SERVER = REPO_ROOT / "tests" / "infra" / "moto_server.py"
OVERRIDE_PLACEHOLDER = "__MOTO_URL__"

sys.path.insert(0, str(INFRA))
import package_lambdas  # noqa: E402  (infra/ is not a package: the script is run by path)

REQUIRED = os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}

# The example environment applied, plus one alert address so the e-mail subscription is created too.
TFVARS = "env/dev.tfvars"
ALERT_EMAIL = "oncall@example.com"
APPLY_VARIABLES = ("-var-file", TFVARS, "-var", f'alert_emails=["{ALERT_EMAIL}"]')

# Each command's limit; the whole module takes about two minutes on two cores, apply most of it
# (the provider waits out KMS and SQS propagation: about 12 s for the key, 25 s per queue).
INIT_SECONDS = 120
VALIDATE_SECONDS = 60
APPLY_SECONDS = 300
PLAN_SECONDS = 120
CYCLE_SECONDS = 120

HCL_VALUES = SerializationOptions(with_comments=False, explicit_blocks=False, strip_string_quotes=True)


# ==============================================================================================================
# Terraform, moto, and one apply for the module
# ==============================================================================================================


@pytest.fixture(scope="module")
def tools() -> TerraformTools:
    try:
        return find_terraform_tools()
    except TerraformMissing as missing:
        if REQUIRED:
            pytest.fail(f"CI is set, so infra/ must be applied to moto here, but {missing}", pytrace=False)
        pytest.skip(f"Terraform on moto not run: {missing}")


@pytest.fixture(scope="module")
def moto_url(tools: TerraformTools) -> Iterator[str]:
    """moto in its own process on 127.0.0.1; it stops when its standard input closes."""
    process = subprocess.Popen(
        [sys.executable, str(MOTO_SERVER)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], 60)
        assert ready, "moto did not start within 60 s"
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), f"moto printed {url!r} instead of its URL"
        yield url
    finally:
        assert process.stdin is not None
        process.stdin.close()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass(frozen=True)
class Workdir:
    terraform: Terraform
    zips: dict[str, Path]
    infra_before: list[str]  # the repository's infra/ listing, to show nothing was written there


def infra_listing() -> list[str]:
    return sorted(str(path.relative_to(INFRA)) for path in INFRA.rglob("*"))


@pytest.fixture(scope="module")
def workdir(tools: TerraformTools, moto_url: str, tmp_path_factory: pytest.TempPathFactory) -> Workdir:
    """A copy of infra/ with what it reads beside it and the override added, initialised from the mirror."""
    root = tmp_path_factory.mktemp("terraform")
    before = infra_listing()
    shutil.copytree(
        INFRA, root / "infra", ignore=shutil.ignore_patterns(".terraform", ".terraform.lock.hcl", "*.tfstate*")
    )
    (root / "descgen").mkdir()
    shutil.copy2(REPO_ROOT / "descgen" / "aws_layout.json", root / "descgen" / "aws_layout.json")
    zips = package_lambdas.build_lambda_zips(root / "build" / "lambdas")
    override = OVERRIDE_TEMPLATE.read_text()
    assert OVERRIDE_PLACEHOLDER in override
    (root / "infra" / "zz_moto_override.tf").write_text(override.replace(OVERRIDE_PLACEHOLDER, moto_url))
    terraform = Terraform(tools, root / "infra")
    terraform.run("init", "-backend=false", f"-plugin-dir={tools.plugin_dir}", "-input=false", timeout=INIT_SECONDS)
    return Workdir(terraform, zips, before)


@dataclass(frozen=True)
class Applied:
    moto_url: str
    outputs: dict[str, Any]
    state: dict[str, Any]
    zips: dict[str, Path]
    terraform: Terraform
    seconds: float

    def client(self, service: str) -> Any:
        return boto3.client(  # type: ignore[call-overload]  # the stubs overload client() on literal service names
            service,
            endpoint_url=self.moto_url,
            region_name=self.outputs["aws_region"],
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def resources(self, kind: str) -> dict[str, dict[str, Any]]:
        """Address -> attribute values of every managed resource of that type in the state."""
        return {
            resource["address"]: resource["values"]
            for resource in self.state["values"]["root_module"].get("resources", [])
            if resource["mode"] == "managed" and resource["type"] == kind
        }


@pytest.fixture(scope="module")
def applied(workdir: Workdir, moto_url: str) -> Applied:
    started = time.monotonic()
    workdir.terraform.run("apply", "-auto-approve", "-input=false", *APPLY_VARIABLES, timeout=APPLY_SECONDS)
    seconds = time.monotonic() - started
    outputs = {name: output["value"] for name, output in workdir.terraform.json("output", timeout=60).items()}
    state = workdir.terraform.json("show", timeout=60)
    return Applied(moto_url, outputs, state, workdir.zips, workdir.terraform, seconds)


def dev_environment() -> dict[str, Any]:
    with (INFRA / TFVARS).open() as handle:
        return hcl2.load(handle, serialization_options=HCL_VALUES)


def deployment_prefix() -> str:
    """<name_prefix>-<environment> of the applied environment."""
    values = dev_environment()
    return f"{values['name_prefix']}-{values['environment']}"


def deployment_name(resource: str) -> str:
    """The layout's name of a resource in the applied environment (descgen.aws_layout, not infra/)."""
    return LAYOUT.name(deployment_prefix(), resource)


def declared_resources() -> set[str]:
    """type.name of every resource block in infra/, read with python-hcl2."""
    found = set()
    for path in INFRA.glob("*.tf"):
        with path.open() as handle:
            document = hcl2.load(handle, serialization_options=HCL_VALUES)
        for entry in document.get("resource", []):
            found |= {f"{kind}.{name}" for kind, named in entry.items() for name in named}
    return found


def overridden_to_nothing() -> set[str]:
    """type.name of every resource the override gives no instance (count = 0): moto's documented gaps."""
    document = hcl2.loads(OVERRIDE_TEMPLATE.read_text(), serialization_options=HCL_VALUES)
    return {
        f"{kind}.{name}"
        for entry in document.get("resource", [])
        for kind, named in entry.items()
        for name, body in named.items()
        if body.get("count") == 0
    }


# ==============================================================================================================
# fmt, init, validate
# ==============================================================================================================


def test_infra_and_the_moto_override_are_formatted_as_terraform_fmt_writes_them(
    tools: TerraformTools, tmp_path: Path
) -> None:
    # GIVEN the real configuration and the test's override
    terraform = Terraform(tools, tmp_path)  # fmt -check reads the paths it is given, and writes nothing
    # WHEN terraform fmt checks them (it writes nothing with -check)
    for path in (INFRA, OVERRIDE_TEMPLATE):
        completed = terraform.run(
            "fmt", "-check", "-recursive", "-diff", str(path), timeout=VALIDATE_SECONDS, ok_codes=(0, 3)
        )
        # THEN nothing would change
        assert completed.returncode == 0, f"terraform fmt would change {path}:\n{completed.stdout}"


def test_infra_initialises_from_the_provider_mirror_and_validates(workdir: Workdir, tools: TerraformTools) -> None:
    # GIVEN the initialised copy
    # WHEN terraform validates it
    report = workdir.terraform.json("validate", timeout=VALIDATE_SECONDS)

    # THEN it is valid, without an error or a warning
    assert report["valid"], report
    assert (report["error_count"], report["warning_count"]) == (0, 0), report["diagnostics"]
    # AND the provider came from the mirror, which holds the version the lock file recorded
    lock = hcl2.loads((workdir.terraform.workdir / ".terraform.lock.hcl").read_text(), serialization_options=HCL_VALUES)
    [[address, provider]] = [next(iter(entry.items())) for entry in lock["provider"]]
    assert address == "registry.terraform.io/hashicorp/aws"
    assert (tools.plugin_dir / "registry.terraform.io" / "hashicorp" / "aws" / provider["version"]).is_dir()


# ==============================================================================================================
# apply
# ==============================================================================================================


def test_apply_on_moto_creates_every_declared_resource_but_the_documented_gaps(applied: Applied) -> None:
    # GIVEN the resource blocks of infra/ and the ones the override leaves out for moto
    declared = declared_resources()
    gaps = overridden_to_nothing()

    # WHEN the state after apply is listed (for_each instances folded into their block)
    in_state = {
        f"{resource['type']}.{resource['name']}"
        for resource in applied.state["values"]["root_module"].get("resources", [])
        if resource["mode"] == "managed"
    }

    # THEN every declared resource exists but the gaps, each of which is a real resource of infra/
    assert gaps <= declared, f"the override names resources infra/ does not declare: {sorted(gaps - declared)}"
    assert in_state == declared - gaps, (
        f"declared but not created: {sorted(declared - gaps - in_state)}; unexpected: {sorted(in_state - declared)}"
    )


def test_a_plan_right_after_apply_changes_nothing(applied: Applied) -> None:
    # GIVEN what apply created
    # WHEN terraform plans the same configuration again (it refreshes from moto first)
    completed = applied.terraform.run(
        "plan", "-detailed-exitcode", "-input=false", *APPLY_VARIABLES, timeout=PLAN_SECONDS, ok_codes=(0, 2)
    )

    # THEN it converged: what moto read back is what was declared (moto's gaps aside, see the override)
    assert completed.returncode == 0, f"a second plan wants changes:\n{completed.stdout[-6000:]}"


# ==============================================================================================================
# What Terraform created, read back through boto3 and compared with descgen's own expectations
# ==============================================================================================================


def test_the_bucket_is_the_layouts_encrypted_with_the_deployment_key_versioned_private_and_expiring(
    applied: Applied,
) -> None:
    # GIVEN the bucket Terraform created
    s3 = applied.client("s3")
    bucket = applied.outputs["bucket_name"]
    account = applied.outputs["bedrock_batch_role_arn"].split(":")[4]

    # WHEN its name, encryption, versioning, access block and lifecycle are read from moto
    [rule] = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    lifecycle = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    expiring = {r["Filter"].get("Prefix"): r["Expiration"]["Days"] for r in lifecycle if "Expiration" in r}

    # THEN it carries the layout's name, made unique by account and region
    assert bucket == f"{deployment_name('bucket')}-{account}-{applied.outputs['aws_region']}"
    assert bucket in {b["Name"] for b in s3.list_buckets()["Buckets"]}
    # AND objects are encrypted with the deployment's key, through a bucket key
    assert rule["ApplyServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "aws:kms",
        "KMSMasterKeyID": applied.outputs["kms_key_arn"],
    }
    assert rule["BucketKeyEnabled"] is True
    # AND it is versioned, closed to the public, reachable over TLS 1.2+ only, and its prefixes expire
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    assert block == dict.fromkeys(
        ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"), True
    )
    assert tls_only_conditions(s3, bucket) == {
        "DenyPlainHttp": {"Bool": {"aws:SecureTransport": "false"}},
        "DenyTlsOlderThan12": {"NumericLessThan": {"s3:TlsVersion": "1.2"}},
    }
    dev = dev_environment()
    assert expiring == {
        LAYOUT.input_prefix: dev["input_retention_days"],
        LAYOUT.output_prefix: dev["output_retention_days"],
    }


def tls_only_conditions(s3: Any, bucket: str) -> dict[str, Any]:
    """Sid -> condition of each Deny statement of the bucket policy that covers every S3 action on everyone."""
    policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    return {
        statement["Sid"]: statement["Condition"]
        for statement in policy["Statement"]
        if statement["Effect"] == "Deny" and statement["Action"] == "s3:*" and statement["Principal"] == "*"
    }


def test_the_results_queue_keeps_the_layouts_figures_and_dead_letters_to_the_dlq_after_its_receive_count(
    applied: Applied,
) -> None:
    # GIVEN the queues Terraform created
    sqs = applied.client("sqs")
    queue_url, dlq_url = applied.outputs["queue_url"], applied.outputs["dlq_url"]

    # WHEN their attributes are read from moto
    results = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["All"])["Attributes"]
    dlq = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["All"])["Attributes"]
    failures = sqs.get_queue_attributes(QueueUrl=applied.outputs["lambda_failures_queue_url"], AttributeNames=["All"])[
        "Attributes"
    ]

    # THEN each carries the layout's name
    assert results["QueueArn"].endswith(f":{deployment_name('queue')}")
    assert dlq["QueueArn"].endswith(f":{deployment_name('dlq')}")
    assert failures["QueueArn"].endswith(f":{deployment_name('lambda_failures_queue')}")
    # AND the results queue polls long, hides a message for a drain page, keeps it four days
    assert {
        "ReceiveMessageWaitTimeSeconds": int(results["ReceiveMessageWaitTimeSeconds"]),
        "VisibilityTimeout": int(results["VisibilityTimeout"]),
        "MessageRetentionPeriod": int(results["MessageRetentionPeriod"]),
        "MaximumMessageSize": int(results["MaximumMessageSize"]),
    } == {
        "ReceiveMessageWaitTimeSeconds": LAYOUT.queue.receive_wait_time_seconds,
        "VisibilityTimeout": LAYOUT.queue.visibility_timeout_seconds,
        "MessageRetentionPeriod": LAYOUT.queue.message_retention_seconds,
        "MaximumMessageSize": LAYOUT.queue.max_message_size,
    }
    # AND it dead-letters to the DLQ after the layout's number of receives
    redrive = json.loads(results["RedrivePolicy"])
    assert redrive["deadLetterTargetArn"] == dlq["QueueArn"]
    assert int(redrive["maxReceiveCount"]) == LAYOUT.dlq.max_receive_count
    # AND dead letters and failed invocations are kept 14 days, every queue under the deployment key
    assert int(dlq["MessageRetentionPeriod"]) == int(failures["MessageRetentionPeriod"])
    assert int(dlq["MessageRetentionPeriod"]) == LAYOUT.dlq.message_retention_seconds
    for attributes in (results, dlq, failures):
        assert attributes["KmsMasterKeyId"] == applied.outputs["kms_key_arn"], attributes["QueueArn"]


def test_the_jobs_topic_invokes_create_bedrock_job_and_dead_letters_to_the_failures_queue(applied: Applied) -> None:
    # GIVEN the topics Terraform created
    sns = applied.client("sns")
    topic_arn = applied.outputs["topic_arn"]

    # WHEN the topics and their subscriptions are read from moto
    topic = sns.get_topic_attributes(TopicArn=topic_arn)["Attributes"]
    alerts = sns.get_topic_attributes(TopicArn=applied.outputs["alerts_topic_arn"])["Attributes"]
    [subscription] = sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"]
    attributes = sns.get_subscription_attributes(SubscriptionArn=subscription["SubscriptionArn"])["Attributes"]
    function_arn = applied.client("lambda").get_function(
        FunctionName=applied.outputs["function_names"]["create_bedrock_job"]
    )["Configuration"]["FunctionArn"]
    failures_arn = applied.client("sqs").get_queue_attributes(
        QueueUrl=applied.outputs["lambda_failures_queue_url"], AttributeNames=["QueueArn"]
    )["Attributes"]["QueueArn"]
    emails = sns.list_subscriptions_by_topic(TopicArn=applied.outputs["alerts_topic_arn"])["Subscriptions"]

    # THEN the jobs topic has the layout's name and its one subscription is create_bedrock_job
    assert topic_arn.endswith(f":{deployment_name('topic')}")
    assert (subscription["Protocol"], subscription["Endpoint"]) == ("lambda", function_arn)
    # AND a request SNS cannot deliver lands in the failures queue
    assert json.loads(attributes["RedrivePolicy"]) == {"deadLetterTargetArn": failures_arn}
    # AND both topics are encrypted with the deployment key; the alerts topic mails the listed address
    assert topic["KmsMasterKeyId"] == alerts["KmsMasterKeyId"] == applied.outputs["kms_key_arn"]
    assert applied.outputs["alerts_topic_arn"].endswith(f":{deployment_name('alerts_topic')}")
    assert [(s["Protocol"], s["Endpoint"]) for s in emails] == [("email", ALERT_EMAIL)]


def test_new_output_files_and_nothing_else_notify_parse_output(applied: Applied) -> None:
    # GIVEN the bucket's notification Terraform created
    configuration = applied.client("s3").get_bucket_notification_configuration(Bucket=applied.outputs["bucket_name"])
    function_arn = applied.client("lambda").get_function(
        FunctionName=applied.outputs["function_names"]["parse_output"]
    )["Configuration"]["FunctionArn"]

    # WHEN its Lambda targets and filters are read
    [target] = configuration["LambdaFunctionConfigurations"]
    rules = {rule["Name"].lower(): rule["Value"] for rule in target["Filter"]["Key"]["FilterRules"]}

    # THEN new objects under the output prefix with the contract's suffix invoke parse_output, nothing else does
    assert target["LambdaFunctionArn"] == function_arn
    assert target["Events"] == ["s3:ObjectCreated:*"]
    assert rules == {"prefix": LAYOUT.output_prefix, "suffix": LAYOUT.output_suffix}
    assert LAYOUT.output_suffix == OUTPUT_SUFFIX
    assert not configuration.get("QueueConfigurations")
    assert not configuration.get("TopicConfigurations")


@pytest.mark.parametrize(
    ("folder", "settings_class", "layout_name"),
    [
        ("create_bedrock_job", CreateJobSettings, "create_job_function"),
        ("parse_output", ParseOutputSettings, "parse_output_function"),
    ],
)
def test_each_lambda_runs_the_built_zip_with_every_variable_its_handler_reads_and_retries_as_the_layout_says(
    applied: Applied, folder: str, settings_class: type, layout_name: str
) -> None:
    # GIVEN the function Terraform created for a handler folder
    name = applied.outputs["function_names"][folder]
    lambda_client = applied.client("lambda")

    # WHEN its configuration and async invocation settings are read from moto
    configuration = lambda_client.get_function_configuration(FunctionName=name)
    invoke_config = lambda_client.get_function_event_invoke_config(FunctionName=name)
    environment = configuration["Environment"]["Variables"]
    built = base64.b64encode(hashlib.sha256(applied.zips[folder].read_bytes()).digest()).decode()

    # THEN it has the layout's name and runs the zip infra/package_lambdas.py builds
    assert name == deployment_name(layout_name)
    assert configuration["CodeSha256"] == built
    assert configuration["Handler"] == "handler.lambda_handler"
    assert configuration["KMSKeyArn"] == applied.outputs["kms_key_arn"]
    # AND its environment sets every variable the handler reads (endpoints are for emulators only)
    read = environment_names(settings_class)
    assert set(environment) == {variable for variable in read if not variable.endswith("_ENDPOINT_URL")}
    # AND a failed invocation is retried as the layout says, then lands in the failures queue
    assert invoke_config["MaximumRetryAttempts"] == LAYOUT.lambda_async.maximum_retry_attempts
    assert invoke_config["MaximumEventAgeInSeconds"] == LAYOUT.lambda_async.maximum_event_age_in_seconds
    assert invoke_config["DestinationConfig"]["OnFailure"]["Destination"].endswith(
        f":{deployment_name('lambda_failures_queue')}"
    )
    # AND its log group exists, encrypted with the deployment key
    [group] = applied.client("logs").describe_log_groups(logGroupNamePrefix=f"/aws/lambda/{name}")["logGroups"]
    assert group.get("kmsKeyId") == applied.outputs["kms_key_arn"]


def test_the_alarms_and_the_job_failure_rule_page_the_alerts_topic(applied: Applied) -> None:
    # GIVEN the alarms, the rule and the dashboards Terraform created
    cloudwatch, events = applied.client("cloudwatch"), applied.client("events")
    alerts = applied.outputs["alerts_topic_arn"]
    functions = applied.outputs["function_names"].values()

    # WHEN they are read from moto
    alarms = {alarm["AlarmName"]: alarm for alarm in cloudwatch.describe_alarms()["MetricAlarms"]}
    [rule] = events.list_rules(NamePrefix=deployment_prefix())["Rules"]
    [target] = events.list_targets_by_rule(Rule=rule["Name"])["Targets"]
    pattern = json.loads(rule["EventPattern"])

    # THEN DLQ depth, any failed invocation and each function's error rate are alarmed, paging the alerts topic
    assert set(alarms) == {
        f"{deployment_name('dlq')}-depth",
        f"{deployment_name('lambda_failures_queue')}-not-empty",
        *(f"{function}-error-rate" for function in functions),
    }
    for name, alarm in alarms.items():
        assert alarm["AlarmActions"] == [alerts], name
        assert alarm["OKActions"] == [alerts], name
    assert alarms[f"{deployment_name('dlq')}-depth"]["Dimensions"] == [
        {"Name": "QueueName", "Value": deployment_name("dlq")}
    ]
    # AND Bedrock batch jobs that fail or expire reach the alerts topic too
    assert pattern["source"] == ["aws.bedrock"]
    assert {"Failed", "Expired"} <= set(pattern["detail"]["status"])
    assert target["Arn"] == alerts
    # AND every dashboard Terraform declares exists, with the body it declared
    for address, values in applied.resources("aws_cloudwatch_dashboard").items():
        body = cloudwatch.get_dashboard(DashboardName=values["dashboard_name"])["DashboardBody"]
        assert json.loads(body) == json.loads(values["dashboard_body"]), address


SEARCHED_METRIC = re.compile(r"""SEARCH\('\{"(?P<namespace>[^"]+)",Store,Model\} MetricName="(?P<name>\w+)"'""")


def test_the_dashboard_graphs_every_metric_the_flows_send_beside_the_alarms_queues_and_lambdas(
    applied: Applied,
) -> None:
    # GIVEN the dashboard Terraform created, read back from moto
    cloudwatch = applied.client("cloudwatch")
    body = json.loads(cloudwatch.get_dashboard(DashboardName=applied.outputs["dashboard_name"])["DashboardBody"])
    widgets = body["widgets"]

    # WHEN its widgets are sorted by what they show
    lines = [line for widget in widgets if widget["type"] == "metric" for line in widget["properties"]["metrics"]]
    assert all(isinstance(line, list) for line in lines), f"each graph line is an array: {lines}"
    searched = [SEARCHED_METRIC.match(line[0]["expression"]) for line in lines if isinstance(line[0], dict)]
    plain = {tuple(line) for line in lines if not isinstance(line[0], dict)}
    [alarm_widget] = [widget for widget in widgets if widget["type"] == "alarm"]

    # THEN it graphs each metric descgen.metrics defines, once, per store and model of the workers' namespace
    assert all(searched), f"a graph searches for something else: {lines}"
    names = [match.group("name") for match in searched if match]
    assert sorted(names) == sorted(METRIC_NAMES), f"dashboard {sorted(names)}, code {sorted(METRIC_NAMES)}"
    namespaces = {match.group("namespace") for match in searched if match}
    assert namespaces == {applied.outputs["metrics_namespace"]}
    assert f"DESCGEN_METRICS_NAMESPACE={applied.outputs['metrics_namespace']}" in applied.outputs["descgen_env"]
    # AND next to them every alarm Terraform created, the depth of each queue and each Lambda's errors
    alarms = {alarm["AlarmArn"] for alarm in cloudwatch.describe_alarms()["MetricAlarms"]}
    assert set(alarm_widget["properties"]["alarms"]) == alarms
    queues = {deployment_name(queue) for queue in ("queue", "dlq", "lambda_failures_queue")}
    assert {("AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", queue) for queue in queues} <= plain
    for function in applied.outputs["function_names"].values():
        assert ("AWS/Lambda", "Errors", "FunctionName", function) in plain


def test_the_descgen_env_output_is_a_complete_settings_file_for_the_workers(applied: Applied) -> None:
    # GIVEN the output the README pipes into .env
    lines = applied.outputs["descgen_env"].splitlines()

    # WHEN descgen's settings are built from it alone
    values = dict(line.split("=", 1) for line in lines)
    settings = Settings(**{name.removeprefix("DESCGEN_").lower(): value for name, value in values.items()})

    # THEN they name what Terraform created
    assert (settings.bucket, settings.topic_arn) == (applied.outputs["bucket_name"], applied.outputs["topic_arn"])
    assert (settings.queue_url, settings.dlq_url) == (applied.outputs["queue_url"], applied.outputs["dlq_url"])
    assert settings.model_id == dev_environment()["model_id"]


# ==============================================================================================================
# One whole cycle on what Terraform created
# ==============================================================================================================


def test_one_whole_cycle_runs_on_what_terraform_created(
    applied: Applied, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    from prefect.testing.utilities import prefect_test_harness
    from sqlalchemy import select

    from descgen.db import migrate
    from descgen.db.catalog import load_catalog
    from descgen.db.models import Description
    from descgen.db.session import make_engine, session_scope
    from descgen.db.status import task_states
    from descgen.lifecycle import OPEN_STATES
    from descgen.settings import get_settings
    from flows.drain_results import drain_results
    from flows.generate_descriptions import generate_descriptions
    from flows.monitor_jobs import monitor_jobs
    from tasks import connections
    from tests.builders import catalog

    # GIVEN the Bedrock emulator and the Lambda runner wired to what Terraform created, and the
    # workers' settings from the descgen_env output (plus the emulators' endpoints and a database)
    database = f"sqlite:///{tmp_path / 'descgen.sqlite3'}"
    migrate.upgrade(database)
    # moto's one data-plane gap met here: moto 5.2 applies a bucket policy's Deny statements to object
    # requests without evaluating their conditions, so the TLS-only policy (read back and checked above)
    # would refuse every read and write, whatever the transport. The cycle runs without it; in AWS the
    # SDKs speak TLS 1.2+ and the policy lets them through.
    s3 = applied.client("s3")
    bucket_policy = s3.get_bucket_policy(Bucket=applied.outputs["bucket_name"])["Policy"]
    s3.delete_bucket_policy(Bucket=applied.outputs["bucket_name"])
    request.addfinalizer(lambda: s3.put_bucket_policy(Bucket=applied.outputs["bucket_name"], Policy=bucket_policy))
    with AppliedStack(
        moto_url=applied.moto_url, region=applied.outputs["aws_region"], outputs=applied.outputs, zips=applied.zips
    ) as stack:
        environment = stack.settings_environment(applied.outputs["descgen_env"]) | {
            "DESCGEN_DATABASE_URL": database,
            "DESCGEN_RECEIVE_WAIT_SECONDS": "0",
            "DESCGEN_RESULT_GRACE_MINUTES": "0",
            "DESCGEN_STALE_BATCH_MINUTES": "0",
            "DESCGEN_QUOTA_OVERRIDE__MIN_RECORDS": "1",
            "DESCGEN_MIN_DESCRIPTION_CHARS": "20",
        }
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        for cached in (get_settings, connections.engine, connections.aws):
            cached.cache_clear()
        engine = make_engine(database)
        try:
            with session_scope(engine) as session:
                store, _ = load_catalog(session, catalog("tfcycle", products=4, languages=("en", "de")))

            # WHEN generate, then drain and monitor until nothing is in flight, run under Prefect
            with prefect_test_harness(server_startup_timeout=120):
                written = generate_descriptions(store=store)
                deadline = time.monotonic() + CYCLE_SECONDS
                while True:
                    stack.wait_until_idle(60)
                    drain_results(max_seconds=30)
                    monitor_jobs()
                    with session_scope(engine) as session:
                        states = dict(task_states(session, store))
                    if not any(state in OPEN_STATES for state in states) or time.monotonic() > deadline:
                        break

            with session_scope(engine) as session:
                descriptions = list(session.scalars(select(Description.html).where(Description.store_id == store)))
        finally:
            engine.dispose()
            for cached in (get_settings, connections.engine, connections.aws):
                cached.cache_clear()

        # THEN every task is done, with one description per product and language
        assert states == {"done": 8}, states
        assert len(descriptions) == 8
        # AND the work went through Terraform's resources: the input and output in its bucket, the job
        # run as its Bedrock role, the results through its queue (now empty, as are the DLQ and failures)
        assert len(written) == 1
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=stack.bucket).get("Contents", [])]
        assert any(key.startswith(LAYOUT.input_prefix) for key in keys), keys
        assert any(key.startswith(LAYOUT.output_prefix) and key.endswith(LAYOUT.output_suffix) for key in keys), keys
        [job] = stack.client("bedrock").list_model_invocation_jobs()["invocationJobSummaries"]
        assert job["roleArn"] == applied.outputs["bedrock_batch_role_arn"]
        assert job["outputDataConfig"]["s3OutputDataConfig"]["s3Uri"].startswith(f"s3://{stack.bucket}/")
        # AND each function ran from its zip without a failure (parse_output also answered S3's test event)
        assert stack.runner is not None
        functions = stack.runner.functions
        assert functions["create_bedrock_job"].stats.invocations == 1
        assert [f.stats.errors for f in functions.values()] == [[], []]
        # AND the cost per 1K tokens and the turnaround of the batch are in CloudWatch, in Terraform's namespace
        listed = applied.client("cloudwatch").list_metrics(Namespace=applied.outputs["metrics_namespace"])["Metrics"]
        sent = {metric["MetricName"] for metric in listed}
        assert {Metric.COST_PER_1K_TOKENS, Metric.TURNAROUND_SECONDS, Metric.RESULTS_APPLIED} <= sent, sent
        sqs = stack.client("sqs")
        for queue in (stack.queue_url, stack.dlq_url, stack.failure_queue_url):
            depth = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]
            assert (depth["ApproximateNumberOfMessages"], depth["ApproximateNumberOfMessagesNotVisible"]) == (
                "0",
                "0",
            ), queue


def test_nothing_was_written_into_the_repositorys_infra_folder(workdir: Workdir) -> None:
    # GIVEN the listing of infra/ taken before init and apply ran in the copy
    # WHEN it is taken again
    # THEN it is the same: no .terraform/, lock file or state in the tree
    assert infra_listing() == workdir.infra_before
