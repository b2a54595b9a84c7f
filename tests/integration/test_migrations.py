"""Alembic: the schema comes up, goes down and comes up again on both databases."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from descgen.db import migrate
from descgen.db.models import Base
from descgen.db.session import make_engine


def tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_downgrade_and_upgrade_again_leave_the_models_schema(database_url):
    # GIVEN a migrated database (the fixture ran upgrade head)
    assert tables(database_url) == set(Base.metadata.tables)
    # WHEN it is downgraded to nothing
    migrate.downgrade(database_url, "base")
    assert tables(database_url) == set()
    # THEN upgrading again gives the same schema as the models, with nothing left to autogenerate
    migrate.upgrade(database_url)
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    finally:
        engine.dispose()
    assert differences == []


def test_the_migration_history_is_one_straight_line(database_url):
    config = migrate.alembic_config(database_url)
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1
    command.check(config)  # raises if the models need a migration the history lacks
