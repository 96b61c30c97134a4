"""Encoding events, building request bodies, and delivering one batch with retries."""

from __future__ import annotations

import json
import logging
import random
import re
import threading
import zlib
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any, Final, NamedTuple

from ._schema import EventSchemaValidator
from ._transport import AttemptOutcome, IngestTransport
from ._version import SDK_VERSION
from .errors import ERR_SDK_UNSUPPORTED, ERR_UNAVAILABLE, ERR_VALIDATION, PitError
from .events import to_event_dict
from .results import EventError, EventResult, EventStatus

_log = logging.getLogger("pit_sdk")


def _json_writer() -> Callable[[Any], str]:
    """Compact JSON text, NaN and infinities refused. JSONEncoder.encode makes a new C encoder (and a dict of cycle
    markers) on every call, which costs about as much again as writing a small event; this one is made once. Without
    the markers a cycle ends as RecursionError, which ``encode`` handles as it does ValueError."""
    if c_make_encoder is None:  # an interpreter without the C accelerator
        return json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode
    write = c_make_encoder(None, _not_json, encode_basestring, None, ":", ",", False, False, False)
    return lambda value: "".join(write(value, 0))


def _not_json(value: Any) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


_dumps = _json_writer()


class EncodedEvent(NamedTuple):
    """An event and its JSON, written once and resent unchanged on every retry (a tuple: made per event, cheaply)."""

    event: Mapping[str, Any]
    event_id: str
    json: bytes


def encode(event: Any, validator: EventSchemaValidator) -> tuple[EncodedEvent | None, dict[str, Any] | Any, EventError]:
    """The event written and validated: ``(encoded, event, _)``, or ``(None, event, first_error)``.

    The event comes back as a dict with its ``event_id`` (made here when it had none).
    """
    event = to_event_dict(event)
    try:
        body: bytes | None = _dumps(event).encode("utf-8")
        storable = True
    except UnicodeEncodeError:
        body, storable = None, False  # a surrogate: unpaired (refused below) or a pair given as two halves
    except (TypeError, ValueError, RecursionError):
        body, storable = None, False  # not JSON (a set, NaN, a cycle): the schema names where, or the writer does
    errors = validator.validate_storable(event, "") if storable else validator.validate(event, "")
    if not errors and body is None:
        try:
            body = json.dumps(event, separators=(",", ":"), allow_nan=False).encode("ascii")
        except (TypeError, ValueError, RecursionError) as e:
            errors = [EventError(ERR_VALIDATION, f"the event cannot be written as JSON: {e}", "")]
    if errors or body is None:
        return None, event, errors[0]
    return EncodedEvent(event, _event_id(event), body), event, _NO_ERROR


_NO_ERROR = EventError("", "", None)


def _event_id(event: Any) -> str:
    value = event.get("event_id") if isinstance(event, dict) else None
    return value if isinstance(value, str) else ""


def request_body(events: list[EncodedEvent], gzip: bool) -> bytes:
    """``{"data":[...]}`` from already written events, gzip-compressed when asked (level 1: speed over size)."""
    body = b'{"data":[' + b",".join([e.json for e in events]) + b"]}"
    return zlib.compress(body, 1, wbits=31) if gzip else body  # wbits 31: the gzip container


def backoff(attempt: int, first: float, cap: float, retry_after: float | None) -> float:
    """Exponential backoff with full jitter: a uniformly random delay up to a ceiling that doubles per attempt, capped
    (clients that failed together do not retry together). A server's Retry-After is a floor."""
    ceiling = min(cap, first * (1 << min(attempt - 1, 30)))
    jittered = random.random() * ceiling
    return retry_after if retry_after is not None and retry_after > jittered else jittered


_VERSION = re.compile(r"^(\d+)\.(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+.*)?$")


def is_below(version: str, minimum: str) -> bool:
    """Whether SemVer ``version`` is below ``minimum``; an unreadable minimum is ignored."""
    ours, theirs = _VERSION.match(version.strip()), _VERSION.match(minimum.strip())
    if ours is None or theirs is None:
        return False
    core_ours = tuple(int(x or 0) for x in ours.groups()[:4])
    core_min = tuple(int(x or 0) for x in theirs.groups()[:4])
    if core_ours != core_min:
        return core_ours < core_min
    # Same core: a pre-release precedes the release; two pre-releases compare by their tags.
    pre_ours, pre_min = ours.group(5), theirs.group(5)
    if pre_ours is None:
        return False
    return pre_min is None or pre_ours < pre_min


class _Stored(Enum):
    ALL = "all stored"


ALL_STORED: Final = _Stored.ALL
"""What a minimal answer says: every event of the batch was stored (accepted or duplicate), nothing more."""


class Cancelled(Exception):
    """The client is closing: retries stop."""


class ClientState:
    """Counters and standing with the server, shared by the foreground and background paths."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.dropped = 0
        self.delivered = 0
        self.rejected = 0
        self.retries = 0
        self.unsupported_because: str | None = None

    def add(self, *, dropped: int = 0, delivered: int = 0, rejected: int = 0, retries: int = 0) -> None:
        with self.lock:
            self.dropped += dropped
            self.delivered += delivered
            self.rejected += rejected
            self.retries += retries


class EventDelivery:
    """Delivers one batch: sends it, resends after transient failures (backoff with full jitter, Retry-After
    honoured), and resends only the events the server could not store (per-event ERR_UNAVAILABLE) when the rest were
    stored. Every resend carries the same bytes and event ids, so nothing is applied twice downstream."""

    def __init__(
        self, transport: IngestTransport, state: ClientState, *, gzip: bool, retry_delay: float, max_retry_delay: float
    ) -> None:
        self._transport = transport
        self._state = state
        self._gzip = gzip
        self._retry_delay = retry_delay
        self._max_retry_delay = max_retry_delay

    def deliver(self, events: list[EncodedEvent], max_retries: int | None, stop: threading.Event) -> list[EventResult]:
        """One result per event, in order. ``max_retries`` None retries until ``stop`` is set (then ``Cancelled``).

        Raises ``PitError`` when the request as a whole fails for good.
        """
        delivered = self._deliver(events, max_retries, stop, False)
        assert delivered is not ALL_STORED, "a full answer was asked for"
        return delivered

    def deliver_minimal(
        self, events: list[EncodedEvent], max_retries: int | None, stop: threading.Event
    ) -> list[EventResult] | _Stored:
        """As ``deliver``, asking for the counts alone (``Prefer: return=minimal``): when the server stores every
        event it says only that, and this returns ``ALL_STORED`` (no per-event results read or built). A 207 still
        brings a result per event."""
        return self._deliver(events, max_retries, stop, True)

    def _deliver(
        self, events: list[EncodedEvent], max_retries: int | None, stop: threading.Event, minimal: bool
    ) -> list[EventResult] | _Stored:
        results: list[EventResult | None] = [None] * len(events)
        pending = list(range(len(events)))
        attempt = 0
        while True:
            self._raise_if_unsupported()
            if stop.is_set():
                raise Cancelled()
            batch = events if attempt == 0 else [events[i] for i in pending]
            outcome = self._transport.post(request_body(batch, self._gzip), len(batch), minimal)
            self._observe(outcome)
            if outcome.all_stored:
                if len(pending) == len(events):
                    return ALL_STORED
                # Resent after a 207: the rest are stored (accepted or duplicate; the counts do not say which, and
                # both count as delivered).
                for i in pending:
                    results[i] = EventResult(events[i].event_id, EventStatus.ACCEPTED)
                return [r for r in results if r is not None]
            if outcome.results is not None:
                again: list[int] = []
                for j, result in enumerate(outcome.results):
                    i = pending[j]
                    if result.error is not None and result.error.code == ERR_UNAVAILABLE:
                        again.append(i)
                    else:
                        results[i] = EventResult(
                            events[i].event_id,
                            result.status,
                            _repoint(result.error, j),
                            result.topic,
                            result.partition,
                            result.offset,
                        )
                if not again:
                    return [r for r in results if r is not None]
                if max_retries is not None and attempt >= max_retries:
                    error = EventError(
                        ERR_UNAVAILABLE, "Kafka did not acknowledge the event after every retry; send it again later"
                    )
                    for i in again:
                        results[i] = EventResult(events[i].event_id, EventStatus.REJECTED, error)
                    return [r for r in results if r is not None]
                pending = again
            elif outcome.failure is not None and (
                not outcome.is_transient or (max_retries is not None and attempt >= max_retries)
            ):
                raise outcome.failure
            attempt += 1
            self._state.add(retries=1)
            delay = backoff(attempt, self._retry_delay, self._max_retry_delay, outcome.retry_after)
            _log.debug(
                "retrying a batch of %d events in %.3f s (attempt %d): %s",
                len(pending),
                delay,
                attempt,
                outcome.failure.message if outcome.failure else "some events unavailable",
            )
            if stop.wait(delay):
                raise Cancelled()

    def _observe(self, outcome: AttemptOutcome) -> None:
        if self._state.unsupported_because is not None:
            return
        minimum = outcome.min_supported_sdk
        if outcome.status == 426:
            self._state.unsupported_because = minimum or "a newer version"
        elif minimum is not None and is_below(SDK_VERSION, minimum):
            self._state.unsupported_because = minimum
        else:
            return
        _log.warning(
            "the server no longer accepts pit-platform-sdk %s (min_supported_sdk %s); upgrade the package",
            SDK_VERSION,
            self._state.unsupported_because,
        )

    def _raise_if_unsupported(self) -> None:
        minimum = self._state.unsupported_because
        if minimum is not None:
            raise PitError(
                f"the server no longer accepts pit-platform-sdk {SDK_VERSION} (min_supported_sdk {minimum}); "
                "upgrade the package",
                status=426,
                code=ERR_SDK_UNSUPPORTED,
                is_transient=False,
            )


def _repoint(error: EventError | None, index: int) -> EventError | None:
    """The server's pointers are into the request it saw (``/data/j/...``); they are made relative to the event."""
    if error is None or error.pointer is None:
        return error
    prefix = f"/data/{index}"
    pointer = error.pointer
    if pointer.startswith(prefix) and (len(pointer) == len(prefix) or pointer[len(prefix)] == "/"):
        return EventError(error.code, error.message, pointer[len(prefix) :])
    return error
