"""HTTP API of marca. Entry points only translate: request -> command or query, result ->
response. Pydantic lives here and nowhere else in the service.

Errors (mapped in ``bootstrap``): invalid request 422, unknown brand 404, an id that exists already
or a total below what is reserved 409.

Who may call (``alpes.auth``): registering a brand and changing its budget or activation are an
admin's (operator actions); a brand (``marca`` token) reads its own brand only: the list shows it
alone, and another brand is a 404 exactly like an unknown id.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from alpes.auth import Admin, AdminOrMarca, Principal
from alpes.http import PaginaOut
from alpes.idempotency import Escritura
from alpes.paging import PedidoDePagina
from alpes.service import ReadSession
from contracts import limites
from marca_svc.adapters import queries
from marca_svc.application import handlers
from marca_svc.application.commands import ActualizarMarca, RegistrarMarca
from marca_svc.application.errors import MarcaNoEncontrada
from marca_svc.application.ports import MarcaUnitOfWork
from marca_svc.domain.model import LONGITUD_MAXIMA_NOMBRE

router = APIRouter(prefix="/marca", tags=["marca"])

# --- request bodies ---

_TEXTO = r"^[^\x00]*[^\x00\s][^\x00]*$"  # not blank; PostgreSQL text cannot hold NUL
Texto = Annotated[
    str, StringConstraints(min_length=1, max_length=LONGITUD_MAXIMA_NOMBRE, pattern=_TEXTO)
]
IdNuevo = Annotated[
    str, StringConstraints(min_length=1, max_length=limites.LARGO_ID_MARCA, pattern=_TEXTO)
]
"""A brand's id is at most what a campaign can carry to every participant (tracking stores 64)."""
Monto = Annotated[float, Field(strict=True, ge=0, lt=limites.PRESUPUESTO_TOPE, allow_inf_nan=False)]


def _decimal(valor: float) -> Decimal:
    return Decimal(str(valor))


class MarcaIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"example": {"nombre": "Nike", "presupuesto_total": 50000}},
    )

    id_marca: IdNuevo | None = Field(default=None, description="Sin id, marca genera un UUID.")
    nombre: Texto
    presupuesto_total: Monto

    def comando(self) -> RegistrarMarca:
        return RegistrarMarca(
            id_marca=self.id_marca,
            nombre=self.nombre,
            presupuesto_total=_decimal(self.presupuesto_total),
        )


class MarcaPatch(BaseModel):
    """``activa: false`` deactivates the brand (it reserves nothing more; open reservations
    stay); ``presupuesto_total`` changes its total, never below what it holds reserved."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"example": {"activa": False}})

    activa: Literal[False] | None = None
    presupuesto_total: Monto | None = None

    def comando(self, id_marca: str) -> ActualizarMarca:
        total = self.presupuesto_total
        return ActualizarMarca(
            id_marca=id_marca,
            desactivar=self.activa is False,
            presupuesto_total=None if total is None else _decimal(total),
        )


# --- responses ---


class MarcaOut(BaseModel):
    id_marca: str
    nombre: str
    presupuesto_total: float
    presupuesto_reservado: float
    presupuesto_disponible: float
    activa: bool


class MarcasOut(PaginaOut):
    marcas: list[MarcaOut]


class CampanaMarcaOut(BaseModel):
    id_campana: str
    monto: float
    estado: str = Field(
        description="reservada | liberada | rechazada | cancelada_antes | consumida"
    )
    motivo: str | None


class CampanasMarcaOut(PaginaOut):
    campanas: list[CampanaMarcaOut]


class ErrorOut(BaseModel):
    detail: str


# --- dependencies ---


async def _id_marca(id_marca: Annotated[str, Path()]) -> str:
    if "\x00" in id_marca:  # no brand can have it; PostgreSQL would refuse the text
        raise MarcaNoEncontrada(id_marca.replace("\x00", ""))
    return id_marca


IdMarca = Annotated[str, Depends(_id_marca)]


def _propia(quien: Principal, id_marca: str) -> None:
    """To a brand, another brand does not exist: the same 404 as an unknown id."""
    if not quien.owns(id_marca):
        raise MarcaNoEncontrada(id_marca)


PaginaDeMarcas = Annotated[PedidoDePagina, Depends(queries.MARCAS.pedido())]
PaginaDeCampanas = Annotated[PedidoDePagina, Depends(queries.CAMPANAS.pedido(limite=100))]

_404: dict[int | str, dict[str, Any]] = {404: {"model": ErrorOut}}


# --- brands ---


@router.post(
    "/marcas",
    status_code=status.HTTP_201_CREATED,
    response_model=MarcaOut,
    responses={409: {"model": ErrorOut}, 422: {"model": ErrorOut}},
)
async def registrar_marca(quien: Admin, body: MarcaIn, escritura: Escritura) -> JSONResponse:
    """Registers an active brand with its total budget."""

    async def registrar(uow: MarcaUnitOfWork) -> dict[str, Any]:
        return queries.vista_marca(await handlers.registrar_marca(body.comando(), uow))

    return await escritura.run(registrar, body=body, response=MarcaOut, status_code=201)


@router.get("/marcas", response_model=MarcasOut)
async def listar_marcas(
    quien: AdminOrMarca,
    lectura: ReadSession,
    pagina: PaginaDeMarcas,
    activa: bool | None = None,
) -> dict[str, Any]:
    """Brands by name; ``total`` counts every match; ``siguiente`` is the cursor of the next
    page (pass it as ``cursor``). A brand sees itself only."""
    return await queries.listar_marcas(lectura, activa=activa, id_marca=quien.brand, pedido=pagina)


@router.get("/marcas/{id_marca}", response_model=MarcaOut, responses=_404)
async def obtener_marca(
    quien: AdminOrMarca, id_marca: IdMarca, lectura: ReadSession
) -> dict[str, Any]:
    _propia(quien, id_marca)
    return await queries.obtener_marca(lectura, id_marca)


@router.patch(
    "/marcas/{id_marca}",
    response_model=MarcaOut,
    responses={404: {"model": ErrorOut}, 409: {"model": ErrorOut}, 422: {"model": ErrorOut}},
)
async def actualizar_marca(
    quien: Admin, id_marca: IdMarca, body: MarcaPatch, escritura: Escritura
) -> JSONResponse:
    """Deactivates the brand or changes its total budget: an operator's action."""

    async def actualizar(uow: MarcaUnitOfWork) -> dict[str, Any]:
        return queries.vista_marca(await handlers.actualizar_marca(body.comando(id_marca), uow))

    return await escritura.run(actualizar, body=body, response=MarcaOut)


@router.get("/marcas/{id_marca}/campanas", response_model=CampanasMarcaOut, responses=_404)
async def campanas_de_marca(
    quien: AdminOrMarca,
    id_marca: IdMarca,
    lectura: ReadSession,
    pagina: PaginaDeCampanas,
) -> dict[str, Any]:
    """What marca did for each campaign of the brand: reserved, released, rejected, spent;
    paged as ``/marcas``."""
    _propia(quien, id_marca)
    return await queries.campanas_de_marca(lectura, id_marca, pedido=pagina)
