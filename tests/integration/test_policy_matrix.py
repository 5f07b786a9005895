"""Who may call what: every route of afiliaciones, marca and influencer, called by each kind of
caller, answers the status the policy says (issue 10).

The callers: nobody (no token: 401 with ``WWW-Authenticate``), an admin, brand A (``marca-a``,
which owns the campaign the routes name), brand B (``marca-b``) and a tracker (of A's
campaign). Brand A has a campaign (still running its saga: ``creada``) and an influencer is
registered. The three services run once for the module, each in its own namespace (no saga runs
between them: only the HTTP answers are under test); a write that would change what the next row
sees gets something of its own (a fresh campaign, brand id or influencer name).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from alpes.auth import POLICY
from alpes.cli import create_app
from alpes.infra import EmbeddedPostgres, PulsarLite
from alpes.settings import Settings
from tests.auth import ADMIN, TEST_KEY
from tests.helpers import seed_request
from tests.policy import MARCA_A, MARCA_B, ROLES, Estados, headers


def _campana_de_a() -> dict[str, Any]:
    return seed_request("crear campaña") | {
        "marca": {"id_marca": MARCA_A, "nombre_marca": "Marca A"}
    }


def _marca_nueva() -> dict[str, Any]:
    return {"id_marca": f"m-{uuid.uuid4().hex[:8]}", "nombre": "Nueva", "presupuesto_total": 10}


def _influencer_nuevo() -> dict[str, Any]:
    nombre = f"Influencer {uuid.uuid4().hex[:8]}"
    return {"nombre": nombre, "plataforma": "Instagram", "seguidores": 10, "categoria": "Moda"}


@dataclass(frozen=True)
class Ruta(Estados):
    """A row of the table: :class:`~tests.policy.Estados` and how to call the route."""

    cuerpo: Callable[[], dict[str, Any]] | None = None
    params: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    campana_nueva: bool = False
    """``{id_campana}`` is a campaign of A created for this call (the call changes it)."""

    def __str__(self) -> str:
        query = "?" + "&".join(f"{k}={v}" for k, v in self.params.items()) if self.params else ""
        return f"{self.metodo} {self.ruta}{query}"


# fmt: off
# iniciar and finalizar answer 409 to whoever may call them: the campaign is still creada
MATRIZ: list[Ruta] = [
    #    method   route                                               none admin  A    B  tracker
    # --- afiliaciones ---
    Ruta("POST",  "/afiliaciones/campana",                             401, 201, 201, 403, 403,
         cuerpo=_campana_de_a),
    Ruta("POST",  "/afiliaciones/campana-saga",                        401, 202, 202, 403, 403,
         cuerpo=_campana_de_a, headers={"Prefer": "respond-async"}),
    Ruta("GET",   "/afiliaciones/campana/{id_campana}",                401, 200, 200, 404, 403),
    Ruta("GET",   "/afiliaciones/campana/{id_campana}/saga",           401, 200, 200, 404, 403),
    Ruta("POST",  "/afiliaciones/campana/{id_campana}/iniciar",        401, 409, 409, 404, 403),
    Ruta("POST",  "/afiliaciones/campana/{id_campana}/finalizar",      401, 409, 409, 404, 403),
    Ruta("POST",  "/afiliaciones/campana/{id_campana}/cancelar",       401, 200, 200, 404, 403,
         campana_nueva=True),
    Ruta("GET",   "/afiliaciones/saga/{id_saga}/estado",               401, 200, 200, 404, 403),
    Ruta("GET",   "/afiliaciones/campanas",                            401, 200, 200, 200, 403),
    Ruta("GET",   "/afiliaciones/campanas",                            401, 200, 200, 403, 403,
         params={"id_marca": MARCA_A}),
    Ruta("GET",   "/afiliaciones/sagas",                               401, 200, 200, 200, 403),
    Ruta("GET",   "/afiliaciones/sagas/historial",                     401, 200, 200, 200, 403),
    Ruta("GET",   "/afiliaciones/sagas/estadisticas",                  401, 200, 200, 200, 403),
    # --- marca ---
    Ruta("POST",  "/marca/marcas",                                     401, 201, 403, 403, 403,
         cuerpo=_marca_nueva),
    Ruta("GET",   "/marca/marcas",                                     401, 200, 200, 200, 403),
    Ruta("GET",   "/marca/marcas/{id_marca}",                          401, 200, 200, 404, 403),
    Ruta("PATCH", "/marca/marcas/{id_marca}",                          401, 200, 403, 403, 403,
         cuerpo=lambda: {"presupuesto_total": 1_000_000}),
    Ruta("GET",   "/marca/marcas/{id_marca}/campanas",                 401, 200, 200, 404, 403),
    # --- influencer ---
    Ruta("POST",  "/influencer/influencers",                           401, 201, 403, 403, 403,
         cuerpo=_influencer_nuevo),
    Ruta("GET",   "/influencer/influencers",                           401, 200, 200, 200, 403),
    Ruta("GET",   "/influencer/influencers/{id_influencer}",           401, 200, 200, 200, 403),
    Ruta("PATCH", "/influencer/influencers/{id_influencer}",           401, 200, 403, 403, 403,
         cuerpo=lambda: {"activo": True}),
    Ruta("GET",   "/influencer/influencers/{id_influencer}/campanas",  401, 200, 403, 403, 403),
]
# fmt: on

SERVICIOS = ("afiliaciones", "marca", "influencer")


@dataclass
class Mundo:
    """The three services and what the table's routes name."""

    clientes: dict[str, httpx.AsyncClient]
    ids: dict[str, str]

    def cliente(self, ruta: str) -> httpx.AsyncClient:
        return self.clientes[ruta.split("/")[1]]

    def headers(self, rol: str) -> dict[str, str]:
        return headers(rol, self.ids["id_campana"])

    async def nueva_campana(self) -> dict[str, Any]:
        respuesta = await self.clientes["afiliaciones"].post(
            "/afiliaciones/campana", json=_campana_de_a(), headers=ADMIN
        )
        assert respuesta.status_code == 201, respuesta.text
        return respuesta.json()  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
async def mundo(postgres: EmbeddedPostgres, pulsar_lite: PulsarLite) -> AsyncIterator[Mundo]:
    async with AsyncExitStack() as stack:
        clientes = {}
        for nombre in SERVICIOS:
            database = f"it_matriz_{nombre}_{uuid.uuid4().hex[:8]}"
            postgres.create_database(database)
            settings = Settings(
                service=nombre,
                pulsar_url=pulsar_lite.url,
                database_url=postgres.url(database),
                topic_namespace=f"public/matriz{uuid.uuid4().hex[:10]}",
                database_pool_size=5,
                auth_hs256_secret=TEST_KEY,
                saga_deadline_seconds=3600,  # A's campaign stays creada for the whole module
            )
            app = create_app(nombre, settings)
            await stack.enter_async_context(app.router.lifespan_context(app))
            clientes[nombre] = await stack.enter_async_context(
                httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
            )
        mundo = Mundo(clientes, {"id_marca": MARCA_A})
        for id_marca in (MARCA_A, MARCA_B):
            marca = {"id_marca": id_marca, "nombre": id_marca, "presupuesto_total": 100_000}
            respuesta = await clientes["marca"].post("/marca/marcas", json=marca, headers=ADMIN)
            assert respuesta.status_code == 201, respuesta.text
        campana = await mundo.nueva_campana()
        mundo.ids |= {"id_campana": campana["id"], "id_saga": campana["id_saga"]}
        respuesta = await clientes["influencer"].post(
            "/influencer/influencers", json=_influencer_nuevo(), headers=ADMIN
        )
        assert respuesta.status_code == 201, respuesta.text
        mundo.ids["id_influencer"] = respuesta.json()["id_influencer"]
        yield mundo


@pytest.mark.parametrize("rol", ROLES)
@pytest.mark.parametrize("ruta", MATRIZ, ids=str)
async def test_each_caller_gets_the_status_the_policy_says(
    mundo: Mundo, ruta: Ruta, rol: str
) -> None:
    ids = dict(mundo.ids)
    if ruta.campana_nueva:
        ids["id_campana"] = (await mundo.nueva_campana())["id"]
    respuesta = await mundo.cliente(ruta.ruta).request(
        ruta.metodo,
        ruta.ruta.format(**ids),
        params=ruta.params,
        json=ruta.cuerpo() if ruta.cuerpo else None,
        headers=ruta.headers | mundo.headers(rol),
    )

    assert respuesta.status_code == ruta.esperado(rol), respuesta.text
    if respuesta.status_code == 401:
        assert respuesta.headers["WWW-Authenticate"].startswith("Bearer ")


def test_the_table_names_every_route_of_the_three_services() -> None:
    en_la_tabla = {(r.metodo, r.ruta) for r in MATRIZ}
    rutas = set()
    for nombre in SERVICIOS:
        documento = create_app(
            nombre, Settings(service=nombre, auth_hs256_secret=TEST_KEY)
        ).openapi()
        rutas |= {
            (metodo.upper(), ruta)
            for ruta, operaciones in documento["paths"].items()
            for metodo, operacion in operaciones.items()
            if operacion.get(POLICY) != "public"
        }
    assert rutas == en_la_tabla
