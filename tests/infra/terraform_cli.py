"""Terraform, run offline from a test: find the binary and the provider mirror, run one command at a time.

The provider is never downloaded: ``terraform init -plugin-dir=<mirror>`` reads
it from a filesystem mirror (the folder that holds ``registry.terraform.io/``).
Every command runs with a time limit, in a working folder outside the
repository, with a CLI configuration of its own (so no user setting sends
``init`` to the network) and with fake AWS credentials only.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Set it to the mirror's folder where the search below does not find it.
PLUGIN_DIR_ENV = "DESCGEN_TERRAFORM_PLUGIN_DIR"
PROVIDER = Path("registry.terraform.io") / "hashicorp" / "aws"
# Where Terraform itself looks for an implied local mirror (CLI configuration, "Implied Local Mirror Directories").
IMPLIED_MIRRORS = (
    Path.home() / ".terraform.d" / "plugins",
    Path("/usr/local/share/terraform/plugins"),
    Path("/usr/share/terraform/plugins"),
)
NOT_SEARCHED = {"proc", "sys", "dev", "run", "tmp"}


class TerraformMissing(Exception):
    """terraform or the provider mirror is not on this machine; the message says which."""


@dataclass(frozen=True)
class TerraformTools:
    binary: Path
    plugin_dir: Path


def provider_mirror() -> Path | None:
    """The folder holding registry.terraform.io/hashicorp/aws: $DESCGEN_TERRAFORM_PLUGIN_DIR, an implied
    mirror, or what ``find / -maxdepth 3 -type d -name registry.terraform.io`` finds (its parent)."""
    if os.environ.get(PLUGIN_DIR_ENV):
        return Path(os.environ[PLUGIN_DIR_ENV])
    candidates = list(IMPLIED_MIRRORS)
    for top in sorted(Path("/").iterdir()):
        if top.name in NOT_SEARCHED or not top.is_dir():
            continue
        candidates.append(top)
        try:
            candidates.extend(sorted(child for child in top.iterdir() if child.is_dir()))
        except OSError:  # a folder we may not list
            continue
    return next((folder for folder in candidates if (folder / PROVIDER).is_dir()), None)


def find_terraform_tools() -> TerraformTools:
    binary = shutil.which("terraform")
    if binary is None:
        raise TerraformMissing("terraform is not on PATH")
    mirror = provider_mirror()
    if mirror is None:
        raise TerraformMissing(
            f"no filesystem mirror of the hashicorp/aws provider (a folder holding {PROVIDER}); "
            f"set {PLUGIN_DIR_ENV} to it"
        )
    if not (mirror / PROVIDER).is_dir():
        raise TerraformMissing(f"{PLUGIN_DIR_ENV}={mirror} holds no {PROVIDER}")
    return TerraformTools(Path(binary), mirror)


class Terraform:
    """``terraform`` in one working folder; each command checked, its output kept for the failure message."""

    def __init__(self, tools: TerraformTools, workdir: Path) -> None:
        self.tools = tools
        self.workdir = workdir
        cli_config = workdir / ".terraformrc-test"
        cli_config.write_text("# empty: no provider installation or credentials from the user's configuration\n")
        inherited = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("AWS_", "TF_")) and name != "CHECKPOINT_DISABLE"
        }
        self.env = inherited | {
            "CHECKPOINT_DISABLE": "1",  # no version check against HashiCorp's servers
            "TF_IN_AUTOMATION": "1",
            "TF_INPUT": "0",
            "TF_CLI_CONFIG_FILE": str(cli_config),
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_EC2_METADATA_DISABLED": "true",
        }

    def run(
        self, command: str, *args: str, timeout: float, ok_codes: tuple[int, ...] = (0,)
    ) -> subprocess.CompletedProcess[str]:
        completed = subprocess.run(
            [str(self.tools.binary), command, "-no-color", *args],
            cwd=self.workdir,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if completed.returncode not in ok_codes:
            raise AssertionError(
                f"terraform {command} {' '.join(args)} exited {completed.returncode}\n"
                f"--- stdout (end)\n{completed.stdout[-6000:]}\n--- stderr (end)\n{completed.stderr[-6000:]}"
            )
        return completed

    def json(self, command: str, *args: str, timeout: float) -> Any:
        return json.loads(self.run(command, "-json", *args, timeout=timeout).stdout)
