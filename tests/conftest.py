"""Fixtures shared by the suites: databases (SQLite and PostgreSQL), emulators, the local stack."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text

from descgen.db import migrate
from descgen.db.session import make_engine

POSTGRES_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
REQUIRE_POSTGRES = os.environ.get("DESCGEN_REQUIRE_POSTGRES") == "1"

# Fake credentials so no test can reach a real AWS account by accident.
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")


def _postgres_reason() -> str | None:
    """None if PostgreSQL answers on 127.0.0.1:5432, else why not."""
    try:
        engine = create_engine(POSTGRES_ADMIN_URL)
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as error:
        return f"PostgreSQL is not reachable on 127.0.0.1:5432 ({type(error).__name__})"


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The admin URL of the local PostgreSQL; skips (or fails, in CI) without it."""
    reason = _postgres_reason()
    if reason is not None:
        if REQUIRE_POSTGRES:
            pytest.fail(f"DESCGEN_REQUIRE_POSTGRES=1 but {reason}")
        pytest.skip(reason)
    return POSTGRES_ADMIN_URL


def create_postgres_database(admin_url: str) -> str:
    name = f"descgen_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def drop_postgres_database(admin_url: str, url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An empty, migrated database of each kind; the same test runs on both."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'descgen.sqlite3'}"
        migrate.upgrade(url)
        yield url
        return
    admin_url = request.getfixturevalue("postgres_server")
    url = create_postgres_database(admin_url)
    try:
        migrate.upgrade(url)
        yield url
    finally:
        drop_postgres_database(admin_url, url)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    """S3, SNS and SQS in server mode on 127.0.0.1 (the same moto the local stack runs)."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(scope="session")
def aws(moto_url: str):  # type: ignore[no-untyped-def]  # a client factory: each client's type depends on the service named
    """``aws("s3")``: a boto3 client on the emulator."""
    import boto3

    def client(service: str):  # type: ignore[no-untyped-def]  # its type depends on the service named
        return boto3.client(service, endpoint_url=moto_url, region_name="us-east-1")

    return client
