"""A small client of the platform's HTTP API, as a user (or the seed's Postman) drives it."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import httpx

from tests.helpers import eventually, seed_request

if TYPE_CHECKING:
    from tests.e2e.conftest import Platform


def campaign_body(
    *,
    id_marca: str | None = None,
    presupuesto: float = 15000,
    influencers: list[dict[str, Any]] | None = None,
    nombre: str = "Campaña de Verano 2024",
) -> dict[str, Any]:
    """The seed's example request, with fresh ids unless given."""
    body = seed_request("crear campaña")
    body["marca"]["id_marca"] = id_marca or str(uuid.uuid4())
    if influencers is None:
        tag = uuid.uuid4().hex[:8]
        influencers = [{**i, "nombre": f"{i['nombre']} {tag}"} for i in body["influencers"]]
    return body | {"nombre": nombre, "presupuesto": presupuesto, "influencers": influencers}


class Api:
    def __init__(self, platform: Platform, client: httpx.AsyncClient) -> None:
        self.p = platform
        self.http = client

    def url(self, service: str, path: str) -> str:
        return f"{self.p.url(service)}{path}"

    async def get(self, service: str, path: str, **kw: Any) -> httpx.Response:
        return await self.http.get(self.url(service, path), **kw)

    async def post(self, service: str, path: str, json: Any = None, **kw: Any) -> httpx.Response:
        return await self.http.post(self.url(service, path), json=json, **kw)

    async def patch(self, service: str, path: str, json: Any) -> httpx.Response:
        return await self.http.patch(self.url(service, path), json=json)

    async def create_campaign(self, body: dict[str, Any]) -> dict[str, Any]:
        r = await self.post("afiliaciones", "/afiliaciones/campana", body)
        assert r.status_code == 201, r.text
        return r.json()  # type: ignore[no-any-return]

    async def campaign(self, id_campana: str) -> dict[str, Any]:
        r = await self.get("afiliaciones", f"/afiliaciones/campana/{id_campana}")
        assert r.status_code == 200, r.text
        return r.json()  # type: ignore[no-any-return]

    async def saga(self, id_campana: str) -> dict[str, Any]:
        r = await self.get("afiliaciones", f"/afiliaciones/campana/{id_campana}/saga")
        assert r.status_code == 200, r.text
        return r.json()  # type: ignore[no-any-return]

    async def wait_saga(
        self, id_campana: str, estado_saga: str, timeout: float = 45
    ) -> dict[str, Any]:
        async def reached() -> dict[str, Any] | None:
            saga = await self.saga(id_campana)
            return saga if saga["estado_saga"] == estado_saga else None

        return await eventually(
            reached, timeout=timeout, interval=0.1, message=f"saga {estado_saga}"
        )

    async def brand(self, id_marca: str) -> dict[str, Any]:
        r = await self.get("marca", f"/marca/marcas/{id_marca}")
        assert r.status_code == 200, r.text
        return r.json()  # type: ignore[no-any-return]

    async def create_brand(self, presupuesto_total: float, **extra: Any) -> dict[str, Any]:
        r = await self.post(
            "marca",
            "/marca/marcas",
            {"nombre": "Marca de prueba", "presupuesto_total": presupuesto_total, **extra},
        )
        assert r.status_code == 201, r.text
        return r.json()  # type: ignore[no-any-return]

    async def create_influencer(self, nombre: str, plataforma: str = "Instagram") -> dict[str, Any]:
        r = await self.post(
            "influencer",
            "/influencer/influencers",
            {"nombre": nombre, "plataforma": plataforma, "seguidores": 1000, "categoria": "Moda"},
        )
        assert r.status_code == 201, r.text
        return r.json()  # type: ignore[no-any-return]

    async def influencer_by_name(self, nombre: str) -> dict[str, Any]:
        r = await self.get("influencer", "/influencer/influencers", params={"nombre": nombre})
        assert r.status_code == 200, r.text
        found = [i for i in r.json()["influencers"] if i["nombre"] == nombre]
        assert len(found) == 1, r.json()
        return found[0]  # type: ignore[no-any-return]

    async def codes(self, id_campana: str) -> list[dict[str, Any]]:
        r = await self.get("tracking", f"/tracking/campanas/{id_campana}/codigos")
        assert r.status_code == 200, r.text
        body = r.json()
        return body["codigos"] if isinstance(body, dict) else body  # type: ignore[no-any-return]


CONFIRMATION_EVENTS = (
    "PresupuestoReservado",
    "InfluencersAsignados",
    "TrackingHabilitado",
    "CampanaConfirmada",
)


def assert_confirmed_once(saga: dict[str, Any]) -> None:
    """The saga's timeline holds each event of its confirmation exactly once."""
    eventos = [e["evento"] for e in saga["linea_de_tiempo"]]
    for name in CONFIRMATION_EVENTS:
        assert eventos.count(name) == 1, eventos
