"""The Lambda zips that infra/package_lambdas.py builds run where AWS runs them.

AWS gives a Python function the standard library and boto3, nothing else. Each
zip is opened here in an interpreter that has exactly that: ``python -I -S``
(no site-packages, no environment, no current directory) whose path holds the
zip, the standard library, and a folder with boto3 and its own dependencies
only.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from descgen.contract.lambda_settings import CreateJobSettings, ParseOutputSettings, environment_names

REPO_ROOT = Path(__file__).resolve().parents[2]
EVENTS = REPO_ROOT / "tests" / "events"

sys.path.insert(0, str(REPO_ROOT / "infra"))
import package_lambdas  # noqa: E402  (infra/ is not a package: the script is run by path)

FUNCTIONS = ("create_bedrock_job", "parse_output")

# What the Lambda Python runtime provides besides the standard library.
BOTO3_AND_ITS_DEPENDENCIES = ("boto3", "botocore", "jmespath", "s3transfer", "dateutil", "six", "urllib3")

# Runs inside the bare interpreter: argv = zip, deps folder[, event file].
PROBE = """
import importlib, json, sys
zip_path, deps_dir = sys.argv[1], sys.argv[2]
sys.path[:0] = [zip_path, deps_dir]

def import_error(name):
    try:
        importlib.import_module(name)
    except ImportError as error:
        return type(error).__name__
    return None

report = {"sys_path": sys.path}
report["not_importable"] = {name: import_error(name) for name in ("pydantic", "descgen.settings", "prefect")}
handler = importlib.import_module("handler")
report["handler_file"] = handler.__file__
report["boto3_file"] = importlib.import_module("boto3").__file__
report["has_lambda_handler"] = callable(getattr(handler, "lambda_handler", None))
if len(sys.argv) > 3:
    with open(sys.argv[3]) as event_file:
        report["response"] = handler.lambda_handler(json.load(event_file), None)
print(json.dumps(report))
"""


def handler_settings_class(function: str) -> type:
    """The settings dataclass each handler reads its environment into (declared in the contract)."""
    return {"create_bedrock_job": CreateJobSettings, "parse_output": ParseOutputSettings}[function]


def dummy_environment(function: str) -> dict[str, str]:
    """A value for every variable the handler requires; optional ones keep their defaults."""
    settings = handler_settings_class(function)
    types = {field.metadata["env"]: field.type for field in dataclasses.fields(settings)}
    return {
        name: "1" if types[name] in ("int", int) else f"dummy-{name.lower()}"
        for name, required in environment_names(settings).items()
        if required
    }


@pytest.fixture(scope="module")
def zips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return package_lambdas.build_lambda_zips(tmp_path_factory.mktemp("lambdas"))


@pytest.fixture(scope="module")
def boto3_only(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding boto3 and its dependencies (symlinked from this environment) and nothing else."""
    folder = tmp_path_factory.mktemp("boto3_only")
    for name in BOTO3_AND_ITS_DEPENDENCIES:
        spec = importlib.util.find_spec(name)
        assert spec is not None, f"{name} is not installed"
        assert spec.origin is not None, f"{name} has no file to link"
        source = Path(spec.origin)
        if source.name == "__init__.py":  # a package: link its folder
            source = source.parent
        (folder / source.name).symlink_to(source)
    return folder


def run_in_bare_interpreter(
    zip_path: Path, deps: Path, home: Path, environment: dict[str, str], event: Path | None = None
) -> dict[str, object]:
    env = {
        "AWS_DEFAULT_REGION": "us-east-1",
        # No credentials or config from this machine, no metadata-service lookups.
        "AWS_CONFIG_FILE": str(home / "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "no-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "HOME": str(home),
        **environment,
    }
    argv = [sys.executable, "-I", "-S", "-c", PROBE, str(zip_path), str(deps)]
    if event is not None:
        argv.append(str(event))
    completed = subprocess.run(argv, env=env, cwd=home, capture_output=True, text=True, timeout=60, check=False)
    assert completed.returncode == 0, f"{zip_path.name} failed in a bare interpreter:\n{completed.stderr}"
    report: dict[str, object] = json.loads(completed.stdout)
    return report


# --------------------------------------------------------------------------------------------------------------
# What the zips hold
# --------------------------------------------------------------------------------------------------------------


def test_the_packager_builds_one_zip_per_lambda_folder(zips: dict[str, Path]) -> None:
    # GIVEN the handler folders under lambdas/
    folders = sorted(path.parent.name for path in (REPO_ROOT / "lambdas").glob("*/handler.py"))

    # WHEN the zips are built (fixture)
    # THEN there is exactly one zip per folder, named after it, which is what infra/lambdas.tf expects
    assert sorted(zips) == folders == sorted(FUNCTIONS)
    assert {function: path.name for function, path in zips.items()} == {f: f"{f}.zip" for f in FUNCTIONS}


@pytest.mark.parametrize("function", FUNCTIONS)
def test_each_zip_holds_its_handler_at_the_root_and_the_contract_package_only(
    zips: dict[str, Path], function: str
) -> None:
    # GIVEN the contract package's modules
    contract = sorted(f"descgen/contract/{path.name}" for path in (REPO_ROOT / "descgen" / "contract").glob("*.py"))

    # WHEN the zip is listed
    with zipfile.ZipFile(zips[function]) as archive:
        names = archive.namelist()
        handler_source = archive.read("handler.py")

    # THEN it holds the handler, descgen/__init__.py and the contract modules, in order, and nothing else
    assert names == sorted(["handler.py", "descgen/__init__.py", *contract])
    assert handler_source == (REPO_ROOT / "lambdas" / function / "handler.py").read_bytes()
    assert not [name for name in names if "__pycache__" in name or "test" in name]


def test_building_twice_gives_byte_identical_zips(tmp_path: Path, zips: dict[str, Path]) -> None:
    # GIVEN zips built once (fixture)
    # WHEN they are built again elsewhere, later
    again = package_lambdas.build_lambda_zips(tmp_path)

    # THEN every byte is the same, so Terraform's source_code_hash only moves when the code does
    for function, path in zips.items():
        assert again[function].read_bytes() == path.read_bytes(), f"{function}.zip is not reproducible"
        with zipfile.ZipFile(path) as archive:
            assert {info.date_time for info in archive.infolist()} == {package_lambdas.FIXED_DATE_TIME}


def test_the_command_line_writes_the_zips_into_the_folder_it_is_given(tmp_path: Path, zips: dict[str, Path]) -> None:
    # GIVEN an output folder that does not exist yet
    out = tmp_path / "some" / "where"

    # WHEN the script is run as the README says
    completed = subprocess.run(
        [sys.executable, str(REPO_ROOT / "infra" / "package_lambdas.py"), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    # THEN both zips are there, identical to the ones the function builds, and each is reported
    assert completed.returncode == 0, completed.stderr
    for function, path in zips.items():
        assert (out / path.name).read_bytes() == path.read_bytes()
        assert function in completed.stdout


# --------------------------------------------------------------------------------------------------------------
# The zips in an interpreter with only the standard library and boto3
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("function", FUNCTIONS)
def test_each_handler_imports_with_nothing_but_the_standard_library_and_boto3(
    zips: dict[str, Path], boto3_only: Path, tmp_path: Path, function: str
) -> None:
    # GIVEN the function's zip, a folder with only boto3 and its dependencies, and the variables it requires
    environment = dummy_environment(function)

    # WHEN its handler is imported in a bare interpreter
    report = run_in_bare_interpreter(zips[function], boto3_only, tmp_path, environment)

    # THEN the handler came from the zip and boto3 from the boto3-only folder
    assert report["has_lambda_handler"] is True
    assert str(report["handler_file"]).startswith(str(zips[function]))
    assert str(report["boto3_file"]).startswith(str(boto3_only))
    # AND the isolation is real: no site-packages on the path, the rest of descgen and its dependencies absent
    assert not [entry for entry in report["sys_path"] if "site-packages" in entry]  # type: ignore[attr-defined]  # the probe's JSON: sys_path is a list
    assert report["not_importable"] == {
        "pydantic": "ModuleNotFoundError",
        "descgen.settings": "ModuleNotFoundError",
        "prefect": "ModuleNotFoundError",
    }


def test_parse_output_answers_s3s_test_event_in_the_bare_interpreter(
    zips: dict[str, Path], boto3_only: Path, tmp_path: Path
) -> None:
    # GIVEN the event S3 sends once when a notification is configured
    event = EVENTS / "s3_test_event.json"

    # WHEN parse_output's zip handles it with only the standard library and boto3
    report = run_in_bare_interpreter(
        zips["parse_output"], boto3_only, tmp_path, dummy_environment("parse_output"), event
    )

    # THEN it answers without touching AWS
    assert report["response"] == {"parsed": []}
