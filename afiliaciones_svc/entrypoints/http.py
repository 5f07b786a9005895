"""HTTP API of afiliaciones, seed-compatible. Entry points only translate: request -> command or
query, result -> response. Pydantic lives here and nowhere else in the service. A write answers
the campaign as the read side shows it, read back (``adapters.queries``) from the row it wrote, in
its own transaction: its unit of work is the SQL one (``SqlAfiliacionesUnitOfWork``).

Errors (mapped in ``bootstrap``): invalid request 422, unknown campaign or saga 404 (an id that is
not a UUID is unknown too), a lifecycle action the campaign's state forbids 409 with ``estado``.

Who may call (``alpes.auth``): every route, an admin or a brand (``marca`` token). A brand works
within its own brand only: another brand's campaign or saga is a 404 exactly like an unknown id,
its lists, totals and statistics count its own campaigns only (the filter is in the query), and it
creates campaigns for its own ``id_marca`` only (403 otherwise; so an unknown brand is registered
on the fly only for an admin or for that very brand). An admin sees and does everything.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Body, Depends, Header, HTTPException, Path, Query, Request, status
from fastapi.responses import JSONResponse, Response
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError, to_json
from sqlalchemy.ext.asyncio import AsyncSession

from afiliaciones_svc.adapters import queries
from afiliaciones_svc.adapters.admission import SagaAdmission
from afiliaciones_svc.adapters.unit_of_work import SqlAfiliacionesUnitOfWork
from afiliaciones_svc.application import handlers
from afiliaciones_svc.application.commands import (
    CancelarCampana,
    CrearCampana,
    FinalizarCampana,
    IniciarCampana,
)
from afiliaciones_svc.application.errors import CampanaNoEncontrada, SagaNoEncontrada
from afiliaciones_svc.domain.model import Campana
from afiliaciones_svc.domain.saga import EstadoSaga
from afiliaciones_svc.domain.values import (
    EstadoCampana,
    InfluencerInfo,
    MarcaRef,
    SolicitudCampana,
)
from alpes.auth import AdminOrMarca, Principal, forbidden_unless
from alpes.commands import CampanaCommand
from alpes.failures import one_line
from alpes.http import PaginaOut
from alpes.idempotency import Escritura
from alpes.paging import PedidoDePagina, Posicion
from alpes.prefer import wait_preference
from alpes.service import ReadSession, ServiceDep, service_of
from contracts import limites

router = APIRouter(prefix="/afiliaciones", tags=["afiliaciones"])
logger = logging.getLogger(__name__)

# --- request bodies ---
# A request is refused here (422) when any participant of the saga would refuse or could not
# store it: the limits come from ``contracts.limites``, which pins what marca, influencer and
# tracking hold. The domain's rules check the same limits again (stripped, in UTC).

_SIN_NUL = r"^[^\x00]*$"  # PostgreSQL text cannot hold NUL


Nombre = Annotated[str, StringConstraints(max_length=limites.LARGO_NOMBRE, pattern=_SIN_NUL)]
Descripcion = Annotated[
    str, StringConstraints(max_length=limites.LARGO_DESCRIPCION, pattern=_SIN_NUL)
]
IdMarca = Annotated[str, StringConstraints(max_length=limites.LARGO_ID_MARCA, pattern=_SIN_NUL)]
Plataforma = Annotated[
    str, StringConstraints(max_length=limites.LARGO_PLATAFORMA, pattern=_SIN_NUL)
]
Categoria = Annotated[str, StringConstraints(max_length=limites.LARGO_CATEGORIA, pattern=_SIN_NUL)]


def _fecha_soportada(instante: datetime) -> datetime:
    if not limites.fecha_soportada(instante):
        raise PydanticCustomError(
            "fecha_fuera_de_rango",
            "debe estar entre {minima} y {maxima} (en UTC; sin zona horaria se lee como UTC)",
            {
                "minima": limites.FECHA_MINIMA.isoformat(),
                "maxima": limites.FECHA_MAXIMA.isoformat(),
            },
        )
    return instante


Fecha = Annotated[
    datetime,
    AfterValidator(_fecha_soportada),
    Field(
        description=(
            f"ISO 8601; sin zona horaria se lee como UTC. Entre {limites.FECHA_MINIMA.isoformat()}"
            f" y {limites.FECHA_MAXIMA.isoformat()} en UTC."
        )
    ),
]


class MarcaIn(BaseModel):
    id_marca: IdMarca
    nombre_marca: Nombre


class InfluencerIn(BaseModel):
    nombre: Nombre
    plataforma: Plataforma
    seguidores: int = Field(ge=0, le=limites.SEGUIDORES_MAXIMO)
    categoria: Categoria = ""


class CampanaIn(BaseModel):
    """The seed's body. Naive datetimes are read as UTC. Every limit is one that a participant of
    the saga keeps (``contracts.limites``), so a request it would refuse never starts a saga."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "nombre": "Campaña de Verano 2024",
                "descripcion": "Promoción de productos de verano con influencers",
                "tipo": "influencer",
                "fecha_inicio": "2025-01-01T00:00:00",
                "fecha_fin": "2025-12-31T23:59:59",
                "presupuesto": 15000,
                "marca": {"id_marca": "123e4567-e89b-12d3-a456-426614174000",
                          "nombre_marca": "Nike"},
                "influencers": [
                    {"nombre": "Ana García", "plataforma": "Instagram", "seguidores": 150000,
                     "categoria": "Fitness"},
                ],
            }
        }
    )  # fmt: skip

    nombre: Nombre
    descripcion: Descripcion = ""
    tipo: Annotated[str, StringConstraints(max_length=50)]
    fecha_inicio: Fecha
    fecha_fin: Fecha
    presupuesto: float = Field(strict=True, allow_inf_nan=False, lt=limites.PRESUPUESTO_TOPE)
    marca: MarcaIn
    influencers: list[InfluencerIn] = Field(
        default_factory=list, max_length=limites.MAXIMO_INFLUENCERS
    )

    def comando(self, id_correlacion: str) -> CrearCampana:
        """The command: the campaign asked for, in the domain's values (the same fields, the
        amount as a Decimal)."""
        solicitud = SolicitudCampana(
            **self.model_dump(exclude={"presupuesto", "marca", "influencers"}),
            presupuesto=Decimal(str(self.presupuesto)),
            marca=MarcaRef(self.marca.id_marca, self.marca.nombre_marca),
            influencers=[
                InfluencerInfo(i.nombre, i.plataforma, i.seguidores, i.categoria)
                for i in self.influencers
            ],
        )
        return CrearCampana(solicitud=solicitud, id_correlacion=id_correlacion)


class CancelarIn(BaseModel):
    motivo: Annotated[str, StringConstraints(min_length=1, max_length=500, pattern=_SIN_NUL)] = (
        "cancelada por el usuario"
    )


# --- responses ---


class MarcaOut(BaseModel):
    id_marca: str
    nombre_marca: str


class InfluencerOut(BaseModel):
    nombre: str
    plataforma: str
    seguidores: int
    categoria: str


class CampanaOut(BaseModel):
    id: str
    marca: MarcaOut
    nombre: str
    descripcion: str
    tipo: str
    estado: EstadoCampana
    fecha_creacion: datetime
    fecha_inicio: datetime
    fecha_fin: datetime
    presupuesto: float
    influencers: list[InfluencerOut]
    id_saga: str


class CampanasOut(PaginaOut):
    campanas: list[CampanaOut]


class EntradaOut(BaseModel):
    evento: str
    origen: str
    ocurrido_en: datetime
    motivo: str | None


class EntradaHistorialOut(EntradaOut):
    id_saga: str
    id_campana: str


class ResumenSagaOut(BaseModel):
    id_saga: str
    id_campana: str
    estado_saga: EstadoSaga
    estado_campana: EstadoCampana
    nombre: str
    fecha_creacion: datetime
    plazo_saga: datetime
    motivo_cancelacion: str | None
    origen_cancelacion: str | None


class SagaOut(ResumenSagaOut):
    linea_de_tiempo: list[EntradaOut]


class SagasOut(PaginaOut):
    sagas: list[ResumenSagaOut]


class HistorialOut(PaginaOut):
    historial: list[EntradaHistorialOut]


class EstadisticasOut(BaseModel):
    total: int
    en_progreso: int
    completadas: int
    compensando: int
    compensadas: int
    atascadas: int = Field(
        description="sagas still waiting past their deadline or cancellation plus the grace "
        "period: the sweeper is re-sending what their participants need"
    )
    tasa_exito: float = Field(description="% de las sagas terminadas que se completaron")


class SagaIniciadaOut(BaseModel):
    """``POST /campana-saga`` while the saga runs: where to follow it."""

    id_saga: str
    id_campana: str
    estado: EstadoSaga
    mensaje: str


class CampanaDeSagaOut(BaseModel):
    id: str
    nombre: str
    estado: EstadoCampana
    presupuesto: float


class SagaTerminadaOut(BaseModel):
    """The seed's answer to ``POST /campana-saga``: the saga has finished, completed
    (``saga_exitosa``) or compensated. ``pasos_*`` name participants (marca, influencer,
    tracking); ``pasos_fallidos`` is ours, not the seed's."""

    mensaje: str
    saga_exitosa: bool
    estado_saga: EstadoSaga
    id_saga: str
    id_campana: str
    pasos_completados: list[str]
    pasos_compensados: list[str]
    pasos_fallidos: list[str]
    error: str | None
    campana: CampanaDeSagaOut


class ErrorOut(BaseModel):
    detail: str
    estado: str | None = None


# --- dependencies ---


async def _id_campana(id_campana: Annotated[str, Path()]) -> str:
    try:
        return str(uuid.UUID(id_campana))
    except ValueError:
        raise CampanaNoEncontrada(id_campana) from None


async def _id_saga(id_saga: Annotated[str, Path()]) -> str:
    try:
        return str(uuid.UUID(id_saga))
    except ValueError:
        raise SagaNoEncontrada(id_saga) from None


IdCampana = Annotated[str, Depends(_id_campana)]
IdSaga = Annotated[str, Depends(_id_saga)]
PaginaDeCampanas = Annotated[PedidoDePagina, Depends(queries.CAMPANAS.pedido())]
PaginaDeSagas = Annotated[PedidoDePagina, Depends(queries.SAGAS.pedido())]
DespuesEnHistorial = Annotated[Posicion | None, Depends(queries.HISTORIAL.dependencia)]

Respuestas = dict[int | str, dict[str, Any]]
_404: Respuestas = {404: {"model": ErrorOut}}
_409: Respuestas = {404: {"model": ErrorOut}, 409: {"model": ErrorOut}}


async def _admitir(request: Request, escritura: Escritura) -> None:
    """Admission control (docs/adr/0010): a saga that the platform cannot finish in time is
    refused here, 429 with ``Retry-After``, before anything is stored (an ``Idempotency-Key``
    is not claimed: its retry is a new request). The retry of a request that was answered
    is let through: it starts nothing, it gets its first answer."""
    admision: SagaAdmission = request.app.state.admision
    rechazo = await admision.admit()
    if rechazo is not None and not await escritura.answered():
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            rechazo.detail,
            headers={"Retry-After": str(rechazo.retry_after)},
        )


_429: Respuestas = {
    429: {
        "model": ErrorOut,
        "description": "Too many sagas in flight: nothing was created; retry after the "
        "`Retry-After` header's seconds",
    }
}


def _pagina(pagina: dict[str, Any]) -> Response:
    """A list's page as JSON. The read side builds it in its response model's shape, so it is
    encoded as it is (by the encoder FastAPI uses for the model: the same bytes) instead of
    validated field by field first: on a page of 50 campaigns that validation was a tenth of
    the request's time."""
    return Response(to_json(pagina), media_type="application/json")


async def _puede_crear(
    request: Request, quien: Principal, body: CampanaIn, escritura: Escritura
) -> None:
    """A brand creates campaigns for itself only (403), and only then is the saga admitted
    (``_admitir``): the campaign's brand is registered on the fly when unknown, so a brand
    naming another would squat its id or spend its budget."""
    forbidden_unless(
        quien.owns(body.marca.id_marca),
        f"a marca token may only create campaigns for its own brand ({quien.id_marca}), "
        f"not for {body.marca.id_marca}",
    )
    await _admitir(request, escritura)


async def _propia(lectura: AsyncSession, quien: Principal, id_campana: str) -> None:
    """To a brand, another brand's campaign does not exist: the same 404 as an unknown id
    (checked before the write, so no stored answer of another's request is replayed to it)."""
    if quien.brand is None:
        return
    if await queries.marca_de_campana(lectura, id_campana) != quien.brand:
        raise CampanaNoEncontrada(id_campana)


def _marca_del_filtro(quien: Principal, id_marca: str | None) -> str | None:
    """The brand a list is confined to: a brand's own (403 when it filters by another);
    for an admin, the ``id_marca`` filter it asked for, if any."""
    if quien.brand is None:
        return id_marca
    forbidden_unless(
        id_marca is None or id_marca == quien.brand,
        f"a marca token may only list its own brand ({quien.brand}), not {id_marca}",
    )
    return quien.brand


def _crear(request: Request, body: CampanaIn, uow: SqlAfiliacionesUnitOfWork) -> Awaitable[Campana]:
    plazo = timedelta(seconds=service_of(request).settings.saga_deadline_seconds)
    return handlers.crear_campana(body.comando(request.state.correlation_id), uow, plazo=plazo)


# --- campaigns ---


@router.post(
    "/campana",
    status_code=status.HTTP_201_CREATED,
    response_model=CampanaOut,
    responses={403: {"model": ErrorOut}, 422: {"model": ErrorOut}, **_429},
)
async def crear_campana(
    quien: AdminOrMarca, request: Request, body: CampanaIn, escritura: Escritura
) -> JSONResponse:
    """Creates the campaign (``creada``) and starts its saga (``CampanaCreada``); a brand, for
    itself only."""
    await _puede_crear(request, quien, body, escritura)

    async def crear(uow: SqlAfiliacionesUnitOfWork) -> dict[str, Any]:
        campana = await _crear(request, body, uow)
        return await queries.obtener_campana(uow.session, campana.id)

    return await escritura.run(crear, body=body, response=CampanaOut, status_code=201)


@router.get("/campana/{id_campana}", response_model=CampanaOut, responses=_404)
async def obtener_campana(
    quien: AdminOrMarca, id_campana: IdCampana, lectura: ReadSession
) -> dict[str, Any]:
    return await queries.obtener_campana(lectura, id_campana, id_marca=quien.brand)


@router.get("/campanas", response_model=CampanasOut, responses={403: {"model": ErrorOut}})
async def listar_campanas(
    quien: AdminOrMarca,
    lectura: ReadSession,
    *,
    estado: EstadoCampana | None = None,
    id_marca: Annotated[str | None, Query(max_length=200, pattern=_SIN_NUL)] = None,
    pagina: PaginaDeCampanas,
) -> Response:
    """Campaigns, newest first; ``total`` counts every match. ``siguiente`` is the cursor of
    the next page: pass it as ``cursor`` (with the same filters) to read on; a page read by
    cursor costs the same however deep it is, where one read by ``offset`` does not. A brand
    sees its own campaigns only (an ``id_marca`` of another brand is a 403)."""
    return _pagina(
        await queries.listar_campanas(
            lectura,
            estado=estado,
            id_marca=_marca_del_filtro(quien, id_marca),
            pedido=pagina,
        )
    )


@router.post("/campana/{id_campana}/iniciar", response_model=CampanaOut, responses=_409)
async def iniciar_campana(
    quien: AdminOrMarca, id_campana: IdCampana, escritura: Escritura, lectura: ReadSession
) -> JSONResponse:
    await _propia(lectura, quien, id_campana)
    return await _cambiar(escritura, handlers.iniciar, IniciarCampana(id_campana))


@router.post("/campana/{id_campana}/finalizar", response_model=CampanaOut, responses=_409)
async def finalizar_campana(
    quien: AdminOrMarca, id_campana: IdCampana, escritura: Escritura, lectura: ReadSession
) -> JSONResponse:
    await _propia(lectura, quien, id_campana)
    return await _cambiar(escritura, handlers.finalizar, FinalizarCampana(id_campana))


@router.post("/campana/{id_campana}/cancelar", response_model=CampanaOut, responses=_409)
async def cancelar_campana(
    quien: AdminOrMarca,
    id_campana: IdCampana,
    escritura: Escritura,
    lectura: ReadSession,
    body: Annotated[CancelarIn | None, Body()] = None,
) -> JSONResponse:
    """Cancels the campaign; the participants compensate what they did for it."""
    await _propia(lectura, quien, id_campana)
    comando = CancelarCampana(id_campana, body.motivo) if body else CancelarCampana(id_campana)
    return await _cambiar(escritura, handlers.cancelar, comando, body=body)


Comando = TypeVar("Comando", bound=CampanaCommand)


async def _cambiar(
    escritura: Escritura,
    caso_de_uso: Callable[[Comando, SqlAfiliacionesUnitOfWork], Awaitable[object]],
    comando: Comando,
    *,
    body: BaseModel | None = None,
) -> JSONResponse:
    """Run the use case that changes the campaign of ``comando`` and answer the campaign as it
    is then."""

    async def cambiar(uow: SqlAfiliacionesUnitOfWork) -> dict[str, Any]:
        await caso_de_uso(comando, uow)
        return await queries.obtener_campana(uow.session, comando.id_campana)

    return await escritura.run(cambiar, body=body, response=CampanaOut)


@router.get("/campana/{id_campana}/saga", response_model=SagaOut, responses=_404)
async def saga_de_campana(
    quien: AdminOrMarca, id_campana: IdCampana, lectura: ReadSession
) -> dict[str, Any]:
    return await queries.saga_de_campana(lectura, id_campana, id_marca=quien.brand)


# --- the seed's saga views ---


ESPERA_SAGA_SEGUNDOS = 2
"""How long ``POST /campana-saga`` waits for the saga's outcome unless ``Prefer`` says."""
ESPERA_SAGA_MAXIMA_SEGUNDOS = 30
"""The most a ``Prefer: wait=N`` gets: about the saga's default deadline."""


@router.post(
    "/campana-saga",
    response_model=SagaTerminadaOut,
    responses={
        202: {"model": SagaIniciadaOut, "description": "The saga runs on (or the request "
              "carried an Idempotency-Key): follow it at /afiliaciones/saga/{id_saga}/estado"},
        403: {"model": ErrorOut},
        422: {"model": ErrorOut},
        **_429,
    },
)  # fmt: skip
async def crear_campana_saga(
    quien: AdminOrMarca,
    request: Request,
    *,
    body: CampanaIn,
    escritura: Escritura,
    service: ServiceDep,
    prefer: Annotated[
        list[str] | None,
        Header(
            alias="Prefer",
            description="RFC 7240: `wait=N` waits up to N s (at most "
            f"{ESPERA_SAGA_MAXIMA_SEGUNDOS}) for the saga's outcome, `respond-async` answers "
            f"202 at once; {ESPERA_SAGA_SEGUNDOS} s without it. Applied ones are named in "
            "Preference-Applied.",
        ),
    ] = None,
) -> JSONResponse:
    """Like ``POST /campana``, answering with the saga's outcome, as the seed did: 200 when it
    finished within the wait (``saga_exitosa`` says whether it completed or was compensated),
    202 with ``id_saga`` when it runs on.

    The wait holds no database connection: it looks at the saga with a fresh short read every
    50 ms. With an ``Idempotency-Key`` the answer is the 202 at once, what every replay of the
    request answers too (a replay answers the first answer); ``Prefer`` is not applied then.
    A brand creates campaigns for itself only, as with ``POST /campana``.
    """
    await _puede_crear(request, quien, body, escritura)
    iniciada: dict[str, Any] = {}

    async def crear(uow: SqlAfiliacionesUnitOfWork) -> dict[str, Any]:
        campana = await _crear(request, body, uow)
        iniciada.update(
            id_saga=campana.id_saga,
            id_campana=campana.id,
            estado=campana.estado_saga,
            mensaje=f"Saga iniciada; su estado en /afiliaciones/saga/{campana.id_saga}/estado",
        )
        return iniciada

    aceptada = await escritura.run(crear, body=body, response=SagaIniciadaOut, status_code=202)
    if escritura.key is not None:
        return aceptada
    espera = wait_preference(
        prefer, default=ESPERA_SAGA_SEGUNDOS, maximum=ESPERA_SAGA_MAXIMA_SEGUNDOS
    )
    try:
        resultado = await queries.esperar_resultado_de_saga(
            service.db.sessions, iniciada["id_saga"], espera.seconds
        )
    except Exception as exc:  # the saga started; its outcome is for /saga/{id}/estado then
        if not service.failures.is_transient(exc):
            raise
        logger.warning("saga %s: stopped waiting: %s", iniciada["id_saga"], one_line(exc))
        resultado = None
    if resultado is None:
        aceptada.headers.update(espera.headers())
        return aceptada
    terminada = SagaTerminadaOut.model_validate(resultado).model_dump(mode="json")
    return JSONResponse(terminada, headers=espera.headers())


@router.get("/saga/{id_saga}/estado", response_model=SagaOut, responses=_404)
async def estado_de_saga(
    quien: AdminOrMarca, id_saga: IdSaga, lectura: ReadSession
) -> dict[str, Any]:
    return await queries.obtener_saga(lectura, id_saga, id_marca=quien.brand)


@router.get("/sagas", response_model=SagasOut)
async def listar_sagas(
    quien: AdminOrMarca,
    lectura: ReadSession,
    pagina: PaginaDeSagas,
    estado: EstadoSaga | None = None,
) -> Response:
    """Sagas, newest first; paged as ``/campanas``. A brand sees its campaigns' sagas only."""
    return _pagina(
        await queries.listar_sagas(lectura, estado=estado, id_marca=quien.brand, pedido=pagina)
    )


@router.get("/sagas/historial", response_model=HistorialOut)
async def historial_de_sagas(
    quien: AdminOrMarca,
    lectura: ReadSession,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    despues: DespuesEnHistorial = None,
) -> Response:
    """The latest timeline lines of every saga, newest first; ``siguiente`` is the cursor of
    the older lines that follow. A brand sees its campaigns' sagas' lines only."""
    return _pagina(
        await queries.historial_de_sagas(
            lectura, limit=limit, despues=despues, id_marca=quien.brand
        )
    )


@router.get("/sagas/estadisticas", response_model=EstadisticasOut)
async def estadisticas_de_sagas(
    quien: AdminOrMarca, lectura: ReadSession, service: ServiceDep
) -> dict[str, Any]:
    """How the sagas are doing; a brand's, of its own campaigns only."""
    gracia = timedelta(seconds=service.settings.saga_grace_seconds)
    return await queries.estadisticas_de_sagas(
        lectura, datetime.now(UTC), gracia, id_marca=quien.brand
    )
