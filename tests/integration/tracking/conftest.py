"""Builders and probes shared by the tracking integration tests."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import pytest

import contracts as c
from tests.helpers import envoltura as _envoltura
from tests.helpers import eventually
from tests.integration.conftest import EventProbe, RunningService, StartService
from tests.integration.support import campana_creada as _creada
from tests.integration.support import created, read

ANA = ("Ana García", "Instagram")
CARLOS = ("Carlos López", "TikTok")


@pytest.fixture
async def tracking(start_service: StartService) -> RunningService:
    return await start_service("tracking")


@pytest.fixture
def mensajes(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """The consumer's log: ``handled <Event> <id>`` and ``duplicate <Event> <id> ignored``."""
    caplog.set_level(logging.DEBUG, logger="alpes.messaging")
    return caplog


async def procesado(mensajes: pytest.LogCaptureFixture, evento: c.IntegrationEvent) -> None:
    """Wait until the consumer has committed (or dropped as a duplicate) ``evento``."""

    def visto() -> bool:
        return any(
            evento.id_evento in r.getMessage() and r.getMessage().startswith(("handled", "dup"))
            for r in mensajes.records
        )

    await eventually(visto, message=f"{type(evento).__name__} {evento.id_evento} processed")


def envoltura(id_campana: str, id_saga: str = "saga-1") -> dict[str, Any]:
    return _envoltura(id_campana, id_saga=id_saga, id_correlacion=f"corr-{id_saga}")


def campana_creada(
    id_campana: str | None = None,
    *,
    influencers: tuple[tuple[str, str], ...] = (ANA, CARLOS),
    id_marca: str = "marca-1",
) -> c.CampanaCreada:
    id_campana = id_campana or str(uuid.uuid4())
    return _creada(
        envoltura(id_campana, f"saga-{id_campana}"), id_marca=id_marca, influencers=influencers
    )


def cancelada(id_campana: str, motivo: str = "cancelada por el usuario") -> c.CampanaCancelada:
    return c.CampanaCancelada(
        **envoltura(id_campana, f"saga-{id_campana}"), motivo=motivo, origen="usuario"
    )


async def provisionar(
    probe: EventProbe, creada: c.CampanaCreada | None = None
) -> tuple[str, dict[tuple[str, str], str]]:
    """Publish ``CampanaCreada``; wait for ``TrackingHabilitado``; (id, code by influencer)."""
    creada = creada or campana_creada()
    [habilitado] = await probe.answer(creada, c.TrackingHabilitado)
    return creada.id_campana, {(k.nombre, k.plataforma): k.codigo for k in habilitado.codigos}


async def barrera(probe: EventProbe) -> None:
    """Every event tracking committed so far has reached the probe: the relay publishes the
    outbox in commit order, so the ``TrackingHabilitado`` of a campaign provisioned now comes
    after all of them."""
    await provisionar(probe, campana_creada(influencers=()))


async def evento(
    svc: RunningService, id_campana: str, tipo: str, codigo: str | None = None, **datos: Any
) -> dict[str, Any]:
    cuerpo: dict[str, Any] = {"id_campana": id_campana, "tipo_evento": tipo, "datos": datos}
    if codigo is not None:
        cuerpo["codigo"] = codigo
    return await created(svc, "/tracking/evento", cuerpo)  # type: ignore[no-any-return]


async def metricas(svc: RunningService, id_campana: str) -> dict[str, Any]:
    return await read(svc, f"/tracking/metricas/{id_campana}")  # type: ignore[no-any-return]
