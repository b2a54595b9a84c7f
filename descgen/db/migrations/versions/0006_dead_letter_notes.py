"""dead_letter_notes: what the drain learned of each message it left for the dead-letter queue (issue 14)

Keyed by the SQS message id (SQS keeps it when it moves a message to the DLQ), so the
redrive dry run shows each dead letter's batch, reason and preview. No foreign key to
``batches``: a message for a batch this database does not know is one of the reasons.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dead_letter_notes",
        sa.Column("message_id", sa.String(100), nullable=False),
        sa.Column("batch_id", sa.String(100), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("preview", sa.Text(), nullable=False),
        sa.Column("receive_count", sa.Integer(), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("message_id", name=op.f("pk_dead_letter_notes")),
    )
    op.create_index(op.f("ix_dead_letter_notes_last_seen"), "dead_letter_notes", ["last_seen"])


def downgrade() -> None:
    op.drop_index(op.f("ix_dead_letter_notes_last_seen"), table_name="dead_letter_notes")
    op.drop_table("dead_letter_notes")
