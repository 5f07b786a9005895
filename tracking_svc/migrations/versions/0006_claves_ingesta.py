"""Per-campaign ingest keys (``X-Ingest-Key``), stored as their sha256."""

import sqlalchemy as sa
from alembic import op

revision = "0006_claves_ingesta"
down_revision = "0005_keyset_paging"


def upgrade() -> None:
    op.create_table(
        "claves_ingesta",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("id_campana", sa.String(64), nullable=False),
        sa.Column("prefijo", sa.String(16), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False, unique=True),
        sa.Column("creada_en", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revocada_en", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_claves_ingesta_id_campana", "claves_ingesta", ["id_campana"])


def downgrade() -> None:
    op.drop_table("claves_ingesta")
