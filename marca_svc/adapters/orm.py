"""The tables of marca (SQLAlchemy Core), plus the shared outbox and inbox.

``marcas`` holds the ``Marca`` aggregate; the database itself keeps its budget invariant
(``0 <= presupuesto_reservado <= presupuesto_total``) as a last line of defence. ``reservas`` holds
the ``ReservaPresupuesto`` aggregate, one row per campaign marca has heard of (``id_marca`` is NULL
for a tombstone: a cancellation seen before ``CampanaCreada``); it is also the brand's campaign
projection. The migration ``0001_initial`` creates exactly these tables.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
)

from alpes.db import messaging_tables

metadata = MetaData()

marcas = Table(
    "marcas",
    metadata,
    Column("id_marca", Text, primary_key=True),
    Column("nombre", String(200), nullable=False),
    Column("presupuesto_total", Numeric, nullable=False),
    Column("presupuesto_reservado", Numeric, nullable=False),
    Column("activa", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
    CheckConstraint("presupuesto_reservado >= 0", name="ck_marcas_reservado_no_negativo"),
    CheckConstraint(
        "presupuesto_reservado <= presupuesto_total", name="ck_marcas_reservado_hasta_total"
    ),
    Index("ix_marcas_nombre", "nombre"),
)

reservas = Table(
    "reservas",
    metadata,
    Column("id_campana", Text, primary_key=True),
    Column("id_marca", Text),
    Column("monto", Numeric, nullable=False),
    Column("estado", String(20), nullable=False),
    Column("motivo", Text),
    Column("version", Integer, nullable=False),
    CheckConstraint("monto >= 0", name="ck_reservas_monto_no_negativo"),
    Index("ix_reservas_id_marca", "id_marca"),
)

outbox, inbox = messaging_tables(metadata)
