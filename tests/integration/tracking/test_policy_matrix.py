"""Who may call what in tracking: every route, called by each kind of caller, answers the
status the policy says (issue 10).

The callers: nobody (no credentials: 401 with ``WWW-Authenticate``), an admin, brand A
(``marca-a``, whose campaign the routes name), brand B (``marca-b``) and a tracker of A's
campaign. The service runs once for the module with A's campaign provisioned; a call that
changes what the next row sees (revoking a key) gets something of its own.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from alpes.auth import POLICY
from alpes.cli import create_app
from alpes.infra import EmbeddedPostgres, PulsarLite
from alpes.settings import Settings
from tests.auth import ADMIN, TEST_KEY
from tests.helpers import started
from tests.integration.conftest import EventProbe
from tests.integration.tracking.conftest import campana_creada, provisionar
from tests.policy import MARCA_A, ROLES, Estados, headers


def _evento(ids: dict[str, str]) -> dict[str, Any]:
    return {"id_campana": ids["id_campana"], "tipo_evento": "clic"}


def _lote(ids: dict[str, str]) -> dict[str, Any]:
    return {"eventos": [_evento(ids), _evento(ids)]}


@dataclass(frozen=True)
class Ruta(Estados):
    """A row of the table: :class:`~tests.policy.Estados` and how to call the route."""

    cuerpo: Callable[[dict[str, str]], dict[str, Any]] | None = None
    clave_nueva: bool = False
    """``{id_clave}`` is a key of A's campaign created for this call (the call revokes it)."""

    def __str__(self) -> str:
        return f"{self.metodo} {self.ruta}"


# fmt: off
MATRIZ: list[Ruta] = [
    #    method    route                                              none admin  A    B  tracker
    Ruta("POST",   "/tracking/evento",                                 401, 201, 403, 403, 201,
         cuerpo=_evento),
    Ruta("POST",   "/tracking/eventos",                                401, 201, 403, 403, 201,
         cuerpo=_lote),
    Ruta("GET",    "/tracking/eventos/{id_campana}",                   401, 200, 200, 404, 403),
    Ruta("GET",    "/tracking/metricas/{id_campana}",                  401, 200, 200, 404, 403),
    Ruta("GET",    "/tracking/metricas/marca/{id_marca}",              401, 200, 200, 404, 403),
    Ruta("GET",    "/tracking/campanas/{id_campana}/codigos",          401, 200, 200, 404, 403),
    Ruta("POST",   "/tracking/campanas/{id_campana}/claves",           401, 201, 201, 404, 403,
         cuerpo=lambda ids: {}),
    Ruta("GET",    "/tracking/campanas/{id_campana}/claves",           401, 200, 200, 404, 403),
    Ruta("DELETE", "/tracking/campanas/{id_campana}/claves/{id_clave}", 401, 204, 204, 404, 403,
         clave_nueva=True),
]
# fmt: on


@dataclass
class Mundo:
    http: httpx.AsyncClient
    ids: dict[str, str]

    def headers(self, rol: str) -> dict[str, str]:
        return headers(rol, self.ids["id_campana"])

    async def clave_nueva(self) -> str:
        ruta = f"/tracking/campanas/{self.ids['id_campana']}/claves"
        respuesta = await self.http.post(ruta, json={}, headers=ADMIN)
        assert respuesta.status_code == 201, respuesta.text
        return str(respuesta.json()["id"])


@pytest.fixture(scope="module")
async def mundo(postgres: EmbeddedPostgres, pulsar_lite: PulsarLite) -> AsyncIterator[Mundo]:
    namespace = f"public/matriz{uuid.uuid4().hex[:10]}"
    database = f"it_matriz_tracking_{uuid.uuid4().hex[:8]}"
    postgres.create_database(database)
    settings = Settings(
        service="tracking",
        pulsar_url=pulsar_lite.url,
        database_url=postgres.url(database),
        topic_namespace=namespace,
        database_pool_size=5,
        auth_hs256_secret=TEST_KEY,
    )
    async with AsyncExitStack() as stack:
        app = create_app("tracking", settings)
        await stack.enter_async_context(app.router.lifespan_context(app))
        http = await stack.enter_async_context(
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
        )
        probe = EventProbe(pulsar_lite.url, namespace)
        await stack.enter_async_context(started(probe.broker))
        id_campana, _ = await provisionar(probe, campana_creada(id_marca=MARCA_A))
        yield Mundo(http, {"id_campana": id_campana, "id_marca": MARCA_A})


@pytest.mark.parametrize("rol", ROLES)
@pytest.mark.parametrize("ruta", MATRIZ, ids=str)
async def test_each_caller_gets_the_status_the_policy_says(
    mundo: Mundo, ruta: Ruta, rol: str
) -> None:
    ids = dict(mundo.ids)
    if ruta.clave_nueva:
        ids["id_clave"] = await mundo.clave_nueva()
    respuesta = await mundo.http.request(
        ruta.metodo,
        ruta.ruta.format(**ids),
        json=ruta.cuerpo(ids) if ruta.cuerpo else None,
        headers=mundo.headers(rol),
    )

    assert respuesta.status_code == ruta.esperado(rol), respuesta.text
    if respuesta.status_code == 401:
        assert respuesta.headers["WWW-Authenticate"].startswith("Bearer ")


def test_the_table_names_every_route_of_tracking() -> None:
    documento = create_app(
        "tracking", Settings(service="tracking", auth_hs256_secret=TEST_KEY)
    ).openapi()
    rutas = {
        (metodo.upper(), ruta)
        for ruta, operaciones in documento["paths"].items()
        for metodo, operacion in operaciones.items()
        if operacion.get(POLICY) != "public"
    }
    assert rutas == {(r.metodo, r.ruta) for r in MATRIZ}


def test_ingestion_declares_its_three_credentials_as_alternatives() -> None:
    documento = create_app(
        "tracking", Settings(service="tracking", auth_hs256_secret=TEST_KEY)
    ).openapi()
    uno = documento["paths"]["/tracking/evento"]["post"]["security"]
    lote = documento["paths"]["/tracking/eventos"]["post"]["security"]
    assert uno == [{"bearer": ["admin", "tracker"]}, {"ingestKey": []}, {"signedCode": []}]
    assert lote == [{"bearer": ["admin", "tracker"]}, {"ingestKey": []}]
