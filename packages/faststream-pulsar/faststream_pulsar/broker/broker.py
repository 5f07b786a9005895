"""``PulsarBroker``: FastStream's broker for Apache Pulsar on ``pulsar-client``'s asyncio API."""

from __future__ import annotations

import asyncio
import itertools
import logging
import uuid
import warnings
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import pulsar
import pulsar.asyncio
from fast_depends import dependency_provider
from faststream._internal.broker import BrokerUsecase
from faststream._internal.constants import EMPTY
from faststream._internal.context.repository import ContextRepo
from faststream._internal.di import FastDependsConfig
from faststream._internal.logger import make_logger_state
from faststream.response.publish_type import PublishType
from faststream.specification.schema import BrokerSpec
from typing_extensions import override

from faststream_pulsar.configs import PulsarBrokerConfig
from faststream_pulsar.publisher.producer import PulsarProducer, swallow
from faststream_pulsar.response import PulsarPublishCommand
from faststream_pulsar.security import parse_security
from faststream_pulsar.subscriber import PULSAR_ERRORS

from .logging import PulsarLogStorage, quiet_client_logger
from .registrator import PulsarRegistrator

if TYPE_CHECKING:
    from datetime import timedelta
    from types import TracebackType

    from fast_depends import Provider
    from fast_depends.dependencies import Dependant
    from fast_depends.library.serializer import SerializerProto
    from faststream._internal.basic_types import LoggerProto, SendableMessage
    from faststream._internal.parser import CodecProto
    from faststream._internal.types import BrokerMiddleware, CustomCallable
    from faststream.middlewares import AckPolicy
    from faststream.security import BaseSecurity
    from faststream.specification.schema.extra import Tag, TagDict

    from faststream_pulsar.message import PulsarMessage

#: Producer settings: batching on, but flushed after 1 ms, so an awaited send costs
#: about 2 ms instead of the client's 10 ms default while throughput keeps batching.
DEFAULT_PRODUCER_OPTIONS: dict[str, Any] = {
    "batching_enabled": True,
    "batching_max_publish_delay_ms": 1,
    "max_pending_messages": 10_000,
    "block_if_queue_full": True,
    "send_timeout_millis": 30_000,
}


_ID_PREFIX = uuid.uuid4().hex[:20]
_ID_COUNTER = itertools.count()


def new_correlation_id() -> str:
    """A correlation id unique across processes: a random per-process prefix and a counter.

    FastStream's default is a fresh ``uuid4`` per message, whose ``os.urandom`` call costs
    about as much as the rest of a publish on these machines; a correlation id needs to be
    unique, not unpredictable.
    """
    return f"{_ID_PREFIX}{next(_ID_COUNTER):012x}"


_TLS_SCHEMES = ("pulsar+ssl", "https")


def _security_kwargs(
    url: str,
    security: BaseSecurity | None,
    *,
    auth_token: str | None,
    tls_trust_certs_file_path: str | None,
    tls_validate_hostname: bool | None,
) -> dict[str, Any]:
    """The client's authentication and TLS arguments: ``security``'s, then the deprecated
    keyword arguments', with the host name validated on a TLS URL unless switched off."""
    kwargs = parse_security(security)
    scheme = url.split("://", 1)[0].lower()
    if kwargs.get("use_tls") and scheme not in _TLS_SCHEMES:
        msg = f"`security` asks for TLS, which needs a pulsar+ssl:// service URL, not {url!r}"
        raise ValueError(msg)
    legacy = {
        "auth_token": auth_token,
        "tls_trust_certs_file_path": tls_trust_certs_file_path,
        "tls_validate_hostname": tls_validate_hostname,
    }
    if used := [name for name, value in legacy.items() if value is not None]:
        warnings.warn(
            f"PulsarBroker({', '.join(used)}=...) is deprecated: pass "
            "security=PulsarTokenSecurity(...) or PulsarSecurity(...) instead",
            DeprecationWarning,
            stacklevel=3,
        )
    if auth_token:
        kwargs["authentication"] = pulsar.AuthenticationToken(auth_token)
    if tls_trust_certs_file_path:
        kwargs["tls_trust_certs_file_path"] = tls_trust_certs_file_path
    if tls_validate_hostname is not None:
        kwargs["tls_validate_hostname"] = tls_validate_hostname
    if scheme in _TLS_SCHEMES:
        kwargs.setdefault("tls_validate_hostname", True)
    return kwargs


class PulsarBroker(
    PulsarRegistrator, BrokerUsecase[Any, pulsar.asyncio.Client, PulsarBrokerConfig]
):
    """A FastStream broker for Apache Pulsar.

    ```python
    broker = PulsarBroker("pulsar://localhost:6650")

    @broker.subscriber("orders", subscription="billing")
    async def handle(order: dict) -> None: ...
    ```

    ``security`` configures the connection and its AsyncAPI description (see
    ``faststream_pulsar.security``): ``PulsarTokenSecurity(token)`` authenticates, and a
    ``pulsar+ssl://`` URL connects over TLS with the broker's host name validated.
    ``auth_token``, ``tls_trust_certs_file_path`` and ``tls_validate_hostname`` are
    deprecated spellings of the same.
    """

    def __init__(
        self,
        url: str = "pulsar://localhost:6650",
        *,
        auth_token: str | None = None,
        tls_trust_certs_file_path: str | None = None,
        tls_validate_hostname: bool | None = None,
        operation_timeout: float = 30.0,
        connection_timeout: float = 10.0,
        client_logger: logging.Logger | None = None,
        client_options: dict[str, Any] | None = None,
        ping_topic: str = "persistent://public/default/__faststream_ping",
        producer_options: dict[str, Any] | None = None,
        graceful_timeout: float | None = 15.0,
        decoder: CustomCallable | None = None,
        parser: CustomCallable | None = None,
        codec: CodecProto | None = None,
        dependencies: Sequence[Dependant] = (),
        middlewares: Sequence[BrokerMiddleware[Any, Any]] = (),
        routers: Iterable[PulsarRegistrator] = (),
        ack_policy: AckPolicy = EMPTY,
        # AsyncAPI
        specification_url: str | None = None,
        description: str | None = None,
        tags: Iterable[Tag | TagDict] = (),
        security: BaseSecurity | None = None,
        # logging
        logger: LoggerProto | None = EMPTY,
        log_level: int = logging.INFO,
        # FastDepends
        apply_types: bool = True,
        serializer: SerializerProto | None = EMPTY,
        provider: Provider | None = None,
        context: ContextRepo | None = None,
    ) -> None:
        client_kwargs: dict[str, Any] = {
            "operation_timeout_seconds": max(1, int(operation_timeout)),
            "connection_timeout_ms": int(connection_timeout * 1000),
            # the C++ client writes to stdout unless it is given a Python logger
            "logger": client_logger or quiet_client_logger(),
            **_security_kwargs(
                url,
                security,
                auth_token=auth_token,
                tls_trust_certs_file_path=tls_trust_certs_file_path,
                tls_validate_hostname=tls_validate_hostname,
            ),
            **(client_options or {}),
        }
        self.url = url
        self.ping_topic = ping_topic
        super().__init__(
            routers=routers,
            config=PulsarBrokerConfig(
                producer=PulsarProducer({**DEFAULT_PRODUCER_OPTIONS, **(producer_options or {})}),
                broker_middlewares=middlewares,
                broker_parser=parser,
                broker_decoder=decoder,
                broker_codec=codec,
                logger=make_logger_state(
                    logger=logger,
                    log_level=log_level,
                    default_storage_cls=PulsarLogStorage,
                ),
                fd_config=FastDependsConfig(
                    use_fastdepends=apply_types,
                    serializer=serializer,
                    provider=provider or dependency_provider,
                    context=context or ContextRepo(),
                ),
                broker_dependencies=dependencies,
                graceful_timeout=graceful_timeout,
                ack_policy=ack_policy,
                id_generator=new_correlation_id,
                extra_context={"broker": self},
            ),
            specification=BrokerSpec(
                description=description,
                url=[specification_url or url],
                protocol=url.split("://", 1)[0],
                protocol_version="3",
                tags=tags,
                security=security,
            ),
            **client_kwargs,
        )

    # --- connection ------------------------------------------------------------------

    @override
    async def _connect(self) -> pulsar.asyncio.Client:
        client = pulsar.asyncio.Client(self.url, **self._connection_kwargs)
        self.config.broker_config.connect(client)
        return client

    @override
    async def start(self) -> None:
        await self.connect()
        await super().start()

    @override
    async def stop(
        self,
        exc_type: type[BaseException] | None = None,
        exc_val: BaseException | None = None,
        exc_tb: TracebackType | None = None,
    ) -> None:
        await super().stop(exc_type, exc_val, exc_tb)
        client, self._connection = self._connection, None
        await self.config.broker_config.disconnect()
        if client is not None:
            try:
                await client.close()
            except PULSAR_ERRORS as exc:
                logging.getLogger("faststream_pulsar").debug("closing client: %s", exc)

    @override
    async def ping(self, timeout: float | None = 5.0) -> bool:
        """True when a broker answers a topic lookup within ``timeout`` seconds."""
        client = self._connection
        if client is None:
            return False
        lookup = asyncio.ensure_future(client.get_topic_partitions(self.ping_topic))
        done, _ = await asyncio.wait({lookup}, timeout=timeout)
        if not done:
            lookup.add_done_callback(swallow)
            return False
        return lookup.exception() is None

    # --- publishing ------------------------------------------------------------------

    @override
    async def publish(
        self,
        message: SendableMessage = None,
        topic: str = "",
        *,
        key: str | None = None,
        ordering_key: str | None = None,
        headers: dict[str, Any] | None = None,
        correlation_id: str | None = None,
        message_id: str | None = None,
        reply_to: str = "",
        event_timestamp: int | None = None,
        deliver_after: timedelta | None = None,
    ) -> pulsar.MessageId:
        """Send one message; returns its Pulsar message id once the broker has it."""
        cmd = PulsarPublishCommand(
            message,
            topic=topic,
            key=key,
            ordering_key=ordering_key,
            headers=headers,
            correlation_id=correlation_id or new_correlation_id(),
            message_id=message_id,
            reply_to=reply_to,
            event_timestamp=event_timestamp,
            deliver_after=deliver_after,
            _publish_type=PublishType.PUBLISH,
        )
        return await self._basic_publish(cmd, producer=self.config.producer)

    @override
    async def request(  # type: ignore[override]
        self,
        message: SendableMessage = None,
        topic: str = "",
        *,
        timeout: float = 5.0,
        key: str | None = None,
        headers: dict[str, Any] | None = None,
        correlation_id: str | None = None,
    ) -> PulsarMessage:
        """Publish and wait for the handler's reply (sent to a private reply topic)."""
        cmd = PulsarPublishCommand(
            message,
            topic=topic,
            key=key,
            headers=headers,
            correlation_id=correlation_id or new_correlation_id(),
            timeout=timeout,
            _publish_type=PublishType.REQUEST,
        )
        return await self._basic_request(cmd, producer=self.config.producer)  # type: ignore[no-any-return]


__all__ = ("DEFAULT_PRODUCER_OPTIONS", "PulsarBroker")
