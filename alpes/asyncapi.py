"""AsyncAPI documents: FastStream's, completed with Pulsar bindings and the Avro schemas.

FastStream's binding model has no ``pulsar`` entry and its payloads are JSON Schema, so
the generated document is post-processed: ``faststream_pulsar.asyncapi`` adds the Pulsar
bindings (servers, channels, and the subscription that consumes each receive operation),
and every channel lists the integration events that travel on it, each with its Avro
schema (``schemaFormat`` Avro 1.9) and the properties that carry the schema identity.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from faststream.specification import AsyncAPI

from contracts import EVENTS, Context, IntegrationEvent
from contracts.registry import fingerprint, schema_of
from faststream_pulsar import PulsarBroker, PulsarSubscriber
from faststream_pulsar.asyncapi import add_bindings

from .docs_assets import ASYNCAPI_CSS, ASYNCAPI_JS, asset_url
from .messaging import REACTS_TO

AVRO_FORMAT = "application/vnd.apache.avro+json;version=1.9.0"

HEADERS_SCHEMA = {
    "type": "object",
    "properties": {
        "avro-record": {"type": "string", "description": "full Avro record name"},
        "avro-fingerprint": {"type": "string", "description": "writer schema fingerprint"},
        "content-type": {"type": "string", "const": "application/avro"},
        "correlation_id": {"type": "string"},
        "message_id": {"type": "string", "description": "id_evento: the inbox key"},
        "id_saga": {"type": "string"},
        "id_correlacion": {"type": "string"},
    },
}


def document(
    broker: PulsarBroker, *, name: Context, title: str, description: str
) -> dict[str, Any]:
    """The AsyncAPI 3.0 document of service ``name``: what it publishes and reacts to."""
    channels = _channels(broker, name)
    doc: dict[str, Any] = (
        AsyncAPI(broker, title=title, version="1.0.0", description=description)
        .to_specification()
        .to_jsonable()
    )
    add_bindings(doc, broker, tenant="public")
    doc["defaultContentType"] = "application/avro"
    components = doc.setdefault("components", {})
    components["messages"] = {}
    components["schemas"] = {}
    for title_, channel in doc.get("channels", {}).items():
        events = channels.get(title_, ())
        channel["messages"] = {
            e.__name__: {"$ref": f"#/components/messages/{e.__name__}"} for e in events
        }
        for event in events:
            components["messages"][event.__name__] = _message(event)
    for operation in doc.get("operations", {}).values():
        channel_name = operation["channel"]["$ref"].rsplit("/", 1)[-1]
        operation["messages"] = [
            {"$ref": f"#/channels/{channel_name}/messages/{e.__name__}"}
            for e in channels.get(channel_name, ())
        ]
    return doc


def _channels(broker: PulsarBroker, name: Context) -> dict[str, tuple[type[IntegrationEvent], ...]]:
    """Channel title -> its events: the service's own topic (every event of its context)
    and each subscription (the events it reacts to)."""
    channels = {f"{name}:eventos": tuple(e for e in EVENTS if e.context == name)}
    for sub in broker.subscribers:
        if isinstance(sub, PulsarSubscriber):
            title = sub.specification.config.title_ or sub.topic
            channels[title] = REACTS_TO.get(sub, ())
    return channels


def _message(event: type[IntegrationEvent]) -> dict[str, Any]:
    schema = schema_of(event)
    return {
        "name": event.__name__,
        "title": event.__name__,
        "summary": (event.__doc__ or "").strip().splitlines()[0] if event.__doc__ else "",
        "contentType": "application/avro",
        "correlationId": {"location": "$message.header#/id_correlacion"},
        "headers": HEADERS_SCHEMA,
        "payload": {"schemaFormat": AVRO_FORMAT, "schema": schema},
        "x-avro-fingerprint": fingerprint(schema),
    }


def html(doc: dict[str, Any], *, root_path: str = "") -> str:
    """A page that renders ``doc`` with the AsyncAPI web component FastStream uses, loaded
    from the service itself (``alpes.docs_assets``: the vendored standalone bundle under
    ``/static/docs/``, so the page works offline); ``root_path`` is the app's, if any."""
    config = {"schema": json.dumps(doc), "config": {"show": {"sidebar": True}}}
    title = escape(str(doc.get("info", {}).get("title", "AsyncAPI")))
    css = escape(asset_url(ASYNCAPI_CSS, root_path))
    js = escape(asset_url(ASYNCAPI_JS, root_path))
    # "</" in the document (a description, say) must not close the script element
    props = json.dumps(config).replace("</", "<\\/")
    return f"""<!DOCTYPE html>
<html>
  <head>
    <meta charset="utf-8">
    <title>{title} AsyncAPI</title>
    <link rel="stylesheet" href="{css}">
  </head>
  <body>
    <div id="asyncapi"></div>
    <script src="{js}"></script>
    <script>window.AsyncApiStandalone.render({props}, document.getElementById("asyncapi"));</script>
  </body>
</html>"""
