"""Idempotency keys of HTTP writes; outbox commits notify the relay (``alpes.migrations``)."""

from alpes.migrations import reliability

revision, down_revision = "0002", "0001"
upgrade, downgrade = reliability()
