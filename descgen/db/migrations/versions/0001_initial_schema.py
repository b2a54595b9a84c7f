"""initial schema: catalog, tasks, batches, descriptions

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "languages",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_languages")),
    )
    op.create_table(
        "stores",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stores")),
    )
    op.create_table(
        "batches",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("store_id", sa.String(length=32), nullable=False),
        sa.Column("model_id", sa.String(length=200), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("record_count", sa.Integer(), nullable=False),
        sa.Column("input_bytes", sa.BigInteger(), nullable=False),
        sa.Column("input_uri", sa.Text(), nullable=True),
        sa.Column("output_uri", sa.Text(), nullable=True),
        sa.Column("job_name", sa.String(length=63), nullable=True),
        sa.Column("job_arn", sa.String(length=300), nullable=True),
        sa.Column("job_status", sa.String(length=32), nullable=True),
        sa.Column("job_message", sa.Text(), nullable=True),
        sa.Column("estimated_input_tokens", sa.BigInteger(), nullable=False),
        sa.Column("estimated_output_tokens", sa.BigInteger(), nullable=False),
        sa.Column("estimated_cost_usd", sa.Float(), nullable=False),
        sa.Column("estimated_on_demand_cost_usd", sa.Float(), nullable=False),
        sa.Column("input_tokens", sa.BigInteger(), nullable=True),
        sa.Column("output_tokens", sa.BigInteger(), nullable=True),
        sa.Column("cost_usd", sa.Float(), nullable=True),
        sa.Column("on_demand_cost_usd", sa.Float(), nullable=True),
        sa.Column("job_requests", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rolled_back_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "state IN ('claimed', 'published', 'submitted', 'ended', 'closed', 'released')",
            name=op.f("ck_batches_state"),
        ),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_batches_store_id_stores")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_batches")),
    )
    with op.batch_alter_table("batches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_batches_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_batches_store_id"), ["store_id"], unique=False)

    op.create_table(
        "products",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("store_id", sa.String(length=32), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("seo_keywords", sa.JSON(), nullable=False),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_products_store_id_stores"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products")),
        sa.UniqueConstraint("store_id", "external_id", name=op.f("uq_products_store_id")),
    )
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_products_store_id"), ["store_id"], unique=False)

    op.create_table(
        "store_languages",
        sa.Column("store_id", sa.String(length=32), nullable=False),
        sa.Column("language_id", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["language_id"], ["languages.id"], name=op.f("fk_store_languages_language_id_languages")
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_store_languages_store_id_stores"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("store_id", "language_id", name=op.f("pk_store_languages")),
    )
    op.create_table(
        "descriptions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("store_id", sa.String(length=32), nullable=False),
        sa.Column("product_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("language_id", sa.String(length=16), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=True),
        sa.Column("batch_id", sa.String(length=64), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("source IN ('ai', 'human')", name=op.f("ck_descriptions_source")),
        sa.ForeignKeyConstraint(["batch_id"], ["batches.id"], name=op.f("fk_descriptions_batch_id_batches")),
        sa.ForeignKeyConstraint(["language_id"], ["languages.id"], name=op.f("fk_descriptions_language_id_languages")),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_descriptions_product_id_products"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_descriptions_store_id_stores"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_descriptions")),
        sa.UniqueConstraint("product_id", "language_id", name=op.f("uq_descriptions_product_id")),
    )
    with op.batch_alter_table("descriptions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_descriptions_store_id"), ["store_id"], unique=False)

    op.create_table(
        "generation_tasks",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("store_id", sa.String(length=32), nullable=False),
        sa.Column("product_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("language_id", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("batch_id", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("pending_since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "state IN ('pending', 'claimed', 'submitted', 'done', 'failed', 'skipped')",
            name=op.f("ck_generation_tasks_state"),
        ),
        sa.ForeignKeyConstraint(["batch_id"], ["batches.id"], name=op.f("fk_generation_tasks_batch_id_batches")),
        sa.ForeignKeyConstraint(
            ["language_id"], ["languages.id"], name=op.f("fk_generation_tasks_language_id_languages")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_generation_tasks_product_id_products"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_generation_tasks_store_id_stores"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_generation_tasks")),
        sa.UniqueConstraint("product_id", "language_id", name=op.f("uq_generation_tasks_product_id")),
    )
    with op.batch_alter_table("generation_tasks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_generation_tasks_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index("ix_generation_tasks_claimable", ["store_id", "state", "language_id"], unique=False)

    op.create_table(
        "description_versions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("description_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=True),
        sa.Column("batch_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["batches.id"], name=op.f("fk_description_versions_batch_id_batches")),
        sa.ForeignKeyConstraint(
            ["description_id"],
            ["descriptions.id"],
            name=op.f("fk_description_versions_description_id_descriptions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_description_versions")),
        sa.UniqueConstraint("description_id", "version", name=op.f("uq_description_versions_description_id")),
    )
    with op.batch_alter_table("description_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_description_versions_batch_id"), ["batch_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("description_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_description_versions_batch_id"))

    op.drop_table("description_versions")
    with op.batch_alter_table("generation_tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_generation_tasks_claimable")
        batch_op.drop_index(batch_op.f("ix_generation_tasks_batch_id"))

    op.drop_table("generation_tasks")
    with op.batch_alter_table("descriptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_descriptions_store_id"))

    op.drop_table("descriptions")
    op.drop_table("store_languages")
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_products_store_id"))

    op.drop_table("products")
    with op.batch_alter_table("batches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_batches_store_id"))
        batch_op.drop_index(batch_op.f("ix_batches_state"))

    op.drop_table("batches")
    op.drop_table("stores")
    op.drop_table("languages")
