"""Converse and structured output, job slots, waits that are not attempts

- batches: how the file was written (``invocation_type``, ``output_format``;
  existing batches were InvokeModel bodies asking for text), ``waiting_since``
  and the ``waiting`` state (written, waiting for a job slot);
- generation_tasks: ``sends`` (the record id's number; existing tasks have sent
  once per attempt, so it starts equal to ``attempts``) and ``waits``;
- descriptions and their versions: ``meta_title`` and ``meta_description``.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_STATES = "state IN ('claimed', 'published', 'submitted', 'ended', 'closed', 'released')"
NEW_STATES = "state IN ('claimed', 'waiting', 'published', 'submitted', 'ended', 'closed', 'released')"


def upgrade() -> None:
    with op.batch_alter_table("batches", schema=None) as batch_op:
        batch_op.add_column(sa.Column("invocation_type", sa.String(16), server_default="InvokeModel", nullable=False))
        batch_op.add_column(sa.Column("output_format", sa.String(8), server_default="text", nullable=False))
        batch_op.add_column(sa.Column("waiting_since", sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_constraint(op.f("ck_batches_state"), type_="check")
        batch_op.create_check_constraint(op.f("ck_batches_state"), NEW_STATES)
    with op.batch_alter_table("generation_tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sends", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("waits", sa.Integer(), server_default="0", nullable=False))
    op.execute("UPDATE generation_tasks SET sends = attempts")
    for table in ("descriptions", "description_versions"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("meta_title", sa.Text(), nullable=True))
            batch_op.add_column(sa.Column("meta_description", sa.Text(), nullable=True))


def downgrade() -> None:
    for table in ("description_versions", "descriptions"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("meta_description")
            batch_op.drop_column("meta_title")
    with op.batch_alter_table("generation_tasks", schema=None) as batch_op:
        batch_op.drop_column("waits")
        batch_op.drop_column("sends")
    # a batch waiting for a slot has its file in S3: the previous version republishes a claimed one
    op.execute("UPDATE batches SET state = 'claimed' WHERE state = 'waiting'")
    with op.batch_alter_table("batches", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_batches_state"), type_="check")
        batch_op.create_check_constraint(op.f("ck_batches_state"), OLD_STATES)
        batch_op.drop_column("waiting_since")
        batch_op.drop_column("output_format")
        batch_op.drop_column("invocation_type")
