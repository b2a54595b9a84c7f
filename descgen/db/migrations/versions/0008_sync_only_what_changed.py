"""The sync reads only the products that changed since their last sync

- products.facts_version: raised by a trigger whenever an UPDATE changes the title, the
  keywords or the attributes, so an edit made by hand in SQL counts as much as an import;
- products.synced_version and products.synced_inputs: the facts version the product's last
  sync read, and a digest of the other inputs it used (model, prompt version, brand voice,
  the store's languages). A product whose two pairs match is not read again
  (``db/catalog.sync_tasks``).

Every existing product starts unsynced: the first sync after the upgrade reads them all once.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FACTS = ("title", "seo_keywords", "attributes")
# JSON has no equality in PostgreSQL: its text is compared (a different spelling of the same value
# raises the version too, which costs one product's read, never a change missed)
_CHANGED_PG = " OR ".join(f"OLD.{c}::text IS DISTINCT FROM NEW.{c}::text" for c in FACTS)
_CHANGED_SQLITE = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in FACTS)


def upgrade() -> None:
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.add_column(sa.Column("facts_version", sa.Integer(), server_default=sa.text("1"), nullable=False))
        batch_op.add_column(sa.Column("synced_version", sa.Integer(), server_default=sa.text("0"), nullable=False))
        batch_op.add_column(sa.Column("synced_inputs", sa.String(32), nullable=True))
    if _postgres():
        op.execute(
            "CREATE FUNCTION products_facts_version() RETURNS trigger LANGUAGE plpgsql AS $$"
            " BEGIN NEW.facts_version := OLD.facts_version + 1; RETURN NEW; END $$"
        )
        op.execute(
            f"CREATE TRIGGER products_facts_changed BEFORE UPDATE OF {', '.join(FACTS)} ON products"
            f" FOR EACH ROW WHEN ({_CHANGED_PG}) EXECUTE FUNCTION products_facts_version()"
        )
    else:
        op.execute(
            # constant text (the column names above), no value from outside
            f"CREATE TRIGGER products_facts_changed AFTER UPDATE OF {', '.join(FACTS)} ON products"  # noqa: S608
            f" FOR EACH ROW WHEN {_CHANGED_SQLITE}"
            " BEGIN UPDATE products SET facts_version = OLD.facts_version + 1 WHERE id = NEW.id; END"
        )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS products_facts_changed" + (" ON products" if _postgres() else ""))
    if _postgres():
        op.execute("DROP FUNCTION IF EXISTS products_facts_version()")
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_column("synced_inputs")
        batch_op.drop_column("synced_version")
        batch_op.drop_column("facts_version")


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"
