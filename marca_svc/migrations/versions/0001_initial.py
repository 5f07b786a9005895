"""The initial schema of marca: brands, per-campaign reservations, outbox and inbox."""

from alembic import op
import sqlalchemy as sa

from alpes.migrations import create_messaging_tables, drop_messaging_tables

revision = "0001"
down_revision = None


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

    create_messaging_tables(op)


def downgrade() -> None:
    drop_messaging_tables(op)
    op.drop_table("reservas")
    op.drop_table("marcas")
