"""The HTTP API of influencer: requests become commands or queries, nothing more.

Who may call (``alpes.auth``): registering and (de)activating influencers are an admin's; brands
read the influencers (they choose whom to hire); an influencer's campaigns, which are other
brands' too, are an admin's only.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, StrictInt

from alpes.auth import Admin, AdminOrMarca
from alpes.http import PaginaOut
from alpes.idempotency import Escritura
from alpes.paging import PedidoDePagina
from alpes.service import ServiceDep
from contracts import limites
from influencer_svc.adapters import queries
from influencer_svc.application import handlers
from influencer_svc.application.commands import CambiarActividad, RegistrarInfluencer
from influencer_svc.application.errors import InfluencerNoEncontrado
from influencer_svc.application.ports import InfluencerUnitOfWork
from influencer_svc.domain.model import (
    LONGITUD_MAXIMA_CATEGORIA,
    LONGITUD_MAXIMA_NOMBRE,
    LONGITUD_MAXIMA_PLATAFORMA,
)

router = APIRouter(prefix="/influencer", tags=["influencer"])

MAX_ID = 64
MAX_SEGUIDORES = limites.SEGUIDORES_MAXIMO


def _sin_nul(texto: str) -> str:
    if "\x00" in texto:
        raise ValueError("no puede contener el caracter NUL")
    return texto


Texto = Annotated[str, AfterValidator(_sin_nul)]


class InfluencerNuevo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nombre: Texto = Field(min_length=1, max_length=LONGITUD_MAXIMA_NOMBRE)
    plataforma: Texto = Field(min_length=1, max_length=LONGITUD_MAXIMA_PLATAFORMA)
    seguidores: StrictInt = Field(ge=0, le=MAX_SEGUIDORES)
    categoria: Texto = Field(max_length=LONGITUD_MAXIMA_CATEGORIA)


class CambioInfluencer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    activo: StrictBool


class InfluencerVista(BaseModel):
    id_influencer: str
    nombre: str
    plataforma: str
    seguidores: int
    categoria: str
    activo: bool
    campanas_activas: int


class InfluencersPagina(PaginaOut):
    influencers: list[InfluencerVista]


class CampanaVista(BaseModel):
    id_campana: str
    estado: str


class CampanasPagina(PaginaOut):
    campanas: list[CampanaVista]


PaginaDeInfluencers = Annotated[PedidoDePagina, Depends(queries.INFLUENCERS.pedido(limite=100))]
PaginaDeCampanas = Annotated[PedidoDePagina, Depends(queries.CAMPANAS.pedido(limite=100))]


def _id(id_influencer: str) -> str:
    """An id that cannot exist is simply not found (and never reaches the database)."""
    if len(id_influencer) > MAX_ID or "\x00" in id_influencer:
        raise InfluencerNoEncontrado(id_influencer[:MAX_ID].replace("\x00", ""))
    return id_influencer


@router.post("/influencers", status_code=201, response_model=InfluencerVista)
async def registrar_influencer(
    quien: Admin, body: InfluencerNuevo, escritura: Escritura
) -> JSONResponse:
    """Register an influencer; 409 if (nombre, plataforma) exists (case-insensitive)."""

    async def registrar(uow: InfluencerUnitOfWork) -> dict[str, Any]:
        comando = RegistrarInfluencer(**body.model_dump())
        return queries.vista(await handlers.registrar_influencer(comando, uow))

    return await escritura.run(registrar, body=body, response=InfluencerVista, status_code=201)


@router.get("/influencers", response_model=InfluencersPagina)
async def listar_influencers(
    quien: AdminOrMarca,
    service: ServiceDep,
    *,
    nombre: Annotated[Texto | None, Query(max_length=LONGITUD_MAXIMA_NOMBRE)] = None,
    plataforma: Annotated[Texto | None, Query(max_length=LONGITUD_MAXIMA_PLATAFORMA)] = None,
    pagina: PaginaDeInfluencers,
) -> dict[str, Any]:
    """Influencers whose nombre contains ``nombre`` (case-insensitive), on ``plataforma``;
    ``siguiente`` is the cursor of the next page (pass it as ``cursor``)."""
    async with service.db.sessions() as session:
        return await queries.influencers_filtrados(
            session,
            nombre=nombre,
            plataforma=plataforma,
            pedido=pagina,
        )


@router.get("/influencers/{id_influencer}", response_model=InfluencerVista)
async def obtener_influencer(
    quien: AdminOrMarca, id_influencer: str, service: ServiceDep
) -> dict[str, Any]:
    async with service.db.sessions() as session:
        encontrado = await queries.influencer(session, _id(id_influencer))
    if encontrado is None:
        raise InfluencerNoEncontrado(id_influencer)
    return encontrado


@router.patch("/influencers/{id_influencer}", response_model=InfluencerVista)
async def cambiar_influencer(
    quien: Admin, id_influencer: str, body: CambioInfluencer, escritura: Escritura
) -> JSONResponse:
    """``{"activo": false}`` deactivates: no new campaigns (current ones keep it)."""
    comando = CambiarActividad(id_influencer=_id(id_influencer), activo=body.activo)

    async def cambiar(uow: InfluencerUnitOfWork) -> dict[str, Any]:
        return queries.vista(await handlers.cambiar_actividad(comando, uow))

    return await escritura.run(cambiar, body=body, response=InfluencerVista)


@router.get("/influencers/{id_influencer}/campanas", response_model=CampanasPagina)
async def campanas_de_influencer(
    quien: Admin,
    id_influencer: str,
    service: ServiceDep,
    pagina: PaginaDeCampanas,
) -> dict[str, Any]:
    """The campaigns that assigned the influencer, with the assignment's state; paged as
    ``/influencers``."""
    async with service.db.sessions() as session:
        if await queries.influencer(session, _id(id_influencer)) is None:
            raise InfluencerNoEncontrado(id_influencer)
        return await queries.campanas_de(session, id_influencer, pedido=pagina)
