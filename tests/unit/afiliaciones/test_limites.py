"""The domain refuses a campaign that a participant of its saga would refuse, with a typed error,
and takes one at every exact limit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from afiliaciones_svc.domain.errors import FueraDeRango, TextoInvalido
from afiliaciones_svc.domain.model import InfluencerInfo, MarcaRef
from tests.unit.afiliaciones.fabrica import crear

MINIMA = datetime(1900, 1, 1, tzinfo=UTC)
MAXIMA = datetime(9999, 12, 30, 23, 59, 59, 999999, tzinfo=UTC)


def test_a_campaign_at_every_limit_is_created() -> None:
    influencers = [
        InfluencerInfo(f"{n:0>200}", "p" * 100, 2**63 - 1 if n == 0 else 0, "c" * 100)
        for n in range(50)
    ]
    campana = crear(
        fecha_inicio=MINIMA,
        fecha_fin=MAXIMA,
        presupuesto=Decimal("999999999999999.9"),
        marca=MarcaRef("m" * 64, "n" * 200),
        influencers=influencers,
    )
    assert (campana.fecha_inicio, campana.fecha_fin) == (MINIMA, MAXIMA)
    assert campana.marca.id_marca == "m" * 64
    assert len(campana.influencers) == 50


def test_naive_limits_are_read_as_utc() -> None:
    campana = crear(fecha_inicio=MINIMA.replace(tzinfo=None), fecha_fin=MAXIMA.replace(tzinfo=None))
    assert (campana.fecha_inicio, campana.fecha_fin) == (MINIMA, MAXIMA)


FUERA: list[tuple[dict[str, Any], type[Exception], str]] = [
    (
        {"fecha_inicio": datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5)))},
        FueraDeRango,
        "fecha",
    ),
    ({"fecha_inicio": MINIMA - timedelta(microseconds=1)}, FueraDeRango, "fecha_inicio"),
    ({"fecha_inicio": datetime(1, 1, 1)}, FueraDeRango, "fecha_inicio"),
    ({"fecha_fin": MAXIMA + timedelta(microseconds=1)}, FueraDeRango, "fecha_fin"),
    (
        {"fecha_fin": datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-5)))},
        FueraDeRango,
        "fecha",
    ),
    ({"presupuesto": Decimal("1e15")}, FueraDeRango, "presupuesto"),
    ({"marca": MarcaRef("m" * 65, "Nike")}, TextoInvalido, "marca.id_marca"),
    ({"marca": MarcaRef("m", "n" * 201)}, TextoInvalido, "marca.nombre_marca"),
    (
        {"influencers": [InfluencerInfo("Ana", "p" * 101, 1, "")]},
        TextoInvalido,
        "influencers[0].plataforma",
    ),
    (
        {"influencers": [InfluencerInfo("Ana", "IG", 1, "c" * 101)]},
        TextoInvalido,
        "influencers[0].categoria",
    ),
    ({"influencers": [InfluencerInfo("Ana", "IG", 2**63, "")]}, FueraDeRango, "seguidores"),
]


@pytest.mark.parametrize(("cambios", "error", "campo"), FUERA)
def test_beyond_a_limit_is_a_typed_validation_error_naming_the_field(
    cambios: dict[str, Any], error: type[Exception], campo: str
) -> None:
    with pytest.raises(error) as refused:
        crear(**cambios)
    assert campo in str(refused.value), str(refused.value)
