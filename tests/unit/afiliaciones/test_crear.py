from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from afiliaciones_svc.domain.errors import (
    DemasiadosInfluencers,
    ErrorDominio,
    ErrorValidacion,
    FechasInvalidas,
    InfluencerDuplicado,
    PresupuestoNoPositivo,
    SeguidoresNegativos,
    TextoInvalido,
    TipoInvalido,
)
from afiliaciones_svc.domain.events import CampanaCreada
from afiliaciones_svc.domain.model import EstadoCampana, InfluencerInfo, MarcaRef
from afiliaciones_svc.domain.saga import EntradaSaga, EstadoSaga
from tests.unit.afiliaciones.fabrica import AHORA, ANA, CARLOS, PLAZO, crear


def test_a_valid_request_creates_a_campaign_that_opens_its_saga() -> None:
    campana = crear()

    assert campana.estado is EstadoCampana.CREADA
    assert campana.estado_saga is EstadoSaga.EN_PROGRESO
    assert campana.fecha_creacion == AHORA
    assert campana.plazo_saga == AHORA + PLAZO
    assert campana.influencers == (ANA, CARLOS)
    assert campana.version == 0


def test_creating_emits_the_fat_event_and_the_first_timeline_line() -> None:
    campana = crear()

    [evento] = campana.eventos
    assert evento == CampanaCreada(
        id_campana="c63c598a",
        id_saga="saga-1",
        id_correlacion="corr-1",
        ocurrido_en=AHORA,
        nombre="Campaña de Verano 2024",
        descripcion="Promoción de productos de verano con influencers",
        tipo=campana.tipo,
        estado=EstadoCampana.CREADA,
        fecha_creacion=AHORA,
        fecha_inicio=campana.fecha_inicio,
        fecha_fin=campana.fecha_fin,
        presupuesto=Decimal("15000"),
        marca=MarcaRef("123e4567", "Nike"),
        influencers=(ANA, CARLOS),
        plazo_saga=AHORA + PLAZO,
    )
    assert campana.linea_de_tiempo_nueva == [EntradaSaga("CampanaCreada", "afiliaciones", AHORA)]


def test_texts_are_stripped_and_naive_datetimes_read_as_utc() -> None:
    campana = crear(
        nombre="  Verano  ",
        marca=MarcaRef(" m1 ", " Nike "),
        influencers=[InfluencerInfo(" Ana ", " Instagram ", 1, " Fitness ")],
        fecha_inicio=datetime(2025, 1, 1),
        ahora=datetime(2025, 9, 15),
    )

    assert campana.nombre == "Verano"
    assert campana.marca == MarcaRef("m1", "Nike")
    assert campana.influencers == (InfluencerInfo("Ana", "Instagram", 1, "Fitness"),)
    assert campana.fecha_inicio == datetime(2025, 1, 1, tzinfo=UTC)
    assert campana.fecha_creacion.tzinfo is UTC


def test_aware_datetimes_are_stored_in_utc() -> None:
    bogota = datetime(2024, 12, 31, 19, tzinfo=timezone(timedelta(hours=-5)))
    campana = crear(fecha_inicio=bogota)
    assert campana.fecha_inicio == datetime(2025, 1, 1, tzinfo=UTC)
    assert campana.fecha_inicio.tzinfo is UTC


@pytest.mark.parametrize("tipo", ["influencer", "afiliado", "mixta"])
def test_every_known_tipo_is_accepted(tipo: str) -> None:
    assert crear(tipo=tipo).tipo == tipo


def test_no_influencers_and_an_empty_description_are_allowed() -> None:
    campana = crear(influencers=[], descripcion="")
    assert campana.influencers == ()


def test_limits_are_inclusive() -> None:
    many = [InfluencerInfo(f"i{n}", "X", 0, "c") for n in range(50)]
    campana = crear(nombre="n" * 200, descripcion="d" * 2000, influencers=many)
    assert len(campana.influencers) == 50


INVALIDOS: list[tuple[dict[str, Any], type[ErrorValidacion]]] = [
    ({"presupuesto": Decimal(0)}, PresupuestoNoPositivo),
    ({"presupuesto": Decimal("-0.01")}, PresupuestoNoPositivo),
    ({"presupuesto": Decimal("NaN")}, PresupuestoNoPositivo),
    ({"presupuesto": Decimal("Infinity")}, PresupuestoNoPositivo),
    ({"fecha_fin": datetime(2025, 1, 1, tzinfo=UTC)}, FechasInvalidas),
    ({"fecha_fin": datetime(2024, 12, 31, tzinfo=UTC)}, FechasInvalidas),
    ({"tipo": "podcast"}, TipoInvalido),
    ({"tipo": "INFLUENCER"}, TipoInvalido),
    ({"nombre": "   "}, TextoInvalido),
    ({"nombre": "n" * 201}, TextoInvalido),
    ({"descripcion": "d" * 2001}, TextoInvalido),
    ({"marca": MarcaRef("", "Nike")}, TextoInvalido),
    ({"marca": MarcaRef("m1", " ")}, TextoInvalido),
    ({"influencers": [replace(ANA, nombre=" ")]}, TextoInvalido),
    ({"influencers": [replace(ANA, plataforma="")]}, TextoInvalido),
    ({"influencers": [replace(ANA, seguidores=-1)]}, SeguidoresNegativos),
    ({"influencers": [ANA, replace(ANA, seguidores=1)]}, InfluencerDuplicado),
    (
        {"influencers": [ANA, InfluencerInfo(" ana garcía", "INSTAGRAM", 1, "x")]},
        InfluencerDuplicado,
    ),
    (
        {"influencers": [InfluencerInfo(f"i{n}", "X", 0, "c") for n in range(51)]},
        DemasiadosInfluencers,
    ),
]


@pytest.mark.parametrize(("cambios", "error"), INVALIDOS)
def test_an_invalid_request_is_refused_with_a_typed_error(
    cambios: dict[str, Any], error: type[ErrorValidacion]
) -> None:
    with pytest.raises(error) as refused:
        crear(**cambios)

    assert isinstance(refused.value, ErrorDominio)
    assert refused.value.mensaje


def test_same_name_on_another_platform_is_another_influencer() -> None:
    otra = replace(ANA, plataforma="TikTok")
    assert len(crear(influencers=[ANA, otra]).influencers) == 2


def test_error_messages_say_what_is_wrong() -> None:
    with pytest.raises(TextoInvalido, match=r"influencers\[1\]\.nombre") as refused:
        crear(influencers=[ANA, replace(CARLOS, nombre="")])
    assert refused.value.campo == "influencers[1].nombre"

    with pytest.raises(TipoInvalido, match="influencer, afiliado, mixta"):
        crear(tipo="podcast")

    with pytest.raises(DemasiadosInfluencers, match="50"):
        crear(influencers=[replace(ANA, nombre=str(n)) for n in range(60)])


def test_a_non_positive_saga_deadline_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="deadline"):
        crear(plazo=timedelta(0))
