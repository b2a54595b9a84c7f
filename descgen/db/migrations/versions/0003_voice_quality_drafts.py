"""Brand voice per store, quality scores, drafts held for review, near-duplicate bands

- store_voices: every version of a store's voice (the highest is current);
- description_versions: ``status`` (published; draft when the quality gate holds
  one for review), ``quality`` (scores per check), and the store, product and
  language of each version, so a draft can exist before any current description
  (``description_id`` and ``version`` are then empty). Existing rows are published
  versions and take their product and language from their description;
- descriptions: the text's MinHash signature (``text_signature``) and its eight LSH
  buckets (``band_0`` .. ``band_7``, each indexed per store and language): near-duplicate
  candidates by index, compared by signature;
- quality_tallies: checks passed and failed, outcomes, per batch and language.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BANDS = range(8)  # quality/near_duplicates.BANDS when this was written


def upgrade() -> None:
    op.create_table(
        "store_voices",
        sa.Column("store_id", sa.String(32), sa.ForeignKey("stores.id", ondelete="CASCADE"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("voice", sa.JSON(), nullable=False),
        sa.Column("prompt_digest", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("store_id", "version", name=op.f("pk_store_voices")),
    )
    op.create_table(
        "quality_tallies",
        sa.Column("batch_id", sa.String(64), sa.ForeignKey("batches.id"), nullable=False),
        sa.Column("language_id", sa.String(16), nullable=False),
        sa.Column("name", sa.String(160), nullable=False),
        sa.Column("store_id", sa.String(32), sa.ForeignKey("stores.id", ondelete="CASCADE"), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("batch_id", "language_id", "name", name=op.f("pk_quality_tallies")),
    )
    op.create_index(op.f("ix_quality_tallies_store_id"), "quality_tallies", ["store_id"])
    with op.batch_alter_table("descriptions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("text_signature", sa.LargeBinary(), nullable=True))
        for band in BANDS:
            batch_op.add_column(sa.Column(f"band_{band}", sa.BigInteger(), nullable=True))
            batch_op.create_index(f"ix_descriptions_band_{band}", ["store_id", "language_id", f"band_{band}"])
    with op.batch_alter_table("description_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("store_id", sa.String(32), nullable=True))
        batch_op.add_column(
            sa.Column("product_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True)
        )
        batch_op.add_column(sa.Column("language_id", sa.String(16), nullable=True))
        batch_op.add_column(sa.Column("status", sa.String(16), server_default="published", nullable=False))
        batch_op.add_column(sa.Column("quality", sa.JSON(), nullable=True))
    op.execute(
        "UPDATE description_versions SET "
        "store_id = (SELECT d.store_id FROM descriptions d WHERE d.id = description_versions.description_id), "
        "product_id = (SELECT d.product_id FROM descriptions d WHERE d.id = description_versions.description_id), "
        "language_id = (SELECT d.language_id FROM descriptions d WHERE d.id = description_versions.description_id)"
    )
    with op.batch_alter_table("description_versions", schema=None) as batch_op:
        batch_op.alter_column("store_id", existing_type=sa.String(32), nullable=False)
        batch_op.alter_column("product_id", existing_type=sa.BigInteger(), nullable=False)
        batch_op.alter_column("language_id", existing_type=sa.String(16), nullable=False)
        batch_op.alter_column("description_id", existing_type=sa.BigInteger(), nullable=True)
        batch_op.alter_column("version", existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(
            op.f("fk_description_versions_store_id_stores"), "stores", ["store_id"], ["id"], ondelete="CASCADE"
        )
        batch_op.create_foreign_key(
            op.f("fk_description_versions_product_id_products"), "products", ["product_id"], ["id"], ondelete="CASCADE"
        )
        batch_op.create_foreign_key(
            op.f("fk_description_versions_language_id_languages"), "languages", ["language_id"], ["id"]
        )
        batch_op.create_check_constraint(op.f("ck_description_versions_status"), "status IN ('draft', 'published')")
        batch_op.create_index("ix_description_versions_review", ["store_id", "status"])


def downgrade() -> None:
    # drafts were never published: the previous version has nowhere to keep them
    op.execute("DELETE FROM description_versions WHERE status = 'draft'")
    with op.batch_alter_table("description_versions", schema=None) as batch_op:
        batch_op.drop_index("ix_description_versions_review")
        batch_op.drop_constraint(op.f("ck_description_versions_status"), type_="check")
        batch_op.drop_constraint(op.f("fk_description_versions_language_id_languages"), type_="foreignkey")
        batch_op.drop_constraint(op.f("fk_description_versions_product_id_products"), type_="foreignkey")
        batch_op.drop_constraint(op.f("fk_description_versions_store_id_stores"), type_="foreignkey")
        batch_op.alter_column("version", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("description_id", existing_type=sa.BigInteger(), nullable=False)
        batch_op.drop_column("quality")
        batch_op.drop_column("status")
        batch_op.drop_column("language_id")
        batch_op.drop_column("product_id")
        batch_op.drop_column("store_id")
    with op.batch_alter_table("descriptions", schema=None) as batch_op:
        for band in BANDS:
            batch_op.drop_index(f"ix_descriptions_band_{band}")
            batch_op.drop_column(f"band_{band}")
        batch_op.drop_column("text_signature")
    op.drop_index(op.f("ix_quality_tallies_store_id"), table_name="quality_tallies")
    op.drop_table("quality_tallies")
    op.drop_table("store_voices")
