"""The initial schema of tracking: campaigns, codes, events, metrics, outbox and inbox."""

from typing import Any

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from alpes.migrations import create_messaging_tables, drop_messaging_tables

revision = "0001"
down_revision = None


def _contadores() -> list[sa.Column[Any]]:
    return [
        sa.Column(
            nombre,
            sa.Numeric if nombre == "valor_conversiones" else sa.BigInteger,
            nullable=False,
            server_default=sa.text("0"),
        )
        for nombre in (
            "vistas",
            "clics",
            "conversiones",
            "valor_conversiones",
            "engagement",
            "compartidos",
            "comentarios",
            "total_eventos",
        )
    ]


def upgrade() -> None:
    op.create_table(
        "campanas_tracking",
        sa.Column("id_campana", sa.String(64), primary_key=True),
        sa.Column("id_marca", sa.String(64)),
        sa.Column("estado", sa.String(20), nullable=False),
        sa.Column("motivo", sa.Text),
        sa.Column("version", sa.Integer, nullable=False),
    )

    op.create_table(
        "codigos_tracking",
        sa.Column("codigo", sa.String(32), primary_key=True),
        sa.Column("id_campana", sa.String(64), nullable=False),
        sa.Column("id_influencer", sa.String(64)),
        sa.Column("nombre", sa.Text, nullable=False),
        sa.Column("plataforma", sa.Text, nullable=False),
        sa.Column("activo", sa.Boolean, nullable=False),
    )
    op.create_index("ix_codigos_tracking_id_campana", "codigos_tracking", ["id_campana"])

    op.create_table(
        "eventos_tracking",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("id_campana", sa.String(64), nullable=False),
        sa.Column("tipo_evento", sa.String(20), nullable=False),
        sa.Column("datos", postgresql.JSONB, nullable=False),
        sa.Column("codigo", sa.String(32)),
        sa.Column("fecha_evento", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ix_eventos_tracking_id_campana_fecha_evento",
        "eventos_tracking",
        ["id_campana", "fecha_evento"],
    )

    op.create_table(
        "metricas_campana",
        sa.Column("id_campana", sa.String(64), primary_key=True),
        sa.Column("id_marca", sa.String(64), nullable=False),
        *_contadores(),
    )
    op.create_index("ix_metricas_campana_id_marca", "metricas_campana", ["id_marca"])

    op.create_table(
        "metricas_influencer",
        sa.Column("id_campana", sa.String(64), primary_key=True),
        sa.Column("codigo", sa.String(32), primary_key=True),
        sa.Column("id_influencer", sa.String(64)),
        *_contadores(),
    )

    create_messaging_tables(op)


def downgrade() -> None:
    drop_messaging_tables(op)
    for tabla in (
        "metricas_influencer",
        "metricas_campana",
        "eventos_tracking",
        "codigos_tracking",
        "campanas_tracking",
    ):
        op.drop_table(tabla)
