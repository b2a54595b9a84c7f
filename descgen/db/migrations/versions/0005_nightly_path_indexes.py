"""Indexes for the nightly path at millions of tasks (issue 13; ``make bench-explain`` shows the plans)

- generation_tasks (store_id, state, pending_since, id): the claim takes a store's
  pending tasks oldest first (``db/batches.py``). Without an index whose order is
  the ``ORDER BY``, every claim reads and sorts every pending row of the store (1.5 s
  at 3,000,000 pending); with it, a claim reads its ``LIMIT`` rows in order and
  stops. The same index answers the pending count and the oldest pending time.
  A plain index, not a partial one (``WHERE state = 'pending'``): descgen's queries
  bind the state as a parameter, and a prepared statement's generic plan cannot
  prove a parameter matches a partial index's predicate;
- description_versions (product_id, language_id, id): a product's history in one
  language, newest first: the text before a version (rollback), the newest live
  version (review), and whether a newer live version exists (``prune-versions``).
  It also serves the cascade when a product is deleted;
- outbox (version_id): deleting a version cascades to its outbox rows, and pruning
  asks whether a version still has an undelivered row: both look rows up by
  version. Without it each deleted version scans the outbox;
- outbox (product_id, language_id, id): a redrive reads every row of the dead
  rows' pairs to find a newer version; the claim joins its due pairs back;
- products (store_id, id) WHERE archived_at IS NOT NULL: a store's archived products
  (a full import sets their tasks aside, ``db/catalog.py``); without it, finding the
  few archived ones reads every product of the store (a claim that left them out did
  so on every claim). Partial: archived products are few, and the predicate is a
  constant, so every plan can use it.

Plain ``CREATE INDEX``: on PostgreSQL it blocks writes to the table while it builds
(seconds per million rows), so run this migration between nightly cycles.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-15
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("ix_generation_tasks_claim_order", "generation_tasks", ["store_id", "state", "pending_since", "id"]),
    ("ix_description_versions_pair", "description_versions", ["product_id", "language_id", "id"]),
    ("ix_outbox_version", "outbox", ["version_id"]),
    ("ix_outbox_pair", "outbox", ["product_id", "language_id", "id"]),
)

ARCHIVED = sa.text("archived_at IS NOT NULL")


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)
    op.create_index(
        "ix_products_archived", "products", ["store_id", "id"], postgresql_where=ARCHIVED, sqlite_where=ARCHIVED
    )


def downgrade() -> None:
    op.drop_index("ix_products_archived", table_name="products")
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
