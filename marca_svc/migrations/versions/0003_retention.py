"""Tombstones get a creation time, so the retention job can prune them (see
``alpes.migrations.add_tombstone_time``)."""

from alembic import op

from alpes.migrations import add_tombstone_time, drop_tombstone_time

revision = "0003_retention"
down_revision = "0002"


def upgrade() -> None:
    add_tombstone_time(op, "reservas")


def downgrade() -> None:
    drop_tombstone_time(op, "reservas")
