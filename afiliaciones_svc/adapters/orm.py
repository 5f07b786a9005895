"""The tables of afiliaciones (SQLAlchemy Core), beside the shared outbox and inbox.

``campanas`` holds the ``Campana`` aggregate, one row each; its saga progress is three text
arrays of participant names, and ``estado_saga`` is the aggregate's derived saga state, written
on every save so the read side can filter and count by it. ``linea_de_tiempo_saga`` is the
append-only saga timeline. The migrations create exactly these tables (``0004_keyset_paging``
gave the campaigns the indexes of their lists' order).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, Index, Numeric, String, Table, Text, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from alpes.db import service_metadata
from alpes.repository import version_column

metadata = service_metadata()

campanas = Table(
    "campanas",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("nombre", String(200), nullable=False),
    Column("descripcion", Text, nullable=False),
    Column("tipo", String(20), nullable=False),
    Column("estado", String(20), nullable=False),
    Column("fecha_creacion", DateTime(timezone=True), nullable=False),
    Column("fecha_inicio", DateTime(timezone=True), nullable=False),
    Column("fecha_fin", DateTime(timezone=True), nullable=False),
    Column("presupuesto", Numeric, nullable=False),
    Column("id_marca", String(200), nullable=False),
    Column("nombre_marca", String(200), nullable=False),
    Column("influencers", JSONB, nullable=False),
    Column("id_saga", String(64), nullable=False, unique=True),
    Column("id_correlacion", Text, nullable=False),
    Column("plazo_saga", DateTime(timezone=True), nullable=False),
    Column("estado_saga", String(20), nullable=False),
    Column("exitos", ARRAY(String(20)), nullable=False),
    Column("fallos", ARRAY(String(20)), nullable=False),
    Column("compensaciones", ARRAY(String(20)), nullable=False),
    Column("motivo_cancelacion", Text),
    Column("origen_cancelacion", String(20)),
    version_column(),
    Column("cancelada_en", DateTime(timezone=True)),
    Column("revisar_en", DateTime(timezone=True)),
    # the lists' order, newest first then by id (keyset paging), alone and after each filter
    Index("ix_campanas_recientes", text("fecha_creacion DESC"), "id"),
    Index("ix_campanas_estado_recientes", "estado", text("fecha_creacion DESC"), "id"),
    Index("ix_campanas_id_marca_recientes", "id_marca", text("fecha_creacion DESC"), "id"),
    Index("ix_campanas_estado_plazo_saga", "estado", "plazo_saga"),
    Index("ix_campanas_estado_saga", "estado_saga"),
    Index(
        "ix_campanas_compensando_revisar_en",
        "revisar_en",
        postgresql_where=text("estado_saga = 'compensando'"),
    ),
)

linea_de_tiempo_saga = Table(
    "linea_de_tiempo_saga",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("id_saga", String(64), nullable=False),
    Column("id_campana", String(64), nullable=False),
    Column("evento", String(64), nullable=False),
    Column("origen", String(20), nullable=False),
    Column("ocurrido_en", DateTime(timezone=True), nullable=False),
    Column("motivo", Text),
    Index("ix_linea_de_tiempo_saga_id_saga", "id_saga"),
    Index("ix_linea_de_tiempo_saga_ocurrido_en", "ocurrido_en", "id"),
)
