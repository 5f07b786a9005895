"""Message contracts of the campaign saga: Avro events, topic names and the codec.

Events are dataclasses-avroschema models grouped by publishing context (one module and one
topic each); their Avro namespace carries the version (``alpes.<context>.v1``).
"""

from contracts.afiliaciones import (
    TIPOS_CAMPANA,
    CampanaCancelada,
    CampanaConfirmada,
    CampanaCreada,
    CampanaFinalizada,
    CampanaIniciada,
    InfluencerCampana,
    MarcaCampana,
)
from contracts.base import CONTEXTS, Context, IntegrationEvent, new_event_id, utc_now
from contracts.codec import (
    CONTENT_TYPE,
    CONTENT_TYPE_PROPERTY,
    FINGERPRINT_PROPERTY,
    RECORD_PROPERTY,
    CodecError,
    EventCodec,
    UndecodableMessage,
    UnknownEventType,
    UnknownSchemaVersion,
    decode,
    default_codec,
    encode,
)
from contracts.influencer import (
    AsignacionInfluencer,
    AsignacionInfluencersRechazada,
    InfluencersAsignados,
    InfluencersLiberados,
)
from contracts.marca import PresupuestoLiberado, PresupuestoReservado, ReservaPresupuestoRechazada
from contracts.registry import EVENTS, fingerprint, record_name, schema_of
from contracts.topics import (
    DEFAULT_NAMESPACE,
    SUBSCRIPTIONS,
    consumed_topics,
    dead_letter_topic,
    subscription,
    topic,
    topic_for,
)
from contracts.tracking import (
    CodigoTracking,
    HabilitacionTrackingRechazada,
    TrackingDeshabilitado,
    TrackingHabilitado,
)

__all__ = [
    "CONTENT_TYPE",
    "CONTENT_TYPE_PROPERTY",
    "CONTEXTS",
    "DEFAULT_NAMESPACE",
    "EVENTS",
    "FINGERPRINT_PROPERTY",
    "RECORD_PROPERTY",
    "SUBSCRIPTIONS",
    "TIPOS_CAMPANA",
    "AsignacionInfluencer",
    "AsignacionInfluencersRechazada",
    "CampanaCancelada",
    "CampanaConfirmada",
    "CampanaCreada",
    "CampanaFinalizada",
    "CampanaIniciada",
    "CodecError",
    "CodigoTracking",
    "Context",
    "EventCodec",
    "HabilitacionTrackingRechazada",
    "InfluencerCampana",
    "InfluencersAsignados",
    "InfluencersLiberados",
    "IntegrationEvent",
    "MarcaCampana",
    "PresupuestoLiberado",
    "PresupuestoReservado",
    "ReservaPresupuestoRechazada",
    "TrackingDeshabilitado",
    "TrackingHabilitado",
    "UndecodableMessage",
    "UnknownEventType",
    "UnknownSchemaVersion",
    "consumed_topics",
    "dead_letter_topic",
    "decode",
    "default_codec",
    "encode",
    "fingerprint",
    "new_event_id",
    "record_name",
    "schema_of",
    "subscription",
    "topic",
    "topic_for",
    "utc_now",
]
