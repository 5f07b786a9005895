"""The tables of marca (SQLAlchemy Core), beside the shared outbox and inbox.

``marcas`` holds the ``Marca`` aggregate; the database itself keeps its budget invariant
(``0 <= presupuesto_reservado <= presupuesto_total``) as a last line of defence. ``reservas`` holds
the ``ReservaPresupuesto`` aggregate, one row per campaign marca has heard of (``id_marca`` is NULL
for a tombstone: a cancellation seen before ``CampanaCreada``, pruned after the inbox horizon by
``LAPIDAS``); it is also the brand's campaign projection. The migrations build exactly these tables.
"""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, Column, Index, Numeric, String, Table, Text

from alpes.db import service_metadata
from alpes.repository import version_column
from alpes.retention import Pruning, tombstone_time

metadata = service_metadata()

marcas = Table(
    "marcas",
    metadata,
    Column("id_marca", Text, primary_key=True),
    Column("nombre", String(200), nullable=False),
    Column("presupuesto_total", Numeric, nullable=False),
    Column("presupuesto_reservado", Numeric, nullable=False),
    Column("activa", Boolean, nullable=False),
    version_column(),
    CheckConstraint("presupuesto_reservado >= 0", name="ck_marcas_reservado_no_negativo"),
    CheckConstraint(
        "presupuesto_reservado <= presupuesto_total", name="ck_marcas_reservado_hasta_total"
    ),
    Index("ix_marcas_nombre_id", "nombre", "id_marca"),  # the list's order (keyset paging)
)

reservas = Table(
    "reservas",
    metadata,
    Column("id_campana", Text, primary_key=True),
    Column("id_marca", Text),
    Column("monto", Numeric, nullable=False),
    Column("estado", String(20), nullable=False),
    Column("motivo", Text),
    version_column(),
    *tombstone_time("reservas"),
    CheckConstraint("monto >= 0", name="ck_reservas_monto_no_negativo"),
    Index("ix_reservas_id_marca_campana", "id_marca", "id_campana"),  # a brand's campaigns
)

LAPIDAS = Pruning.tombstones(reservas)
"""Reservations recorded for a cancellation seen before its ``CampanaCreada``."""
