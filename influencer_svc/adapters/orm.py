"""The tables of influencer (SQLAlchemy Core), beside the shared outbox and inbox.

``influencers`` holds the ``Influencer`` aggregate; ``clave`` is its normalized (nombre,
plataforma) key (``clave_de``), unique, so events find an influencer by it and concurrent
registrations of the same one collapse into one row. ``campanas_activas`` can never go below
zero (a CHECK). ``asignaciones`` holds ``AsignacionCampana``, one row per campaign (tombstones
included, pruned after the inbox horizon by ``LAPIDAS``); ``ids_influencer`` is a JSON array
with a GIN index, so the campaigns of an influencer are found with ``@>``. The migrations build
exactly these tables.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Index,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB

from alpes.db import service_metadata
from alpes.repository import version_column
from alpes.retention import Pruning, tombstone_time
from influencer_svc.domain import ClaveInfluencer

metadata = service_metadata()

influencers = Table(
    "influencers",
    metadata,
    Column("id_influencer", String(64), primary_key=True),
    Column("nombre", String(200), nullable=False),
    Column("plataforma", String(100), nullable=False),
    Column("clave", Text, nullable=False, unique=True),
    Column("seguidores", BigInteger, nullable=False),
    Column("categoria", String(100), nullable=False),
    Column("activo", Boolean, nullable=False),
    Column("campanas_activas", Integer, nullable=False),
    version_column(),
    CheckConstraint("campanas_activas >= 0", name="ck_influencers_campanas_activas"),
    Index("ix_influencers_nombre_id", "nombre", "id_influencer"),  # the list's order
)

asignaciones = Table(
    "asignaciones",
    metadata,
    Column("id_campana", String(64), primary_key=True),
    Column("ids_influencer", JSONB, nullable=False),
    Column("estado", String(20), nullable=False),
    Column("motivo", Text),
    version_column(),
    *tombstone_time("asignaciones"),
    Index(
        "ix_asignaciones_ids_influencer",
        "ids_influencer",
        postgresql_using="gin",
        postgresql_ops={"ids_influencer": "jsonb_path_ops"},
    ),
)

LAPIDAS = Pruning.tombstones(asignaciones)
"""Assignments recorded for a cancellation seen before its ``CampanaCreada``."""


def clave_de(nombre: str, plataforma: str) -> str:
    """The stored form of ``ClaveInfluencer``: normalized text cannot hold a tab."""
    clave = ClaveInfluencer.de(nombre, plataforma)
    return f"{clave.nombre}\t{clave.plataforma}"
