"""The brand lists page by keyset (``alpes.paging``): their indexes end with the list's
tie-break, each replacing the index that was its prefix."""

from alembic import op

revision = "0005_keyset_paging"
down_revision = "0004"

_REEMPLAZOS = {
    ("marcas", "ix_marcas_nombre", ("nombre",)): ("ix_marcas_nombre_id", ("nombre", "id_marca")),
    ("reservas", "ix_reservas_id_marca", ("id_marca",)): (
        "ix_reservas_id_marca_campana",
        ("id_marca", "id_campana"),
    ),
}


def upgrade() -> None:
    for (tabla, viejo, _), (nuevo, columnas) in _REEMPLAZOS.items():
        op.create_index(nuevo, tabla, list(columnas))
        op.drop_index(viejo, tabla)


def downgrade() -> None:
    for (tabla, viejo, columnas), (nuevo, _) in _REEMPLAZOS.items():
        op.create_index(viejo, tabla, list(columnas))
        op.drop_index(nuevo, tabla)
