"""Build one zip per Lambda: ``python infra/package_lambdas.py [--out DIR]``.

Each zip holds the function's ``handler.py`` at its root (the runtime's handler
is ``handler.lambda_handler``) and the shared contract package beside it:
``descgen/__init__.py`` and ``descgen/contract/*.py``, nothing else. boto3 comes
from the Lambda runtime, so there are no dependencies to vendor.

The zips are deterministic (fixed timestamps, permissions and order, and stored
rather than deflated, because deflate output may differ between zlib builds):
Terraform's ``source_code_hash`` changes only when the code does, so an
unchanged function is never redeployed, whichever machine built it. The files
are a few dozen KB, so compression would save nothing that matters.

Standard library only, so CI can run it before anything is installed.
"""

from __future__ import annotations

import argparse
import sys
import zipfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
LAMBDAS_DIR = REPO_ROOT / "lambdas"
CONTRACT_DIR = REPO_ROOT / "descgen" / "contract"
DEFAULT_OUT_DIR = REPO_ROOT / "build" / "lambdas"

# The earliest time a zip entry can record; any fixed value makes builds repeatable.
FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644  # a regular file, rw-r--r--
UNIX = 3  # "made by" system: the same bytes whichever OS builds the zip


def function_names() -> list[str]:
    """Every folder of ``lambdas/`` that holds a ``handler.py``."""
    return sorted(path.parent.name for path in LAMBDAS_DIR.glob("*/handler.py"))


def zip_members(function: str) -> dict[str, Path]:
    """Archive name -> source file for one function's zip."""
    members = {
        "handler.py": LAMBDAS_DIR / function / "handler.py",
        "descgen/__init__.py": REPO_ROOT / "descgen" / "__init__.py",
    }
    for source in CONTRACT_DIR.glob("*.py"):
        members[f"descgen/contract/{source.name}"] = source
    return dict(sorted(members.items()))


def write_deterministic_zip(target: Path, members: dict[str, Path]) -> None:
    """Write ``members`` to ``target`` so that equal sources give equal bytes."""
    partial = target.with_name(target.name + ".partial")
    with zipfile.ZipFile(partial, "w") as archive:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE_TIME)
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = UNIX
            info.external_attr = FILE_MODE << 16
            archive.writestr(info, members[name].read_bytes())
    partial.replace(target)  # never leave a half-written zip under the real name


def build_lambda_zips(out_dir: Path) -> dict[str, Path]:
    """Build ``<function>.zip`` for every function into ``out_dir``; function -> zip path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    built: dict[str, Path] = {}
    for function in function_names():
        target = out_dir / f"{function}.zip"
        write_deterministic_zip(target, zip_members(function))
        built[function] = target
    if not built:
        raise RuntimeError(f"no lambdas/<function>/handler.py under {LAMBDAS_DIR}")
    return built


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT_DIR,
        help=f"folder for the zips (default: {DEFAULT_OUT_DIR.relative_to(REPO_ROOT)}, where Terraform looks)",
    )
    args = parser.parse_args(argv)
    for function, path in build_lambda_zips(args.out).items():
        sys.stdout.write(f"{function}: {path}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
