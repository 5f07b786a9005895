"""The initial schema of afiliaciones: campaigns, the saga timeline, outbox and inbox."""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from alpes.migrations import create_messaging_tables, drop_messaging_tables

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "campanas",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("nombre", sa.String(200), nullable=False),
        sa.Column("descripcion", sa.Text, nullable=False),
        sa.Column("tipo", sa.String(20), nullable=False),
        sa.Column("estado", sa.String(20), nullable=False),
        sa.Column("fecha_creacion", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fecha_inicio", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fecha_fin", sa.DateTime(timezone=True), nullable=False),
        sa.Column("presupuesto", sa.Numeric, nullable=False),
        sa.Column("id_marca", sa.String(200), nullable=False),
        sa.Column("nombre_marca", sa.String(200), nullable=False),
        sa.Column("influencers", postgresql.JSONB, nullable=False),
        sa.Column("id_saga", sa.String(64), nullable=False, unique=True),
        sa.Column("id_correlacion", sa.Text, nullable=False),
        sa.Column("plazo_saga", sa.DateTime(timezone=True), nullable=False),
        sa.Column("estado_saga", sa.String(20), nullable=False),
        sa.Column("exitos", postgresql.ARRAY(sa.String(20)), nullable=False),
        sa.Column("fallos", postgresql.ARRAY(sa.String(20)), nullable=False),
        sa.Column("compensaciones", postgresql.ARRAY(sa.String(20)), nullable=False),
        sa.Column("motivo_cancelacion", sa.Text),
        sa.Column("origen_cancelacion", sa.String(20)),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("ix_campanas_estado", "campanas", ["estado"])
    op.create_index("ix_campanas_id_marca", "campanas", ["id_marca"])
    op.create_index("ix_campanas_estado_plazo_saga", "campanas", ["estado", "plazo_saga"])
    op.create_index("ix_campanas_estado_saga", "campanas", ["estado_saga"])
    op.create_index("ix_campanas_fecha_creacion", "campanas", ["fecha_creacion"])

    op.create_table(
        "linea_de_tiempo_saga",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("id_saga", sa.String(64), nullable=False),
        sa.Column("id_campana", sa.String(64), nullable=False),
        sa.Column("evento", sa.String(64), nullable=False),
        sa.Column("origen", sa.String(20), nullable=False),
        sa.Column("ocurrido_en", sa.DateTime(timezone=True), nullable=False),
        sa.Column("motivo", sa.Text),
    )
    op.create_index("ix_linea_de_tiempo_saga_id_saga", "linea_de_tiempo_saga", ["id_saga"])
    op.create_index(
        "ix_linea_de_tiempo_saga_ocurrido_en", "linea_de_tiempo_saga", ["ocurrido_en", "id"]
    )

    create_messaging_tables(op)


def downgrade() -> None:
    drop_messaging_tables(op)
    op.drop_table("linea_de_tiempo_saga")
    op.drop_table("campanas")
