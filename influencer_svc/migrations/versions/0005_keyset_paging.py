"""The influencer list pages by keyset (``alpes.paging``): its index ends with the id, the
list's tie-break, replacing the index by name alone."""

from alembic import op

revision = "0005_keyset_paging"
down_revision = "0004"


def upgrade() -> None:
    op.create_index("ix_influencers_nombre_id", "influencers", ["nombre", "id_influencer"])
    op.drop_index("ix_influencers_nombre", "influencers")


def downgrade() -> None:
    op.create_index("ix_influencers_nombre", "influencers", ["nombre"])
    op.drop_index("ix_influencers_nombre_id", "influencers")
