"""The client's settings, checked when the client is made."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from .results import RejectedEvent

OverflowPolicy = Literal["drop_oldest", "wait"]


@dataclass(frozen=True, kw_only=True, slots=True)
class PitClientOptions:
    """Settings of a ``PitClient``. Durations are seconds. The defaults suit a service sending thousands of events a
    second; they match the C# SDK's."""

    max_queue_size: int = 65_536
    """The most events ``track`` holds in memory."""
    overflow_policy: OverflowPolicy = "drop_oldest"
    """``"drop_oldest"`` (count it in ``dropped``, never wait) or ``"wait"`` (up to ``overflow_wait_timeout``)."""
    overflow_wait_timeout: float = 0.1
    """The longest ``track`` waits for room under ``"wait"`` before dropping the new event."""
    max_batch_events: int = 500
    """Events per request, 1 to 1,000 (the API's limit)."""
    max_batch_bytes: int = 1024 * 1024
    """Uncompressed bytes per request, 1 KiB to 5 MiB (the API's limit)."""
    flush_interval: float = 1.0
    """The longest a tracked event waits for its batch to fill."""
    max_concurrent_sends: int = 1
    """Background requests in flight; 1 keeps tracked events in order, more raise throughput."""
    max_retries: int = 8
    """Retries of one ``send`` request; background batches retry until delivered or the client is closed."""
    retry_delay: float = 0.1
    """The first backoff ceiling; it doubles per attempt (full jitter: a random delay up to the ceiling)."""
    max_retry_delay: float = 30.0
    """The backoff ceiling's cap."""
    network_timeout: float = 30.0
    """One HTTP attempt (connect, send, answer)."""
    close_timeout: float = 10.0
    """How long ``close`` tries to deliver what is queued."""
    gzip: bool = True
    """``Content-Encoding: gzip`` request bodies."""
    on_rejected: Callable[[RejectedEvent], None] | None = None
    """Called (on the sender's thread) for every tracked event that will never be stored; keep it short. Exceptions it
    raises are swallowed so that it cannot stop delivery."""

    def __post_init__(self) -> None:
        _require(1 <= self.max_queue_size <= 1 << 24, "max_queue_size", "1 to 16,777,216", self.max_queue_size)
        _require(
            self.overflow_policy in ("drop_oldest", "wait"),
            "overflow_policy",
            "'drop_oldest' or 'wait'",
            self.overflow_policy,
        )
        _require(1 <= self.max_batch_events <= 1000, "max_batch_events", "1 to 1,000", self.max_batch_events)
        _require(
            1024 <= self.max_batch_bytes <= 5 * 1024 * 1024, "max_batch_bytes", "1 KiB to 5 MiB", self.max_batch_bytes
        )
        _require(1 <= self.max_concurrent_sends <= 64, "max_concurrent_sends", "1 to 64", self.max_concurrent_sends)
        _require(0 <= self.max_retries <= 100, "max_retries", "0 to 100", self.max_retries)
        _require(self.flush_interval > 0, "flush_interval", "positive", self.flush_interval)
        _require(self.retry_delay > 0, "retry_delay", "positive", self.retry_delay)
        _require(
            self.max_retry_delay >= self.retry_delay, "max_retry_delay", "at least retry_delay", self.max_retry_delay
        )
        _require(self.network_timeout > 0, "network_timeout", "positive", self.network_timeout)
        _require(
            self.overflow_wait_timeout >= 0, "overflow_wait_timeout", "zero or positive", self.overflow_wait_timeout
        )
        _require(self.close_timeout >= 0, "close_timeout", "zero or positive", self.close_timeout)
        _require(self.on_rejected is None or callable(self.on_rejected), "on_rejected", "callable", self.on_rejected)

    @classmethod
    def of(cls, options: PitClientOptions | None, overrides: dict[str, Any]) -> PitClientOptions:
        """``options`` (or the defaults) with ``overrides`` applied; an unknown name fails naming it."""
        base = options if options is not None else cls()
        if not overrides:
            return base
        names = {f.name for f in dataclasses.fields(cls)}
        for name in overrides:
            if name not in names:
                raise TypeError(f"unknown option {name!r}; the options are {', '.join(sorted(names))}")
        return dataclasses.replace(base, **overrides)


def _require(ok: bool, name: str, what: str, value: Any) -> None:
    if not ok:
        raise ValueError(f"PitClientOptions.{name} must be {what} (got {value!r})")
