"""What prefect.yaml and deployments/ promise, checked without a server (fast; the rest of
tests/e2e proves the same files against a real one)."""

from __future__ import annotations

import importlib
import inspect
import tomllib
import typing
import uuid

import pytest
import yaml
from packaging.requirements import Requirement
from prefect.events.schemas.automations import EventTrigger
from prefect.utilities.callables import parameter_schema
from pydantic.fields import FieldInfo

from deployments.create_dlq_alert import DEFINITION, automation_notifying
from tests.e2e.conftest import DEPLOYMENT_NAMES, PREFECT_YAML, REPO

pytestmark = pytest.mark.e2e

DEPLOYMENTS = PREFECT_YAML["deployments"]


def test_every_deployment_runs_on_the_one_work_pool_named_in_definitions() -> None:
    pool = PREFECT_YAML["definitions"]["work_pool"]
    assert {deployment["work_pool"]["name"] for deployment in DEPLOYMENTS} == {pool["name"]}


def test_every_flow_has_its_deployments_and_every_entrypoint_exists() -> None:
    names = set()
    for deployment in DEPLOYMENTS:
        path, function = deployment["entrypoint"].split(":")
        assert (REPO / path).is_file(), path
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        names.add(f"{getattr(module, function).name}/{deployment['name']}")
    assert names == set(DEPLOYMENT_NAMES)


def test_the_run_form_shows_each_parameters_own_description() -> None:
    # Prefect takes parameter descriptions from the docstring's Args, not from Annotated
    # fields: the two must say the same thing.
    for deployment in DEPLOYMENTS:
        path, function = deployment["entrypoint"].split(":")
        flow = getattr(importlib.import_module(path.removesuffix(".py").replace("/", ".")), function)
        hints = typing.get_type_hints(flow.fn, include_extras=True)
        declared = {
            name: next(meta.description for meta in hint.__metadata__ if isinstance(meta, FieldInfo))
            for name, hint in hints.items()
            if name in inspect.signature(flow.fn).parameters
        }
        shown = {name: schema.get("description") for name, schema in parameter_schema(flow).properties.items()}
        assert shown == declared, flow.name


def test_the_worker_requirements_are_the_projects_runtime_dependencies() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    lines = (REPO / "deployments" / "worker-requirements.txt").read_text().splitlines()
    listed = [line for line in lines if line.strip() and not line.startswith(("#", "-"))]
    assert sorted(map(str, map(Requirement, listed))) == sorted(map(str, map(Requirement, project)))
    assert "-c ../constraints.txt" in lines  # the same pins as make installs


def test_the_dlq_alert_is_a_valid_automation_on_the_event_drain_emits() -> None:
    automation = automation_notifying(yaml.safe_load(DEFINITION.read_text()), uuid.uuid4())
    assert isinstance(automation.trigger, EventTrigger)
    assert automation.trigger.expect == {"descgen.dlq.over-threshold"}
    assert '"descgen.dlq.over-threshold"' in (REPO / "flows" / "drain_results.py").read_text()


def test_the_budget_alert_is_a_valid_automation_on_the_event_generate_emits() -> None:
    from flows.generate_descriptions import BUDGET_EVENT

    definition = yaml.safe_load((REPO / "deployments" / "budget_alert_automation.yaml").read_text())
    automation = automation_notifying(definition, uuid.uuid4())
    assert isinstance(automation.trigger, EventTrigger)
    assert automation.trigger.expect == {BUDGET_EVENT}
