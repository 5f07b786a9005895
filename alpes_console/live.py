"""The live feed: the console reads afiliaciones' saga timeline (``/afiliaciones/sagas/historial``,
newest first) every ``poll_seconds`` with the caller's credentials, and pushes to the browser,
as server-sent events, every line it has not pushed yet, then each campaign those lines touched
as it is now.

Events (``event:`` name, JSON ``data``):

- ``listo``: the feed is following (sent first, and again after afiliaciones came back);
- ``linea``: a new timeline line (``id_saga``, ``id_campana``, ``evento``, ``origen``,
  ``ocurrido_en``, ``motivo``, with its lane ``carril`` and kind ``tipo``), oldest first;
- ``campana``: a campaign a new line touched, as ``GET /afiliaciones/campana/{id}`` shows it;
- ``desconectado``: afiliaciones does not answer (the feed keeps trying);
- ``error``: afiliaciones refused the caller (``status`` 401/403): the feed ends.

Each connection follows with its own credentials, so a brand's feed has its campaigns only.
A line that lands with an ``ocurrido_en`` older than the newest ``PAGES x PAGE`` lines of the
timeline is not pushed (the campaign's next line still is).
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import AsyncIterator, Mapping
from typing import Any

from fastapi.sse import ServerSentEvent

from .saga import annotate_line
from .upstream import Unreachable, Upstream

PAGE = 100
"""Lines read per request."""
PAGES = 5
"""Pages read back in one poll while every line is new (a burst)."""
REMEMBERED = 5000
"""Lines remembered as pushed."""
HISTORIAL = "/afiliaciones/sagas/historial"


class Refused(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def line_key(line: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(str(line.get(k)) for k in ("id_saga", "evento", "origen", "ocurrido_en", "motivo"))


class Seen:
    """The keys of the last ``size`` lines pushed (or known when the feed started)."""

    def __init__(self, size: int = REMEMBERED) -> None:
        self._keys: OrderedDict[tuple[str, ...], None] = OrderedDict()
        self._size = size

    def __contains__(self, key: tuple[str, ...]) -> bool:
        return key in self._keys

    def __len__(self) -> int:
        return len(self._keys)

    def add(self, key: tuple[str, ...]) -> None:
        self._keys[key] = None
        self._keys.move_to_end(key)
        while len(self._keys) > self._size:
            self._keys.popitem(last=False)


async def _page(
    upstream: Upstream, headers: Mapping[str, str], cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    r = await upstream.call(
        "afiliaciones", "GET", HISTORIAL, headers=headers, params={"limit": PAGE, "cursor": cursor}
    )
    if r.status_code in (401, 403):
        raise Refused(r.status_code, r.json().get("detail", r.text))
    r.raise_for_status()
    body = r.json()
    return list(body["historial"]), body.get("siguiente")


async def new_lines(
    upstream: Upstream, headers: Mapping[str, str], seen: Seen
) -> list[dict[str, Any]]:
    """The timeline's lines not in ``seen``, oldest first (read back while all are new)."""
    fresh: list[dict[str, Any]] = []
    cursor: str | None = None
    for _ in range(PAGES):
        lines, cursor = await _page(upstream, headers, cursor)
        unseen = [line for line in lines if line_key(line) not in seen]
        fresh += unseen
        if len(unseen) < len(lines) or cursor is None:
            break
    fresh.reverse()
    return fresh


async def feed(
    upstream: Upstream, headers: Mapping[str, str], poll_seconds: float
) -> AsyncIterator[ServerSentEvent]:
    """The live feed of one connection (module docstring)."""
    seen = Seen()
    started = False  # the first timeline read is history: it is remembered, not pushed
    following = False
    polls = 0
    while True:
        if polls:
            await asyncio.sleep(poll_seconds)  # the poll's period
        polls += 1
        try:
            lines = await new_lines(upstream, headers, seen)
        except Refused as refused:
            yield ServerSentEvent(
                event="error", data={"status": refused.status, "detail": refused.detail}
            )
            return
        except (Unreachable, ValueError, KeyError) as exc:
            if following or polls == 1:
                yield ServerSentEvent(event="desconectado", data={"detail": str(exc)})
            following = False
            continue
        for line in lines:
            seen.add(line_key(line))
        if not following:
            following = True
            yield ServerSentEvent(event="listo", data={"lineas_conocidas": len(seen)})
        if not started:
            started = True
            continue
        for line in lines:
            yield ServerSentEvent(event="linea", data=annotate_line(line))
        for id_campana in dict.fromkeys(str(line["id_campana"]) for line in lines):
            campaign = await _campaign(upstream, headers, id_campana)
            if campaign is not None:
                yield ServerSentEvent(event="campana", data=campaign)


async def _campaign(
    upstream: Upstream, headers: Mapping[str, str], id_campana: str
) -> dict[str, Any] | None:
    try:
        r = await upstream.call(
            "afiliaciones", "GET", f"/afiliaciones/campana/{id_campana}", headers=headers
        )
    except Unreachable:
        return None
    return r.json() if r.status_code == 200 else None
