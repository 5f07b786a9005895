"""The envelope every integration event carries, and small helpers to fill it.

Dates are Avro ``timestamp-micros`` (``types.DateTimeMicro``): a plain ``datetime`` field would
become ``timestamp-millis`` and lose the microseconds. Timezone-aware datetimes keep their instant;
fastavro reads a naive datetime as UTC. Decoded datetimes are always aware, in UTC.

No field has a ``default_factory``: dataclasses-avroschema freezes the factory's value into the
generated schema, which would change the schema (and its fingerprint) on every run. Producers fill
``id_evento`` and ``ocurrido_en`` themselves (``new_event_id()``, ``utc_now()``).

The models are evaluated by dataclasses-avroschema at runtime: no ``from __future__ import
annotations`` in these modules (string annotations are not resolved).
"""

import dataclasses
import datetime
import inspect
import uuid
from typing import Any, ClassVar, Literal

from dataclasses_avroschema import AvroModel, types

Context = Literal["afiliaciones", "marca", "influencer", "tracking"]
"""A bounded context; each publishes its events on its own topic (see ``contracts.topics``)."""

CONTEXTS: tuple[Context, ...] = ("afiliaciones", "marca", "influencer", "tracking")


def new_event_id() -> str:
    """A fresh ``id_evento`` (UUID4 as text)."""
    return str(uuid.uuid4())


def utc_now() -> datetime.datetime:
    """The current instant, timezone-aware in UTC, as ``ocurrido_en`` expects."""
    return datetime.datetime.now(datetime.UTC)


@dataclasses.dataclass(frozen=True, kw_only=True)
class IntegrationEvent(AvroModel):
    """Envelope shared by every integration event of the campaign saga."""

    context: ClassVar[Context]
    """The publishing context; it picks the topic. Not part of the Avro record."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # The docstring becomes the Avro "doc"; without this, Python 3.11 keeps the indentation
        # of every line after the first one.
        super().__init_subclass__(**kwargs)
        if cls.__doc__:
            cls.__doc__ = inspect.cleandoc(cls.__doc__)

    id_evento: str = dataclasses.field(
        metadata={"doc": "UUID del evento; clave de idempotencia del inbox de cada consumidor."}
    )
    ocurrido_en: types.DateTimeMicro = dataclasses.field(
        metadata={"doc": "Instante en que ocurrio el hecho, en UTC, con microsegundos."}
    )
    id_campana: str = dataclasses.field(
        metadata={"doc": "Campana a la que se refiere el evento; clave de los mensajes."}
    )
    id_saga: str = dataclasses.field(metadata={"doc": "Saga de creacion de la campana."})
    id_correlacion: str = dataclasses.field(
        metadata={"doc": "Correlacion de extremo a extremo (la peticion HTTP que lo origino)."}
    )
