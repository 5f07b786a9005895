"""Clients that retry: the same ``Idempotency-Key`` from 10 concurrent clients, and tracking events
repeated with the same ``id_evento``.

Every client gets the same status and body; the platform does the work once: one campaign, one
reservation, one release, one brand, one influencer, each tracking event counted once. The same
key with another body is a 422.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx

from tests.e2e.api import campaign_body
from tests.faults.support import FaultApi, Started, Verdict, check_sagas, summary

CLIENTS = 10


async def _race(
    api: FaultApi, method: str, service: str, path: str, body: Any, *, key: str
) -> list[httpx.Response]:
    """The same request with the same key from ``CLIENTS`` clients at once."""
    return list(
        await asyncio.gather(
            *(
                api.http.request(
                    method, api.url(service, path), json=body, headers={"Idempotency-Key": key}
                )
                for _ in range(CLIENTS)
            )
        )
    )


def _one_answer(responses: list[httpx.Response], status: int) -> dict[str, Any]:
    """Every client got the same status and the same body; that body."""
    statuses = [r.status_code for r in responses]
    assert statuses == [status] * len(responses), [(r.status_code, r.text) for r in responses]
    first = responses[0].json()
    for r in responses[1:]:
        assert r.json() == first, (first, r.json())
    return first  # type: ignore[no-any-return]


async def test_campaign_created_and_cancelled_by_10_clients_with_one_key(api: FaultApi) -> None:
    body = campaign_body(presupuesto=1000)
    key = str(uuid.uuid4())
    campaign = _one_answer(
        await _race(api, "POST", "afiliaciones", "/afiliaciones/campana", body, key=key), 201
    )
    other = {**body, "presupuesto": 2000}
    r = await api.post(
        "afiliaciones", "/afiliaciones/campana", other, headers={"Idempotency-Key": key}
    )
    assert r.status_code == 422, r.text
    started = Started(body=body, campaign=campaign)
    await api.wait_terminal([started], timeout=45)
    assert (await api.saga(started.id))["estado_saga"] == "completada"
    confirmed = await check_sagas(api, [started])  # one campaign, reserved exactly once

    saga_body = campaign_body(presupuesto=1000)
    answer = _one_answer(
        await _race(
            api,
            "POST",
            "afiliaciones",
            "/afiliaciones/campana-saga",
            saga_body,
            key=str(uuid.uuid4()),
        ),
        202,
    )
    via_saga = Started(body=saga_body, campaign={"id": answer["id_campana"]})

    cancel_key = str(uuid.uuid4())
    path = f"/afiliaciones/campana/{started.id}/cancelar"
    cancelled = _one_answer(
        await _race(api, "POST", "afiliaciones", path, {"motivo": "reintento"}, key=cancel_key), 200
    )
    assert cancelled["estado"] == "cancelada", cancelled
    started.cancelled = True
    await api.wait_terminal([started], timeout=45, compensated=True)
    await api.wait_terminal([via_saga], timeout=45)
    verdict = await check_sagas(api, [started, via_saga])  # released once, nothing left
    verdict.checked += confirmed.checked
    verdict.lost += confirmed.lost
    verdict.doubled += confirmed.doubled
    summary(
        "idempotent-http-campaigns",
        sagas=2,
        faults=f"{CLIENTS}-concurrent-clients-x-one-key(create,campana-saga,cancel)+same-key-other-body",
        checked=f"same-status-and-body,422,{verdict.figures}+1 completada-before-cancel,"
        "one-campaign,one-reservation,one-release",
        verdict=verdict,
    )


async def test_brand_and_influencer_registered_by_10_clients_with_one_key(
    api: FaultApi,
) -> None:
    verdict = Verdict()
    nombre = f"Marca idempotente {uuid.uuid4().hex[:8]}"
    brand = _one_answer(
        await _race(
            api, "POST", "marca", "/marca/marcas",
            {"nombre": nombre, "presupuesto_total": 5000}, key=str(uuid.uuid4()),
        ),
        201,
    )  # fmt: skip
    r = await api.get("marca", "/marca/marcas", params={"limit": 500})
    assert r.status_code == 200, r.text
    verdict.expect(
        "brands registered", sum(1 for m in r.json()["marcas"] if m["nombre"] == nombre), 1
    )
    patched = _one_answer(
        await _race(
            api, "PATCH", "marca", f"/marca/marcas/{brand['id_marca']}",
            {"presupuesto_total": 7000}, key=str(uuid.uuid4()),
        ),
        200,
    )  # fmt: skip
    assert float(patched["presupuesto_total"]) == 7000, patched

    persona = f"Influencer idempotente {uuid.uuid4().hex[:8]}"
    influencer = _one_answer(
        await _race(
            api, "POST", "influencer", "/influencer/influencers",
            {"nombre": persona, "plataforma": "Instagram", "seguidores": 10, "categoria": "Moda"},
            key=str(uuid.uuid4()),
        ),
        201,
    )  # fmt: skip
    verdict.expect("influencers registered", len(await api.influencers_named(persona)), 1)
    _one_answer(
        await _race(
            api, "PATCH", "influencer", f"/influencer/influencers/{influencer['id_influencer']}",
            {"activo": False}, key=str(uuid.uuid4()),
        ),
        200,
    )  # fmt: skip
    verdict.checked = 2
    summary(
        "idempotent-http-registrations",
        sagas=0,
        faults=f"{CLIENTS}-concurrent-clients-x-one-key(brand-create,brand-patch,"
        "influencer-create,influencer-patch)",
        checked="same-status-and-body,one-brand,one-influencer",
        verdict=verdict,
    )


async def test_tracking_events_repeated_with_one_id_evento_count_once(api: FaultApi) -> None:
    body = campaign_body(presupuesto=1000)
    started = await api.start_saga(body)
    await api.wait_terminal([started], timeout=45)
    assert (await api.saga(started.id))["estado_saga"] == "completada"

    def evento(id_evento: str) -> dict[str, Any]:
        return {
            "id_campana": started.id,
            "tipo_evento": "conversion",
            "datos": {"valor_compra": 100},
            "id_evento": id_evento,
        }

    u, v, w = (str(uuid.uuid4()) for _ in range(3))
    alone = _one_answer(
        list(
            await asyncio.gather(
                *(api.post("tracking", "/tracking/evento", evento(u)) for _ in range(CLIENTS))
            )
        ),
        201,
    )
    assert alone["id"] == u, alone
    lote = {"eventos": [evento(u), evento(v), evento(v), evento(w)]}
    r = await api.post("tracking", "/tracking/eventos", lote)
    assert r.status_code == 201, r.text
    first = r.json()
    assert first["ids"] == [u, v, v, w], first
    assert (first["nuevos"], first["repetidos"]) == (2, 2), first
    assert first["eventos"][0] == alone, first
    r = await api.post("tracking", "/tracking/eventos", lote)  # the whole bulk retried
    assert r.status_code == 201, r.text
    assert r.json()["eventos"] == first["eventos"] and r.json()["nuevos"] == 0, r.json()

    verdict = Verdict(checked=1)
    r = await api.get("tracking", f"/tracking/metricas/{started.id}")
    assert r.status_code == 200, r.text
    metricas = r.json()
    verdict.expect("conversions counted", metricas["conversiones"], 3)
    verdict.expect("conversion value", metricas["valor_conversiones"], 300)
    verdict.expect("events counted", metricas["total_eventos"], 3)
    r = await api.get("tracking", f"/tracking/eventos/{started.id}")
    assert r.status_code == 200, r.text
    verdict.expect("events stored", int(r.headers["x-total-count"]), 3)
    verdict.expect("events listed", len(r.json()), 3)
    summary(
        "idempotent-tracking",
        sagas=1,
        faults=f"one-id_evento-x{CLIENTS}-concurrent+repeated-in-a-bulk+twice-in-one-bulk"
        "+bulk-retried",
        checked="same-status-and-body,3-conversions-counted-once,metrics+event-list",
        verdict=verdict,
    )
