"""influencer's part of the saga: all-or-nothing assignment, release once, tombstones, finishing."""

from typing import cast

import pytest

from alpes.seedwork import MOTIVO_FINALIZADA
from influencer_svc.domain import (
    AsignacionCampana,
    AsignacionInfluencersRechazada,
    CarteraInfluencers,
    EstadoAsignacion,
    Influencer,
    InfluencerAsignado,
    InfluencersAsignados,
    InfluencersLiberados,
    InfluencerSolicitado,
    when_campana_cancelada_liberar,
    when_campana_creada_asignar,
    when_campana_finalizada_liberar,
    when_fallo_tecnico_rechazar,
)


def pedido(nombre: str, plataforma: str = "IG") -> InfluencerSolicitado:
    return InfluencerSolicitado(nombre=nombre, plataforma=plataforma, seguidores=10, categoria="x")


def influencer(nombre: str, campanas_activas: int = 0, activo: bool = True) -> Influencer:
    return Influencer(
        id_influencer=f"id-{nombre}",
        nombre=nombre,
        plataforma="IG",
        seguidores=10,
        categoria="x",
        activo=activo,
        campanas_activas=campanas_activas,
    )


def asignada(cartera: CarteraInfluencers, *nombres: str) -> AsignacionCampana:
    asignacion = when_campana_creada_asignar(None, "c-1", [pedido(n) for n in nombres], cartera)
    asignacion.eventos.clear()
    return asignacion


def test_creada_assigns_every_influencer_and_takes_capacity() -> None:
    ana = influencer("Ana")
    cartera = CarteraInfluencers([ana])

    asignacion = when_campana_creada_asignar(
        None, "c-1", [pedido("Ana"), pedido("Carlos", "TikTok")], cartera
    )

    [carlos] = cartera.nuevos
    assert asignacion.estado is EstadoAsignacion.ASIGNADA
    assert asignacion.ids_influencer == ["id-Ana", carlos.id_influencer]
    assert (ana.campanas_activas, carlos.campanas_activas) == (1, 1)
    assert asignacion.eventos == [
        InfluencersAsignados(
            id_campana="c-1",
            asignaciones=(
                InfluencerAsignado(id_influencer="id-Ana", nombre="Ana", plataforma="IG"),
                InfluencerAsignado(
                    id_influencer=carlos.id_influencer, nombre="Carlos", plataforma="TikTok"
                ),
            ),
        )
    ]


def test_the_same_influencer_listed_twice_is_assigned_once() -> None:
    ana = influencer("Ana")

    asignacion = when_campana_creada_asignar(
        None, "c-1", [pedido("Ana"), pedido("ANA")], CarteraInfluencers([ana])
    )

    assert asignacion.ids_influencer == ["id-Ana"]
    assert ana.campanas_activas == 1


def test_a_campaign_without_influencers_is_assigned_empty() -> None:
    asignacion = when_campana_creada_asignar(None, "c-1", [], CarteraInfluencers())

    assert asignacion.estado is EstadoAsignacion.ASIGNADA
    assert asignacion.eventos == [InfluencersAsignados(id_campana="c-1", asignaciones=())]


def test_capacity_exceeded_rejects_all_and_assigns_none() -> None:
    ana, luis = influencer("Ana"), influencer("Luis", campanas_activas=3)

    asignacion = when_campana_creada_asignar(
        None, "c-1", [pedido("Ana"), pedido("Luis")], CarteraInfluencers([ana, luis])
    )

    assert asignacion.estado is EstadoAsignacion.RECHAZADA
    assert (ana.campanas_activas, luis.campanas_activas) == (0, 3)
    [evento] = asignacion.eventos
    assert isinstance(evento, AsignacionInfluencersRechazada)
    assert "capacidad excedida" in evento.motivo
    assert not evento.tecnico


def test_max_campanas_is_configurable() -> None:
    ana = influencer("Ana", campanas_activas=3)

    asignacion = when_campana_creada_asignar(
        None, "c-1", [pedido("Ana")], CarteraInfluencers([ana]), max_campanas=4
    )

    assert asignacion.estado is EstadoAsignacion.ASIGNADA
    assert ana.campanas_activas == 4


def test_max_campanas_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_campanas"):
        when_campana_creada_asignar(None, "c-1", [], CarteraInfluencers(), max_campanas=0)


def test_an_inactive_influencer_rejects_all() -> None:
    ana, eva = influencer("Ana"), influencer("Eva", activo=False)

    asignacion = when_campana_creada_asignar(
        None, "c-1", [pedido("Ana"), pedido("Eva")], CarteraInfluencers([ana, eva])
    )

    [evento] = asignacion.eventos
    assert isinstance(evento, AsignacionInfluencersRechazada)
    assert "influencer inactivo" in evento.motivo
    assert ana.campanas_activas == 0


def test_invalid_influencer_data_in_the_event_rejects_all() -> None:
    malo = InfluencerSolicitado(nombre="Ana", plataforma="", seguidores=1, categoria="x")

    asignacion = when_campana_creada_asignar(None, "c-1", [malo], CarteraInfluencers())

    assert asignacion.estado is EstadoAsignacion.RECHAZADA


def test_duplicate_creada_does_nothing() -> None:
    cartera = CarteraInfluencers([influencer("Ana")])
    asignacion = asignada(cartera, "Ana")

    again = when_campana_creada_asignar(asignacion, "c-1", [pedido("Ana")], cartera)

    assert again is asignacion
    assert asignacion.eventos == []
    assert cartera.obtener("id-Ana").campanas_activas == 1


def test_cancelada_frees_the_influencers_once() -> None:
    cartera = CarteraInfluencers([influencer("Ana"), influencer("Luis")])
    asignacion = asignada(cartera, "Ana", "Luis")

    when_campana_cancelada_liberar(asignacion, "c-1", "usuario", cartera)
    when_campana_cancelada_liberar(asignacion, "c-1", "usuario", cartera)

    assert asignacion.estado is EstadoAsignacion.LIBERADA
    assert cartera.obtener("id-Ana").campanas_activas == 0
    assert asignacion.eventos == [
        InfluencersLiberados(
            id_campana="c-1", ids_influencer=("id-Ana", "id-Luis"), motivo="usuario"
        )
    ]


def test_success_then_failure_elsewhere_compensates_once() -> None:
    cartera = CarteraInfluencers([influencer("Ana")])
    asignacion = asignada(cartera, "Ana")

    when_campana_cancelada_liberar(asignacion, "c-1", "presupuesto insuficiente", cartera)
    when_campana_cancelada_liberar(asignacion, "c-1", "cancelada: marca", cartera)

    assert [type(e) for e in asignacion.eventos] == [InfluencersLiberados]
    assert cartera.obtener("id-Ana").campanas_activas == 0


def test_cancellation_before_creation_leaves_a_tombstone_with_an_empty_release() -> None:
    asignacion = when_campana_cancelada_liberar(None, "c-1", "plazo", CarteraInfluencers())

    assert asignacion.estado is EstadoAsignacion.CANCELADA_ANTES
    assert asignacion.eventos == [
        InfluencersLiberados(id_campana="c-1", ids_influencer=(), motivo="plazo")
    ]


def test_late_creada_after_a_tombstone_does_no_work() -> None:
    ana = influencer("Ana")
    cartera = CarteraInfluencers([ana])
    asignacion = when_campana_cancelada_liberar(None, "c-1", "plazo", cartera)
    asignacion.eventos.clear()

    asignacion = when_campana_creada_asignar(asignacion, "c-1", [pedido("Ana")], cartera)
    when_campana_cancelada_liberar(asignacion, "c-1", "plazo", cartera)

    assert asignacion.estado is EstadoAsignacion.CANCELADA_ANTES
    assert asignacion.eventos == []
    assert ana.campanas_activas == 0


def test_a_rejected_assignment_never_publishes_a_release() -> None:
    cartera = CarteraInfluencers([influencer("Ana", activo=False)])
    asignacion = when_campana_creada_asignar(None, "c-1", [pedido("Ana")], cartera)
    asignacion.eventos.clear()

    when_campana_cancelada_liberar(asignacion, "c-1", "cancelada: influencer", cartera)

    assert asignacion.eventos == []


def test_finalizada_frees_capacity_once_and_later_cancellation_does_nothing() -> None:
    cartera = CarteraInfluencers([influencer("Ana", campanas_activas=2)])
    asignacion = asignada(cartera, "Ana")

    when_campana_finalizada_liberar(asignacion, cartera)
    when_campana_finalizada_liberar(asignacion, cartera)
    when_campana_cancelada_liberar(asignacion, "c-1", "tarde", cartera)

    assert asignacion.estado is EstadoAsignacion.FINALIZADA
    assert cartera.obtener("id-Ana").campanas_activas == 2
    assert asignacion.eventos == [
        InfluencersLiberados(id_campana="c-1", ids_influencer=("id-Ana",), motivo=MOTIVO_FINALIZADA)
    ]


def test_finalization_makes_room_for_a_new_campaign() -> None:
    cartera = CarteraInfluencers([influencer("Ana", campanas_activas=2)])
    primera = asignada(cartera, "Ana")
    llena = when_campana_creada_asignar(None, "c-2", [pedido("Ana")], cartera)
    assert llena.estado is EstadoAsignacion.RECHAZADA

    when_campana_finalizada_liberar(primera, cartera)
    otra = when_campana_creada_asignar(None, "c-3", [pedido("Ana")], cartera)

    assert otra.estado is EstadoAsignacion.ASIGNADA


def test_finalizada_of_an_unknown_campaign_does_nothing() -> None:
    ana = influencer("Ana", campanas_activas=1)
    cartera = CarteraInfluencers([ana])
    version = ana.version

    when_campana_finalizada_liberar(None, cartera)

    assert (ana.campanas_activas, ana.version) == (1, version)  # nobody's capacity is freed
    assert cartera.nuevos == []
    assert ana.eventos == []


def test_technical_failure_is_final_and_never_released() -> None:
    asignacion = when_fallo_tecnico_rechazar(None, "c-1", "timeout")
    when_campana_cancelada_liberar(asignacion, "c-1", "cancelada: influencer", CarteraInfluencers())

    assert asignacion.eventos == [
        AsignacionInfluencersRechazada(id_campana="c-1", motivo="timeout", tecnico=True)
    ]


def test_technical_failure_after_the_campaign_was_handled_changes_nothing() -> None:
    cartera = CarteraInfluencers([influencer("Ana")])
    asignacion = asignada(cartera, "Ana")

    assert when_fallo_tecnico_rechazar(asignacion, "c-1", "x") is asignacion
    assert asignacion.eventos == []


def test_a_state_loaded_as_plain_text_still_releases() -> None:
    cartera = CarteraInfluencers([influencer("Ana")])
    asignacion = asignada(cartera, "Ana")
    asignacion.estado = cast(EstadoAsignacion, "asignada")  # as a String column loads it

    when_campana_cancelada_liberar(asignacion, "c-1", "usuario", cartera)

    assert asignacion.estado == EstadoAsignacion.LIBERADA
    assert cartera.obtener("id-Ana").campanas_activas == 0
