"""The initial schema of marca: brands, per-campaign reservations, outbox and inbox.

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
        "marcas",
        sa.Column("id_marca", sa.Text, primary_key=True),
        sa.Column("nombre", sa.String(200), nullable=False),
        sa.Column("presupuesto_total", sa.Numeric, nullable=False),
        sa.Column("presupuesto_reservado", sa.Numeric, nullable=False),
        sa.Column("activa", sa.Boolean, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.CheckConstraint("presupuesto_reservado >= 0", name="ck_marcas_reservado_no_negativo"),
        sa.CheckConstraint(
            "presupuesto_reservado <= presupuesto_total", name="ck_marcas_reservado_hasta_total"
        ),
    )
    op.create_index("ix_marcas_nombre", "marcas", ["nombre"])

    op.create_table(
        "reservas",
        sa.Column("id_campana", sa.Text, primary_key=True),
        sa.Column("id_marca", sa.Text),
        sa.Column("monto", sa.Numeric, nullable=False),
        sa.Column("estado", sa.String(20), nullable=False),
        sa.Column("motivo", sa.Text),
        sa.Column("version", sa.Integer, nullable=False),
        sa.CheckConstraint("monto >= 0", name="ck_reservas_monto_no_negativo"),
    )
    op.create_index("ix_reservas_id_marca", "reservas", ["id_marca"])

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
    op.drop_table("reservas")
    op.drop_table("marcas")
