"""Idempotent HTTP writes: the ``Idempotency-Key`` header (docs/adr/0007).

A client that did not hear the answer to a write (a timeout, a dropped connection) sends it
again with the same key and gets the first answer, status and body, with no second effect:

- the key is claimed in the write's own transaction, before the work: a request racing with
  the same key waits on the claim's row until the first commits, then answers its response;
  if the first fails (rolls back), the second does the work itself;
- the response is stored in the same transaction as the effect, so there is never an effect
  without its stored answer, or an answer without its effect;
- the same key with another request (method, path or body) is a 422;
- only successful answers are stored: an error changed nothing, and repeating the request
  gives the same error (or, once the cause is gone, the success).

Keys are kept ``idempotency_retention_hours`` (24 h by default, ``alpes.retention`` prunes
them).
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert

from .auth import Principal, authenticated
from .service import ServiceDep

if TYPE_CHECKING:
    from .db import Database, UnitOfWork

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"


class ClaveReutilizada(Exception):
    """An ``Idempotency-Key`` already used for another request."""

    def __init__(self, clave: str) -> None:
        super().__init__(
            f"{HEADER} {clave!r} was already used for a different request; use a new key"
        )


@dataclass(frozen=True)
class IdempotentWrite:
    """One write request, with its ``Idempotency-Key`` if the client sent one."""

    db: Database
    key: str | None
    method: str
    path: str
    owner: str | None = None
    """Whose keys these are (``role:subject`` of a brand's or tracker's token): each caller has
    keys of its own, so one cannot replay, block or detect another's. None: an operator (and
    every request without authentication), whose keys are stored as they are."""

    @property
    def stored_key(self) -> str | None:
        """The key as it is stored: the client's, or a digest of it with its owner."""
        if self.key is None or self.owner is None:
            return self.key
        return "~" + hashlib.sha256(f"{self.owner}\x00{self.key}".encode()).hexdigest()

    async def run(
        self,
        work: Callable[[Any], Awaitable[Any]],
        *,
        response: type[BaseModel],
        body: BaseModel | None = None,
        status_code: int = 200,
    ) -> JSONResponse:
        """Run ``work`` in one unit of work and answer its result as ``response``; or, for a
        key seen before with the same request, answer what that request was answered."""
        key = self.stored_key
        async with self.db.unit_of_work() as uow:
            if key is not None:
                fingerprint = self._fingerprint(body)
                previous = await _claim(uow, key, fingerprint, shown=self.key)
                if previous is not None:
                    estado_http, respuesta = previous
                    return JSONResponse(respuesta, estado_http, headers={REPLAYED: "true"})
            result = response.model_validate(await work(uow)).model_dump(mode="json")
            if key is not None:
                await _remember(uow, key, status_code, result)
        return JSONResponse(result, status_code)

    async def answered(self) -> bool:
        """Whether a request with this key was answered before: running it again only
        replays that answer (a route that refuses new work, under load say, can still let
        it through)."""
        key = self.stored_key
        if key is None:
            return False
        table = self.db.idempotency
        async with self.db.sessions() as session:
            query = select(table.c.key).where(table.c.key == key)
            return (await session.execute(query)).first() is not None

    def _fingerprint(self, body: BaseModel | None) -> str:
        content = body.model_dump_json() if body is not None else ""
        return hashlib.sha256(f"{self.method} {self.path}\n{content}".encode()).hexdigest()


async def _claim(
    uow: UnitOfWork, key: str, fingerprint: str, *, shown: str | None
) -> tuple[int, Any] | None:
    """Claim ``key`` for this transaction; the stored answer when it was claimed before."""
    table = uow.db.idempotency
    claimed = await uow.session.execute(
        insert(table)
        .values(key=key, fingerprint=fingerprint, status_code=0, response={})
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(table.c.key)
    )
    if claimed.first() is not None:
        return None
    row = (
        await uow.session.execute(
            select(table.c.fingerprint, table.c.status_code, table.c.response).where(
                table.c.key == key
            )
        )
    ).one()
    if row.fingerprint != fingerprint:
        raise ClaveReutilizada(shown or key)
    return row.status_code, row.response


async def _remember(uow: UnitOfWork, key: str, status_code: int, body: Any) -> None:
    table = uow.db.idempotency
    await uow.session.execute(
        update(table).where(table.c.key == key).values(status_code=status_code, response=body)
    )


async def _idempotent_write(
    request: Request,
    service: ServiceDep,
    quien: Annotated[Principal, Depends(authenticated)],
    key: Annotated[
        str | None,
        Header(
            alias=HEADER,
            min_length=1,
            max_length=200,
            pattern=r"^[\x21-\x7e]+$",
            description="Any unique string (a UUID, say): a retry with the same key and the "
            "same body gets the first answer and changes nothing; kept at least 24 h",
        ),
    ] = None,
) -> IdempotentWrite:
    owner = None if quien.admin else f"{quien.role.value}:{quien.subject}"
    return IdempotentWrite(service.db, key, request.method, request.url.path, owner)


Escritura = Annotated[IdempotentWrite, Depends(_idempotent_write)]
"""FastAPI dependency of a write route that honours ``Idempotency-Key``."""
