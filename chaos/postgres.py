"""A private, throwaway PostgreSQL cluster that the chaos run may restart at will.

Other test runs share the cluster on 127.0.0.1:5432, so the chaos run never touches it:
it ``initdb``s a cluster of its own into a temporary directory, serves it on a free
loopback port (its socket in the same directory), and ``pg_ctl restart``s it as a fault.
That restart stands in for ``pg_ctlcluster <version> <name> restart`` on a Debian server:
the same postmaster stop (fast: connections cut, or immediate: a crash and a recovery)
and start. The cluster is stopped and deleted at the end, however the run ends
(``stop()`` from a ``finally``, and from ``atexit`` as a last resort).

initdb refuses to run as root; as root the cluster belongs to the ``postgres`` user.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text

START_SECONDS = 60


class PostgresUnavailable(RuntimeError):
    """No initdb on this machine (the chaos run needs a cluster of its own)."""


def find_bin_dir() -> Path | None:
    """The newest PostgreSQL server binaries that ``initdb`` a cluster (Debian's layout, or the PATH)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda path: int(Path(path).parts[-3]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PrivateCluster:
    """``start()`` it, use ``url``, ``restart()`` it as a fault, ``stop()`` it (which deletes it)."""

    def __init__(self) -> None:
        bin_dir = find_bin_dir()
        if bin_dir is None:
            raise PostgresUnavailable("initdb not found (install postgresql, or put its bin directory on PATH)")
        self._bin = bin_dir
        self._user = "postgres" if os.geteuid() == 0 else None  # initdb will not run as root
        self._home = Path(tempfile.mkdtemp(prefix="descgen-chaos-pg-"))
        self._data = self._home / "data"
        self.port = free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        self.restarts = 0
        self._started = False

    def start(self) -> PrivateCluster:
        atexit.register(self.stop)
        if self._user:
            entry = pwd.getpwnam(self._user)
            os.chown(self._home, entry.pw_uid, entry.pw_gid)
        self._run("initdb", "-D", str(self._data), "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8")
        options = f"-p {self.port} -k {self._home} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        self._run("pg_ctl", "-D", str(self._data), "-l", str(self._home / "server.log"), "-o", options, "-w", "start")
        self._started = True
        self.wait_ready()
        return self

    def restart(self, mode: str) -> None:
        """The fault: ``pg_ctl restart -m fast|immediate`` (what ``pg_ctlcluster ... restart`` runs)."""
        self._run("pg_ctl", "-D", str(self._data), "-m", mode, "-w", "restart")
        self.restarts += 1

    def wait_ready(self, timeout: float = START_SECONDS) -> None:
        deadline = time.monotonic() + timeout
        engine = create_engine(self.url)
        try:
            while True:
                try:
                    with engine.connect() as connection:
                        connection.execute(text("SELECT 1"))
                    return
                except Exception:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
        finally:
            engine.dispose()

    def stop(self) -> None:
        """Stop the server (immediately: nothing in it is kept) and delete the cluster; safe to repeat."""
        if self._started:
            self._started = False
            with contextlib.suppress(subprocess.CalledProcessError):
                self._run("pg_ctl", "-D", str(self._data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self._home, ignore_errors=True)

    def log_tail(self, lines: int = 20) -> str:
        path = self._home / "server.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    def _run(self, program: str, *arguments: str) -> None:
        done = subprocess.run(  # noqa: S603  (PostgreSQL's own tools, arguments built here)
            [str(self._bin / program), *arguments],
            user=self._user,
            cwd=self._home,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            timeout=START_SECONDS,
        )
        if done.returncode:
            last = (done.stderr.strip().splitlines() or ["no message"])[-1]
            raise subprocess.CalledProcessError(done.returncode, f"{program}: {last}")
