"""RFC 7240 ``Prefer``: how long a client is willing to wait for a request's outcome.

``Prefer: wait=N`` asks the server to answer within about N seconds; ``Prefer: respond-async``
alone asks for the asynchronous answer (202) at once. A server applies what it can and names it
in ``Preference-Applied``; anything it does not understand is ignored, as the RFC says.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

HEADER = "Prefer"
APPLIED = "Preference-Applied"


@dataclass(frozen=True)
class WaitPreference:
    """How long to wait, and what to answer in ``Preference-Applied`` (None: nothing applied)."""

    seconds: int
    applied: str | None = None

    def headers(self) -> dict[str, str]:
        return {APPLIED: self.applied} if self.applied else {}


def wait_preference(values: Iterable[str] | None, *, default: int, maximum: int) -> WaitPreference:
    """The wait a request's ``Prefer`` header values ask for: ``wait=N`` capped at ``maximum``,
    0 for ``respond-async`` without ``wait``, otherwise ``default`` (nothing applied)."""
    preferences = _parse(values or ())
    wait = preferences.get("wait")
    if wait is not None and wait.isascii() and wait.isdigit():
        seconds = maximum if len(wait) > 9 else min(int(wait), maximum)
        return WaitPreference(seconds, f"wait={seconds}")
    if "respond-async" in preferences:
        return WaitPreference(0, "respond-async")
    return WaitPreference(default)


def _parse(values: Iterable[str]) -> dict[str, str]:
    """Preference name (lower case) -> value ('' when it has none); the first of each name
    counts (RFC 7240 section 2). Parameters after ``;`` are dropped: no preference used here
    has any."""
    preferences: dict[str, str] = {}
    for value in values:
        for item in value.split(","):
            name, _, word = item.split(";", 1)[0].partition("=")
            name = name.strip().lower()
            if name and name not in preferences:
                preferences[name] = word.strip().strip('"')
    return preferences
