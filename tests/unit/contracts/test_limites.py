"""``contracts.limites`` is the one source of a saga request's limits: afiliaciones refuses exactly
beyond them, and every participant stores and accepts at least them.

The domains cannot import ``contracts``, so their copies are pinned here, and so is every column
that receives a field of ``CampanaCreada``: shrinking one without the limit fails this test.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import BigInteger, Column, String, Text

import contracts as c
from afiliaciones_svc.adapters import orm as afiliaciones_orm
from afiliaciones_svc.domain import rules, values
from contracts import limites
from influencer_svc.adapters import orm as influencer_orm
from influencer_svc.domain import model as influencer_model
from marca_svc.adapters import orm as marca_orm
from marca_svc.domain import model as marca_model
from tests.helpers import envoltura
from tracking_svc.adapters import orm as tracking_orm


def _holds(column: Column[object], largo: int) -> bool:
    """The column stores ``largo`` characters (TEXT stores any)."""
    if isinstance(column.type, Text):
        return True
    assert isinstance(column.type, String), column
    return column.type.length is None or column.type.length >= largo


def test_afiliaciones_domain_copies_are_the_contract() -> None:
    assert rules.LARGO_MAXIMO_NOMBRE == limites.LARGO_NOMBRE
    assert rules.LARGO_MAXIMO_DESCRIPCION == limites.LARGO_DESCRIPCION
    assert rules.LARGO_MAXIMO_ID_MARCA == limites.LARGO_ID_MARCA
    assert rules.LARGO_MAXIMO_PLATAFORMA == limites.LARGO_PLATAFORMA
    assert rules.LARGO_MAXIMO_CATEGORIA == limites.LARGO_CATEGORIA
    assert rules.MAXIMO_INFLUENCERS == limites.MAXIMO_INFLUENCERS
    assert rules.SEGUIDORES_MAXIMO == limites.SEGUIDORES_MAXIMO
    assert Decimal(str(limites.PRESUPUESTO_TOPE)) == rules.PRESUPUESTO_TOPE
    assert (values.FECHA_MINIMA, values.FECHA_MAXIMA) == (
        limites.FECHA_MINIMA,
        limites.FECHA_MAXIMA,
    )


def test_afiliaciones_stores_every_field_at_its_limit() -> None:
    campanas = afiliaciones_orm.campanas.c
    assert _holds(campanas.nombre, limites.LARGO_NOMBRE)
    assert _holds(campanas.descripcion, limites.LARGO_DESCRIPCION)
    assert _holds(campanas.id_marca, limites.LARGO_ID_MARCA)
    assert _holds(campanas.nombre_marca, limites.LARGO_NOMBRE)


def test_marca_stores_and_accepts_the_brand_of_any_valid_campaign() -> None:
    assert _holds(marca_orm.marcas.c.id_marca, limites.LARGO_ID_MARCA)
    assert _holds(marca_orm.reservas.c.id_marca, limites.LARGO_ID_MARCA)
    assert _holds(marca_orm.marcas.c.nombre, limites.LARGO_NOMBRE)
    assert marca_model.LONGITUD_MAXIMA_NOMBRE >= limites.LARGO_NOMBRE
    mayor = math.nextafter(limites.PRESUPUESTO_TOPE, 0)  # the largest budget afiliaciones takes
    assert marca_model.como_monto(mayor) == Decimal(str(mayor))
    assert marca_model.como_monto(5e-324) > 0  # and the smallest


def test_influencer_stores_and_accepts_every_valid_influencer() -> None:
    columnas = influencer_orm.influencers.c
    assert _holds(columnas.nombre, limites.LARGO_NOMBRE)
    assert _holds(columnas.plataforma, limites.LARGO_PLATAFORMA)
    assert _holds(columnas.categoria, limites.LARGO_CATEGORIA)
    assert isinstance(columnas.seguidores.type, BigInteger)
    assert influencer_model.LONGITUD_MAXIMA_NOMBRE >= limites.LARGO_NOMBRE
    assert influencer_model.LONGITUD_MAXIMA_PLATAFORMA >= limites.LARGO_PLATAFORMA
    assert influencer_model.LONGITUD_MAXIMA_CATEGORIA >= limites.LARGO_CATEGORIA

    al_limite = influencer_model.Influencer.registrar(
        "n" * limites.LARGO_NOMBRE,
        "p" * limites.LARGO_PLATAFORMA,
        limites.SEGUIDORES_MAXIMO,
        "c" * limites.LARGO_CATEGORIA,
    )
    assert al_limite.seguidores == limites.SEGUIDORES_MAXIMO


def test_tracking_stores_the_brand_and_influencers_of_any_valid_campaign() -> None:
    assert _holds(tracking_orm.campanas_tracking.c.id_marca, limites.LARGO_ID_MARCA)
    assert _holds(tracking_orm.metricas_campana.c.id_marca, limites.LARGO_ID_MARCA)
    assert _holds(tracking_orm.codigos_tracking.c.nombre, limites.LARGO_NOMBRE)
    assert _holds(tracking_orm.codigos_tracking.c.plataforma, limites.LARGO_PLATAFORMA)


def test_the_date_limits_travel_in_campana_creada_unchanged() -> None:
    evento = c.CampanaCreada(
        **envoltura("c", id_saga="s", id_correlacion="k"),
        nombre="n" * limites.LARGO_NOMBRE,
        descripcion="d" * limites.LARGO_DESCRIPCION,
        tipo="influencer",
        estado="creada",
        fecha_creacion=c.utc_now(),
        fecha_inicio=limites.FECHA_MINIMA,
        fecha_fin=limites.FECHA_MAXIMA,
        presupuesto=limites.PRESUPUESTO_TOPE - 1,
        marca=c.MarcaCampana(id_marca="m" * limites.LARGO_ID_MARCA, nombre_marca="Nike"),
        influencers=[
            c.InfluencerCampana(
                nombre=f"i{n}", plataforma="X", seguidores=limites.SEGUIDORES_MAXIMO, categoria=""
            )
            for n in range(limites.MAXIMO_INFLUENCERS)
        ],
        plazo_saga=c.utc_now(),
    )
    assert c.decode(*c.encode(evento)) == evento


@pytest.mark.parametrize(
    ("instante", "soportada"),
    [
        (datetime(1900, 1, 1, tzinfo=UTC), True),
        (datetime(1900, 1, 1), True),
        (datetime(1899, 12, 31, 23, 59, 59, 999999, tzinfo=UTC), False),
        (datetime(1900, 1, 1, tzinfo=timezone(timedelta(minutes=1))), False),
        (datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5))), False),
        (datetime(9999, 12, 30, 23, 59, 59, 999999, tzinfo=UTC), True),
        (datetime(9999, 12, 31, tzinfo=UTC), False),
        (datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-5))), False),
        (datetime(9999, 12, 31, 5, tzinfo=timezone(timedelta(hours=5))), False),
        (datetime(9999, 12, 31, 4, 59, 59, 999999, tzinfo=timezone(timedelta(hours=5))), True),
    ],
)
def test_fecha_soportada_answers_for_any_datetime_without_overflow(
    instante: datetime, soportada: bool
) -> None:
    assert limites.fecha_soportada(instante) is soportada
