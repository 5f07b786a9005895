"""The initial schema of influencer: influencers, campaign assignments, outbox and inbox.

Revision ID: 0001
Revises:
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


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

    op.create_table(
        "outbox",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("id_evento", sa.String(64), nullable=False, unique=True),
        sa.Column("topic", sa.Text, nullable=False),
        sa.Column("clave", sa.Text, nullable=False),
        sa.Column("payload", sa.LargeBinary, nullable=False),
        sa.Column("propiedades", postgresql.JSONB, nullable=False),
        sa.Column(
            "creado_en", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    )

    op.create_table(
        "inbox",
        sa.Column("consumidor", sa.String(100), primary_key=True),
        sa.Column("id_mensaje", sa.String(100), primary_key=True),
        sa.Column(
            "procesado_en", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    )
    op.create_index("ix_inbox_procesado_en", "inbox", ["procesado_en"])


def downgrade() -> None:
    op.drop_table("inbox")
    op.drop_table("outbox")
    op.drop_table("asignaciones")
    op.drop_table("influencers")
