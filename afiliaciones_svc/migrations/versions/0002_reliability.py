"""Idempotency keys of HTTP writes; outbox commits notify the relay; the saga sweeper's columns."""

from alembic import op
import sqlalchemy as sa

from alpes.migrations import downgrade_reliability, upgrade_reliability

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    upgrade_reliability(op)
    op.add_column("campanas", sa.Column("cancelada_en", sa.DateTime(timezone=True)))
    op.add_column("campanas", sa.Column("revisar_en", sa.DateTime(timezone=True)))
    op.create_index(
        "ix_campanas_compensando_revisar_en",
        "campanas",
        ["revisar_en"],
        postgresql_where=sa.text("estado_saga = 'compensando'"),
    )


def downgrade() -> None:
    op.drop_index("ix_campanas_compensando_revisar_en", "campanas")
    op.drop_column("campanas", "revisar_en")
    op.drop_column("campanas", "cancelada_en")
    downgrade_reliability(op)
