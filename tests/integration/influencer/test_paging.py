"""influencer's list pages by cursor (``siguiente``, passed back as ``cursor``): every
influencer once, in the list's order, and a cursor that is not one of the list's is a 422."""

from __future__ import annotations

from tests.integration.conftest import RunningService
from tests.integration.support import read

from .conftest import registrar

URL = "/influencer/influencers"


async def test_paging_influencers_by_cursor_sees_every_one_once_in_order(
    influencer: RunningService,
) -> None:
    for n in range(7):
        await registrar(influencer, f"Ana {n % 3}", f"Red {n}")  # equal names: the id decides
    todos = await read(influencer, URL, limit=500)

    pagina = await read(influencer, URL, limit=2, nombre="ana")
    vistos = list(pagina["influencers"])
    while pagina["siguiente"] is not None:
        pagina = await read(influencer, URL, limit=2, nombre="ana", cursor=pagina["siguiente"])
        vistos += pagina["influencers"]

    assert vistos == todos["influencers"] and len(vistos) == 7
    assert [i["nombre"] for i in vistos] == sorted(i["nombre"] for i in vistos)


async def test_a_cursor_that_is_not_one_of_the_lists_is_422(influencer: RunningService) -> None:
    for cursor in ("nada", "WyJtYXJjYXMiLCJ4IiwieCJd"):  # ["marcas","x","x"]
        response = await influencer.http.get(URL, params={"cursor": cursor})
        assert response.status_code == 422, response.text
