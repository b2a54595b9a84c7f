"""Pooled batches across stores, each store's share of a bill, schedules and monthly budgets

- batches.store_id may be NULL: a pooled batch holds the remainders of several
  stores (``descgen.pooling``); its tasks keep their own store;
- batch_shares: per batch and store, the records it put in, the estimate, and its
  share of the manifest's tokens and cost. Every existing batch gets its one share,
  so this month's spend (``descgen.budgets``) counts what was sent before;
- stores: ``schedule`` (the local window generate-due-stores runs it in, JSON),
  ``monthly_budget_usd`` and ``last_run_at``;
- products (store_id, id): the sync reads a store's products a page at a time in id
  order (``db/catalog.py``); with many stores in one table, the primary key alone would
  read every other store's rows on the way.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("stores", schema=None) as batch_op:
        batch_op.add_column(sa.Column("schedule", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("monthly_budget_usd", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("last_run_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("batches", schema=None) as batch_op:
        batch_op.alter_column("store_id", existing_type=sa.String(32), nullable=True)
    op.create_table(
        "batch_shares",
        sa.Column("batch_id", sa.String(64), sa.ForeignKey("batches.id", ondelete="CASCADE"), nullable=False),
        sa.Column("store_id", sa.String(32), sa.ForeignKey("stores.id", ondelete="CASCADE"), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("estimated_cost_usd", sa.Float(), nullable=False),
        sa.Column("estimated_on_demand_cost_usd", sa.Float(), nullable=False),
        sa.Column("input_tokens", sa.BigInteger(), nullable=True),
        sa.Column("output_tokens", sa.BigInteger(), nullable=True),
        sa.Column("cost_usd", sa.Float(), nullable=True),
        sa.Column("on_demand_cost_usd", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("batch_id", "store_id", name=op.f("pk_batch_shares")),
    )
    op.create_index("ix_batch_shares_store_created", "batch_shares", ["store_id", "created_at"])
    op.create_index("ix_products_store_order", "products", ["store_id", "id"])
    op.execute(
        "INSERT INTO batch_shares (batch_id, store_id, records, estimated_cost_usd, estimated_on_demand_cost_usd,"
        " input_tokens, output_tokens, cost_usd, on_demand_cost_usd, created_at)"
        " SELECT id, store_id, record_count, estimated_cost_usd, estimated_on_demand_cost_usd,"
        " input_tokens, output_tokens, cost_usd, on_demand_cost_usd, created_at FROM batches"
    )


def downgrade() -> None:
    # the previous version knows one store per batch: a pooled batch goes to the store with most records in it
    op.execute(
        "UPDATE batches SET store_id = (SELECT s.store_id FROM batch_shares s WHERE s.batch_id = batches.id"
        " ORDER BY s.records DESC, s.store_id LIMIT 1) WHERE store_id IS NULL"
    )
    op.drop_index("ix_products_store_order", table_name="products")
    op.drop_index("ix_batch_shares_store_created", table_name="batch_shares")
    op.drop_table("batch_shares")
    with op.batch_alter_table("batches", schema=None) as batch_op:
        batch_op.alter_column("store_id", existing_type=sa.String(32), nullable=False)
    with op.batch_alter_table("stores", schema=None) as batch_op:
        batch_op.drop_column("last_run_at")
        batch_op.drop_column("monthly_budget_usd")
        batch_op.drop_column("schedule")
