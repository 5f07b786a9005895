"""Retention (issue 7, item 7): every service prunes old inbox rows and idempotency keys, and
marca, influencer and tracking their tombstones, while newer rows stay. Old timestamps are set with SQL."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

import contracts as c
from tests.helpers import envoltura, eventually
from tests.integration.conftest import EventProbe, StartService
from tests.integration.support import ejecutar, filas

HORIZONS = {
    "inbox_retention_days": 10,
    "dead_letter_replay_days": 7,
    "idempotency_retention_hours": 24,
    "retention_check_seconds": 0.2,
}


@pytest.mark.parametrize("servicio", ["afiliaciones", "marca", "influencer", "tracking"])
async def test_every_service_prunes_old_inbox_rows_and_idempotency_keys(
    start_service: StartService, servicio: str
) -> None:
    svc = await start_service(servicio, **HORIZONS)
    # more old inbox rows than one batch deletes: the job goes on until none is left
    await ejecutar(
        svc,
        "INSERT INTO inbox (consumer, message_id, processed_at)"
        " SELECT 'prueba', 'viejo-' || g, now() - interval '11 days'"
        " FROM generate_series(1, 2500) g",
    )
    await ejecutar(
        svc,
        "INSERT INTO inbox (consumer, message_id, processed_at) VALUES"
        " ('prueba', 'reciente-1', now() - interval '9 days'),"
        " ('prueba', 'reciente-2', now())",
    )
    await ejecutar(
        svc,
        "INSERT INTO idempotency_keys (key, fingerprint, status_code, response, created_at) VALUES"
        " ('vieja', 'h', 201, '{}', now() - interval '25 hours'),"
        " ('reciente', 'h', 201, '{}', now() - interval '23 hours')",
    )

    async def podadas() -> bool:
        viejas = await filas(
            svc,
            "SELECT (SELECT count(*) FROM inbox WHERE message_id LIKE 'viejo-%')"
            " + (SELECT count(*) FROM idempotency_keys WHERE key = 'vieja')",
        )
        return bool(viejas[0][0] == 0)

    await eventually(podadas, timeout=30, message="old rows pruned")
    recientes = await filas(
        svc, "SELECT message_id FROM inbox WHERE consumer = 'prueba' ORDER BY message_id"
    )
    assert [r.message_id for r in recientes] == ["reciente-1", "reciente-2"]
    assert [r.key for r in await filas(svc, "SELECT key FROM idempotency_keys")] == ["reciente"]


def cancelacion(id_campana: str) -> c.CampanaCancelada:
    return c.CampanaCancelada(
        **envoltura(id_campana, id_correlacion=f"retencion-{uuid.uuid4().hex[:6]}"),
        motivo="lo pidió el usuario",
        origen="usuario",
    )


@pytest.mark.parametrize(
    ("servicio", "tabla"),
    [("marca", "reservas"), ("influencer", "asignaciones"), ("tracking", "campanas_tracking")],
)
async def test_tombstones_older_than_the_inbox_horizon_are_pruned(
    start_service: StartService, probe: EventProbe, servicio: str, tabla: str
) -> None:
    svc = await start_service(servicio, **HORIZONS)
    # cancellations seen before their CampanaCreada leave tombstones
    vieja, reciente = str(uuid.uuid4()), str(uuid.uuid4())
    for id_campana in (vieja, reciente):
        await probe.publish(cancelacion(id_campana))

    async def lapidas() -> set[str]:
        rows = await filas(svc, f"SELECT id_campana FROM {tabla} WHERE estado = 'cancelada_antes'")
        return {r.id_campana for r in rows}

    await eventually(lambda: _todas(lapidas, {vieja, reciente}), message="tombstones recorded")
    await ejecutar(
        svc,
        f"UPDATE {tabla} SET creado_en = now() - interval '11 days' WHERE id_campana = :id",
        id=vieja,
    )
    await ejecutar(
        svc,
        f"UPDATE {tabla} SET creado_en = now() - interval '9 days' WHERE id_campana = :id",
        id=reciente,
    )

    async def solo_la_reciente() -> bool:
        return await lapidas() == {reciente}

    await eventually(solo_la_reciente, timeout=30, message="the old tombstone pruned")


async def _todas(lapidas: Any, esperadas: set[str]) -> bool:
    return bool(await lapidas() >= esperadas)


async def test_marca_keeps_an_old_reservation_that_is_not_a_tombstone(
    start_service: StartService,
) -> None:
    marca = await start_service("marca", **HORIZONS)
    await ejecutar(
        marca,
        "INSERT INTO reservas (id_campana, id_marca, monto, estado, version, creado_en) VALUES"
        " ('reservada-hace-mucho', 'm-1', 100, 'reservada', 1, now() - interval '11 days'),"
        " ('lapida-vieja', NULL, 0, 'cancelada_antes', 1, now() - interval '11 days')",
    )

    async def podada() -> bool:
        return not await filas(marca, "SELECT 1 FROM reservas WHERE id_campana = 'lapida-vieja'")

    await eventually(podada, timeout=30, message="the old tombstone pruned")
    assert await filas(marca, "SELECT 1 FROM reservas WHERE id_campana = 'reservada-hace-mucho'"), (
        "a reservation that holds money is never pruned"
    )
