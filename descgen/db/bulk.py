"""Many rows in one statement whose text never changes: on PostgreSQL, one array per column
and ``unnest``; on SQLite, the driver's ``executemany``.

SQLAlchemy's multi-row ``INSERT .. VALUES`` has a placeholder per value, and psycopg parses
that text again on every call (too long for its cache): for a page of a thousand rows that
parse was most of the drain's time. ``INSERT .. SELECT * FROM unnest(:a, :b, ..)`` is the
same statement for any number of rows, parsed once.

Where several statements read the same rows (an upsert, then its version rows), ``rows_of``
makes them a table the statements select from: a CTE of ``unnest`` on PostgreSQL, so the
statements can be chained in one, or a temporary table on SQLite.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ColumnElement,
    FromClause,
    Integer,
    MetaData,
    Table,
    any_,
    bindparam,
    case,
    column,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import QueryableAttribute, Session
from sqlalchemy.sql import Select

from descgen.db.models import Base
from descgen.db.session import dialect_insert

Upsert = Callable[[Any], Any]  # the dialect's Insert -> the same with its ON CONFLICT clause


def insert_rows(
    session: Session, model: type[Base], rows: Sequence[Mapping[str, Any]], *, upsert: Upsert | None = None
) -> None:
    """Insert ``rows`` (each with the same keys) into ``model``'s table."""
    if not rows:
        return
    table: Table = model.__table__  # type: ignore[assignment]  # a declarative model's table is a Table
    insert = dialect_insert(session)(table)
    postgres = is_postgres(session)
    if postgres:
        names = list(rows[0])
        insert = insert.from_select(names, _unnest(_arrays([table.c[name] for name in names], rows)))
    statement = upsert(insert) if upsert is not None else insert
    if postgres:
        session.connection().execute(statement)
    else:
        session.connection().execute(statement, rows)


def update_rows(session: Session, model: type[Base], rows: Sequence[Mapping[str, Any]]) -> None:
    """Update rows by their ``id``, each setting its own columns. On PostgreSQL one ``UPDATE ..
    FROM unnest(..)``: a column only some rows set has a flag array, and where a row does not
    set it the column keeps its value. On SQLite, the ORM's ``executemany`` by primary key."""
    if not rows:
        return
    if not is_postgres(session):
        session.execute(update(model), rows)  # the ORM's bulk update by primary key
        return
    table: Table = model.__table__  # type: ignore[assignment]  # a declarative model's table is a Table
    names = sorted({name for row in rows for name in row} - {"id"})
    partly = [name for name in names if any(name not in row for row in rows)]
    arrays = {name: (table.c[name].type, [row.get(name) for row in rows]) for name in ["id", *names]}
    arrays |= {f"sets_{name}": (Boolean(), [name in row for row in rows]) for name in partly}
    values = _unnest(arrays).subquery("v")
    session.connection().execute(
        update(table)
        .where(table.c.id == values.c.id)
        .values(
            {
                name: case((values.c[f"sets_{name}"], values.c[name]), else_=table.c[name])
                if name in partly
                else values.c[name]
                for name in names
            }
        )
    )


def row_set(name: str, *columns: QueryableAttribute[Any]) -> Table:
    """The shape of rows statements read together (``rows_of``): the names and types of
    ``columns``, and ``position``, each row's place in the list given."""
    return Table(
        name,
        MetaData(),
        Column("position", Integer, primary_key=True),
        *(Column(c.key, c.type) for c in columns),
    )


def rows_of(session: Session, shape: Table, rows: Sequence[Mapping[str, Any]]) -> FromClause:
    """``rows`` (each with every column of ``shape`` but ``position``) as a table to select from.

    On PostgreSQL a CTE of ``unnest`` with ordinality: it travels with the statement that reads
    it, no round trip of its own, and statements chained as CTEs read it once. On SQLite a
    temporary table of that name, loaded with one ``executemany``: its columns have no declared
    type, so each value is kept as bound and the target column's affinity applies once, as
    on a direct insert; ``position`` is the rowid, given in insertion order.
    """
    names = [c.name for c in shape.c if c.name != "position"]
    if is_postgres(session):
        return _unnest(_arrays([shape.c[name] for name in names], rows), ordinality="position").cte(shape.name)
    connection = session.connection()
    connection.exec_driver_sql(f"DROP TABLE IF EXISTS temp.{shape.name}")
    connection.exec_driver_sql(f"CREATE TEMP TABLE {shape.name} (position INTEGER PRIMARY KEY, {', '.join(names)})")
    connection.execute(insert(shape), rows)
    return shape


def insert_from(session: Session, model: type[Base], values: Mapping[str, Any], source: Select[Any]) -> Any:
    """``INSERT INTO model (..) SELECT ..`` in the dialect's insert (so an ON CONFLICT clause can follow).

    ``values``: a column's name -> an expression over ``source``'s tables, or a plain value the
    same for every row (one parameter of the column's type); ``source``: a SELECT without
    columns that gives the FROM, WHERE and ORDER BY.
    """
    table: Table = model.__table__  # type: ignore[assignment]  # a declarative model's table is a Table
    selected = [
        value if isinstance(value, ColumnElement | QueryableAttribute) else literal(value, table.c[name].type)
        for name, value in values.items()
    ]
    return dialect_insert(session)(table).from_select(list(values), source.add_columns(*selected))


def one_of(
    column: ColumnElement[Any] | QueryableAttribute[Any], values: Sequence[int], postgres: bool
) -> ColumnElement[bool]:
    """``column IN values``; on PostgreSQL ``= ANY(array)``, one parameter: a thousand-value IN
    is a thousand placeholders the driver parses on every call."""
    if postgres:
        return column == any_(bindparam(None, list(values), type_=ARRAY(BigInteger)))
    return column.in_(values)


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _arrays(columns: Sequence[Column[Any]], rows: Sequence[Mapping[str, Any]]) -> dict[str, tuple[Any, list[Any]]]:
    """Each column's type and its values in ``rows``."""
    return {c.name: (c.type, [row[c.name] for row in rows]) for c in columns}


def _unnest(arrays: Mapping[str, tuple[Any, list[Any]]], *, ordinality: str | None = None) -> Select[Any]:
    """``SELECT * FROM unnest(:c1, :c2, ..)``: one array parameter per column (name -> type, values)."""
    parameters = [bindparam(f"unnest_{name}", values, type_=ARRAY(kind)) for name, (kind, values) in arrays.items()]
    unnested = func.unnest(*parameters).table_valued(*(column(name) for name in arrays), with_ordinality=ordinality)
    return select(*unnested.render_derived().c)
