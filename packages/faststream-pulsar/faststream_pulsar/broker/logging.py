"""The broker's log lines (topic and subscription in each) and the C++ client's logger."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from faststream._internal.logger import DefaultLoggerStorage
from faststream._internal.logger.logging import get_broker_logger

if TYPE_CHECKING:
    from faststream._internal.basic_types import LoggerProto
    from faststream._internal.context.repository import ContextRepo


def quiet_client_logger() -> logging.Logger:
    """The C++ client's logger: warnings and errors unless the application says more."""
    client_logger = logging.getLogger("pulsar.client")
    if client_logger.level == logging.NOTSET:
        client_logger.setLevel(logging.WARNING)
    return client_logger


class PulsarLogStorage(DefaultLoggerStorage):
    def __init__(self) -> None:
        super().__init__()
        self._max_topic_len = 4
        self.logger_log_level = logging.INFO

    def set_level(self, level: int) -> None:
        self.logger_log_level = level

    def register_subscriber(self, params: dict[str, Any]) -> None:
        self._max_topic_len = max(self._max_topic_len, len(params.get("topic", "")))

    def get_logger(self, *, context: ContextRepo) -> LoggerProto:
        if not (lg := self._get_logger_ref()):
            lg = get_broker_logger(
                name="pulsar",
                default_context={"topic": "", "subscription": ""},
                message_id_ln=10,
                fmt=(
                    "%(asctime)s %(levelname)-8s - %(topic)s | %(subscription)s | "
                    "%(message_id)-10s - %(message)s"
                ),
                context=context,
                log_level=self.logger_log_level,
            )
            self._logger_ref.add(lg)
        return lg
