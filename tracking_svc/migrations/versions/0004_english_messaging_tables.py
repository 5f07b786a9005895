"""The messaging tables speak English (``alpes.migrations.english_messaging_tables``)."""

from alpes.migrations import english_names

revision, down_revision = "0004", "0003_retention"
upgrade, downgrade = english_names()
