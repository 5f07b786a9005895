"""Event types, metric increments and tracking codes."""

import itertools
from decimal import Decimal

import pytest

from tracking_svc.domain import (
    BYTES_POR_CODIGO,
    MAX_VALOR_CONVERSION,
    Incremento,
    TipoEvento,
    TipoEventoDesconocido,
    ValorFueraDeRango,
    generar_codigo,
    valor_conversion,
)


def test_the_six_seed_event_types_are_known() -> None:
    assert [t.value for t in TipoEvento] == [
        "vista",
        "clic",
        "conversion",
        "engagement",
        "compartir",
        "comentario",
    ]
    assert TipoEvento.desde_texto(" Conversion ") is TipoEvento.CONVERSION


@pytest.mark.parametrize("texto", ["click", "", "compra"])
def test_an_unknown_event_type_is_refused(texto: str) -> None:
    with pytest.raises(TipoEventoDesconocido):
        TipoEvento.desde_texto(texto)


@pytest.mark.parametrize(
    ("tipo", "esperado"),
    [
        (TipoEvento.VISTA, Incremento(vistas=1)),
        (TipoEvento.CLIC, Incremento(clics=1)),
        (TipoEvento.ENGAGEMENT, Incremento(engagement=1)),
        (TipoEvento.COMPARTIR, Incremento(compartidos=1)),
        (TipoEvento.COMENTARIO, Incremento(comentarios=1)),
    ],
)
def test_each_type_counts_one_in_its_own_counter(tipo: TipoEvento, esperado: Incremento) -> None:
    assert Incremento.de_evento(tipo, {"valor": 0.85}) == esperado


def test_a_conversion_counts_its_purchase_value() -> None:
    incremento = Incremento.de_evento(TipoEvento.CONVERSION, {"valor_compra": 150.50})

    assert incremento == Incremento(conversiones=1, valor_conversiones=Decimal("150.5"))


@pytest.mark.parametrize(
    ("datos", "valor"),
    [
        ({"valor_compra": 150.5}, Decimal("150.5")),
        ({"valor_compra": 20}, Decimal(20)),
        ({"valor_compra": Decimal("1.25")}, Decimal("1.25")),
        ({"valor": 12.25}, Decimal("12.25")),
        ({"valor_compra": 3, "valor": 99}, Decimal(3)),
        ({"valor_compra": "abc", "valor": 99}, Decimal(0)),
        ({"valor_compra": "150.5"}, Decimal(0)),
        ({"valor_compra": True}, Decimal(0)),
        ({"valor_compra": None}, Decimal(0)),
        ({}, Decimal(0)),
        ({"valor_compra": 0}, Decimal(0)),
    ],
)
def test_conversion_value_is_its_number_and_anything_but_a_number_counts_zero(
    datos: dict[str, object], valor: Decimal
) -> None:
    assert valor_conversion(datos) == valor


def test_increments_add_up_for_batches() -> None:
    total = (
        Incremento(vistas=1)
        + Incremento(vistas=1)
        + Incremento(conversiones=1, valor_conversiones=Decimal("0.1"))
        + Incremento(conversiones=1, valor_conversiones=Decimal("0.2"))
    )

    assert total == Incremento(vistas=2, conversiones=2, valor_conversiones=Decimal("0.3"))


def test_codes_are_short_url_safe_and_depend_only_on_the_random_source() -> None:
    codigo = generar_codigo(lambda n: b"\xff" * n)

    assert codigo == "____________"
    assert len(generar_codigo(bytes)) == 12
    assert generar_codigo(lambda n: bytes(range(n))) == generar_codigo(lambda n: bytes(range(n)))


def test_distinct_random_bytes_give_distinct_codes() -> None:
    contador = itertools.count()

    def fuente(n: int) -> bytes:
        return next(contador).to_bytes(n, "big")

    assert len({generar_codigo(fuente) for _ in range(1000)}) == 1000


def test_a_source_giving_the_wrong_length_is_refused() -> None:
    with pytest.raises(ValueError, match=str(BYTES_POR_CODIGO)):
        generar_codigo(lambda n: b"x")


@pytest.mark.parametrize(
    "valor",
    [
        1_000_000.01,
        10**6 + 1,
        1e13,
        1e308,
        10**4000,
        -1,
        -0.01,
        Decimal("-1"),
        float("nan"),
        float("inf"),
        float("-inf"),
        Decimal("NaN"),
        Decimal("Infinity"),
    ],
)
def test_a_conversion_value_out_of_range_refuses_the_event(valor: object) -> None:
    """Negative, not finite, or above ``MAX_VALOR_CONVERSION`` (1,000,000): refused."""
    with pytest.raises(ValorFueraDeRango, match="fuera de rango"):
        Incremento.de_evento(TipoEvento.CONVERSION, {"valor_compra": valor})
    with pytest.raises(ValorFueraDeRango):
        valor_conversion({"valor": valor})
    # only a conversion has a value: any other type ignores it
    assert Incremento.de_evento(TipoEvento.ENGAGEMENT, {"valor": valor}) == Incremento(engagement=1)


def test_the_maximum_conversion_value_counts_exactly() -> None:
    assert valor_conversion({"valor_compra": 10**6}) == MAX_VALOR_CONVERSION == Decimal(10**6)
    assert valor_conversion({"valor_compra": 0}) == Decimal(0)
