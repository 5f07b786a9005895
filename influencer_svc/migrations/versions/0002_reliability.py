"""Idempotency keys of HTTP writes; outbox commits notify the relay.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

from alpes.migrations import downgrade_reliability, upgrade_reliability

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    upgrade_reliability(op)


def downgrade() -> None:
    downgrade_reliability(op)
