"""The platform as a user sees it: fan-out to every projection, exact counters, bad input, the seed's Postman."""

from __future__ import annotations

import asyncio
import json
import subprocess
from pathlib import Path

import pytest

from tests.e2e.api import Api, campaign_body
from tests.e2e.conftest import Platform
from tests.helpers import eventually

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "tests" / "seed"  # the seed's own Postman files, unchanged (README.md there)


async def test_a_campaign_created_over_http_reaches_every_projection(api: Api) -> None:
    body = campaign_body()
    campaign = await api.create_campaign(body)
    id_marca = body["marca"]["id_marca"]

    async def in_marca() -> bool:
        r = await api.get("marca", f"/marca/marcas/{id_marca}/campanas")
        return r.status_code == 200 and campaign["id"] in {
            c["id_campana"] for c in r.json()["campanas"]
        }

    async def in_influencer() -> bool:
        r = await api.get(
            "influencer",
            "/influencer/influencers",
            params={"nombre": body["influencers"][0]["nombre"]},
        )
        if r.status_code != 200 or not r.json()["influencers"]:
            return False
        id_influencer = r.json()["influencers"][0]["id_influencer"]
        r = await api.get("influencer", f"/influencer/influencers/{id_influencer}/campanas")
        return campaign["id"] in {c["id_campana"] for c in r.json()["campanas"]}

    async def in_tracking() -> bool:
        r = await api.get("tracking", f"/tracking/metricas/{campaign['id']}")
        return r.status_code == 200 and r.json()["id_marca"] == id_marca

    await eventually(in_marca, message="marca projection")
    await eventually(in_influencer, message="influencer projection")
    await eventually(in_tracking, message="tracking projection")
    brand = await api.brand(id_marca)
    assert brand["nombre"] == "Nike", "a brand first seen in the event is registered from it"


async def test_tracking_counters_are_exact_under_1000_concurrent_events(api: Api) -> None:
    campaign = await api.create_campaign(campaign_body())
    await api.wait_saga(campaign["id"], "completada")
    codes = await api.codes(campaign["id"])
    kinds = ["vista"] * 500 + ["clic"] * 300 + ["conversion"] * 200
    limit = asyncio.Semaphore(64)

    async def send(i: int, kind: str) -> int:
        datos = (
            {"usuario": f"u{i}", "valor_compra": 2.5}
            if kind == "conversion"
            else {"usuario": f"u{i}"}
        )
        event = {
            "id_campana": campaign["id"],
            "tipo_evento": kind,
            "datos": datos,
            "codigo": codes[i % 2]["codigo"],
        }
        async with limit:
            return (await api.post("tracking", "/tracking/evento", event)).status_code

    statuses = await asyncio.gather(*(send(i, k) for i, k in enumerate(kinds)))
    assert statuses.count(201) == 1000, {s: statuses.count(s) for s in set(statuses)}
    metrics = (await api.get("tracking", f"/tracking/metricas/{campaign['id']}")).json()
    assert (metrics["vistas"], metrics["clics"], metrics["conversiones"]) == (500, 300, 200)
    assert float(metrics["valor_conversiones"]) == 500.0
    assert (
        sum(i["vistas"] + i["clics"] + i["conversiones"] for i in metrics["por_influencer"]) == 1000
    )
    listed = await api.get("tracking", f"/tracking/eventos/{campaign['id']}", params={"limit": 10})
    assert len(listed.json()) == 10 and listed.headers["X-Total-Count"] == "1000"


@pytest.mark.parametrize(
    ("service", "path", "payload"),
    [
        ("afiliaciones", "/afiliaciones/campana", b"{not json"),
        ("afiliaciones", "/afiliaciones/campana", {"nombre": 5, "presupuesto": "mucho"}),
        ("afiliaciones", "/afiliaciones/campana", {**campaign_body(), "presupuesto": -1}),
        (
            "afiliaciones",
            "/afiliaciones/campana",
            {**campaign_body(), "fecha_fin": "2024-01-01T00:00:00"},
        ),
        ("afiliaciones", "/afiliaciones/campana", {**campaign_body(), "tipo": "tipo_invalido"}),
        ("afiliaciones", "/afiliaciones/campana", b"[" + b"1," * 2_000_000 + b"1]"),
        ("marca", "/marca/marcas", {"nombre": "", "presupuesto_total": -5}),
        (
            "influencer",
            "/influencer/influencers",
            {"nombre": "x", "plataforma": "y", "seguidores": "muchos"},
        ),
        (
            "tracking",
            "/tracking/evento",
            {"id_campana": "nope", "tipo_evento": "vista", "datos": {}},
        ),
        (
            "tracking",
            "/tracking/evento",
            {"id_campana": "nope", "tipo_evento": "baile", "datos": {}},
        ),
    ],
    ids=[
        "malformed-json",
        "wrong-types",
        "negative-budget",
        "dates-reversed",
        "unknown-tipo",
        "huge-body",
        "bad-brand",
        "bad-influencer",
        "unknown-campaign",
        "unknown-tipo-evento",
    ],
)
async def test_bad_input_gets_a_clear_4xx_and_changes_nothing(
    api: Api, service: str, path: str, payload: object
) -> None:
    before = (await api.get("afiliaciones", "/afiliaciones/campanas")).json()["total"]
    if isinstance(payload, bytes):
        r = await api.http.post(
            api.url(service, path), content=payload, headers={"content-type": "application/json"}
        )
    else:
        r = await api.post(service, path, payload)
    assert 400 <= r.status_code < 500, (r.status_code, r.text)
    assert r.json()["detail"], r.text
    assert (await api.get("afiliaciones", "/afiliaciones/campanas")).json()["total"] == before


async def test_unknown_ids_are_404(api: Api) -> None:
    missing = "00000000-0000-0000-0000-000000000000"
    for service, path in [
        ("afiliaciones", f"/afiliaciones/campana/{missing}"),
        ("afiliaciones", f"/afiliaciones/saga/{missing}/estado"),
        ("marca", f"/marca/marcas/{missing}"),
        ("influencer", f"/influencer/influencers/{missing}"),
        ("tracking", f"/tracking/metricas/{missing}"),
        ("tracking", f"/tracking/eventos/{missing}"),
    ]:
        r = await api.get(service, path)
        assert r.status_code == 404, (path, r.status_code, r.text)


def test_the_seeds_postman_collection_runs_green_with_newman(
    platform: Platform, tmp_path: Path
) -> None:
    """The seed's own collection, as a client: all 22 requests answer as the seed documents.

    The environment file's non-empty values are passed one by one, base URLs pointed at
    this platform: its empty ``campana_id`` would outrank the collection variable that the
    collection's own test scripts set from the created campaign, so every ``{{campana_id}}``
    request would go out without an id.
    """
    newman = ROOT / "tools" / "newman" / "node_modules" / ".bin" / "newman"
    assert newman.exists(), "newman is installed by scripts/setup"
    env_file = json.loads((SEED / "Alpes Partners.postman_environment.json").read_text())
    values = {
        v["key"]: v["value"] for v in env_file["values"] if v.get("enabled", True) and v["value"]
    }
    assert "campana_id" not in values
    for name in ("afiliaciones", "marca", "influencer", "tracking"):
        values[f"base_url_{name}"] = platform.url(name)
    report = tmp_path / "newman.json"
    cmd = [
        str(newman), "run", str(SEED / "Alpes Partners.postman_collection.json"),
        "--reporters", "cli,json", "--reporter-json-export", str(report),
    ]  # fmt: skip
    for key, value in values.items():
        cmd += ["--env-var", f"{key}={value}"]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    run = json.loads(report.read_text())["run"]
    assert not run["failures"], run["failures"]
    answers = [
        (e["item"]["name"], "/".join(e["request"]["url"]["path"]), e["response"]["code"])
        for e in run["executions"]
    ]
    assert run["stats"]["requests"] == {"total": 22, "pending": 0, "failed": 0}, answers
    assert len(answers) == 22, answers
    codes = [code for _, _, code in answers]
    # health x4; create, get, list; saga create, state, history, stats;
    # six tracking events and their list; then the four error cases of the seed
    assert codes[:4] == [200] * 4, answers
    assert codes[4:7] == [201, 200, 200], answers
    # The saga answers 200 with its outcome (the seed's shape), so the collection keeps its
    # `id_saga` and asks for that saga's state.
    assert codes[7:11] == [200] * 4, answers[7:11]
    saga = json.loads(bytes(run["executions"][7]["response"]["stream"]["data"]))
    assert (saga["estado_saga"], saga["saga_exitosa"]) == ("completada", True), saga
    assert answers[8][1] == f"afiliaciones/saga/{saga['id_saga']}/estado", answers[8]
    assert codes[11:17] == [201] * 6 and codes[17] == 200, answers
    assert codes[18:] == [422, 422, 422, 404], answers
