"""Value objects of tracking: states, event types, metric increments, tracking codes."""

import base64
import dataclasses
import enum
from collections.abc import Callable, Mapping
from decimal import Decimal

from tracking_svc.domain.errors import TipoEventoDesconocido, ValorFueraDeRango

CERO = Decimal(0)
MAX_VALOR_CONVERSION = Decimal(1_000_000)
"""The largest value one conversion may add: a purchase larger than any a campaign tracks (so
one forged conversion cannot swamp a campaign's metrics), and sums of such values stay exact in
the NUMERIC counters and far inside what the metrics answer as a JSON number (a double)."""
BYTES_POR_CODIGO = 9
"""72 random bits: 12 URL-safe characters; a collision is not a practical concern."""

FuenteAleatoria = Callable[[int], bytes]
"""n -> n random bytes (``secrets.token_bytes`` in production; a fake in tests)."""


class EstadoTracking(enum.StrEnum):
    ACTIVA = "activa"
    DESHABILITADA = "deshabilitada"
    FINALIZADA = "finalizada"
    CANCELADA_ANTES = "cancelada_antes"
    RECHAZADA = "rechazada"


class TipoEvento(enum.StrEnum):
    VISTA = "vista"
    CLIC = "clic"
    CONVERSION = "conversion"
    ENGAGEMENT = "engagement"
    COMPARTIR = "compartir"
    COMENTARIO = "comentario"

    @classmethod
    def desde_texto(cls, texto: str) -> "TipoEvento":
        """The type named by ``texto`` (case and surrounding spaces ignored)."""
        try:
            return cls(texto.strip().lower())
        except ValueError:
            raise TipoEventoDesconocido(texto) from None


def generar_codigo(fuente: FuenteAleatoria) -> str:
    """A short URL-safe tracking code from ``BYTES_POR_CODIGO`` random bytes."""
    aleatorio = fuente(BYTES_POR_CODIGO)
    if len(aleatorio) != BYTES_POR_CODIGO:
        raise ValueError(f"the random source gave {len(aleatorio)} bytes, not {BYTES_POR_CODIGO}")
    return base64.urlsafe_b64encode(aleatorio).decode("ascii")


def _numero(valor: object) -> Decimal | None:
    if isinstance(valor, bool) or not isinstance(valor, int | float | Decimal):
        return None
    return valor if isinstance(valor, Decimal) else Decimal(str(valor))


def valor_conversion(datos: Mapping[str, object]) -> Decimal:
    """The value of a conversion: ``datos["valor_compra"]``, or ``datos["valor"]`` when there is
    no ``valor_compra``. A number must be finite and between 0 and ``MAX_VALOR_CONVERSION``, or
    the event is refused (``ValorFueraDeRango``); anything but a number (a string, a bool,
    null), or neither key, counts as 0 and the event is accepted, as the seed did."""
    valor = datos["valor_compra"] if "valor_compra" in datos else datos.get("valor")
    numero = _numero(valor)
    if numero is None:
        return CERO
    if not numero.is_finite() or numero < 0 or numero > MAX_VALOR_CONVERSION:
        raise ValorFueraDeRango(valor, MAX_VALOR_CONVERSION)
    return numero


@dataclasses.dataclass(frozen=True, kw_only=True)
class Incremento:
    """What one tracking event adds to a campaign's metrics (``UPDATE ... SET x = x + :dx``)."""

    vistas: int = 0
    clics: int = 0
    conversiones: int = 0
    valor_conversiones: Decimal = CERO
    engagement: int = 0
    compartidos: int = 0
    comentarios: int = 0

    @classmethod
    def de_evento(cls, tipo: TipoEvento, datos: Mapping[str, object]) -> "Incremento":
        """One unit of the type's counter; a conversion also adds ``valor_conversion(datos)``.

        Every event is counted through here: but for a conversion, the answer depends on the
        type alone and is one shared (immutable) value."""
        if tipo is TipoEvento.CONVERSION:
            return cls(conversiones=1, valor_conversiones=valor_conversion(datos))
        return _UNIDADES[tipo]

    def __add__(self, otro: "Incremento") -> "Incremento":
        """Sum of two increments (to apply a batch of events in one UPDATE)."""
        return Incremento(
            **{
                campo.name: getattr(self, campo.name) + getattr(otro, campo.name)
                for campo in dataclasses.fields(self)
            }
        )


_UNIDADES: dict[TipoEvento, Incremento] = {
    TipoEvento.VISTA: Incremento(vistas=1),
    TipoEvento.CLIC: Incremento(clics=1),
    TipoEvento.ENGAGEMENT: Incremento(engagement=1),
    TipoEvento.COMPARTIR: Incremento(compartidos=1),
    TipoEvento.COMENTARIO: Incremento(comentarios=1),
}
"""What one event of each type but a conversion adds."""
