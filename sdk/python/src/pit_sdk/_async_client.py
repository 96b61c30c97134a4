"""AsyncPitClient: PitClient's surface for asyncio applications."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from types import TracebackType
from typing import Any

from ._client import PitClient
from ._options import PitClientOptions
from .events import Event
from .results import PitCounters, SendResult


class AsyncPitClient:
    """The asyncio form of ``PitClient``: ``send``, ``flush`` and ``close`` are coroutines, ``async with`` closes it.

    The standard library has no asyncio HTTP client, so delivery runs on PitClient's sender thread and awaited calls
    run in a worker thread (``asyncio.to_thread``): the event loop never blocks on the network, and both clients share
    one tested transport. ``track`` stays a plain method: it never blocks, and a coroutine that must be awaited would
    silently lose the event when the ``await`` is forgotten.
    """

    def __init__(self, base_url: str, api_key: str, options: PitClientOptions | None = None, **kwargs: Any) -> None:
        self._client = PitClient(base_url, api_key, options, **kwargs)

    @property
    def options(self) -> PitClientOptions:
        """The settings in force."""
        return self._client.options

    @property
    def is_sdk_supported(self) -> bool:
        """False once the server announced a ``min_supported_sdk`` above this version."""
        return self._client.is_sdk_supported

    @property
    def counters(self) -> PitCounters:
        """The client's counters now (a snapshot)."""
        return self._client.counters

    def track(self, event: Event) -> bool:
        """Queues ``event`` for background delivery and returns at once; never blocks the loop, never raises."""
        return self._client.track(event)

    async def send(self, events: Iterable[Event]) -> SendResult:
        """Sends ``events`` now and returns one result per event, in order (see ``PitClient.send``)."""
        if not isinstance(events, (list, tuple)):
            events = list(events)  # an iterable is read on the loop, not in the worker thread
        return await asyncio.to_thread(self._client.send, events)

    async def flush(self, timeout: float | None = None) -> bool:
        """Waits until every event tracked before the call was delivered or refused; False when ``timeout`` passed."""
        return await asyncio.to_thread(self._client.flush, timeout)

    async def close(self) -> None:
        """Delivers what is queued within ``close_timeout`` and stops (see ``PitClient.close``)."""
        await asyncio.to_thread(self._client.close)

    aclose = close
    """The same as ``close`` (the name contextlib.aclosing expects)."""

    async def __aenter__(self) -> AsyncPitClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"Async{self._client!r}"
