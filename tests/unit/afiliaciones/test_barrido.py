"""``Campana.reenviar_cancelacion``: the sweeper sends the same cancellation again to the
participants still silent, and looks again later the older the cancellation is (capped)."""

from __future__ import annotations

from datetime import timedelta

from afiliaciones_svc.adapters.translators import a_contrato
from afiliaciones_svc.domain.events import CampanaCancelada
from afiliaciones_svc.domain.model import Campana
from afiliaciones_svc.domain.saga import (
    AFILIACIONES,
    CANCELACION_REENVIADA,
    EstadoSaga,
    OrigenCancelacion,
    Participante,
)
from tests.unit.afiliaciones.fabrica import AHORA, PLAZO, confirmada, creada, linea, tomada

MAXIMA = timedelta(seconds=60)


def cancelada_por_el_usuario() -> tuple[Campana, CampanaCancelada]:
    """A confirmed campaign cancelled at ``AHORA``; only marca has compensated."""
    campana = confirmada()
    campana.cancelar("el cliente se arrepintió", OrigenCancelacion.USUARIO, AHORA)
    [original] = campana.eventos
    assert isinstance(original, CampanaCancelada)
    tomada(campana)
    campana.registrar_compensacion(Participante.MARCA, AHORA + timedelta(seconds=1))
    return tomada(campana), original


def test_the_cancellation_is_sent_again_as_it_was_with_a_timeline_line() -> None:
    campana, original = cancelada_por_el_usuario()
    ahora = AHORA + timedelta(seconds=10)

    assert campana.reenviar_cancelacion(ahora, MAXIMA) is True

    assert campana.eventos == [original]  # same ids, motivo, origen and ocurrido_en
    assert a_contrato(campana.eventos[0]).id_evento == a_contrato(original).id_evento
    [entrada] = campana.linea_de_tiempo_nueva
    assert (entrada.evento, entrada.origen, entrada.ocurrido_en) == (
        CANCELACION_REENVIADA,
        AFILIACIONES,
        ahora,
    )
    assert entrada.motivo == "sin respuesta de: influencer, tracking"
    assert campana.estado_saga is EstadoSaga.COMPENSANDO


def test_the_next_look_waits_as_long_as_the_cancellation_is_old_up_to_the_cap() -> None:
    campana, _ = cancelada_por_el_usuario()
    esperas = []
    for edad in (0, 10, 20, 45, 60, 300, 3600):
        ahora = AHORA + timedelta(seconds=edad)
        assert campana.reenviar_cancelacion(ahora, MAXIMA)
        assert campana.revisar_en is not None
        esperas.append((campana.revisar_en - ahora).total_seconds())
        tomada(campana)

    assert esperas == [1, 10, 20, 45, 60, 60, 60]


def test_a_campaign_cancelled_at_its_deadline_names_everyone_still_silent() -> None:
    campana = creada()
    assert campana.vencer_plazo(AHORA + PLAZO)
    tomada(campana)
    campana.registrar_fallo(Participante.TRACKING, "sin códigos", AHORA + PLAZO)
    tomada(campana)

    assert campana.reenviar_cancelacion(AHORA + PLAZO + timedelta(seconds=30), MAXIMA)

    [evento] = campana.eventos
    assert isinstance(evento, CampanaCancelada)
    assert (evento.origen, evento.ocurrido_en) == (OrigenCancelacion.PLAZO, AHORA + PLAZO)
    assert campana.linea_de_tiempo_nueva[0].motivo == "sin respuesta de: marca, influencer"


def test_nothing_is_sent_for_a_saga_that_is_not_compensando() -> None:
    compensada, _ = cancelada_por_el_usuario()
    for participante in (Participante.INFLUENCER, Participante.TRACKING):
        compensada.registrar_compensacion(participante, AHORA)
    tomada(compensada)
    assert compensada.estado_saga is EstadoSaga.COMPENSADA

    for campana in (creada(), confirmada(), compensada):
        antes = campana.revisar_en
        assert campana.reenviar_cancelacion(AHORA + timedelta(hours=1), MAXIMA) is False
        assert (campana.eventos, linea(campana), campana.revisar_en) == ([], [], antes)
