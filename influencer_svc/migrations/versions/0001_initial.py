"""The initial schema of influencer: influencers, campaign assignments, outbox and inbox."""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from alpes.migrations import create_messaging_tables, drop_messaging_tables

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "influencers",
        sa.Column("id_influencer", sa.String(64), primary_key=True),
        sa.Column("nombre", sa.String(200), nullable=False),
        sa.Column("plataforma", sa.String(100), nullable=False),
        sa.Column("clave", sa.Text, nullable=False, unique=True),
        sa.Column("seguidores", sa.BigInteger, nullable=False),
        sa.Column("categoria", sa.String(100), nullable=False),
        sa.Column("activo", sa.Boolean, nullable=False),
        sa.Column("campanas_activas", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.CheckConstraint("campanas_activas >= 0", name="ck_influencers_campanas_activas"),
    )
    op.create_index("ix_influencers_nombre", "influencers", ["nombre"])

    op.create_table(
        "asignaciones",
        sa.Column("id_campana", sa.String(64), primary_key=True),
        sa.Column("ids_influencer", postgresql.JSONB, nullable=False),
        sa.Column("estado", sa.String(20), nullable=False),
        sa.Column("motivo", sa.Text),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index(
        "ix_asignaciones_ids_influencer",
        "asignaciones",
        ["ids_influencer"],
        postgresql_using="gin",
        postgresql_ops={"ids_influencer": "jsonb_path_ops"},
    )

    create_messaging_tables(op)


def downgrade() -> None:
    drop_messaging_tables(op)
    op.drop_table("asignaciones")
    op.drop_table("influencers")
