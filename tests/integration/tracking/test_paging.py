"""A campaign's events page by cursor: the ``Link`` header's ``rel="next"`` URL gives the page
after the last one read, every event once in order whatever is stored meanwhile, and a cursor
that is not one of this list's is a 422."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

from tests.integration.conftest import EventProbe, RunningService
from tests.integration.support import created, ejecutar
from tests.integration.tracking.conftest import provisionar


async def lote(svc: RunningService, id_campana: str, n: int, tipo: str = "vista") -> list[str]:
    eventos = [{"id_campana": id_campana, "tipo_evento": tipo, "datos": {"n": i}} for i in range(n)]
    respuesta = await created(svc, "/tracking/eventos", {"eventos": eventos})
    return respuesta["ids"]  # type: ignore[no-any-return]


async def leer(svc: RunningService, url: str, **params: Any) -> httpx.Response:
    response = await svc.http.get(url, params=params or None)  # {} would drop url's query
    assert response.status_code == 200, response.text
    return response


async def siguiendo_link(svc: RunningService, url: str, **params: Any) -> list[list[str]]:
    """The ids of every page, following ``Link: <...>; rel="next"`` until there is none."""
    response = await leer(svc, url, **params)
    paginas = [[e["id"] for e in response.json()]]
    while "next" in response.links:
        response = await leer(svc, response.links["next"]["url"])
        paginas.append([e["id"] for e in response.json()])
    return paginas


async def test_paging_by_cursor_sees_every_event_once_in_order(
    tracking: RunningService, probe: EventProbe
) -> None:
    id_campana, _ = await provisionar(probe)
    ids = [*await lote(tracking, id_campana, 7), *await lote(tracking, id_campana, 6, "clic")]
    # a batch's events and more may share an instant: the id breaks the tie, on every page
    await ejecutar(
        tracking,
        "UPDATE eventos_tracking SET fecha_evento = date_trunc('second', fecha_evento)"
        " WHERE id_campana = :id",
        id=id_campana,
    )
    url = f"/tracking/eventos/{id_campana}"
    todos = await leer(tracking, url, limit=1000)
    assert "link" not in todos.headers
    en_orden = [e["id"] for e in todos.json()]

    paginas = await siguiendo_link(tracking, url, limit=5)

    assert [len(p) for p in paginas] == [5, 5, 3]
    assert [i for p in paginas for i in p] == en_orden
    assert sorted(en_orden) == sorted(ids)
    primera = await leer(tracking, url, limit=5)
    assert primera.headers["X-Total-Count"] == "13"
    assert "cursor=" in primera.links["next"]["url"] and "limit=5" in primera.links["next"]["url"]


async def test_events_stored_while_paging_neither_repeat_nor_hide_those_not_yet_seen(
    tracking: RunningService, probe: EventProbe
) -> None:
    id_campana, _ = await provisionar(probe)
    antes = await lote(tracking, id_campana, 9)
    url = f"/tracking/eventos/{id_campana}"
    todos_antes = [e["id"] for e in (await leer(tracking, url)).json()]
    response = await leer(tracking, url, limit=4)
    vistos = [e["id"] for e in response.json()]

    nuevos = await lote(tracking, id_campana, 5)
    while "next" in response.links:
        response = await leer(tracking, response.links["next"]["url"])
        vistos += [e["id"] for e in response.json()]

    assert vistos == todos_antes and sorted(vistos) == sorted(antes)
    assert not set(nuevos) & set(vistos)
    assert response.headers["X-Total-Count"] == str(len(antes) + len(nuevos))


def cursor(*valores: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(valores).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "params",
    [
        {"cursor": "nada"},
        {"cursor": cursor("campanas", "2025-01-01T00:00:00+00:00", "x")},
        {"cursor": cursor("eventos", "2025-01-01T00:00:00+00:00", "no-es-uuid")},
        {"cursor": cursor("eventos", "2025-01-01T00:00:00", "5f0c7d52-8a61-4d0e-9a43-0c1f6f8b2e7d")},
        {"cursor": cursor("eventos", "2025-01-01T00:00:00+00:00", "5f0c7d52-8a61-4d0e-9a43-0c1f6f8b2e7d"), "offset": 3},
        {"cursor": "e" * 1000},
    ],
)  # fmt: skip
async def test_a_cursor_that_is_not_one_of_the_lists_is_422(
    tracking: RunningService, probe: EventProbe, params: dict[str, Any]
) -> None:
    id_campana, _ = await provisionar(probe)
    response = await tracking.http.get(f"/tracking/eventos/{id_campana}", params=params)
    assert response.status_code == 422, response.text
    assert isinstance(response.json()["detail"], str)
