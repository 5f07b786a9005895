"""Tombstones get a creation time, so the retention job can prune them (``alpes.migrations``)."""

from alpes.migrations import tombstone_time

revision, down_revision = "0003_retention", "0002"
upgrade, downgrade = tombstone_time("asignaciones")
