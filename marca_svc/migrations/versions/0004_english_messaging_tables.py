"""The messaging tables speak English (``alpes.migrations.english_messaging_tables``)."""

from alembic import op

from alpes.migrations import english_messaging_tables, spanish_messaging_tables

revision = "0004"
down_revision = "0003_retention"


def upgrade() -> None:
    english_messaging_tables(op)


def downgrade() -> None:
    spanish_messaging_tables(op)
