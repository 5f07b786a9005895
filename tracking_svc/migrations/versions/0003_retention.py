"""Tombstones get a creation time, so the retention job can prune them.

A tombstone (``estado = 'cancelada_antes'``: a cancellation seen before ``CampanaCreada``) is
kept for the inbox horizon (alpes.retention, docs/reliability.md); rows already there count
from this migration.

Revision ID: 0003_retention
Revises: 0002
"""

from alembic import op

from alpes.migrations import add_tombstone_time, drop_tombstone_time

revision = "0003_retention"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_tombstone_time(op, "campanas_tracking")


def downgrade() -> None:
    drop_tombstone_time(op, "campanas_tracking")
