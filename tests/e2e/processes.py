"""Background processes for the end-to-end tests: started with a log file each,
waited on with a deadline, and all stopped in the end, however the test went.

Every process gets a marker variable in its environment, which its children
inherit. Stopping signals each process group, then sweeps ``/proc`` for anything
still carrying the marker: a flow run a worker started in a session of its own, a
service the server spawned, an orphan whose parent died first.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

MARKER = "DESCGEN_E2E_PROCESS_MARKER"


def wait_for(condition: Callable[[], T | None], what: str, timeout: float, every: float = 0.5) -> T:
    """Poll until ``condition`` returns something truthy; give up after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up after {timeout:g}s waiting for {what}")
        time.sleep(every)


def tail(path: Path, lines: int = 40) -> str:
    if not path.exists():
        return f"({path} does not exist)"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


class Processes:
    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.marker = uuid.uuid4().hex
        self._started: list[tuple[str, subprocess.Popen[bytes]]] = []

    def environment(self, env: Mapping[str, str]) -> dict[str, str]:
        return {**env, MARKER: self.marker}

    def log(self, name: str) -> Path:
        return self.log_dir / f"{name}.log"

    def start(self, name: str, argv: Sequence[str], env: Mapping[str, str], cwd: Path) -> subprocess.Popen[bytes]:
        with self.log(name).open("ab") as log:
            process = subprocess.Popen(
                list(argv),
                env=self.environment(env),
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, signalled as one
            )
        self._started.append((name, process))
        return process

    def run(
        self, name: str, argv: Sequence[str], env: Mapping[str, str], cwd: Path, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        """Run a command to its end (bounded); its output is returned and appended to its log."""
        result = subprocess.run(
            list(argv),
            env=self.environment(env),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        with self.log(name).open("a") as log:
            log.write(f"$ {' '.join(argv)}\n{result.stdout}{result.stderr}(exit {result.returncode})\n")
        return result

    def check(self, name: str) -> None:
        """Fail with its log when a background process has died."""
        for started_name, process in self._started:
            if started_name == name and process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode}:\n{tail(self.log(name))}")

    def stop(self, name: str, grace: float = 15) -> None:
        for started_name, process in self._started:
            if started_name == name:
                _stop_group(process, grace)

    def stop_all(self, grace: float = 15) -> None:
        for _, process in reversed(self._started):  # workers before the server they talk to
            _stop_group(process, grace)
        self._sweep(grace)

    def _sweep(self, grace: float) -> None:
        """Whatever still carries the marker (Linux: read from /proc) is terminated, then killed."""
        for sig in (signal.SIGTERM, signal.SIGKILL):
            left = list(_pids_with(MARKER, self.marker))
            for pid in left:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, sig)
            if not left:
                return
            with contextlib.suppress(TimeoutError):
                wait_for(lambda: not any(True for _ in _pids_with(MARKER, self.marker)), "stragglers", grace)


def _stop_group(process: subprocess.Popen[bytes], grace: float) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=grace)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)  # children left in the group


def _pids_with(variable: str, value: str) -> list[int]:
    wanted = f"{variable}={value}".encode()
    found = []
    proc = Path("/proc")
    if not proc.is_dir():
        return found
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if wanted in environ.split(b"\0"):
            found.append(int(entry.name))
    return found
