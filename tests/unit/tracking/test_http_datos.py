"""The limits of an event's ``datos`` (tracking's HTTP body), at their edges: what a client sends
is accepted or refused (a 422) by them alone, however the check is computed."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError
from pydantic_core import to_json

from tracking_svc.entrypoints.http import MAX_BYTES_DATOS, MAX_PROFUNDIDAD, EventoIn


def acepta(datos: Any) -> bool:
    try:
        EventoIn.model_validate({"id_campana": "c", "tipo_evento": "vista", "datos": datos})
    except ValidationError:
        return False
    return True


def anidado(niveles: int) -> dict[str, Any]:
    """``datos`` whose deepest value is at level ``niveles`` (``datos`` itself is level 1)."""
    valor: Any = 1
    for _ in range(niveles - 2):
        valor = {"k": valor}
    return {"k": valor}


def de_tamano(n: int, relleno: str = "x") -> dict[str, Any]:
    """``datos`` that ``json.dumps`` writes in exactly ``n`` bytes (UTF-8)."""
    base = len(json.dumps({"t": ""}).encode())
    datos = {"t": relleno * ((n - base) // len(relleno.encode()))}
    assert len(json.dumps(datos, ensure_ascii=False).encode()) == n
    return datos


def test_nesting_up_to_the_limit_is_accepted_beyond_it_refused() -> None:
    assert acepta(anidado(MAX_PROFUNDIDAD))
    assert not acepta(anidado(MAX_PROFUNDIDAD + 1))
    assert not acepta({"k": [[[[[[[[]]]]]]]]})  # an empty list at level 9
    assert acepta({"k": [[[[[[]]]]]]})  # at level 8
    assert not acepta(anidado(1000))


def test_size_is_measured_as_json_dumps_writes_it() -> None:
    assert acepta(de_tamano(MAX_BYTES_DATOS))
    assert not acepta(de_tamano(MAX_BYTES_DATOS + 1))
    assert acepta(de_tamano(MAX_BYTES_DATOS - 1, "é"))  # 2 bytes each in UTF-8
    assert not acepta(de_tamano(MAX_BYTES_DATOS + 1, "é"))
    # json.dumps writes ", " and ": " and 1e-07: more bytes than compact JSON (1e-7)
    muchos = {f"k{i:02}": [1e-7] * 180 for i in range(10)}
    assert len(to_json(muchos)) < MAX_BYTES_DATOS < len(json.dumps(muchos).encode())
    assert not acepta(muchos)


@pytest.mark.parametrize(
    ("datos", "aceptado"),
    [
        ({"v": float("nan")}, False),
        ({"v": [1, {"w": float("-inf")}]}, False),
        ({"v": "NaN", "w": "-Infinity"}, True),
        ({"v": "a\x00b"}, False),
        ({"a\x00": 1}, False),
        ({"v": "\\u0000"}, True),  # a backslash, then the text u0000: no NUL
        ({"v": "\ud800"}, False),
        ({"\udc00": 1}, False),
        ({f"k{i}": i for i in range(50)}, True),
        ({f"k{i}": i for i in range(51)}, False),
    ],
)
def test_datos_limits(datos: dict[str, Any], aceptado: bool) -> None:
    assert acepta(datos) is aceptado
