"""Per-campaign ingest keys on PostgreSQL (``claves_ingesta``) and the one fact about a campaign
that authorization needs: its brand.

A key is 32 random bytes, URL-safe, after the prefix ``tk_``; only its sha256 is stored, so the
table lets nobody post events. A key is found by its hash (a unique index), then the hashes are
compared once more in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from tracking_svc.adapters.orm import claves_ingesta

PREFIJO = "tk_"
LARGO_PREFIJO = 10
"""Characters of a key shown again in lists (``tk_`` and 7 more): enough to tell keys apart."""


def resumen(clave: str) -> str:
    """What is stored of a key: its sha256, hex."""
    return hashlib.sha256(clave.encode()).hexdigest()


@dataclass(frozen=True)
class ClaveIngesta:
    id: uuid.UUID
    id_campana: str
    prefijo: str
    creada_en: datetime

    def como_json(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "id_campana": self.id_campana,
            "prefijo": self.prefijo,
            "creada_en": self.creada_en.isoformat(),
        }


async def crear(session: AsyncSession, id_campana: str) -> tuple[ClaveIngesta, str]:
    """A new key of the campaign, stored hashed: the key and its plaintext (shown once)."""
    plano = PREFIJO + secrets.token_urlsafe(32)
    clave = ClaveIngesta(uuid.uuid4(), id_campana, plano[:LARGO_PREFIJO], datetime.now(UTC))
    await session.execute(
        claves_ingesta.insert().values(
            id=clave.id,
            id_campana=id_campana,
            prefijo=clave.prefijo,
            hash=resumen(plano),
            creada_en=clave.creada_en,
        )
    )
    return clave, plano


async def vigentes(session: AsyncSession, id_campana: str) -> list[ClaveIngesta]:
    """The campaign's keys not revoked, oldest first (without the keys themselves)."""
    k = claves_ingesta.c
    rows = await session.execute(
        select(k.id, k.id_campana, k.prefijo, k.creada_en)
        .where(k.id_campana == id_campana, k.revocada_en.is_(None))
        .order_by(k.creada_en, k.id)
    )
    return [ClaveIngesta(*row) for row in rows]


async def revocar(session: AsyncSession, id_campana: str, id_clave: uuid.UUID) -> str | None:
    """Revoke the campaign's key ``id_clave``: its hash, or None if it has no such live key."""
    k = claves_ingesta.c
    row = (
        await session.execute(
            update(claves_ingesta)
            .where(k.id == id_clave, k.id_campana == id_campana, k.revocada_en.is_(None))
            .values(revocada_en=datetime.now(UTC))
            .returning(k.hash)
        )
    ).first()
    return None if row is None else row[0]


async def buscar(engine: AsyncEngine, plano: str) -> tuple[str, str] | None:
    """The (id, campaign) of the live key ``plano``; None for an unknown or revoked one."""
    buscado = resumen(plano)
    k = claves_ingesta.c
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                select(k.hash, k.id, k.id_campana).where(k.hash == buscado, k.revocada_en.is_(None))
            )
        ).first()
    if row is None or not hmac.compare_digest(row.hash, buscado):
        return None
    return f"{row.id}", row.id_campana
