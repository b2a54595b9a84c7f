"""Offline checks of infra/: the Terraform keeps the contract the code relies on.

These checks need no Terraform: the HCL is parsed (python-hcl2, expressions
included, through its query API) and scanned (checkov). Where Terraform and a
provider mirror exist, tests/integration/test_terraform_on_moto.py also applies
infra/ to a moto server. Every check compares infra/ with
the code's own source of truth — descgen/aws_layout.json, each handler's
Settings, descgen's settings, descgen.contract.keys — so a drift on either side
fails with a message that names both.
"""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import botocore
import botocore.session
import hcl2
import pytest
from hcl2.query import DocumentView, FunctionCallView, NodeView, ObjectView
from hcl2.rules.containers import ObjectRule
from hcl2.rules.for_expressions import ForObjectExprRule
from hcl2.rules.functions import FunctionCallRule
from hcl2.utils import SerializationOptions

from descgen.aws_layout import LAYOUT, LAYOUT_FILE
from descgen.contract.keys import JOB_WAIT_NAME, MANIFEST_NAME, OUTPUT_SUFFIX
from descgen.contract.lambda_settings import CreateJobSettings, ParseOutputSettings, environment_names
from descgen.metrics import METRIC_NAMES
from descgen.model_catalog import ModelRefused, check_usable, load_model_catalog
from descgen.settings import Settings

REPO_ROOT = Path(__file__).resolve().parents[2]
INFRA = REPO_ROOT / "infra"

sys.path.insert(0, str(INFRA))
import package_lambdas  # noqa: E402  (infra/ is not a package: the script is run by path)

FUNCTIONS = ("create_bedrock_job", "parse_output")
# checkov's own virtualenv inside the project's: it pins its own boto3 and HCL parser (see its lock file).
CHECKOV_VENV = Path(sys.prefix) / "checkov"
LAYOUT_JSON: dict[str, Any] = json.loads(LAYOUT_FILE.read_text())

# ARCHITECTURE.md, "Queues and failures": the figures the layout file must keep.
ARCHITECTURE_QUEUE_POLICY = {
    "receive_wait_time_seconds": 20,
    "visibility_timeout_seconds": 120,
    "message_retention_seconds": 4 * 24 * 3600,
    "dlq_message_retention_seconds": 14 * 24 * 3600,
    "max_receive_count": 2,
    "lambda_retries": 2,  # "S3 and SNS invoke Lambdas at least once and retry twice"
}

# References as the parser renders them.
BUCKET_ARN = "${aws_s3_bucket.this.arn}"
KEY_ARN = "${aws_kms_key.this.arn}"
RESULTS_ARN = "${aws_sqs_queue.results.arn}"
DLQ_ARN = "${aws_sqs_queue.dlq.arn}"
FAILURES_ARN = "${aws_sqs_queue.lambda_failures.arn}"
JOBS_TOPIC_ARN = "${aws_sns_topic.jobs.arn}"
ALERTS_TOPIC_ARN = "${aws_sns_topic.alerts.arn}"
BEDROCK_JOBS = "${local.bedrock_job_arns}"
BEDROCK_MODELS = "${local.bedrock_model_arns}"


# ==============================================================================================================
# Reading the HCL
# ==============================================================================================================
# python-hcl2 keeps string quotes and comments by default (so a document can be
# written back); these tests read values: plain strings, no comment entries, no
# block markers. Attribute values are plain values, blocks lists of dicts.
HCL_VALUES = SerializationOptions(with_comments=False, explicit_blocks=False, strip_string_quotes=True)


def attr(block: dict[str, Any], name: str, default: Any = None) -> Any:
    return block.get(name, default)


def blocks(block: dict[str, Any], name: str) -> list[dict[str, Any]]:
    found = block.get(name, [])
    return found if isinstance(found, list) else [found]


@dataclass
class Terraform:
    resources: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    data: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    locals: dict[str, Any] = field(default_factory=dict)
    variables: dict[str, dict[str, Any]] = field(default_factory=dict)
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    source: dict[str, str] = field(default_factory=dict)  # file name -> HCL without comments

    def resource(self, kind: str, name: str) -> dict[str, Any]:
        assert (kind, name) in self.resources, f"infra/ declares no {kind}.{name}"
        return self.resources[(kind, name)]

    def policy(self, name: str) -> dict[str, Any]:
        assert ("aws_iam_policy_document", name) in self.data, f"infra/ declares no policy document {name}"
        return self.data[("aws_iam_policy_document", name)]

    def variable_default(self, name: str) -> Any:
        assert name in self.variables, f"infra/variables.tf declares no variable {name}"
        return attr(self.variables[name], "default")


def _without_comments(text: str) -> str:
    """The HCL as python-hcl2 writes it back with every comment dropped (a '#' inside a string stays)."""
    return hcl2.dumps(hcl2.loads(text, serialization_options=SerializationOptions(with_comments=False)))


@cache
def terraform() -> Terraform:
    parsed = Terraform()
    for path in sorted(INFRA.glob("*.tf")):
        with path.open() as handle:
            document = hcl2.load(handle, serialization_options=HCL_VALUES)
        parsed.source[path.name] = _without_comments(path.read_text())
        for entry in document.get("resource", []):
            for kind, named in entry.items():
                for name, body in named.items():
                    parsed.resources[(kind, name)] = body
        for entry in document.get("data", []):
            for kind, named in entry.items():
                for name, body in named.items():
                    parsed.data[(kind, name)] = body
        for entry in document.get("locals", []):
            parsed.locals.update(entry)
        for entry in document.get("variable", []):
            parsed.variables.update(entry)
        for entry in document.get("output", []):
            parsed.outputs.update(entry)
    return parsed


def tfvars(name: str) -> dict[str, Any]:
    with (INFRA / "env" / name).open() as handle:
        document: dict[str, Any] = hcl2.load(handle, serialization_options=HCL_VALUES)
    return document


@cache
def _documents() -> tuple[DocumentView, ...]:
    return tuple(DocumentView.parse_file(str(path)) for path in sorted(INFRA.glob("*.tf")))


def expression(block_type: str, labels: tuple[str, ...], attribute: str) -> NodeView:
    """The parsed expression of one attribute of one block, e.g. ("resource", ("aws_sqs_queue", "results"))."""
    found = [
        view.value_node
        for document in _documents()
        for block in document.blocks(block_type, *labels)
        if (view := block.attribute(attribute)) is not None
    ]
    assert len(found) == 1, f"expected one {block_type} {' '.join(labels)} with {attribute}, found {len(found)}"
    return found[0]


def function_call(node: NodeView, name: str) -> FunctionCallView:
    """The outermost call of the named function inside an expression."""
    calls = [call for call in node.find_all(FunctionCallRule) if isinstance(call, FunctionCallView)]
    named = [call for call in calls if call.name == name]
    assert named, f"no {name}(...) in {node.to_hcl()}"
    return named[0]


def value(node: NodeView) -> Any:
    """An expression as the loader renders it: a literal as itself, anything else as ${...}."""
    return node.to_dict(HCL_VALUES)


def validated_choices(variable: str) -> list[Any]:
    """The list a variable's validation checks it against: contains([...], var.<variable>)."""
    [document] = [d for d in _documents() if d.blocks("variable", variable)]
    [validation] = document.blocks("variable", variable)[0].blocks("validation")
    condition = validation.attribute("condition")
    assert condition is not None, f"variable {variable} has a validation without a condition"
    choices, _ = function_call(condition.value_node, "contains").args
    listed = value(choices)
    assert isinstance(listed, list), f"variable {variable} is checked against {listed}, not a list"
    return listed


def for_object_value(node: NodeView) -> str:
    """The value template of a {for k, v in ... : k => <value>} expression."""
    [for_object] = node.find_all(ForObjectExprRule)
    rendered: str = value(for_object.value_expr)  # type: ignore[attr-defined]  # a ForObjectView, which the NodeView stub does not know
    return rendered


# ==============================================================================================================
# Reading expressions
# ==============================================================================================================

_LAYOUT_REFERENCE = re.compile(r"\$\{local\.layout\.([a-z_.]+)\}")
_REFERENCE = re.compile(r"(?<![\w.])(?:local|var|data\.\w+\.\w+|aws_\w+\.\w+(?:\[[^\]]*\])?)\.\w+(?:\.\w+)*")


def layout_value(path: str) -> Any:
    value: Any = LAYOUT_JSON
    for part in path.split("."):
        assert part in value, f"infra/ reads local.layout.{path}, which {LAYOUT_FILE.name} does not have"
        value = value[part]
    return value


def resolve(value: Any) -> Any:
    """Replace layout references by their values: a lone one by the value itself (an int stays an int)."""
    if not isinstance(value, str):
        return value
    lone = _LAYOUT_REFERENCE.fullmatch(value)
    if lone:
        return layout_value(lone.group(1))
    return _LAYOUT_REFERENCE.sub(lambda match: str(layout_value(match.group(1))), value)


def references(expression: str) -> list[str]:
    """Every reference (local.x, var.x, aws_x.y.z, data.x.y.z) in an expression, as ${...}."""
    return sorted({"${" + found + "}" for found in _REFERENCE.findall(expression)})


def resolved_list(value: Any) -> list[str]:
    """A list attribute, written as a list (items resolved) or as one expression (its references)."""
    if isinstance(value, list):
        return [resolve(item) for item in value]
    return references(str(value))


def json_field(node: NodeView, key: str) -> Any:
    """One field of a jsonencode({...}) expression, resolved against the layout."""
    [argument] = function_call(node, "jsonencode").args
    objects = [argument] if isinstance(argument, ObjectView) else argument.find_all(ObjectRule)
    assert objects, f"jsonencode of no object: {node.to_hcl()}"
    encoded = objects[0]
    assert isinstance(encoded, ObjectView)
    field_node = encoded.get(key)
    assert field_node is not None, f"no {key} in {node.to_hcl()}"
    return resolve(value(field_node))


# ==============================================================================================================
# Reading policies
# ==============================================================================================================


@dataclass(frozen=True)
class Statement:
    sid: str
    effect: str
    actions: frozenset[str]
    resources: tuple[str, ...]
    principals: dict[str, tuple[str, ...]]
    conditions: dict[tuple[str, str], tuple[str, ...]]


def statements(document: dict[str, Any]) -> Iterator[Statement]:
    written = [(body, None) for body in blocks(document, "statement")]
    for dynamic in blocks(document, "dynamic"):
        for generator in blocks(dynamic, "statement"):
            for content in blocks(generator, "content"):
                written.append((content, attr(generator, "for_each")))
    for body, for_each in written:
        widening = {"not_actions", "not_resources", "not_principals"} & set(body)
        assert not widening, f"statement {attr(body, 'sid', '')} uses {widening}: the checks below cannot read it"
        written_resources = attr(body, "resources", [])
        if for_each is not None and "statement.value" in str(written_resources):
            resources = references(for_each)  # statement.value is what for_each iterates
        else:
            resources = resolved_list(written_resources)
        yield Statement(
            sid=attr(body, "sid", ""),
            effect=attr(body, "effect", "Allow"),
            actions=frozenset(resolved_list(attr(body, "actions", []))),
            resources=tuple(resources),
            principals={
                attr(principal, "type"): tuple(resolved_list(attr(principal, "identifiers")))
                for principal in blocks(body, "principals")
            },
            conditions={
                (attr(condition, "test"), attr(condition, "variable")): tuple(resolved_list(attr(condition, "values")))
                for condition in blocks(body, "condition")
            },
        )


def grants(policy_name: str) -> set[tuple[str, str]]:
    """(action, resource) pairs the named policy document allows."""
    found = set()
    for statement in statements(terraform().policy(policy_name)):
        assert statement.effect == "Allow", f"{policy_name}: unexpected {statement.effect} statement {statement.sid}"
        found |= {(action, resource) for action in statement.actions for resource in statement.resources}
    return found


def describe_difference(actual: set[tuple[str, str]], expected: set[tuple[str, str]]) -> str:
    extra = "\n".join(f"  + {action} on {resource}" for action, resource in sorted(actual - expected))
    missing = "\n".join(f"  - {action} on {resource}" for action, resource in sorted(expected - actual))
    return f"granted but not expected:\n{extra or '  (none)'}\nexpected but not granted:\n{missing or '  (none)'}"


def statement_with(policy_name: str, action: str) -> Statement:
    found = [s for s in statements(terraform().policy(policy_name)) if action in s.actions]
    assert len(found) == 1, f"{policy_name}: expected one statement with {action}, found {len(found)}"
    return found[0]


# ==============================================================================================================
# Reading the handlers
# ==============================================================================================================


def handler_path(function: str) -> Path:
    return REPO_ROOT / "lambdas" / function / "handler.py"


# What each Lambda runs: its handler and the contract modules that make its AWS calls.
CONTRACT = REPO_ROOT / "descgen" / "contract"
LAMBDA_SOURCES = {
    "create_bedrock_job": [
        handler_path("create_bedrock_job"),
        CONTRACT / "create_job.py",
        CONTRACT / "bedrock_jobs.py",
    ],
    # (its SQS sends live in sqs_batches.py, beside the drain's deletes: the scan cannot tell them apart)
    "parse_output": [handler_path("parse_output"), CONTRACT / "parse_output.py"],
}
# Contract modules only a Lambda runs (the others are shared with the Prefect side).
LAMBDA_ONLY_SOURCES = {CONTRACT / "create_job.py", CONTRACT / "parse_output.py"}


def handler_settings_class(function: str) -> type:
    """The settings dataclass each handler reads its environment into (declared in the contract)."""
    return {"create_bedrock_job": CreateJobSettings, "parse_output": ParseOutputSettings}[function]


def lambda_environment(function: str) -> dict[str, Any]:
    body = terraform().resource("aws_lambda_function", function)
    environment = blocks(body, "environment")
    assert len(environment) == 1, f"aws_lambda_function.{function} has no environment block"
    variables: dict[str, Any] = attr(environment[0], "variables")
    return variables


def is_endpoint_override(name: str) -> bool:
    """Settings that point the SDK at the local emulators; in AWS the default endpoints apply."""
    return name.endswith("_ENDPOINT_URL")


# ==============================================================================================================
# Reading the AWS calls the code makes
# ==============================================================================================================

# Everything a Prefect worker runs (descgen includes the contract package it shares with the Lambdas).
PREFECT_SIDE_SOURCES = sorted(
    path
    for folder in ("descgen", "flows", "tasks")
    for path in (REPO_ROOT / folder).rglob("*.py")
    if path not in LAMBDA_ONLY_SOURCES
)
AWS_SERVICES = ("s3", "sns", "sqs", "bedrock", "bedrock-runtime", "cloudwatch")
# Operations authorized under another action's name.
IAM_ACTION_FOR = {
    "sqs:SendMessageBatch": "sqs:SendMessage",
    "sqs:DeleteMessageBatch": "sqs:DeleteMessage",
    "sqs:ChangeMessageVisibilityBatch": "sqs:ChangeMessageVisibility",
    "s3:ListObjectsV2": "s3:ListBucket",
    "s3:ListObjects": "s3:ListBucket",
    "s3:HeadObject": "s3:GetObject",
    "s3:HeadBucket": "s3:ListBucket",
    "bedrock:Converse": "bedrock:InvokeModel",
}
# boto3's managed transfers: several operations behind one method.
TRANSFER_ACTIONS = {
    "upload_fileobj": {"s3:PutObject", "s3:AbortMultipartUpload"},
    "upload_file": {"s3:PutObject", "s3:AbortMultipartUpload"},
    "download_fileobj": {"s3:GetObject"},
    "download_file": {"s3:GetObject"},
}


@cache
def _operations_by_method() -> dict[str, list[str]]:
    """boto3 method name -> "service:Operation" for the services descgen uses (botocore's bundled models)."""
    session = botocore.session.get_session()
    found: dict[str, list[str]] = {}
    for service in AWS_SERVICES:
        prefix = "bedrock" if service == "bedrock-runtime" else service  # one IAM prefix for both
        for operation in session.get_service_model(service).operation_names:
            found.setdefault(botocore.xform_name(operation), []).append(f"{prefix}:{operation}")
    return found


def aws_actions_called(paths: list[Path]) -> set[str]:
    """IAM actions behind every boto3 call (methods and paginators) in the given files."""
    operations = _operations_by_method()
    actions: set[str] = set()
    for path in paths:
        text = path.read_text()
        methods = set(re.findall(r"\.(\w+)\(", text)) | set(re.findall(r"get_paginator\(\"(\w+)\"\)", text))
        for method in methods:
            if method in TRANSFER_ACTIONS:
                actions |= TRANSFER_ACTIONS[method]
            elif method in operations:
                assert len(operations[method]) == 1, f"{path}: {method} is ambiguous: {operations[method]}"
                operation = operations[method][0]
                actions.add(IAM_ACTION_FOR.get(operation, operation))
    return actions


# ==============================================================================================================
# Names and prefixes
# ==============================================================================================================

# Resource -> the layout name it must carry.
NAMED_RESOURCES = {
    ("aws_sqs_queue", "results"): "queue",
    ("aws_sqs_queue", "dlq"): "dlq",
    ("aws_sqs_queue", "lambda_failures"): "lambda_failures_queue",
    ("aws_sns_topic", "jobs"): "topic",
    ("aws_sns_topic", "alerts"): "alerts_topic",
}
FUNCTION_LAYOUT_NAMES = {"create_bedrock_job": "create_job_function", "parse_output": "parse_output_function"}


def test_resource_names_are_the_layout_suffixes_behind_the_name_prefix() -> None:
    # GIVEN the parsed configuration
    tf = terraform()

    # WHEN the names of the queues, topics, functions and bucket are read
    # THEN each is the layout's name for that resource
    for (kind, name), layout_name in NAMED_RESOURCES.items():
        assert attr(tf.resource(kind, name), "name") == f"${{local.names.{layout_name}}}", (
            f"{kind}.{name} must be named local.names.{layout_name} ({LAYOUT_FILE.name} name_suffixes)"
        )
    for function, layout_name in FUNCTION_LAYOUT_NAMES.items():
        assert attr(tf.resource("aws_lambda_function", function), "function_name") == (
            f"${{local.function_names.{function}}}"
        )
        assert tf.locals["function_names"][function] == f"${{local.names.{layout_name}}}"
    assert attr(tf.resource("aws_s3_bucket", "this"), "bucket") == "${local.bucket_name}"
    assert tf.locals["bucket_name"].startswith("${local.names.bucket}-")
    # AND local.names is built from the layout file, which infra/ reads from descgen/
    layout = expression("locals", (), "layout")
    [read] = function_call(layout, "jsondecode").args
    [path] = function_call(read, "file").args
    assert value(path).startswith("${path.module}/"), f"local.layout reads {value(path)}, not a file of this repo"
    assert (INFRA / value(path).removeprefix("${path.module}/")).resolve() == LAYOUT_FILE.resolve()
    assert "local.layout.name_suffixes" in tf.locals["names"]


@pytest.mark.parametrize("tfvars_file", ["dev.tfvars", "prod.tfvars"])
def test_terraform_and_python_derive_the_same_names_for_an_environment(tfvars_file: str) -> None:
    # GIVEN an example environment and Terraform's name template
    values = tfvars(tfvars_file)
    tf = terraform()
    template = for_object_value(expression("locals", (), "names"))
    name_prefix = tf.locals["name_prefix"].replace("${var.name_prefix}", values["name_prefix"])
    name_prefix = name_prefix.replace("${var.environment}", values["environment"])

    # WHEN Terraform's template and descgen's AwsLayout.name() name every resource
    terraform_names = {
        resource: template.replace("${local.name_prefix}", name_prefix).replace("${suffix}", suffix)
        for resource, suffix in LAYOUT.name_suffixes.items()
    }
    python_names = {resource: LAYOUT.name(name_prefix, resource) for resource in LAYOUT.name_suffixes}

    # THEN they agree, so the local stack and the settings find what Terraform created
    assert terraform_names == python_names


def test_infra_uses_every_layout_name_and_no_other() -> None:
    # GIVEN every local.names.<x> that infra/ refers to
    used = {name for text in terraform().source.values() for name in re.findall(r"local\.names\.(\w+)", text)}

    # WHEN compared with the layout's names
    declared = set(LAYOUT.name_suffixes)

    # THEN each layout resource exists in infra/ and infra/ invents no layout name
    assert used == declared, f"used but not in {LAYOUT_FILE.name}: {used - declared}; never used: {declared - used}"


def test_no_terraform_file_spells_out_a_prefix_or_suffix_the_layout_owns() -> None:
    # GIVEN the layout's prefixes and suffix, as a literal would spell them
    owned = {LAYOUT.input_prefix, LAYOUT.output_prefix, LAYOUT.output_suffix}

    # WHEN every .tf file (comments aside) is searched for them
    spelled_out = {
        (file_name, literal)
        for file_name, text in terraform().source.items()
        for literal in owned
        if re.search(rf"[\"/]{re.escape(literal)}", text)
    }

    # THEN none is written out: all come from local.layout
    assert not spelled_out, f"write local.layout.<key> instead of these literals: {sorted(spelled_out)}"


def test_the_parser_is_notified_of_output_files_only() -> None:
    # GIVEN the bucket notification
    tf = terraform()
    notifications = blocks(tf.resource("aws_s3_bucket_notification", "this"), "lambda_function")
    assert len(notifications) == 1, "expected one Lambda notification on the bucket"
    notification = notifications[0]

    # WHEN its filter is resolved against the layout
    prefix = resolve(attr(notification, "filter_prefix"))
    suffix = resolve(attr(notification, "filter_suffix"))

    # THEN it sends new objects under the output prefix with the contract's suffix, to parse_output
    assert prefix == LAYOUT.output_prefix, (
        f"notification prefix {prefix!r} is not the layout's {LAYOUT.output_prefix!r}"
    )
    assert suffix == LAYOUT.output_suffix == OUTPUT_SUFFIX, (
        f"notification suffix {suffix!r}, layout {LAYOUT.output_suffix!r}, descgen.contract.keys {OUTPUT_SUFFIX!r}"
    )
    assert attr(notification, "events") == ["s3:ObjectCreated:*"]
    assert attr(notification, "lambda_function_arn") == "${aws_lambda_function.parse_output.arn}"
    # AND S3 may invoke parse_output for this bucket only
    permission = tf.resource("aws_lambda_permission", "s3_invokes_parse_output")
    assert attr(permission, "function_name") == "${aws_lambda_function.parse_output.function_name}"
    assert (attr(permission, "principal"), attr(permission, "source_arn")) == ("s3.amazonaws.com", BUCKET_ARN)


def test_lifecycle_rules_expire_the_input_and_output_prefixes_after_their_variables() -> None:
    # GIVEN the bucket's lifecycle rules
    rules = blocks(terraform().resource("aws_s3_bucket_lifecycle_configuration", "this"), "rule")

    # WHEN each rule's prefix and expiry are read
    expiring = {
        resolve(attr(blocks(rule, "filter")[0], "prefix")): attr(blocks(rule, "expiration")[0], "days")
        for rule in rules
        if blocks(rule, "expiration") and blocks(rule, "filter") and attr(rule, "status") == "Enabled"
    }

    # THEN inputs and outputs expire after their own variable
    assert expiring == {
        LAYOUT.input_prefix: "${var.input_retention_days}",
        LAYOUT.output_prefix: "${var.output_retention_days}",
    }


# ==============================================================================================================
# Lambda environments
# ==============================================================================================================


@pytest.mark.parametrize("function", FUNCTIONS)
def test_terraform_sets_every_variable_the_handler_reads_and_no_other(function: str) -> None:
    # GIVEN the variables the handler's Settings read
    read = environment_names(handler_settings_class(function))
    expected = {name for name in read if not is_endpoint_override(name)}

    # WHEN Terraform's environment for the function is read
    set_by_terraform = set(lambda_environment(function))

    # THEN every variable read is set, required ones included, and nothing unread is set
    assert set_by_terraform == expected, (
        f"aws_lambda_function.{function}: set but never read {sorted(set_by_terraform - expected)}; "
        f"read but not set {sorted(expected - set_by_terraform)}"
    )
    assert {name for name, required in read.items() if required} <= set_by_terraform
    assert not [name for name in set_by_terraform if is_endpoint_override(name)], "no endpoint overrides in AWS"


# Variable -> what it must be wired to in AWS.
EXPECTED_LAMBDA_VALUES = {
    "DESCGEN_BEDROCK_ROLE_ARN": "${aws_iam_role.bedrock_batch.arn}",
    "DESCGEN_BUCKET": "${aws_s3_bucket.this.id}",
    "DESCGEN_INPUT_PREFIX": LAYOUT.input_prefix,
    "DESCGEN_OUTPUT_PREFIX": LAYOUT.output_prefix,
    "DESCGEN_JOB_TIMEOUT_HOURS": "${var.job_timeout_hours}",
    "DESCGEN_QUEUE_URL": "${aws_sqs_queue.results.url}",
    "DESCGEN_PAGE_SIZE": "${var.page_size}",
    "DESCGEN_MAX_MESSAGE_BYTES": LAYOUT.queue.max_message_size,
    "LOG_LEVEL": "${var.log_level}",
}


@pytest.mark.parametrize("function", FUNCTIONS)
def test_each_lambda_variable_carries_the_value_its_name_promises(function: str) -> None:
    # GIVEN the function's environment in Terraform
    environment = {name: resolve(value) for name, value in lambda_environment(function).items()}

    # WHEN each value is compared with what the name stands for
    wrong = {
        name: (value, EXPECTED_LAMBDA_VALUES.get(name, "<not in this test>"))
        for name, value in environment.items()
        if EXPECTED_LAMBDA_VALUES.get(name) != value
    }

    # THEN every one is wired to the right resource or layout value
    assert not wrong, f"aws_lambda_function.{function}: (set, expected) {wrong}"


def test_terraform_defaults_agree_with_the_settings_they_feed() -> None:
    # GIVEN the handlers' and descgen's setting defaults
    parse_output_fields = {
        f.metadata["env"]: f.default for f in dataclasses.fields(handler_settings_class("parse_output"))
    }
    create_job_fields = {
        f.metadata["env"]: f.default for f in dataclasses.fields(handler_settings_class("create_bedrock_job"))
    }
    descgen_defaults = {
        name: info.get_default(call_default_factory=True) for name, info in Settings.model_fields.items()
    }
    tf = terraform()

    # WHEN compared with the variables' defaults
    # THEN an environment left at its defaults behaves like the code left at its own
    assert tf.variable_default("page_size") == parse_output_fields["DESCGEN_PAGE_SIZE"] == descgen_defaults["page_size"]
    assert tf.variable_default("job_timeout_hours") == create_job_fields["DESCGEN_JOB_TIMEOUT_HOURS"]
    assert tf.variable_default("model_id") == descgen_defaults["model_id"]
    assert tf.variable_default("dlq_alarm_threshold") == descgen_defaults["dlq_alert_threshold"]
    assert parse_output_fields["DESCGEN_MAX_MESSAGE_BYTES"] == LAYOUT.queue.max_message_size


def test_the_descgen_env_output_sets_real_settings_including_every_required_one() -> None:
    # GIVEN descgen's settings (prefix DESCGEN_) and the output the README pipes into .env
    prefix = Settings.model_config.get("env_prefix", "")
    known = {f"{prefix}{name}".upper(): info for name, info in Settings.model_fields.items()}
    required = {name for name, info in known.items() if info.is_required()}
    tf = terraform()
    rendered = tf.locals["descgen_settings"]

    # WHEN the output is read
    output = attr(tf.outputs["descgen_env"], "value")

    # THEN it renders local.descgen_settings as NAME=value lines
    assert "local.descgen_settings" in output
    assert "${name}=${value}" in output
    # AND every name is a setting descgen reads, every required setting is there
    assert set(rendered) <= set(known), f"not descgen settings: {sorted(set(rendered) - set(known))}"
    assert required <= set(rendered), f"required settings missing from descgen_env: {sorted(required - set(rendered))}"
    # AND each value comes from the resource its name promises
    assert rendered == {
        "DESCGEN_AWS_REGION": "${var.aws_region}",
        "DESCGEN_BUCKET": "${aws_s3_bucket.this.id}",
        "DESCGEN_TOPIC_ARN": "${aws_sns_topic.jobs.arn}",
        "DESCGEN_QUEUE_URL": "${aws_sqs_queue.results.url}",
        "DESCGEN_DLQ_URL": "${aws_sqs_queue.dlq.url}",
        "DESCGEN_MODEL_ID": "${var.model_id}",
        "DESCGEN_METRICS_NAMESPACE": "${local.metrics_namespace}",
    }


# ==============================================================================================================
# Queues, retries, encryption
# ==============================================================================================================


def test_the_layout_file_keeps_the_queue_policy_architecture_md_sets() -> None:
    # GIVEN the layout file both sides read
    # WHEN its figures are compared with ARCHITECTURE.md's
    from_layout = {
        "receive_wait_time_seconds": LAYOUT.queue.receive_wait_time_seconds,
        "visibility_timeout_seconds": LAYOUT.queue.visibility_timeout_seconds,
        "message_retention_seconds": LAYOUT.queue.message_retention_seconds,
        "dlq_message_retention_seconds": LAYOUT.dlq.message_retention_seconds,
        "max_receive_count": LAYOUT.dlq.max_receive_count,
        "lambda_retries": LAYOUT.lambda_async.maximum_retry_attempts,
    }

    # THEN they are the same
    assert from_layout == ARCHITECTURE_QUEUE_POLICY


def test_the_results_queue_polls_long_hides_for_a_drain_page_and_keeps_four_days() -> None:
    # GIVEN the results queue
    queue = terraform().resource("aws_sqs_queue", "results")

    # WHEN its settings are resolved against the layout
    actual = {key: resolve(attr(queue, key)) for key in LAYOUT_JSON["queue"]}

    # THEN they are the layout's
    assert actual == LAYOUT_JSON["queue"], (
        f"aws_sqs_queue.results {actual} != {LAYOUT_FILE.name} queue {LAYOUT_JSON['queue']}"
    )


def test_the_results_queue_dead_letters_after_the_layouts_receive_count() -> None:
    # GIVEN the results queue's redrive policy
    redrive = expression("resource", ("aws_sqs_queue", "results"), "redrive_policy")

    # WHEN its target and receive count are read
    target = json_field(redrive, "deadLetterTargetArn")
    max_receive_count = json_field(redrive, "maxReceiveCount")

    # THEN messages go to the DLQ after the layout's count of receives
    assert target == DLQ_ARN, f"the results queue dead-letters to {target}, not {DLQ_ARN}"
    assert max_receive_count == LAYOUT.dlq.max_receive_count, (
        f"aws_sqs_queue.results redrive maxReceiveCount is {max_receive_count}, "
        f"but {LAYOUT_FILE.name} dlq.max_receive_count is {LAYOUT.dlq.max_receive_count}"
    )


def test_the_dlq_keeps_messages_fourteen_days_and_accepts_only_the_results_queue() -> None:
    # GIVEN the dead-letter queue and its redrive-allow policy
    tf = terraform()
    dlq = tf.resource("aws_sqs_queue", "dlq")
    allow = tf.resource("aws_sqs_queue_redrive_allow_policy", "this")

    # WHEN they are read
    retention = resolve(attr(dlq, "message_retention_seconds"))
    allow_policy = attr(allow, "redrive_allow_policy")

    # THEN retention is the layout's and only the results queue may dead-letter into it
    assert retention == LAYOUT.dlq.message_retention_seconds
    assert attr(allow, "queue_url") == "${aws_sqs_queue.dlq.id}"
    assert "byQueue" in allow_policy
    assert references(allow_policy) == [RESULTS_ARN]


@pytest.mark.parametrize("function", FUNCTIONS)
def test_each_lambda_retries_as_the_layout_says_then_reports_to_the_failures_queue(function: str) -> None:
    # GIVEN the function's async invocation settings
    config = terraform().resource("aws_lambda_function_event_invoke_config", function)

    # WHEN they are resolved against the layout
    retries = resolve(attr(config, "maximum_retry_attempts"))
    max_age = resolve(attr(config, "maximum_event_age_in_seconds"))
    on_failure = blocks(blocks(config, "destination_config")[0], "on_failure")[0]

    # THEN it retries the layout's number of times within its age, then lands in the failures queue
    assert attr(config, "function_name") == f"${{aws_lambda_function.{function}.function_name}}"
    assert retries == LAYOUT.lambda_async.maximum_retry_attempts, (
        f"{function} retries {retries} times, {LAYOUT_FILE.name} says {LAYOUT.lambda_async.maximum_retry_attempts}"
    )
    assert max_age == LAYOUT.lambda_async.maximum_event_age_in_seconds
    assert attr(on_failure, "destination") == FAILURES_ARN


def test_job_requests_sns_cannot_deliver_also_land_in_the_failures_queue() -> None:
    # GIVEN the jobs topic's subscription and the failures queue's policy
    tf = terraform()
    subscription = tf.resource("aws_sns_topic_subscription", "create_bedrock_job")
    queue_policy = next(statements(tf.policy("lambda_failures_queue")))

    # WHEN they are read
    # THEN the topic delivers to create_bedrock_job, dead-letters to the failures queue, which lets only it in
    assert (attr(subscription, "protocol"), attr(subscription, "endpoint")) == (
        "lambda",
        "${aws_lambda_function.create_bedrock_job.arn}",
    )
    assert attr(subscription, "topic_arn") == JOBS_TOPIC_ARN
    redrive = expression("resource", ("aws_sns_topic_subscription", "create_bedrock_job"), "redrive_policy")
    assert json_field(redrive, "deadLetterTargetArn") == FAILURES_ARN
    assert queue_policy.principals == {"Service": ("sns.amazonaws.com",)}
    assert queue_policy.conditions == {("ArnEquals", "aws:SourceArn"): ("${local.jobs_topic_arn}",)}
    permission = tf.resource("aws_lambda_permission", "sns_invokes_create_bedrock_job")
    assert (attr(permission, "principal"), attr(permission, "source_arn")) == ("sns.amazonaws.com", JOBS_TOPIC_ARN)


def test_every_bucket_queue_topic_log_group_and_lambda_environment_uses_the_deployment_key() -> None:
    # GIVEN every resource that stores data at rest
    tf = terraform()
    encrypted_by = {
        f"{kind}.{name}": attr(body, key)
        for (kind, name), body in tf.resources.items()
        for kinds, key in (
            (("aws_sqs_queue", "aws_sns_topic"), "kms_master_key_id"),
            (("aws_cloudwatch_log_group",), "kms_key_id"),
            (("aws_lambda_function",), "kms_key_arn"),
        )
        if kind in kinds
    }
    sse = blocks(
        blocks(tf.resource("aws_s3_bucket_server_side_encryption_configuration", "this"), "rule")[0],
        "apply_server_side_encryption_by_default",
    )[0]
    encrypted_by["aws_s3_bucket.this"] = (
        attr(sse, "kms_master_key_id") if attr(sse, "sse_algorithm") == "aws:kms" else None
    )

    # WHEN their keys are compared
    # THEN all use the deployment's key, which rotates
    assert encrypted_by
    assert {name: key for name, key in encrypted_by.items() if key != KEY_ARN} == {}
    assert attr(tf.resource("aws_kms_key", "this"), "enable_key_rotation") is True


# ==============================================================================================================
# Lambda packages
# ==============================================================================================================


@pytest.mark.parametrize("function", FUNCTIONS)
def test_each_lambda_runs_the_zip_the_packager_builds_on_a_current_python(function: str) -> None:
    # GIVEN the function and the packager's defaults
    tf = terraform()
    body = tf.resource("aws_lambda_function", function)
    default_dir = tf.locals["lambda_package_dir"]

    # WHEN its code location, hash and runtime are read
    filename = attr(body, "filename")

    # THEN it deploys <package dir>/<function>.zip, hashed from the same file, as handler.lambda_handler
    assert function in package_lambdas.function_names()
    assert filename == f"${{local.lambda_package_dir}}/{function}.zip"
    assert attr(body, "source_code_hash") == f'${{filebase64sha256("{filename}")}}'
    assert attr(body, "handler") == "handler.lambda_handler"
    assert tf.locals["lambda_runtime"] in {"python3.12", "python3.13"}
    # AND the default package folder is where the packager writes by default
    _, fallback = function_call(expression("locals", (), "lambda_package_dir"), "coalesce").args
    assert value(fallback).startswith("${path.module}/"), default_dir
    relative = value(fallback).removeprefix("${path.module}/")
    assert (INFRA / relative).resolve() == package_lambdas.DEFAULT_OUT_DIR.resolve()


# ==============================================================================================================
# IAM
# ==============================================================================================================

CREATE_JOB_GRANTS = {
    ("bedrock:CreateModelInvocationJob", BEDROCK_MODELS),
    ("bedrock:CreateModelInvocationJob", BEDROCK_JOBS),
    ("bedrock:ListModelInvocationJobs", "*"),  # ConflictException recovery; the action takes no resource ARN
    ("s3:PutObject", "${local.job_wait_objects}"),  # a request that waits for a job slot
    ("iam:PassRole", "${aws_iam_role.bedrock_batch.arn}"),
    ("sqs:SendMessage", FAILURES_ARN),
    ("kms:Decrypt", KEY_ARN),
    ("kms:GenerateDataKey", KEY_ARN),
    ("logs:CreateLogStream", '${aws_cloudwatch_log_group.this["create_bedrock_job"].arn}:*'),
    ("logs:PutLogEvents", '${aws_cloudwatch_log_group.this["create_bedrock_job"].arn}:*'),
}

PARSE_OUTPUT_GRANTS = {
    ("s3:GetObject", f"{BUCKET_ARN}/{LAYOUT.output_prefix}*"),
    ("sqs:SendMessage", RESULTS_ARN),
    ("sqs:SendMessage", FAILURES_ARN),
    ("kms:Decrypt", KEY_ARN),
    ("kms:GenerateDataKey", KEY_ARN),
    ("logs:CreateLogStream", '${aws_cloudwatch_log_group.this["parse_output"].arn}:*'),
    ("logs:PutLogEvents", '${aws_cloudwatch_log_group.this["parse_output"].arn}:*'),
}

BEDROCK_BATCH_GRANTS = {
    ("s3:GetObject", f"{BUCKET_ARN}/{LAYOUT.input_prefix}*"),
    ("s3:PutObject", f"{BUCKET_ARN}/{LAYOUT.output_prefix}*"),
    ("s3:ListBucket", BUCKET_ARN),
    ("kms:Decrypt", KEY_ARN),
    ("kms:GenerateDataKey", KEY_ARN),
    # Only when a model id is a cross-region inference profile (a dynamic statement).
    ("bedrock:InvokeModel", "${local.bedrock_inference_profile_arns}"),
}

PREFECT_WORKER_GRANTS = {
    ("s3:PutObject", f"{BUCKET_ARN}/{LAYOUT.input_prefix}*"),  # generate: batch inputs
    ("s3:AbortMultipartUpload", f"{BUCKET_ARN}/{LAYOUT.input_prefix}*"),  # generate: a failed multipart upload
    ("s3:GetObject", "${local.job_manifest_objects}"),  # monitor: manifests only
    ("s3:DeleteObject", "${local.job_wait_objects}"),  # monitor: takes the wait marker of a refused request
    ("s3:ListBucket", BUCKET_ARN),  # monitor: does a batch file exist; a missing manifest reads as NoSuchKey
    ("sns:Publish", JOBS_TOPIC_ARN),  # generate: job requests
    *{
        (action, queue)
        for action in ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes")
        for queue in (RESULTS_ARN, DLQ_ARN)
    },  # drain and redrive: results, depths, dead letters
    ("sqs:ChangeMessageVisibility", DLQ_ARN),  # redrive dry run: put peeked messages back
    ("sqs:StartMessageMoveTask", DLQ_ARN),  # redrive
    ("sqs:SendMessage", RESULTS_ARN),  # redrive by receive/send/delete
    ("bedrock:GetModelInvocationJob", BEDROCK_JOBS),  # monitor
    ("bedrock:ListModelInvocationJobs", "*"),  # monitor: find a job by name
    ("bedrock:InvokeModel", BEDROCK_MODELS),  # generate: the on-demand remainder (converse)
    ("bedrock:GetFoundationModel", BEDROCK_MODELS),  # generate: is the model still ACTIVE?
    ("bedrock:GetInferenceProfile", BEDROCK_MODELS),
    ("cloudwatch:PutMetricData", "*"),  # monitor and drain: their metrics (the action takes no resource ARN)
    ("kms:Decrypt", KEY_ARN),
    ("kms:GenerateDataKey", KEY_ARN),
}


@pytest.mark.parametrize(
    ("policy_name", "expected"),
    [
        ("create_bedrock_job", CREATE_JOB_GRANTS),
        ("parse_output", PARSE_OUTPUT_GRANTS),
        ("bedrock_batch", BEDROCK_BATCH_GRANTS),
        ("prefect_worker", PREFECT_WORKER_GRANTS),
    ],
)
def test_each_identity_is_granted_exactly_what_its_code_does(policy_name: str, expected: set[tuple[str, str]]) -> None:
    # GIVEN the identity's policy document
    # WHEN its grants are listed as (action, resource)
    actual = grants(policy_name)

    # THEN they are exactly the expected ones: no wider, none missing
    assert actual == expected, f"policy {policy_name}:\n{describe_difference(actual, expected)}"


def test_the_workers_may_call_every_aws_operation_the_prefect_side_calls_and_no_other() -> None:
    # GIVEN the AWS operations called anywhere in the code the Prefect workers run
    called = aws_actions_called(PREFECT_SIDE_SOURCES)

    # WHEN compared with the actions the worker policy allows (KMS aside: encryption, not a call)
    granted = {action for action, _ in grants("prefect_worker") if not action.startswith("kms:")}

    # THEN every call is allowed and nothing uncalled is
    assert granted == called, (
        f"prefect_worker allows but the code never calls {sorted(granted - called)}; "
        f"the code calls but prefect_worker does not allow {sorted(called - granted)}"
    )


@pytest.mark.parametrize("function", FUNCTIONS)
def test_each_lambda_may_call_every_aws_operation_its_handler_calls(function: str) -> None:
    # GIVEN the AWS operations its handler calls
    called = aws_actions_called(LAMBDA_SOURCES[function])

    # WHEN compared with what its role allows
    granted = {action for action, _ in grants(function)}

    # THEN all are allowed
    assert called, f"no AWS call found in {LAMBDA_SOURCES[function]}: is the scan still right?"
    assert called <= granted, f"{function} calls but may not: {sorted(called - granted)}"


def test_create_bedrock_job_may_call_exactly_the_bedrock_operations_its_handler_calls() -> None:
    # GIVEN the Bedrock operations in the handler's source (direct calls and paginators)
    called = {
        action for action in aws_actions_called(LAMBDA_SOURCES["create_bedrock_job"]) if action.startswith("bedrock:")
    }

    # WHEN compared with the Bedrock actions its role allows
    granted = {action for action, _ in grants("create_bedrock_job") if action.startswith("bedrock:")}

    # THEN they are the same
    assert granted == called, f"granted {sorted(granted)}, the handler calls {sorted(called)}"


def test_create_bedrock_job_may_pass_the_batch_role_to_bedrock_only() -> None:
    # GIVEN the PassRole statement
    statement = statement_with("create_bedrock_job", "iam:PassRole")

    # WHEN its resources and conditions are read
    # THEN it passes the batch role alone, and only to Bedrock
    assert statement.resources == ("${aws_iam_role.bedrock_batch.arn}",)
    assert statement.conditions == {("StringEquals", "iam:PassedToService"): ("bedrock.amazonaws.com",)}


def test_the_model_and_job_arns_name_this_regions_bedrock_resources() -> None:
    # GIVEN the locals the Bedrock grants use
    tf = terraform()

    # WHEN they are read
    # THEN jobs are this account's batch jobs and models are the configured model ids
    assert tf.locals["bedrock_job_arns"].endswith(
        ":bedrock:${var.aws_region}:${local.account_id}:model-invocation-job/*"
    )
    assert "foundation-model/${id}" in tf.locals["bedrock_foundation_model_arns"]
    assert "local.model_ids" in tf.locals["bedrock_foundation_model_arns"]
    assert "var.model_id" in tf.locals["model_ids"]
    assert "var.additional_model_ids" in tf.locals["model_ids"]


def test_the_batch_role_trusts_only_bedrock_jobs_of_this_account() -> None:
    # GIVEN the batch role and its trust policy
    tf = terraform()
    role = tf.resource("aws_iam_role", "bedrock_batch")
    trust = list(statements(tf.policy("bedrock_batch_assume")))

    # WHEN the trust statements are read
    # THEN Bedrock alone may assume it, for a job of this account (both confused-deputy conditions)
    assert attr(role, "assume_role_policy") == "${data.aws_iam_policy_document.bedrock_batch_assume.json}"
    assert len(trust) == 1
    assert trust[0].actions == {"sts:AssumeRole"}
    assert trust[0].principals == {"Service": ("bedrock.amazonaws.com",)}
    conditions = {variable: (test, values) for (test, variable), values in trust[0].conditions.items()}
    assert conditions.get("aws:SourceAccount") == ("StringEquals", ("${local.account_id}",))
    assert conditions.get("aws:SourceArn", ("", ()))[0] in {"ArnLike", "ArnEquals"}
    assert conditions["aws:SourceArn"][1] == (BEDROCK_JOBS,)


def test_the_workers_may_send_metrics_to_their_deployments_namespace_only() -> None:
    # GIVEN the statement that allows PutMetricData
    statement = statement_with("prefect_worker", "cloudwatch:PutMetricData")

    # WHEN its conditions are read
    # THEN it names the namespace the dashboard reads and the workers are told (descgen_env)
    assert statement.conditions == {("StringEquals", "cloudwatch:namespace"): ("${local.metrics_namespace}",)}
    assert terraform().locals["metrics_namespace"] == "${local.name_prefix}"


def test_the_manifest_the_workers_may_read_is_bedrocks_manifest_under_the_output_prefix() -> None:
    # GIVEN the objects the worker policy may read
    # WHEN the local is resolved against the layout
    manifests = resolve(terraform().locals["job_manifest_objects"])

    # THEN it is output/<batch>/<job>/manifest.json.out, as descgen.contract.keys names it
    assert manifests == f"{BUCKET_ARN}/{LAYOUT.output_prefix}*/{MANIFEST_NAME}"


def test_the_wait_marker_the_lambda_writes_and_the_workers_take_is_the_one_the_code_names() -> None:
    # GIVEN the objects create_bedrock_job may write and the workers may delete
    # WHEN the local is resolved against the layout
    markers = resolve(terraform().locals["job_wait_objects"])

    # THEN it is output/<batch>/job-slot-wait.json, as descgen.contract.keys names it
    assert markers == f"{BUCKET_ARN}/{LAYOUT.output_prefix}*/{JOB_WAIT_NAME}"


def test_each_role_carries_only_the_policy_written_for_it() -> None:
    # GIVEN every inline policy and attachment
    tf = terraform()
    inline = {name: body for (kind, name), body in tf.resources.items() if kind == "aws_iam_role_policy"}
    attachments = [body for (kind, _), body in tf.resources.items() if kind == "aws_iam_role_policy_attachment"]

    # WHEN they are matched to roles
    # THEN each Lambda runs as its own role, which holds its own policy and nothing else
    for function in FUNCTIONS:
        assert attr(tf.resource("aws_lambda_function", function), "role") == f"${{aws_iam_role.{function}.arn}}"
        assert attr(tf.resource("aws_iam_role", function), "assume_role_policy") == (
            "${data.aws_iam_policy_document.lambda_assume.json}"
        )
    assert {name: (attr(body, "role"), attr(body, "policy")) for name, body in inline.items()} == {
        name: (f"${{aws_iam_role.{name}.id}}", f"${{data.aws_iam_policy_document.{name}.json}}")
        for name in ("create_bedrock_job", "parse_output", "bedrock_batch")
    }
    assert [(attr(body, "role"), attr(body, "policy_arn")) for body in attachments] == [
        ("${aws_iam_role.prefect_worker.name}", "${aws_iam_policy.this.arn}")
    ]
    assert (
        attr(tf.resource("aws_iam_policy", "this"), "policy") == "${data.aws_iam_policy_document.prefect_worker.json}"
    )
    assert [s.principals for s in statements(tf.policy("lambda_assume"))] == [{"Service": ("lambda.amazonaws.com",)}]


# ==============================================================================================================
# Alarms
# ==============================================================================================================


def test_alarms_page_on_dead_letters_lambda_errors_failed_invocations_and_failed_jobs() -> None:
    # GIVEN the alarms and the job-failure rule
    tf = terraform()
    dlq = tf.resource("aws_cloudwatch_metric_alarm", "dlq_depth")
    error_rate = tf.resource("aws_cloudwatch_metric_alarm", "lambda_error_rate")
    failures = tf.resource("aws_cloudwatch_metric_alarm", "lambda_failures")
    rule = tf.resource("aws_cloudwatch_event_rule", "this")
    target = tf.resource("aws_cloudwatch_event_target", "this")

    # WHEN their metrics, thresholds and targets are read
    queries = {attr(query, "id"): query for query in blocks(error_rate, "metric_query")}
    metrics = {attr(blocks(q, "metric")[0], "metric_name") for q in queries.values() if blocks(q, "metric")}
    expression = next(attr(q, "expression") for q in queries.values() if attr(q, "expression"))

    # THEN the DLQ alarm fires above 10 visible messages
    assert attr(dlq, "dimensions") == {"QueueName": "${aws_sqs_queue.dlq.name}"}
    assert (attr(dlq, "comparison_operator"), attr(dlq, "threshold")) == (
        "GreaterThanThreshold",
        "${var.dlq_alarm_threshold}",
    )
    assert tf.variable_default("dlq_alarm_threshold") == 10
    # AND each Lambda's error rate is alarmed above 5 % with metric math
    assert attr(error_rate, "for_each") == "${local.function_names}"
    assert metrics == {"Errors", "Invocations"}
    assert "errors / invocations" in expression
    assert attr(error_rate, "threshold") == "${var.lambda_error_rate_threshold_percent}"
    assert tf.variable_default("lambda_error_rate_threshold_percent") == 5
    # AND one message in the failures queue pages
    assert attr(failures, "dimensions") == {"QueueName": "${aws_sqs_queue.lambda_failures.name}"}
    assert attr(failures, "threshold") == 0
    # AND Bedrock batch jobs that fail or expire reach the alerts topic
    pattern = attr(rule, "event_pattern")
    assert "aws.bedrock" in pattern
    assert "Batch Inference Job State Change" in pattern
    assert "var.alert_on_job_statuses" in pattern
    assert {"Failed", "Expired"} <= set(tf.variable_default("alert_on_job_statuses"))
    assert attr(target, "arn") == ALERTS_TOPIC_ARN
    for alarm in (dlq, error_rate, failures):
        assert attr(alarm, "alarm_actions") == [ALERTS_TOPIC_ARN]
    # AND the alerts topic mails whoever the variable lists
    email = tf.resource("aws_sns_topic_subscription", "alert_email")
    assert (attr(email, "protocol"), attr(email, "for_each")) == ("email", "${toset(var.alert_emails)}")


# ==============================================================================================================
# Dashboard
# ==============================================================================================================


def test_the_dashboard_graphs_every_metric_the_flows_send_and_no_other() -> None:
    # GIVEN the dashboard's graphs of descgen's own metrics
    tf = terraform()
    graphs = tf.locals["descgen_graphs"]

    # WHEN the metric names they search for are listed
    graphed = [name for graph in graphs for name in graph["metrics"]]

    # THEN they are descgen.metrics' names, each once: a metric renamed on one side fails here
    assert sorted(graphed) == sorted(METRIC_NAMES), f"dashboard {sorted(graphed)}, code {sorted(METRIC_NAMES)}"
    # AND each graph totals or averages with a statistic CloudWatch knows
    assert {graph["stat"] for graph in graphs} <= {"Sum", "Average", "Maximum", "Minimum", "SampleCount"}
    # AND the body is the widgets, JSON-encoded by Terraform, under the deployment's name
    dashboard = tf.resource("aws_cloudwatch_dashboard", "this")
    assert attr(dashboard, "dashboard_body") == "${jsonencode({widgets = local.dashboard_widgets})}"
    assert attr(dashboard, "dashboard_name") == "${local.name_prefix}"


# ==============================================================================================================
# House style and example environments
# ==============================================================================================================


def test_every_variable_and_output_is_described_and_every_enumeration_validated() -> None:
    # GIVEN the variables and outputs
    tf = terraform()

    # WHEN their descriptions, types and validations are read
    undescribed = [name for name, body in {**tf.variables, **tf.outputs}.items() if not attr(body, "description")]
    untyped = [name for name, body in tf.variables.items() if not attr(body, "type")]
    enumerations = {"environment", "log_level", "alert_on_job_statuses", "log_retention_days"}
    unvalidated = [
        name
        for name in enumerations
        if "contains(" not in str(attr(blocks(tf.variables[name], "validation")[0], "condition"))
    ]

    # THEN all are described and typed, and every enumeration is checked
    assert not undescribed, f"no description: {undescribed}"
    assert not untyped, f"no type: {untyped}"
    assert not unvalidated, f"enumeration without a contains() validation: {unvalidated}"


@pytest.mark.parametrize("tfvars_file", ["dev.tfvars", "prod.tfvars"])
def test_each_example_environment_sets_known_variables_a_valid_stage_and_priced_models(tfvars_file: str) -> None:
    # GIVEN an example environment
    values = tfvars(tfvars_file)
    tf = terraform()
    stages = validated_choices("environment")

    # WHEN it is checked against the variables and descgen's model catalog
    unknown = set(values) - set(tf.variables)
    models = [values.get("model_id", tf.variable_default("model_id")), *values.get("additional_model_ids", [])]

    # THEN it sets only declared variables, a valid stage, and models descgen will send batches to
    assert not unknown, f"{tfvars_file} sets undeclared variables {sorted(unknown)}"
    assert stages == ["dev", "staging", "prod"]
    assert values["environment"] in stages
    catalog = load_model_catalog().by_id()
    refused = []
    for model in models:
        try:
            check_usable(catalog, model)
        except ModelRefused as error:
            refused.append(str(error))
    assert not refused, f"{tfvars_file}: {refused}"


# ==============================================================================================================
# Static security scan
# ==============================================================================================================


def test_checkov_finds_no_failed_check_and_every_skip_is_justified_next_to_its_resource() -> None:
    # GIVEN checkov, configured by nothing but the inline comments in infra/
    checkov = CHECKOV_VENV / "bin" / "checkov"
    assert checkov.exists(), f"no {checkov}: make .venv/bin/.installed builds it (tests/infra/checkov-requirements.txt)"
    config_files = [p for folder in (REPO_ROOT, INFRA) for p in folder.glob(".checkov.y*ml")]
    assert not config_files, f"skips must sit next to their resource, not in {config_files}"
    inline_skips = {
        (match.group(1), match.group(2).strip())
        for text in (path.read_text() for path in INFRA.glob("*.tf"))
        for match in re.finditer(r"#checkov:skip=(CKV2?_AWS_\d+):(.*)", text)
    }

    # WHEN it scans infra/ offline
    completed = subprocess.run(
        [str(checkov), "-d", "infra", "--framework", "terraform", "--compact", "--skip-download", "-o", "json"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    report = json.loads(completed.stdout)
    report = report[0] if isinstance(report, list) else report
    results = report.get("results", {})
    failed = [(c["check_id"], c["resource"], c["check_name"]) for c in results.get("failed_checks", [])]
    skipped = [
        (c["check_id"], c["resource"], c["check_result"].get("suppress_comment", ""))
        for c in results.get("skipped_checks", [])
    ]

    # THEN it parsed everything and found nothing
    assert report["summary"]["parsing_errors"] == 0, report["summary"]
    assert report["summary"]["resource_count"] > 0, report["summary"]
    assert not failed, "checkov failed checks:\n" + "\n".join(f"  {c} {r}: {n}" for c, r, n in failed)
    # AND each skip says why in a sentence, and no skip comment is stale
    unjustified = [(check, resource) for check, resource, reason in skipped if len(reason.split()) < 8]
    assert not unjustified, f"skips without a real justification: {unjustified}"
    assert {(check, reason.strip()) for check, _, reason in skipped} == inline_skips
