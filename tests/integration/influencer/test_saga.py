"""influencer's step of the saga against real PostgreSQL and pulsar-lite: assign all or nothing,
release on cancellation, on another participant's failure and on finalization, in any order,
once."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

import contracts as c
from tests.helpers import eventually
from tests.integration.conftest import EventProbe, RunningService, StartService
from tests.integration.support import filas, procesado

from .conftest import (
    campana_cancelada,
    campana_creada,
    campana_finalizada,
    campanas_activas,
    nuevo_id,
    outbox_vacio,
    por_nombre,
    registrar,
    reserva_rechazada,
    tracking_rechazado,
    uno,
)

ANA = ("Ana García", "Instagram")
CARLOS = ("Carlos López", "TikTok")


async def estado(svc: RunningService, id_campana: str) -> str | None:
    rows = await filas(svc, "SELECT estado FROM asignaciones WHERE id_campana = :id", id=id_campana)
    return rows[0].estado if rows else None


async def asignar(svc: RunningService, probe: EventProbe, *influencers: tuple[str, str]) -> str:
    """A campaign naming ``influencers``, assigned; its id."""
    id_campana = nuevo_id()
    await probe.publish(campana_creada(id_campana, influencers))
    await uno(probe, c.InfluencersAsignados, id_campana)
    return id_campana


async def test_creation_assigns_every_influencer_and_registers_the_unknown_ones(
    influencer: RunningService, probe: EventProbe
) -> None:
    known = await registrar(influencer, *ANA)
    id_campana = nuevo_id()
    creada = campana_creada(id_campana, [("  ana garcía ", "INSTAGRAM"), CARLOS])

    await probe.publish(creada)

    asignados = await uno(probe, c.InfluencersAsignados, id_campana)
    carlos = await por_nombre(influencer, CARLOS[0])
    assert carlos is not None, "the unknown influencer was registered from the event"
    assert carlos | {"plataforma": "TikTok", "seguidores": 150000, "categoria": "Fitness"} == carlos
    assert [(a.id_influencer, a.nombre) for a in asignados.asignaciones] == [
        (known["id_influencer"], "Ana García"),
        (carlos["id_influencer"], "Carlos López"),
    ]
    assert (asignados.id_saga, asignados.id_correlacion) == (creada.id_saga, creada.id_correlacion)
    assert asignados.id_evento != creada.id_evento
    assert await campanas_activas(influencer, ANA[0]) == 1
    assert await campanas_activas(influencer, CARLOS[0]) == 1
    for someone in (known, carlos):
        response = await influencer.http.get(
            f"/influencer/influencers/{someone['id_influencer']}/campanas"
        )
        assert response.json() == {
            "campanas": [{"id_campana": id_campana, "estado": "asignada"}],
            "total": 1,
            "total_exacto": True,
            "siguiente": None,
        }
    await outbox_vacio(influencer)
    assert len(probe.of(c.InfluencersAsignados, id_campana)) == 1
    assert probe.of(c.AsignacionInfluencersRechazada, id_campana) == []


async def test_an_unknown_influencer_with_an_id_keeps_it(
    influencer: RunningService, probe: EventProbe
) -> None:
    id_influencer = nuevo_id()
    entry = c.InfluencerCampana(
        id_influencer=id_influencer, nombre="Zoe", plataforma="X", seguidores=5, categoria="Tech"
    )
    id_campana = nuevo_id()

    await probe.publish(campana_creada(id_campana, [entry]))

    asignados = await uno(probe, c.InfluencersAsignados, id_campana)
    assert [a.id_influencer for a in asignados.asignaciones] == [id_influencer]
    assert (await influencer.http.get(f"/influencer/influencers/{id_influencer}")).json()[
        "campanas_activas"
    ] == 1


async def test_an_inactive_influencer_rejects_the_whole_assignment(
    influencer: RunningService, probe: EventProbe
) -> None:
    ana = await registrar(influencer, *ANA)
    response = await influencer.http.patch(
        f"/influencer/influencers/{ana['id_influencer']}", json={"activo": False}
    )
    assert response.status_code == 200
    id_campana = nuevo_id()

    await probe.publish(campana_creada(id_campana, [CARLOS, ANA]))

    rechazo = await uno(probe, c.AsignacionInfluencersRechazada, id_campana)
    assert rechazo.tecnico is False
    assert "inactivo" in rechazo.motivo
    assert await campanas_activas(influencer, ANA[0]) == 0
    assert await campanas_activas(influencer, CARLOS[0]) == 0, "nobody assigned"
    assert await estado(influencer, id_campana) == "rechazada"
    await outbox_vacio(influencer)
    assert probe.of(c.InfluencersAsignados, id_campana) == []


async def test_an_influencer_at_capacity_rejects_the_whole_assignment(
    start_service: StartService, probe: EventProbe
) -> None:
    influencer = await start_service("influencer", influencer_max_campanas=2)
    for _ in range(2):
        await asignar(influencer, probe, ANA)
    id_campana = nuevo_id()

    await probe.publish(campana_creada(id_campana, [CARLOS, ANA]))

    rechazo = await uno(probe, c.AsignacionInfluencersRechazada, id_campana)
    assert "capacidad" in rechazo.motivo
    assert await campanas_activas(influencer, ANA[0]) == 2
    assert await campanas_activas(influencer, CARLOS[0]) == 0
    carlos = await por_nombre(influencer, CARLOS[0])
    assert carlos is not None
    response = await influencer.http.get(
        f"/influencer/influencers/{carlos['id_influencer']}/campanas"
    )
    assert response.json()["total"] == 0


@pytest.mark.parametrize(
    "falla",
    [campana_cancelada, reserva_rechazada, tracking_rechazado],
    ids=["CampanaCancelada", "ReservaPresupuestoRechazada", "HabilitacionTrackingRechazada"],
)
async def test_a_cancellation_or_failure_releases_the_influencers(
    start_service: StartService,
    probe: EventProbe,
    falla: Callable[[str], c.IntegrationEvent],
) -> None:
    influencer = await start_service("influencer", influencer_max_campanas=1)
    id_campana = await asignar(influencer, probe, ANA, CARLOS)
    asignados = probe.of(c.InfluencersAsignados, id_campana)[0]
    causa = falla(id_campana)

    await probe.publish(causa)

    liberados = await uno(probe, c.InfluencersLiberados, id_campana)
    assert sorted(liberados.ids_influencer) == sorted(
        a.id_influencer for a in asignados.asignaciones
    )
    assert liberados.motivo == causa.motivo  # type: ignore[attr-defined]
    assert liberados.id_saga == causa.id_saga
    assert await campanas_activas(influencer, ANA[0]) == 0
    assert await estado(influencer, id_campana) == "liberada"
    # the capacity is free again: another campaign can take them
    await asignar(influencer, probe, ANA, CARLOS)
    assert await campanas_activas(influencer, ANA[0]) == 1


async def test_finalization_frees_the_capacity(
    start_service: StartService, probe: EventProbe
) -> None:
    influencer = await start_service("influencer", influencer_max_campanas=1)
    id_campana = await asignar(influencer, probe, ANA)

    await probe.publish(campana_finalizada(id_campana))

    liberados = await uno(probe, c.InfluencersLiberados, id_campana)
    assert liberados.motivo == "campana finalizada"
    assert len(liberados.ids_influencer) == 1
    assert await campanas_activas(influencer, ANA[0]) == 0
    assert await estado(influencer, id_campana) == "finalizada"
    await asignar(influencer, probe, ANA)
    # a cancellation after the end changes nothing
    tarde = campana_cancelada(id_campana)
    await probe.publish(tarde)
    await procesado(influencer, tarde)
    assert await campanas_activas(influencer, ANA[0]) == 1
    assert await estado(influencer, id_campana) == "finalizada"


async def test_cancellation_before_creation_leaves_a_tombstone_and_a_late_creation_does_nothing(
    influencer: RunningService, probe: EventProbe
) -> None:
    id_campana = nuevo_id()
    cancelada = campana_cancelada(id_campana, "plazo vencido")

    await probe.publish(cancelada)

    liberados = await uno(probe, c.InfluencersLiberados, id_campana)
    assert (liberados.ids_influencer, liberados.motivo) == ([], "plazo vencido")
    assert await estado(influencer, id_campana) == "cancelada_antes"
    await outbox_vacio(influencer)
    published = influencer.service.relay.published

    tarde = campana_creada(id_campana, [ANA])
    await probe.publish(tarde)
    await procesado(influencer, tarde)

    await outbox_vacio(influencer)
    assert influencer.service.relay.published == published, "nothing more was published"
    assert await estado(influencer, id_campana) == "cancelada_antes"
    assert await por_nombre(influencer, ANA[0]) is None, "nobody registered or assigned"
    assert probe.of(c.InfluencersAsignados, id_campana) == []


async def test_duplicates_change_nothing(
    influencer: RunningService, probe: EventProbe, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="alpes.messaging")
    id_campana = nuevo_id()
    creada = campana_creada(id_campana, [ANA])
    await probe.publish(creada)
    await uno(probe, c.InfluencersAsignados, id_campana)
    await outbox_vacio(influencer)
    published = influencer.service.relay.published

    # the same message again (a redelivery), and the same fact under a new event id
    await probe.publish(creada)
    otra_vez = campana_creada(id_campana, [ANA, CARLOS])
    await probe.publish(otra_vez)
    await procesado(influencer, otra_vez)
    await eventually(
        lambda: f"duplicate CampanaCreada {creada.id_evento} ignored" in caplog.text,
        message="the redelivery was seen and dropped",
    )

    await outbox_vacio(influencer)
    assert influencer.service.relay.published == published
    assert await campanas_activas(influencer, ANA[0]) == 1
    assert await por_nombre(influencer, CARLOS[0]) is None

    # releasing twice frees the capacity once
    cancelada = campana_cancelada(id_campana)
    await probe.publish(cancelada)
    await uno(probe, c.InfluencersLiberados, id_campana)
    otra_cancelacion = campana_cancelada(id_campana)
    await probe.publish(cancelada)
    await probe.publish(otra_cancelacion)
    await procesado(influencer, otra_cancelacion)
    await outbox_vacio(influencer)
    assert len(probe.of(c.InfluencersLiberados, id_campana)) == 1
    assert await campanas_activas(influencer, ANA[0]) == 0
    assert len(probe.of(c.InfluencersAsignados, id_campana)) == 1
