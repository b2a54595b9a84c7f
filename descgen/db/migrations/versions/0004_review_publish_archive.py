"""Review and approval, the outbox to the shop, archived products

- description_versions: ``status`` is draft, approved, published or rejected (what
  was ``published`` before stays published); who reviewed it, the note and when;
- outbox: approved versions on their way to the shop (``publishing/``);
- products: ``archived_at``, set when a full import no longer has the product;
- description_versions.rollback_of: a rollback is recorded as new versions (the text
  from before the batch, or "" where the batch created the description), so it can be undone.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.add_column(sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("description_versions", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_description_versions_status"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_description_versions_status"), "status IN ('draft', 'approved', 'published', 'rejected')"
        )
        batch_op.add_column(sa.Column("reviewed_by", sa.String(100), nullable=True))
        batch_op.add_column(sa.Column("review_note", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("rollback_of", sa.String(64), nullable=True))
    op.create_table(
        "outbox",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("store_id", sa.String(32), sa.ForeignKey("stores.id", ondelete="CASCADE"), nullable=False),
        sa.Column("product_id", BIG_ID, sa.ForeignKey("products.id", ondelete="CASCADE"), nullable=False),
        sa.Column("language_id", sa.String(16), sa.ForeignKey("languages.id"), nullable=False),
        sa.Column("version_id", BIG_ID, sa.ForeignKey("description_versions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("idempotency_key", sa.String(120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dead_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_outbox_idempotency_key")),
    )
    op.create_index(op.f("ix_outbox_store_id"), "outbox", ["store_id"])
    op.create_index("ix_outbox_due", "outbox", ["delivered_at", "dead_at", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_outbox_due", table_name="outbox")
    op.drop_index(op.f("ix_outbox_store_id"), table_name="outbox")
    op.drop_table("outbox")
    # the previous version knows drafts and published texts only: approved ones were current
    op.execute("UPDATE description_versions SET status = 'published' WHERE status = 'approved'")
    op.execute("DELETE FROM description_versions WHERE status = 'rejected' OR (rollback_of IS NOT NULL AND html = '')")
    with op.batch_alter_table("description_versions", schema=None) as batch_op:
        batch_op.drop_column("rollback_of")
        batch_op.drop_column("reviewed_at")
        batch_op.drop_column("review_note")
        batch_op.drop_column("reviewed_by")
        batch_op.drop_constraint(op.f("ck_description_versions_status"), type_="check")
        batch_op.create_check_constraint(op.f("ck_description_versions_status"), "status IN ('draft', 'published')")
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_column("archived_at")
