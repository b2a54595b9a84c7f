"""Many rows in one statement whose text never changes: on PostgreSQL, one array per column
and ``unnest``; on SQLite, the driver's ``executemany``.

SQLAlchemy's multi-row ``INSERT .. VALUES`` has a placeholder per value, and psycopg parses
that text again on every call (too long for its cache): for a page of a thousand rows that
parse was most of the drain's time. ``INSERT .. SELECT * FROM unnest(:a, :b, ..)`` is the
same statement for any number of rows, parsed once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Row, Table, bindparam, column, func, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from descgen.db.models import Base
from descgen.db.session import dialect_insert

Upsert = Callable[[Any], Any]  # the dialect's Insert -> the same with its ON CONFLICT clause


def insert_rows(
    session: Session,
    model: type[Base],
    rows: Sequence[Mapping[str, Any]],
    *,
    upsert: Upsert | None = None,
    returning: Sequence[Any] = (),
) -> list[Row[Any]]:
    """Insert ``rows`` (each with the same keys) into ``model``'s table; the ``returning`` columns of each row written."""
    if not rows:
        return []
    table: Table = model.__table__  # type: ignore[assignment]  # a declarative model's table is a Table
    insert = dialect_insert(session)(table)
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        names = list(rows[0])
        insert = insert.from_select(names, _unnest(table, names, rows))
    statement = upsert(insert) if upsert is not None else insert
    if returning:
        statement = statement.returning(*returning)
    result = session.connection().execute(statement) if postgres else session.connection().execute(statement, rows)
    return list(result.all()) if returning else []


def update_rows(session: Session, model: type[Base], rows: Sequence[Mapping[str, Any]]) -> None:
    """Update rows by their ``id``. On PostgreSQL, rows that set the same columns are one
    ``UPDATE .. FROM unnest(..)``; on SQLite, one ``executemany`` by primary key."""
    if not rows:
        return
    if session.get_bind().dialect.name != "postgresql":
        session.execute(update(model), rows)  # the ORM's bulk update by primary key
        return
    table: Table = model.__table__  # type: ignore[assignment]  # a declarative model's table is a Table
    groups: dict[tuple[str, ...], list[Mapping[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(sorted(row)), []).append(row)
    for names, group in groups.items():
        values = _unnest(table, names, group).subquery("v")
        session.connection().execute(
            update(table)
            .where(table.c.id == values.c.id)
            .values({name: values.c[name] for name in names if name != "id"})
        )


def _unnest(table: Table, names: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> Select[Any]:
    """``SELECT * FROM unnest(:c1, :c2, ..)``: one array parameter per column, of the column's type."""
    arrays = [
        bindparam(f"unnest_{name}", [row[name] for row in rows], type_=ARRAY(table.c[name].type)) for name in names
    ]
    rows_of = func.unnest(*arrays).table_valued(*(column(name) for name in names)).render_derived()
    return select(*(rows_of.c[name] for name in names))
