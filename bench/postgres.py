"""A throwaway PostgreSQL database per scenario (created, migrated, and dropped even when the scenario
fails), and the machine a benchmark ran on, for its results file."""

from __future__ import annotations

import logging
import os
import platform
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import create_engine, text

from descgen.db import migrate

log = logging.getLogger(__name__)

SERVER_URL = "postgresql+psycopg://postgres@127.0.0.1:5432"
NAME_PREFIX = "descgen_bench_"


@contextmanager
def temporary_database(server_url: str = SERVER_URL) -> Iterator[str]:
    """Yield the URL of a fresh, migrated database on the server; drop it afterwards."""
    name = f"{NAME_PREFIX}{secrets.token_hex(4)}"
    admin = create_engine(f"{server_url}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = f"{server_url}/{name}"
        try:
            migrate.upgrade(url)
            yield url
        finally:
            with admin.connect() as connection:
                # FORCE: a pooled connection the scenario left open must not keep the database alive
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def machine(server_url: str = SERVER_URL) -> dict[str, Any]:
    """CPUs, Python, platform and the PostgreSQL server's version: the results file's "machine"."""
    engine = create_engine(f"{server_url}/postgres")
    try:
        with engine.connect() as connection:
            version = str(connection.execute(text("SHOW server_version")).scalar())
    finally:
        engine.dispose()
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "postgresql": version,
    }
