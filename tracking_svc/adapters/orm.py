"""The tables of tracking (SQLAlchemy Core), beside the shared outbox and inbox.

``campanas_tracking`` holds the ``CampanaTracking`` aggregate (also its tombstones) and
``codigos_tracking`` its codes. ``eventos_tracking`` is the append-only log of tracking events;
``metricas_campana`` and ``metricas_influencer`` are counters kept exact by atomic increments in
the same transaction as the event rows (``total_eventos`` is also the number of event rows of the
campaign, so listing needs no ``COUNT(*)``). The migration ``0001_initial`` creates exactly these.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Index,
    Numeric,
    String,
    Table,
    Text,
    Uuid,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from alpes.db import service_metadata
from alpes.repository import version_column
from alpes.retention import Pruning, tombstone_time

metadata = service_metadata()

ID = 64
"""Length of campaign, brand and influencer ids (UUIDs as text, with room to spare)."""

CONTADORES = (
    "vistas",
    "clics",
    "conversiones",
    "valor_conversiones",
    "engagement",
    "compartidos",
    "comentarios",
    "total_eventos",
)
"""The counters of both metrics tables, in column order; all BIGINT but ``valor_conversiones``."""


def _contadores() -> list[Column[object]]:
    return [
        Column(
            nombre,
            Numeric if nombre == "valor_conversiones" else BigInteger,
            nullable=False,
            server_default=text("0"),
        )
        for nombre in CONTADORES
    ]


campanas_tracking = Table(
    "campanas_tracking",
    metadata,
    Column("id_campana", String(ID), primary_key=True),
    Column("id_marca", String(ID)),
    Column("estado", String(20), nullable=False),
    Column("motivo", Text),
    version_column(),
    *tombstone_time("campanas_tracking"),
)

LAPIDAS = Pruning.tombstones(campanas_tracking)
"""Campaigns recorded for a cancellation seen before their ``CampanaCreada``."""

codigos_tracking = Table(
    "codigos_tracking",
    metadata,
    Column("codigo", String(32), primary_key=True),
    Column("id_campana", String(ID), nullable=False),
    Column("id_influencer", String(ID)),
    Column("nombre", Text, nullable=False),
    Column("plataforma", Text, nullable=False),
    Column("activo", Boolean, nullable=False),
    Index("ix_codigos_tracking_id_campana", "id_campana"),
)

eventos_tracking = Table(
    "eventos_tracking",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("id_campana", String(ID), nullable=False),
    Column("tipo_evento", String(20), nullable=False),
    Column("datos", JSONB, nullable=False),
    Column("codigo", String(32)),
    Column("fecha_evento", DateTime(timezone=True), nullable=False),
    # a campaign's events newest first, for keyset paging (``0005_keyset_paging``)
    Index("ix_eventos_tracking_recientes", "id_campana", "fecha_evento", "id"),
)

metricas_campana = Table(
    "metricas_campana",
    metadata,
    Column("id_campana", String(ID), primary_key=True),
    Column("id_marca", String(ID), nullable=False),
    *_contadores(),
    Index("ix_metricas_campana_id_marca", "id_marca"),
)

metricas_influencer = Table(
    "metricas_influencer",
    metadata,
    Column("id_campana", String(ID), primary_key=True),
    Column("codigo", String(32), primary_key=True),
    Column("id_influencer", String(ID)),
    *_contadores(),
)

claves_ingesta = Table(
    "claves_ingesta",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("id_campana", String(ID), nullable=False),
    Column("prefijo", String(16), nullable=False),
    # sha256 of the key, hex: the key itself is shown once, when it is created, and never stored
    Column("hash", String(64), nullable=False, unique=True),
    Column("creada_en", DateTime(timezone=True), nullable=False),
    Column("revocada_en", DateTime(timezone=True)),
    Index("ix_claves_ingesta_id_campana", "id_campana"),
)
"""Per-campaign ingest keys (``X-Ingest-Key``); a revoked key keeps its row (who, when)."""
