"""Engines and the one session scope: commit on success, roll back otherwise."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from psycopg.types.array import ListBinaryDumper
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

# INSERT with ON CONFLICT: the same construct on both databases descgen supports
DIALECT_INSERTS: dict[str, Any] = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def dialect_insert(session: Session) -> Any:
    """The database's ``insert`` with ``on_conflict_do_update``; refuses another database clearly."""
    dialect = session.get_bind().dialect.name
    if dialect not in DIALECT_INSERTS:
        raise NotImplementedError(f"descgen supports PostgreSQL and SQLite, not {dialect}")
    return DIALECT_INSERTS[dialect]


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        # Several runs may write at once (drain, monitor, generate). SQLite has one
        # writer; a transaction that read first and writes later can be refused
        # ("database is locked") if another wrote in between, whatever the timeout.
        # BEGIN IMMEDIATE takes the write lock up front, so transactions queue
        # (up to the busy timeout) instead of failing.
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", lambda connection: connection.exec_driver_sql("BEGIN IMMEDIATE"))
        return engine
    engine = create_engine(url, pool_pre_ping=True, **kwargs)
    if engine.dialect.driver == "psycopg":
        event.listen(engine, "connect", _binary_arrays)
    return engine


def _binary_arrays(connection: Any, _record: Any) -> None:
    """Lists (``db/bulk.py``'s column arrays) go in PostgreSQL's binary array format: the text
    format escapes every element in Python, five to eight times slower for a page of texts."""
    connection.adapters.register_dumper(list, ListBinaryDumper)


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    connection.isolation_level = None  # the driver's own BEGIN is replaced by BEGIN IMMEDIATE
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
