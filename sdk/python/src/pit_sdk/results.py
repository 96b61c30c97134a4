"""What happened to events: per-event results of ``send`` and the reasons events were refused."""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, overload


class EventStatus(str, enum.Enum):
    """What happened to one event."""

    ACCEPTED = "accepted"
    """Stored in Kafka (acknowledged by every replica)."""
    DUPLICATE = "duplicate"
    """Repeated an earlier event of the same request with the same body; stored once."""
    REJECTED = "rejected"
    """Refused; ``EventResult.error`` says why. Sending the same event again will not help."""


@dataclass(frozen=True, slots=True)
class EventError:
    """Why an event was refused: a stable ``ERR_*`` code, a message and a JSON pointer (relative to the event)."""

    code: str
    message: str
    pointer: str | None = None


@dataclass(frozen=True, slots=True)
class EventResult:
    """The outcome of one event of a ``send`` call."""

    event_id: str
    status: EventStatus
    error: EventError | None = None
    topic: str | None = None
    partition: int | None = None
    offset: int | None = None

    @property
    def ok(self) -> bool:
        """Whether the event is stored (accepted or duplicate)."""
        return self.status is not EventStatus.REJECTED


@dataclass(frozen=True, slots=True)
class SendResult(Sequence[EventResult]):
    """The per-event outcomes of one ``send`` call, in the order given; a sequence of ``EventResult``."""

    results: tuple[EventResult, ...]
    accepted: int = field(init=False)
    """Events stored (accepted or duplicate)."""
    rejected: int = field(init=False)
    """Events refused."""

    def __post_init__(self) -> None:
        rejected = sum(1 for r in self.results if r.status is EventStatus.REJECTED)
        object.__setattr__(self, "rejected", rejected)
        object.__setattr__(self, "accepted", len(self.results) - rejected)

    @overload
    def __getitem__(self, index: int) -> EventResult:
        ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[EventResult]:
        ...

    def __getitem__(self, index: int | slice) -> EventResult | Sequence[EventResult]:
        return self.results[index]

    def __len__(self) -> int:
        return len(self.results)

    def __iter__(self) -> Iterator[EventResult]:
        return iter(self.results)


@dataclass(frozen=True, slots=True)
class RejectedEvent:
    """A tracked event that will never be stored, with the reason; given to ``on_rejected``."""

    event: Mapping[str, Any]
    """The event as it was sent (with its ``event_id``)."""
    error: EventError


@dataclass(frozen=True, slots=True)
class PitCounters:
    """A snapshot of a client's counters since it was made."""

    tracked: int
    """Events taken by ``track``."""
    dropped: int
    """Events lost to queue overflow or to closing before delivery."""
    delivered: int
    """Events the server accepted (including duplicates)."""
    rejected: int
    """Events refused, client-side or by the server."""
    retries: int
    """Request attempts repeated after a transient failure."""
    queued: int
    """Events waiting in the queue now."""
