"""tracking's part of the saga, and which tracking events it accepts."""

import itertools
import secrets
from collections.abc import Callable
from typing import cast

import pytest

from alpes.seedwork import MOTIVO_FINALIZADA
from tracking_svc.domain import (
    CampanaNoActiva,
    CampanaTracking,
    CodigoDesconocido,
    CodigoInfluencer,
    CodigoRepetido,
    EstadoTracking,
    FuenteAleatoria,
    HabilitacionTrackingRechazada,
    InfluencerATrackear,
    TipoEvento,
    TrackingDeshabilitado,
    TrackingHabilitado,
    when_campana_cancelada_deshabilitar,
    when_campana_creada_habilitar,
    when_campana_finalizada_cerrar,
    when_fallo_tecnico_rechazar,
)

ANA = InfluencerATrackear(id_influencer="i-1", nombre="Ana", plataforma="Instagram")
CARLOS = InfluencerATrackear(nombre="Carlos", plataforma="TikTok")


def secuencia() -> FuenteAleatoria:
    contador = itertools.count(1)
    return lambda n: next(contador).to_bytes(n, "big")


def habilitada(*influencers: InfluencerATrackear) -> CampanaTracking:
    campana = when_campana_creada_habilitar(None, "c-1", "m-1", influencers, secuencia())
    campana.eventos.clear()
    return campana


def test_creada_provisions_one_unique_code_per_influencer() -> None:
    campana = when_campana_creada_habilitar(None, "c-1", "m-1", [ANA, CARLOS], secrets.token_bytes)

    ana, carlos = campana.codigos
    assert campana.estado is EstadoTracking.ACTIVA
    assert ana.codigo != carlos.codigo
    assert (ana.id_influencer, carlos.id_influencer) == ("i-1", None)
    assert all(c.activo for c in campana.codigos)
    assert campana.eventos == [
        TrackingHabilitado(
            id_campana="c-1",
            codigos=(
                CodigoInfluencer(
                    codigo=ana.codigo, id_influencer="i-1", nombre="Ana", plataforma="Instagram"
                ),
                CodigoInfluencer(
                    codigo=carlos.codigo, id_influencer=None, nombre="Carlos", plataforma="TikTok"
                ),
            ),
        )
    ]


def test_the_same_influencer_in_any_case_gets_one_code() -> None:
    otra_ana = InfluencerATrackear(nombre="ANA", plataforma="instagram")

    campana = habilitada(ANA, otra_ana)

    assert [c.nombre for c in campana.codigos] == ["Ana"]


def test_a_repeated_random_code_is_drawn_again() -> None:
    valores = iter([1, 1, 2])

    campana = when_campana_creada_habilitar(
        None, "c-1", "m-1", [ANA, CARLOS], lambda n: next(valores).to_bytes(n, "big")
    )

    assert len({c.codigo for c in campana.codigos}) == 2


def test_a_broken_random_source_is_reported() -> None:
    with pytest.raises(CodigoRepetido):
        when_campana_creada_habilitar(None, "c-1", "m-1", [ANA, CARLOS], bytes)


def test_a_campaign_without_influencers_is_provisioned_without_codes() -> None:
    campana = when_campana_creada_habilitar(None, "c-1", "m-1", [], secuencia())

    assert campana.eventos == [TrackingHabilitado(id_campana="c-1", codigos=())]


def test_duplicate_creada_does_nothing() -> None:
    campana = habilitada(ANA)
    codigos = [c.codigo for c in campana.codigos]

    again = when_campana_creada_habilitar(campana, "c-1", "m-1", [ANA, CARLOS], secuencia())

    assert again is campana
    assert [c.codigo for c in campana.codigos] == codigos
    assert campana.eventos == []


def test_cancelada_disables_the_codes_once() -> None:
    campana = habilitada(ANA, CARLOS)

    when_campana_cancelada_deshabilitar(campana, "c-1", "usuario")
    when_campana_cancelada_deshabilitar(campana, "c-1", "usuario")

    assert campana.estado is EstadoTracking.DESHABILITADA
    assert not any(c.activo for c in campana.codigos)
    assert campana.eventos == [TrackingDeshabilitado(id_campana="c-1", motivo="usuario")]


def test_success_then_failure_elsewhere_compensates_once() -> None:
    campana = habilitada(ANA)

    when_campana_cancelada_deshabilitar(campana, "c-1", "capacidad excedida")
    when_campana_cancelada_deshabilitar(campana, "c-1", "cancelada: influencer")

    assert campana.eventos == [TrackingDeshabilitado(id_campana="c-1", motivo="capacidad excedida")]


def test_cancellation_before_creation_leaves_a_tombstone_with_an_empty_release() -> None:
    campana = when_campana_cancelada_deshabilitar(None, "c-1", "plazo")

    assert campana.estado is EstadoTracking.CANCELADA_ANTES
    assert campana.codigos == []
    assert campana.eventos == [TrackingDeshabilitado(id_campana="c-1", motivo="plazo")]


def test_late_creada_after_a_tombstone_does_no_work() -> None:
    campana = when_campana_cancelada_deshabilitar(None, "c-1", "plazo")
    campana.eventos.clear()

    campana = when_campana_creada_habilitar(campana, "c-1", "m-1", [ANA], secuencia())
    when_campana_cancelada_deshabilitar(campana, "c-1", "plazo")

    assert campana.estado is EstadoTracking.CANCELADA_ANTES
    assert campana.codigos == []
    assert campana.eventos == []


def test_finalizada_closes_the_campaign_once() -> None:
    campana = habilitada(ANA)

    when_campana_finalizada_cerrar(campana)
    when_campana_finalizada_cerrar(campana)
    when_campana_cancelada_deshabilitar(campana, "c-1", "tarde")

    assert campana.estado is EstadoTracking.FINALIZADA
    assert not campana.codigos[0].activo
    assert campana.eventos == [TrackingDeshabilitado(id_campana="c-1", motivo=MOTIVO_FINALIZADA)]


def test_finalizada_of_an_unknown_campaign_does_nothing() -> None:
    # What the handler stores, if anything: unlike a cancellation seen first, a finalization
    # leaves no tombstone that would make a later CampanaCreada do nothing.
    reaccion: Callable[[CampanaTracking | None], CampanaTracking | None]
    reaccion = when_campana_finalizada_cerrar

    assert reaccion(None) is None


def test_technical_failure_is_final_and_never_released() -> None:
    campana = when_fallo_tecnico_rechazar(None, "c-1", "m-1", "timeout")
    when_campana_cancelada_deshabilitar(campana, "c-1", "cancelada: tracking")

    assert campana.estado is EstadoTracking.RECHAZADA
    assert campana.eventos == [
        HabilitacionTrackingRechazada(id_campana="c-1", motivo="timeout", tecnico=True)
    ]


def test_technical_failure_after_the_campaign_was_handled_changes_nothing() -> None:
    campana = habilitada(ANA)

    assert when_fallo_tecnico_rechazar(campana, "c-1", "m-1", "x") is campana
    assert campana.eventos == []


def test_an_active_campaign_accepts_events_with_its_code_or_without_code() -> None:
    campana = habilitada(ANA)
    version = campana.version
    codigo = campana.codigos[0]

    assert campana.aceptar_evento(TipoEvento.CLIC, codigo.codigo) is codigo
    assert campana.aceptar_evento(TipoEvento.VISTA, None) is None
    assert campana.version == version
    assert campana.eventos == []


def test_a_code_of_another_campaign_is_unknown() -> None:
    campana = habilitada(ANA)
    otra = when_campana_creada_habilitar(None, "c-2", "m-1", [ANA], secrets.token_bytes)

    with pytest.raises(CodigoDesconocido) as error:
        campana.aceptar_evento(TipoEvento.CLIC, otra.codigos[0].codigo)
    assert error.value.id_campana == "c-1"


@pytest.mark.parametrize(
    "cerrar",
    [
        lambda campana: when_campana_cancelada_deshabilitar(campana, "c-1", "usuario"),
        when_campana_finalizada_cerrar,
    ],
)
def test_a_disabled_or_finished_campaign_accepts_no_event(
    cerrar: Callable[[CampanaTracking], object],
) -> None:
    campana = habilitada(ANA)
    codigo = campana.codigos[0].codigo
    cerrar(campana)

    with pytest.raises(CampanaNoActiva):
        campana.aceptar_evento(TipoEvento.VISTA, codigo)
    with pytest.raises(CampanaNoActiva):
        campana.aceptar_evento(TipoEvento.VISTA, None)


def test_a_campaign_cancelled_before_creation_accepts_no_event() -> None:
    campana = when_campana_cancelada_deshabilitar(None, "c-1", "plazo")

    with pytest.raises(CampanaNoActiva) as error:
        campana.aceptar_evento(TipoEvento.CONVERSION, None)
    assert error.value.estado == "cancelada_antes"


@pytest.mark.parametrize("estado", ["activa", "deshabilitada"])
def test_a_state_loaded_as_plain_text_still_decides(estado: str) -> None:
    campana = habilitada(ANA)
    campana.estado = cast(EstadoTracking, estado)  # as a String column loads it

    if estado == "activa":
        campana.aceptar_evento(TipoEvento.VISTA, None)
    else:
        with pytest.raises(CampanaNoActiva, match="deshabilitada"):
            campana.aceptar_evento(TipoEvento.VISTA, None)
