"""The HTTP API of tracking (seed-compatible paths): translate requests into commands and queries.

Pydantic lives here only. Every input is bounded before it reaches the database: ids and codes
are short texts without NUL, ``datos`` is a JSON object of at most ``MAX_CLAVES`` keys,
``MAX_PROFUNDIDAD`` levels and ``MAX_BYTES_DATOS`` bytes, with finite numbers and valid Unicode
(PostgreSQL's JSONB refuses NUL and lone surrogates, and JSON has no NaN); a batch holds at most
``MAX_LOTE`` events; ``id_evento`` is a UUID; a conversion's value is a finite number from 0 to
``MAX_VALOR_CONVERSION``; every integer query parameter has an upper bound (``MAX_PAGINA``,
``MAX_OFFSET``). Anything else is a 422, never a 500.

Who may call what (``alpes.auth``; ingestion's credentials and rate limits in ``acceso``):
reads and ingest keys are for an ``admin`` and for the campaign's own brand (``marca``; to
another brand the campaign does not exist: 404); ingestion takes a ``tracker`` or ``admin``
token, a campaign's ingest key or, for one event, a signed influencer's code.

Events are idempotent by ``id_evento``: a client that may retry sends its own UUID, and a
repeat (alone, inside a bulk, twice in one bulk, or racing the first) is answered with the
event stored the first time, with the same body, and counted once.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticSerializationError, to_json

from alpes.auth import AdminOrMarca, Principal, hidden_unless
from alpes.paging import Posicion, cursor_u_offset
from alpes.service import ServiceDep
from tracking_svc.adapters import claves, queries
from tracking_svc.application.batcher import EventoBatcher
from tracking_svc.application.commands import RegistrarEvento
from tracking_svc.application.errors import CampanaNoEncontrada, EventoRechazado
from tracking_svc.domain import (
    CampanaNoActiva,
    CodigoDesconocido,
    TipoEventoDesconocido,
    ValorFueraDeRango,
)
from tracking_svc.entrypoints.acceso import AccesoDep, CredencialDeLoteDep, CredencialDep

MAX_CLAVES = 50
MAX_PROFUNDIDAD = 8
MAX_BYTES_DATOS = 10 * 1024
MAX_LOTE = 1000
MAX_PAGINA = 1000
MAX_OFFSET = 2**31 - 1
REPETIDO = "Idempotent-Replayed"
"""Response header of ``POST /tracking/evento``: ``true`` when the answer is a repeat."""

DOMAIN_ERRORS: Mapping[type[Exception], int] = {
    CampanaNoEncontrada: 404,
    CampanaNoActiva: 409,
    TipoEventoDesconocido: 422,
    CodigoDesconocido: 422,
    ValorFueraDeRango: 422,
}

router = APIRouter(prefix="/tracking", tags=["tracking"])


async def ingesta_de(request: Request) -> EventoBatcher:
    """The service's ingestion (``bootstrap`` puts it on ``app.state``)."""
    return request.app.state.ingesta  # type: ignore[no-any-return]


IngestaDep = Annotated[EventoBatcher, Depends(ingesta_de)]


def _texto_valido(texto: str) -> str:
    if "\x00" in texto:
        raise ValueError("must not contain NUL characters")
    texto.encode("utf-8")  # lone surrogates raise UnicodeEncodeError, a ValueError
    return texto


Id = Annotated[str, StringConstraints(min_length=1, max_length=64), AfterValidator(_texto_valido)]
Corto = Annotated[
    str, StringConstraints(min_length=1, max_length=32), AfterValidator(_texto_valido)
]


def _profundidad(valor: object, nivel: int = 1) -> int:
    if nivel > MAX_PROFUNDIDAD:
        return nivel
    hijos = valor.values() if isinstance(valor, dict) else valor if isinstance(valor, list) else ()
    return max((_profundidad(hijo, nivel + 1) for hijo in hijos), default=nivel)


def _no_demasiado_anidado(datos: dict[str, Any]) -> None:
    if _profundidad(datos) > MAX_PROFUNDIDAD:
        raise ValueError(f"at most {MAX_PROFUNDIDAD} levels of nesting")


# how JSON writes a NUL: a \u0000 escape whose backslash is not itself escaped
_NUL_ESCAPADO = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


def _datos_validos(datos: dict[str, Any]) -> dict[str, Any]:
    """The limits of ``datos``, measured on its JSON as ``json.dumps`` writes it (``", "`` and
    ``": "`` separators, non-ASCII as UTF-8).

    Every event pays for this check, so it first encodes ``datos`` compactly with pydantic's
    encoder (about ten times faster than ``json.dumps``), which fails on lone surrogates and
    writes a NUL as ``\\u0000``; ``json.dumps`` only runs when that text does not settle the
    answer: a possible NaN or Infinity, a possible escaped NUL, or a size near the limit."""
    if len(datos) > MAX_CLAVES:
        raise ValueError(f"at most {MAX_CLAVES} keys")
    try:
        compacto = to_json(datos)
    except PydanticSerializationError:  # a lone surrogate, or nested beyond its recursion limit
        _no_demasiado_anidado(datos)
        raise ValueError("must be valid Unicode (no lone surrogates)") from None
    # more than MAX_PROFUNDIDAD levels take at least MAX_PROFUNDIDAD nested containers, each of
    # them an opening bracket in the text
    anidado = b"[" in compacto or compacto.find(b"{", 1) != -1  # nested, or a brace in a text
    if anidado and compacto.count(b"{") + compacto.count(b"[") >= MAX_PROFUNDIDAD:
        _no_demasiado_anidado(datos)
    if len(compacto) > MAX_BYTES_DATOS:  # json.dumps writes at least these bytes
        raise ValueError(f"at most {MAX_BYTES_DATOS} bytes as JSON")
    if b"NaN" in compacto or b"Infinity" in compacto:
        json.dumps(datos, allow_nan=False)  # a NaN or an Infinity (not in a text): ValueError
    if b"\\u0000" in compacto and _NUL_ESCAPADO.search(compacto):
        raise ValueError("must not contain NUL characters")
    # json.dumps's separators add one byte per item and per key; a float may take a byte or two
    # more than here (1e-07 against 1e-7): measure it exactly only when that could matter
    if 3 * len(compacto) > MAX_BYTES_DATOS:
        texto = json.dumps(datos, ensure_ascii=False)
        if len(texto.encode("utf-8")) > MAX_BYTES_DATOS:
            raise ValueError(f"at most {MAX_BYTES_DATOS} bytes as JSON")
    return datos


class EventoIn(BaseModel):
    """A tracking event as the seed sent it, optionally with an influencer's tracking code."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id_campana": "c63c598a-186d-43eb-b52f-6f2963b39ec1",
                "tipo_evento": "conversion",
                "datos": {"usuario": "user123", "valor_compra": 150.5},
                "codigo": "Xk3v9QpL2mAa",
                "id_evento": "5f0c7d52-8a61-4d0e-9a43-0c1f6f8b2e7d",
            }
        }
    )

    id_campana: Id
    tipo_evento: Corto = Field(
        description="vista | clic | conversion | engagement | compartir | comentario"
    )
    datos: Annotated[dict[str, Any], AfterValidator(_datos_validos)] = Field(default_factory=dict)
    codigo: Corto | None = Field(
        default=None, description="Codigo de tracking del influencer (de TrackingHabilitado)"
    )
    id_evento: UUID | None = Field(
        default=None,
        description=(
            "UUID del evento elegido por el cliente, para reintentar sin contar dos veces: un "
            "evento con un id_evento ya registrado se responde con el evento original (mismo "
            "cuerpo que la primera respuesta; el cuerpo del reintento no se compara) y no suma "
            "nada. Sin id_evento, el servicio genera uno. Es el `id` de la respuesta."
        ),
    )
    firma: Annotated[str, StringConstraints(max_length=128)] | None = Field(
        default=None,
        description="Enlaces y pixeles (solo POST /tracking/evento): la firma del codigo en la "
        "campana, como la da GET /tracking/campanas/{id_campana}/codigos; sin otra credencial "
        "autoriza este evento. Tambien como parametro `firma`.",
    )

    def comando(self) -> RegistrarEvento:
        return RegistrarEvento(  # the same fields (without model_dump: this is the hot path)
            id_campana=self.id_campana,
            tipo_evento=self.tipo_evento,
            datos=self.datos,
            codigo=self.codigo,
            id_evento=self.id_evento,
        )


class EventosIn(BaseModel):
    eventos: list[EventoIn] = Field(min_length=1, max_length=MAX_LOTE)


class EventoOut(BaseModel):
    id: str
    id_campana: str
    tipo_evento: str
    datos: dict[str, Any]
    codigo: str | None
    fecha_evento: str


class LoteOut(BaseModel):
    aceptados: int = Field(description="eventos del lote respondidos: nuevos + repetidos")
    nuevos: int = Field(description="eventos registrados y contados por esta peticion")
    repetidos: int = Field(
        description="eventos cuyo id_evento ya estaba registrado (antes, en otra peticion o "
        "antes en este mismo lote): se responden con el evento original y no suman nada"
    )
    ids: list[str] = Field(description="el id de cada evento, en el orden del lote")
    eventos: list[EventoOut] = Field(
        description="cada evento tal como esta registrado, en el orden del lote (un repetido: "
        "el evento original)"
    )


class Contadores(BaseModel):
    vistas: int
    clics: int
    conversiones: int
    valor_conversiones: float
    engagement: int
    compartidos: int
    comentarios: int
    total_eventos: int
    tasa_conversion: float = Field(description="conversiones / clics (0 sin clics)")


class CodigoBase(BaseModel):
    codigo: str
    id_influencer: str | None
    nombre: str
    plataforma: str
    activo: bool


class CodigoOut(CodigoBase):
    firma: str | None = Field(
        description="firma del codigo en la campana, para enlaces y pixeles (`firma` al "
        "registrar un evento con este codigo); null si el servicio no firma codigos"
    )


class MetricasInfluencer(CodigoBase, Contadores):
    pass


class MetricasCampana(Contadores):
    id_campana: str
    id_marca: str | None
    estado: str
    motivo: str | None
    por_influencer: list[MetricasInfluencer]


class MetricasMarca(Contadores):
    id_marca: str
    campanas: int


class Error(BaseModel):
    detail: str


class ClaveIngestaOut(BaseModel):
    id: str
    id_campana: str
    prefijo: str = Field(description="el comienzo de la clave, para reconocerla")
    creada_en: str


class ClaveIngestaNueva(ClaveIngestaOut):
    clave: str = Field(
        description="la clave (cabecera `X-Ingest-Key`): se muestra solo esta vez, se guarda "
        "solo su hash"
    )


class RespuestaJSON(JSONResponse):
    """``JSONResponse`` encoded by pydantic's encoder instead of ``json.dumps`` (the same JSON,
    about ten times faster: a bulk answer carries every event). UUIDs are written as their
    text; datetimes must already be text (``isoformat``, as everywhere else in the API)."""

    def render(self, content: Any) -> bytes:
        return to_json(content)


def _evento(evento: Any) -> dict[str, Any]:
    return {
        "id": evento.id,
        "id_campana": evento.id_campana,
        "tipo_evento": evento.tipo_evento,
        "datos": evento.datos,
        "codigo": evento.codigo,
        "fecha_evento": evento.fecha_evento.isoformat(),
    }


ERRORES: dict[int | str, dict[str, Any]] = {
    401: {"model": Error, "description": "sin credenciales, o no validas"},
    403: {"model": Error, "description": "la credencial no autoriza esta campana"},
    404: {"model": Error, "description": "campana desconocida"},
    409: {"model": Error, "description": "la campana no acepta eventos (cancelada o finalizada)"},
    413: {"model": Error, "description": "cuerpo demasiado grande"},
    422: {"model": Error, "description": "evento invalido, tipo o codigo desconocido"},
    429: {"model": Error, "description": "demasiados eventos: reintentar tras `Retry-After` s"},
}


@router.post(
    "/evento",
    status_code=201,
    response_model=EventoOut,
    responses=ERRORES,
    response_description=(
        f"El evento registrado. Un id_evento repetido: el evento original, con el mismo estado "
        f"201 y cuerpo que la primera vez, la cabecera `{REPETIDO}: true`, y nada sumado."
    ),
)
async def registrar_evento(
    body: EventoIn, ingesta: IngestaDep, credencial: CredencialDep, acceso: AccesoDep
) -> JSONResponse:
    """Registra un evento de tracking y suma sus metricas, en una transaccion.

    Credenciales: un token `tracker` (de la campana) o `admin`, la clave de ingesta de la
    campana (`X-Ingest-Key`) o, con un `codigo`, su `firma`.

    Con ``id_evento`` el registro es idempotente: repetido (en serie o en paralelo) se responde
    con el evento original y se cuenta una sola vez; un reintento recibe su evento aunque la
    campana haya terminado despues."""
    if body.firma is not None and credencial.firma is None:
        credencial = dataclasses.replace(credencial, firma=body.firma)
    await acceso.autorizar(credencial, (body.id_campana,), 1, (body.id_campana, body.codigo))
    try:
        (registro,) = await ingesta.registrar([body.comando()])
    except EventoRechazado as rechazo:
        raise rechazo.causa from None
    cabeceras = {REPETIDO: "true"} if registro.repetido else None
    return RespuestaJSON(_evento(registro.evento), status_code=201, headers=cabeceras)


@router.post("/eventos", status_code=201, response_model=LoteOut, responses=ERRORES)
async def registrar_eventos(
    body: EventosIn, ingesta: IngestaDep, credencial: CredencialDeLoteDep, acceso: AccesoDep
) -> JSONResponse:
    """Registra un lote (todo o nada); un error nombra el primer evento rechazado (``indice``).

    Credenciales: un token `tracker` de todas sus campanas o `admin`, o la clave de ingesta
    de su campana (`X-Ingest-Key`); una firma no autoriza un lote. El limite cuenta eventos.

    Cada evento puede llevar ``id_evento``. Uno ya registrado (por una peticion anterior o
    concurrente, o antes en este mismo lote) es un repetido: no suma nada, no se valida de
    nuevo, y ``eventos`` lo responde con el evento original. ``nuevos`` + ``repetidos`` =
    ``aceptados`` = eventos del lote; ``ids`` y ``eventos`` siguen el orden del lote. Repetir el
    lote entero responde los mismos ``ids`` y ``eventos``, con ``nuevos`` 0."""
    campanas = {e.id_campana for e in body.eventos}
    await acceso.autorizar(credencial, campanas, len(body.eventos))
    try:
        registros = await ingesta.registrar([e.comando() for e in body.eventos])
    except EventoRechazado as rechazo:
        return JSONResponse(
            {"detail": str(rechazo), "indice": rechazo.indice},
            status_code=DOMAIN_ERRORS[type(rechazo.causa)],
        )
    repetidos = sum(r.repetido for r in registros)
    return RespuestaJSON(
        {
            "aceptados": len(registros),
            "nuevos": len(registros) - repetidos,
            "repetidos": repetidos,
            "ids": [r.evento.id for r in registros],
            "eventos": [_evento(r.evento) for r in registros],
        },
        status_code=201,
    )


IdPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[^\x00]+$")]
DespuesDeEvento = Annotated[Posicion | None, Depends(queries.EVENTOS.dependencia)]


@router.get(
    "/eventos/{id_campana}",
    response_model=list[EventoOut],
    responses=ERRORES,
    response_description="Una pagina de eventos. `X-Total-Count`: cuantos tiene la campana; "
    '`Link: <url>; rel="next"` (RFC 8288): la pagina siguiente, si la hay.',
)
async def eventos(
    request: Request,
    id_campana: IdPath,
    service: ServiceDep,
    quien: AdminOrMarca,
    *,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGINA)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    despues: DespuesDeEvento = None,
) -> JSONResponse:
    """Los eventos de la campana, el mas reciente primero; ``X-Total-Count`` da el total y la
    cabecera ``Link`` (``rel="next"``) la URL de la pagina siguiente: la misma con ``cursor``
    (paginar por cursor cuesta lo mismo a cualquier profundidad; por ``offset``, no)."""
    cursor_u_offset(despues, offset)
    async with service.db.sessions() as session:
        campana = await _campana_visible(session, quien, id_campana)
        pagina = await queries.eventos_de_campana(session, campana, limit, offset, despues)
    cabeceras = {"X-Total-Count": str(pagina.total)}
    if pagina.siguiente is not None:
        url = request.url.remove_query_params("offset").include_query_params(
            cursor=pagina.siguiente
        )
        cabeceras["Link"] = f'<{url}>; rel="next"'
    return JSONResponse(pagina.eventos, headers=cabeceras)


@router.get("/metricas/marca/{id_marca}", response_model=MetricasMarca)
async def metricas_de_marca(
    id_marca: IdPath, service: ServiceDep, quien: AdminOrMarca
) -> dict[str, Any]:
    """Las metricas sumadas de las campanas de la marca (una marca: solo las suyas)."""
    hidden_unless(quien.owns(id_marca), f"No existe la marca {id_marca} en tracking.")
    async with service.db.sessions() as session:
        return await queries.metricas_de_marca(session, id_marca)


@router.get("/metricas/{id_campana}", response_model=MetricasCampana, responses=ERRORES)
async def metricas_de_campana(
    id_campana: IdPath, service: ServiceDep, quien: AdminOrMarca
) -> dict[str, Any]:
    """Las metricas de la campana, en total y por influencer (por su codigo)."""
    async with service.db.sessions() as session:
        metricas = await queries.metricas_de_campana(session, id_campana)
    hidden_unless(quien.owns(metricas["id_marca"]), _desconocida(id_campana))
    return metricas


@router.get("/campanas/{id_campana}/codigos", response_model=list[CodigoOut], responses=ERRORES)
async def codigos(
    id_campana: IdPath, service: ServiceDep, quien: AdminOrMarca, acceso: AccesoDep
) -> list[dict[str, Any]]:
    """Los codigos de tracking de la campana, uno por influencer, con la firma de cada uno
    para construir enlaces y pixeles (``firma`` al registrar un evento con ese codigo)."""
    async with service.db.sessions() as session:
        await _campana_visible(session, quien, id_campana)
        filas = await queries.codigos_de_campana(session, id_campana)
    return [{**fila, "firma": acceso.firma(id_campana, fila["codigo"])} for fila in filas]


@router.post(
    "/campanas/{id_campana}/claves",
    status_code=201,
    response_model=ClaveIngestaNueva,
    responses=ERRORES,
)
async def crear_clave(
    id_campana: IdPath, service: ServiceDep, quien: AdminOrMarca
) -> dict[str, Any]:
    """Crea una clave de ingesta de la campana (cabecera `X-Ingest-Key`: registra eventos de
    esta campana y de ninguna otra). La respuesta es la unica vez que se ve la clave; se guarda
    solo su hash. Rotar: crear una nueva, pasarla a los clientes, borrar la vieja."""
    async with service.db.sessions() as session, session.begin():
        await _campana_visible(session, quien, id_campana)
        clave, plano = await claves.crear(session, id_campana)
    return {**clave.como_json(), "clave": plano}


@router.get(
    "/campanas/{id_campana}/claves", response_model=list[ClaveIngestaOut], responses=ERRORES
)
async def listar_claves(
    id_campana: IdPath, service: ServiceDep, quien: AdminOrMarca
) -> list[dict[str, Any]]:
    """Las claves vigentes de la campana (sin la clave: su prefijo), la mas antigua primero."""
    async with service.db.sessions() as session:
        await _campana_visible(session, quien, id_campana)
        return [clave.como_json() for clave in await claves.vigentes(session, id_campana)]


@router.delete("/campanas/{id_campana}/claves/{id_clave}", status_code=204, responses=ERRORES)
async def revocar_clave(
    id_campana: IdPath, id_clave: UUID, service: ServiceDep, quien: AdminOrMarca, acceso: AccesoDep
) -> Response:
    """Revoca una clave de ingesta: deja de valer enseguida en esta replica, y en las demas en
    pocos segundos (``TRACKING_INGEST_KEY_CACHE_SECONDS``)."""
    async with service.db.sessions() as session, session.begin():
        await _campana_visible(session, quien, id_campana)
        revocada = await claves.revocar(session, id_campana, id_clave)
    if revocada is None:
        raise HTTPException(404, f"La campaña {id_campana} no tiene la clave {id_clave}.")
    acceso.olvidar_clave(revocada)
    return Response(status_code=204)


def _desconocida(id_campana: str) -> str:
    return str(CampanaNoEncontrada(id_campana))


async def _campana_visible(session: Any, quien: Principal, id_campana: str) -> Any:
    """The campaign's row (:func:`queries.campana`); 404 unless it is ``quien``'s to see."""
    campana = await queries.campana(session, id_campana)
    hidden_unless(quien.owns(campana["id_marca"]), _desconocida(id_campana))
    return campana
