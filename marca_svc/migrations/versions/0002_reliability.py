"""Idempotency keys of HTTP writes; outbox commits notify the relay."""

from alembic import op

from alpes.migrations import downgrade_reliability, upgrade_reliability

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    upgrade_reliability(op)


def downgrade() -> None:
    downgrade_reliability(op)
