"""A campaign's events page by keyset (``alpes.paging``): their index ends with the id, the
tie-break of events stored in the same instant (a batch's)."""

from alembic import op

revision = "0005_keyset_paging"
down_revision = "0004"


def upgrade() -> None:
    op.create_index(
        "ix_eventos_tracking_recientes", "eventos_tracking", ["id_campana", "fecha_evento", "id"]
    )
    op.drop_index("ix_eventos_tracking_id_campana_fecha_evento", "eventos_tracking")


def downgrade() -> None:
    op.create_index(
        "ix_eventos_tracking_id_campana_fecha_evento",
        "eventos_tracking",
        ["id_campana", "fecha_evento"],
    )
    op.drop_index("ix_eventos_tracking_recientes", "eventos_tracking")
