"""Tombstones get a creation time, so the retention job can prune them.

A tombstone (``estado = 'cancelada_antes'``: a cancellation seen before ``CampanaCreada``) is
kept for the inbox horizon (alpes.retention, docs/reliability.md); rows already there count
from this migration.

Revision ID: 0003_retention
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_retention"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "campanas_tracking",
        sa.Column(
            "creado_en", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    )
    op.create_index(
        "ix_campanas_tracking_lapidas",
        "campanas_tracking",
        ["creado_en"],
        postgresql_where=sa.text("estado = 'cancelada_antes'"),
    )


def downgrade() -> None:
    op.drop_index("ix_campanas_tracking_lapidas", table_name="campanas_tracking")
    op.drop_column("campanas_tracking", "creado_en")
