"""marca's part of the saga, through the real broker: reserve, reject, release, stay consistent."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

import contracts as c
from tests.helpers import eventually
from tests.integration.conftest import EventProbe, RunningService, StartService
from tests.integration.marca.conftest import (
    barrera,
    campanas,
    cancelada,
    creada,
    finalizada,
    rechazo_de_influencer,
    rechazo_de_tracking,
    registrar,
    ver,
)
from tests.integration.support import procesado


async def sent(svc: RunningService, n: int) -> None:
    """marca's outbox relay has handed exactly ``n`` events to the broker (call after
    ``barrera``: the relay publishes in commit order, so nothing earlier is still on its way)."""
    await eventually(lambda: svc.service.relay.published >= n, message=f"{n} events relayed")
    assert svc.service.relay.published == n


async def test_campana_creada_reserves_the_budget_once(
    marca: RunningService, probe: EventProbe, nike: dict[str, Any]
) -> None:
    evento = creada(nike["id_marca"], 300.0)

    await probe.publish(evento)

    [reservado] = await eventually(
        lambda: probe.of(c.PresupuestoReservado, evento.id_campana), message="PresupuestoReservado"
    )
    assert (reservado.id_marca, reservado.monto) == (nike["id_marca"], 300.0)
    assert (reservado.id_saga, reservado.id_correlacion) == (evento.id_saga, evento.id_correlacion)
    assert reservado.id_evento != evento.id_evento
    assert await ver(marca, nike["id_marca"]) == nike | {
        "presupuesto_reservado": 300.0,
        "presupuesto_disponible": 700.0,
    }
    assert await campanas(marca, nike["id_marca"]) == {
        evento.id_campana: {
            "id_campana": evento.id_campana, "monto": 300.0, "estado": "reservada", "motivo": None
        }
    }  # fmt: skip
    await barrera(marca, probe)
    assert len(probe.of(c.PresupuestoReservado, evento.id_campana)) == 1
    await sent(marca, 2)  # the reservation and the barrier's


async def test_a_brand_first_seen_in_the_event_gets_the_initial_credit(
    start_service: StartService, probe: EventProbe
) -> None:
    marca = await start_service("marca", marca_credito_inicial=2500.0)
    evento = creada("adidas", 400.0, nombre_marca="Adidas")

    await probe.publish(evento)

    await eventually(lambda: probe.of(c.PresupuestoReservado, evento.id_campana))
    assert await ver(marca, "adidas") == {
        "id_marca": "adidas",
        "nombre": "Adidas",
        "presupuesto_total": 2500.0,
        "presupuesto_reservado": 400.0,
        "presupuesto_disponible": 2100.0,
        "activa": True,
    }


@pytest.mark.parametrize(
    ("inactiva", "motivo"), [(False, "presupuesto insuficiente"), (True, "marca inactiva")]
)
async def test_a_reservation_the_brand_cannot_cover_is_rejected(
    marca: RunningService, probe: EventProbe, inactiva: bool, motivo: str
) -> None:
    nike = await registrar(marca, presupuesto_total=100)
    if inactiva:
        await marca.http.patch(f"/marca/marcas/{nike['id_marca']}", json={"activa": False})
    evento = creada(nike["id_marca"], 50.0 if inactiva else 100.01)

    await probe.publish(evento)

    [rechazo] = await eventually(
        lambda: probe.of(c.ReservaPresupuestoRechazada, evento.id_campana), message="rechazo"
    )
    assert motivo in rechazo.motivo
    assert (rechazo.tecnico, rechazo.id_marca, rechazo.id_saga) == (
        False, nike["id_marca"], evento.id_saga
    )  # fmt: skip
    assert (await ver(marca, nike["id_marca"]))["presupuesto_reservado"] == 0
    [proyeccion] = (await campanas(marca, nike["id_marca"])).values()
    assert (proyeccion["estado"], proyeccion["monto"]) == ("rechazada", 0)
    assert motivo in proyeccion["motivo"]
    await barrera(marca, probe)
    assert probe.of(c.PresupuestoReservado, evento.id_campana) == []


@pytest.mark.parametrize("fallo", [cancelada, rechazo_de_influencer, rechazo_de_tracking])
async def test_a_cancellation_or_a_failure_elsewhere_releases_the_budget_once(
    marca: RunningService,
    probe: EventProbe,
    fallo: Callable[[c.CampanaCreada], c.IntegrationEvent],
    nike: dict[str, Any],
) -> None:
    evento = creada(nike["id_marca"], 600.0)
    await probe.publish(evento)
    await eventually(lambda: probe.of(c.PresupuestoReservado, evento.id_campana))

    await probe.publish(fallo(evento))
    await probe.publish(cancelada(evento))  # afiliaciones cancels after any failure

    [liberado] = await eventually(
        lambda: probe.of(c.PresupuestoLiberado, evento.id_campana), message="PresupuestoLiberado"
    )
    assert (liberado.id_marca, liberado.monto, liberado.id_saga) == (
        nike["id_marca"], 600.0, evento.id_saga
    )  # fmt: skip
    assert await ver(marca, nike["id_marca"]) == nike
    assert (await campanas(marca, nike["id_marca"]))[evento.id_campana]["estado"] == "liberada"
    otra = creada(nike["id_marca"], 1000.0)
    await probe.publish(otra)  # the whole budget is available again
    await eventually(lambda: probe.of(c.PresupuestoReservado, otra.id_campana))
    assert len(probe.of(c.PresupuestoLiberado, evento.id_campana)) == 1


async def test_a_cancellation_before_the_creation_leaves_a_tombstone(
    marca: RunningService, probe: EventProbe, nike: dict[str, Any]
) -> None:
    evento = creada(nike["id_marca"], 300.0)

    await probe.publish(cancelada(evento))
    [liberado] = await eventually(
        lambda: probe.of(c.PresupuestoLiberado, evento.id_campana), message="empty release"
    )
    await probe.publish(evento)  # CampanaCreada arrives late
    await procesado(marca, evento)

    assert (liberado.id_marca, liberado.monto, liberado.id_saga) == ("", 0.0, evento.id_saga)
    assert await ver(marca, nike["id_marca"]) == nike
    assert await campanas(marca, nike["id_marca"]) == {}  # marca never learned the brand
    await barrera(marca, probe)
    assert [type(e) for e in probe.seen if e.id_campana == evento.id_campana] == [
        c.CampanaCancelada, c.PresupuestoLiberado, c.CampanaCreada
    ]  # fmt: skip


async def test_a_redelivered_event_changes_nothing(
    marca: RunningService, probe: EventProbe, nike: dict[str, Any]
) -> None:
    evento = creada(nike["id_marca"], 300.0)

    await probe.publish(evento)
    await probe.publish(evento)  # the same id_evento again
    fin = cancelada(evento)
    await probe.publish(fin)
    await probe.publish(fin)

    # One key, one topic: the cancellation is handled after both copies of the creation.
    await eventually(lambda: probe.of(c.PresupuestoLiberado, evento.id_campana))
    await procesado(marca, fin)
    await barrera(marca, probe)
    assert len(probe.of(c.PresupuestoReservado, evento.id_campana)) == 1
    assert len(probe.of(c.PresupuestoLiberado, evento.id_campana)) == 1
    assert await ver(marca, nike["id_marca"]) == nike
    await sent(marca, 3)  # reserved, released, the barrier's


async def test_a_finished_campaign_keeps_its_budget_spent(
    marca: RunningService, probe: EventProbe, nike: dict[str, Any]
) -> None:
    evento = creada(nike["id_marca"], 300.0)
    await probe.publish(evento)
    await eventually(lambda: probe.of(c.PresupuestoReservado, evento.id_campana))

    fin = finalizada(evento)
    await probe.publish(fin)
    await procesado(marca, fin)
    tarde = cancelada(evento)
    await probe.publish(tarde)
    await procesado(marca, tarde)

    assert (await campanas(marca, nike["id_marca"]))[evento.id_campana]["estado"] == "consumida"
    assert (await ver(marca, nike["id_marca"]))["presupuesto_reservado"] == 300.0
    response = await marca.http.patch(
        f"/marca/marcas/{nike['id_marca']}", json={"presupuesto_total": 299.99}
    )
    assert response.status_code == 409, response.text  # never below what is reserved
    response = await marca.http.patch(
        f"/marca/marcas/{nike['id_marca']}", json={"presupuesto_total": 300}
    )
    assert response.json()["presupuesto_disponible"] == 0
    await barrera(marca, probe)
    assert probe.of(c.PresupuestoLiberado, evento.id_campana) == []


@pytest.mark.parametrize("conocida", [True, False], ids=["known-brand", "brand-from-events"])
async def test_concurrent_sagas_never_over_reserve_a_brand(
    start_service: StartService, probe: EventProbe, conocida: bool
) -> None:
    marca = await start_service("marca", marca_credito_inicial=1000.0)
    id_marca = "nike"
    if conocida:
        await registrar(marca, id_marca=id_marca, presupuesto_total=1000)
    eventos = [creada(id_marca, 150.0) for _ in range(20)]

    await asyncio.gather(*(probe.publish(e) for e in eventos))

    def resultados() -> list[c.IntegrationEvent]:
        return [
            e
            for evento in eventos
            for e in probe.seen
            if e.id_campana == evento.id_campana
            and isinstance(e, c.PresupuestoReservado | c.ReservaPresupuestoRechazada)
        ]

    await eventually(lambda: len(resultados()) >= 20, message="20 outcomes", timeout=60)
    reservados = [e for e in resultados() if isinstance(e, c.PresupuestoReservado)]
    rechazos = [e for e in resultados() if isinstance(e, c.ReservaPresupuestoRechazada)]
    assert (len(reservados), len(rechazos)) == (6, 14)  # 6 x 150 <= 1000 < 7 x 150
    assert all("presupuesto insuficiente" in r.motivo for r in rechazos)
    nike = await ver(marca, id_marca)
    proyeccion = await campanas(marca, id_marca)
    suma = sum(Decimal(str(x["monto"])) for x in proyeccion.values() if x["estado"] == "reservada")
    assert nike["presupuesto_reservado"] == float(suma) == 900.0
    assert nike["presupuesto_reservado"] <= nike["presupuesto_total"]
    assert {e.id_campana for e in reservados} == {
        k for k, x in proyeccion.items() if x["estado"] == "reservada"
    }
