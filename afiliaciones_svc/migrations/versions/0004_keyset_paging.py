"""The campaign lists page by keyset (``alpes.paging``): one index per list in its order, newest
first then by id, alone and after the ``estado`` and ``id_marca`` filters; each replaces the
index of its first column."""

from alembic import op
import sqlalchemy as sa

revision = "0004_keyset_paging"
down_revision = "0003"

_REEMPLAZOS = {
    "ix_campanas_fecha_creacion": ("ix_campanas_recientes", []),
    "ix_campanas_estado": ("ix_campanas_estado_recientes", ["estado"]),
    "ix_campanas_id_marca": ("ix_campanas_id_marca_recientes", ["id_marca"]),
}


def upgrade() -> None:
    for viejo, (nuevo, filtro) in _REEMPLAZOS.items():
        op.create_index(nuevo, "campanas", [*filtro, sa.text("fecha_creacion DESC"), "id"])
        op.drop_index(viejo, "campanas")


def downgrade() -> None:
    for viejo, (nuevo, filtro) in _REEMPLAZOS.items():
        op.create_index(viejo, "campanas", filtro or ["fecha_creacion"])
        op.drop_index(nuevo, "campanas")
