"""Brands on influencer: they browse the influencers to choose whom to hire, but registering
and (de)activating them is an operator's, and an influencer's campaigns (other brands' too) are
an admin's to see."""

from __future__ import annotations

from tests.auth import as_marca
from tests.integration.conftest import RunningService
from tests.integration.influencer.conftest import registrar


async def test_a_brand_browses_influencers_but_does_not_manage_them(
    influencer: RunningService,
) -> None:
    http, nike = influencer.http, as_marca("nike")
    ana = await registrar(influencer, "Ana García")

    lista = await http.get("/influencer/influencers", headers=nike)
    assert lista.status_code == 200
    assert [i["id_influencer"] for i in lista.json()["influencers"]] == [ana["id_influencer"]]
    una = await http.get(f"/influencer/influencers/{ana['id_influencer']}", headers=nike)
    assert (una.status_code, una.json()) == (200, ana)

    desactivar = await http.patch(
        f"/influencer/influencers/{ana['id_influencer']}", json={"activo": False}, headers=nike
    )
    assert desactivar.status_code == 403
    nueva = {"nombre": "Eva", "plataforma": "TikTok", "seguidores": 5, "categoria": "Moda"}
    assert (await http.post("/influencer/influencers", json=nueva, headers=nike)).status_code == 403
    campanas = await http.get(
        f"/influencer/influencers/{ana['id_influencer']}/campanas", headers=nike
    )
    assert campanas.status_code == 403

    # nothing changed
    assert (await http.get(f"/influencer/influencers/{ana['id_influencer']}")).json() == ana
    assert (await http.get("/influencer/influencers")).json()["total"] == 1
