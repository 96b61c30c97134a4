"""PitClient: ``track`` into a bounded queue drained by a background sender thread, and ``send`` with results."""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
import weakref
from collections import deque
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import Any

from ._delivery import ALL_STORED, Cancelled, ClientState, EncodedEvent, EventDelivery, encode
from ._options import PitClientOptions
from ._schema import embedded_validator
from ._transport import IngestTransport
from .errors import ERR_NOT_DELIVERED, PitClientClosedError, PitError
from .events import Event, LlmCall, TradeFill
from .results import EventError, EventResult, EventStatus, PitCounters, RejectedEvent, SendResult

_log = logging.getLogger("pit_sdk")


class PitClient:
    """Sends events to PIT Platform's ingestion API (``POST /v1/events``). Thread-safe; make one per process and close
    it at shutdown (or use it as a context manager).

    - ``track(event)``: fire and forget. Never blocks (under the default ``drop_oldest`` policy), never raises; events
      are validated, batched, gzip-compressed and sent by a background thread, retried until delivered.
    - ``send(events)``: waits, and returns a result per event.

    Options are a ``PitClientOptions`` and/or its fields as keyword arguments, for example ``max_batch_events=1000``.
    """

    def __init__(self, base_url: str, api_key: str, options: PitClientOptions | None = None, **kwargs: Any) -> None:
        if not isinstance(api_key, str) or not api_key.strip():
            raise ValueError("api_key must be an API key with the ingest scope (pit_...); read it from configuration")
        self._options = PitClientOptions.of(options, kwargs)
        self._base_url, self._api_key = base_url, api_key
        self._validator = embedded_validator()
        self._capacity = self._options.max_queue_size
        self._batch_events = self._options.max_batch_events
        self._waits = self._options.overflow_policy == "wait"
        self._closed = False
        self._start()
        _open_clients.add(self)

    def _start(self) -> None:
        """Makes the queue, locks, transport and sender thread: when the client is made, and again in a forked child
        (which has none of the parent's threads, and must not share its connections)."""
        o = self._options
        self._transport = IngestTransport(self._base_url, self._api_key, timeout=o.network_timeout, gzip=o.gzip)
        self._state = ClientState()
        self._delivery = EventDelivery(
            self._transport, self._state, gzip=o.gzip, retry_delay=o.retry_delay, max_retry_delay=o.max_retry_delay
        )
        # A deque with maxlen drops its oldest item on append when full; the lock keeps the drop count exact.
        self._queue: deque[Any] = deque(maxlen=o.max_queue_size)
        self._lock = threading.Lock()
        self._tracked = 0
        self._overflowed = 0
        self._wake = threading.Event()
        self._wake_pending = False
        self._flushes: list[threading.Event] = []
        self._sender_done = False
        self._stop = threading.Event()
        self._stopping = False
        self._in_flight: set[Future[None]] = set()
        self._slots = threading.BoundedSemaphore(o.max_concurrent_sends)
        self._pool = (
            ThreadPoolExecutor(o.max_concurrent_sends, thread_name_prefix="pit-sdk-send")
            if o.max_concurrent_sends > 1
            else None
        )
        self._sender = threading.Thread(target=self._run, name="pit-sdk-sender", daemon=True)
        self._sender.start()

    def _restart_after_fork(self) -> None:
        # The parent delivers what it queued; the child starts empty, with counters of its own.
        if not self._closed:
            self._start()

    # --- the application's side ----------------------------------------------------------------------------------

    @property
    def options(self) -> PitClientOptions:
        """The settings in force."""
        return self._options

    @property
    def is_sdk_supported(self) -> bool:
        """False once the server announced a ``min_supported_sdk`` above this version: nothing more is sent."""
        return self._state.unsupported_because is None

    @property
    def counters(self) -> PitCounters:
        """The client's counters now (a snapshot)."""
        s = self._state
        with self._lock:
            tracked, overflowed, queued = self._tracked, self._overflowed, len(self._queue)
        with s.lock:
            return PitCounters(tracked, overflowed + s.dropped, s.delivered, s.rejected, s.retries, queued)

    def track(self, event: Event) -> bool:
        """Queues ``event`` for background delivery and returns at once. Never raises.

        Returns False when the event was not queued (None, the client is closed, or it was dropped under the
        ``wait`` policy). The event must not change afterwards. Events without ``event_id`` get a UUIDv7 in the
        background before their first attempt; it never changes after.
        """
        try:
            if self._closed or event is None:
                return False
            queue = self._queue
            with self._lock:
                full = len(queue) == self._capacity
                if full and self._waits:
                    pass  # waits below, outside the lock
                else:
                    if full:
                        self._overflowed += 1  # the append drops the oldest
                    queue.append(event)
                    self._tracked += 1
                    full = False
            if full:
                return self._wait_for_room(event)
            # Wake the sender only when a full batch is waiting; the interval covers the rest.
            if len(queue) >= self._batch_events and not self._wake_pending:
                self._wake_pending = True
                self._wake.set()
            return True
        except Exception:  # noqa: BLE001 - track never raises into the application
            return False

    def send(self, events: Iterable[Event]) -> SendResult:
        """Sends ``events`` now (in batches of ``max_batch_events``) and returns one result per event, in order.

        Events that break the schema are rejected without being sent. Transient failures are retried up to
        ``max_retries`` times. Raises ``PitError`` when a request fails as a whole (401, 403, 413, retries
        exhausted, SDK unsupported) and ``PitClientClosedError`` after ``close``.
        """
        if isinstance(events, (dict, TradeFill, LlmCall)):
            raise TypeError("send takes an iterable of events; wrap one event in a list")
        if self._closed:
            raise PitClientClosedError()
        items = list(events)
        o = self._options
        results: list[EventResult | None] = [None] * len(items)
        batch: list[EncodedEvent] = []
        indices: list[int] = []
        size = 0
        for i in range(len(items) + 1):
            encoded: EncodedEvent | None = None
            if i < len(items):
                if items[i] is None:
                    raise TypeError(f"events[{i}] is None")
                encoded, event, error = encode(items[i], self._validator)
                if encoded is None:
                    event_id = event.get("event_id") if isinstance(event, dict) else None
                    results[i] = EventResult(event_id if isinstance(event_id, str) else "", EventStatus.REJECTED, error)
                    self._state.add(rejected=1)
                    continue
            if batch and (
                encoded is None or len(batch) == o.max_batch_events or size + len(encoded.json) + 1 > o.max_batch_bytes
            ):
                try:
                    answered = self._delivery.deliver(batch, o.max_retries, self._stop)
                except Cancelled:
                    raise PitClientClosedError() from None
                for j, result in enumerate(answered):
                    results[indices[j]] = result
                self._count(answered, None)
                batch, indices, size = [], [], 0
            if encoded is not None:
                batch.append(encoded)
                indices.append(i)
                size += len(encoded.json) + 1
        return SendResult(tuple(r for r in results if r is not None))

    def flush(self, timeout: float | None = None) -> bool:
        """Waits until every event tracked before the call was delivered or refused; True when it was, False when
        ``timeout`` (seconds) passed first. The events stay queued either way."""
        done = threading.Event()
        with self._lock:
            if self._sender_done:
                return len(self._queue) == 0
            self._flushes.append(done)
        self._wake_pending = True
        self._wake.set()
        return done.wait(timeout)

    def close(self) -> None:
        """Stops taking events, delivers what is queued within ``close_timeout``, then gives up on the rest (counted
        as dropped and reported to ``on_rejected`` as ``ERR_NOT_DELIVERED``). Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        _open_clients.discard(self)
        if not self.flush(self._options.close_timeout):
            _log.warning("close: the queue was not delivered within close_timeout (%g s)", self._options.close_timeout)
        self._stopping = True
        self._stop.set()
        self._transport.abort()  # attempts in flight end now rather than at their network timeout
        self._wake.set()
        self._sender.join(self._options.network_timeout + 1)
        if self._pool is not None:
            self._pool.shutdown(wait=False)
        while True:
            with self._lock:
                if not self._queue:
                    break
                left = self._queue.popleft()
            self._give_up(left)
        self._transport.close()

    def __enter__(self) -> PitClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"PitClient({self._transport.url!r})"

    # --- the sender's side ---------------------------------------------------------------------------------------

    def _wait_for_room(self, event: Event) -> bool:
        deadline = time.monotonic() + self._options.overflow_wait_timeout
        self._wake.set()
        while True:
            with self._lock:
                if len(self._queue) < self._capacity:
                    self._queue.append(event)
                    self._tracked += 1
                    return True
            if time.monotonic() >= deadline:
                self._state.add(dropped=1)
                return False
            time.sleep(0.0005)

    def _run(self) -> None:
        """Wakes on a full batch, a flush or the interval; drains the queue into batches and delivers each (at most
        ``max_concurrent_sends`` at once)."""
        interval = self._options.flush_interval
        carry: EncodedEvent | None = None
        last_full_drain = time.monotonic()
        while True:
            since = time.monotonic() - last_full_drain
            if since < interval:
                self._wake.wait(interval - since)
            self._wake.clear()
            self._wake_pending = False
            with self._lock:
                flushes, self._flushes = self._flushes, []
            stopping = self._stopping
            drain_all = bool(flushes) or stopping or time.monotonic() - last_full_drain >= interval
            if drain_all:
                last_full_drain = time.monotonic()
            try:
                while not self._stopping and (drain_all or len(self._queue) >= self._batch_events):
                    batch, carry = self._drain(carry)
                    if not batch:
                        break
                    self._dispatch(batch)
            except Exception:  # noqa: BLE001 - a dead sender would silently stop all delivery
                _log.exception("the sender failed a round; it goes on")
            if flushes or stopping:
                self._wait_in_flight()
                for flush in flushes:
                    flush.set()
            if stopping:
                if carry is not None:
                    self._give_up(carry.event)
                with self._lock:
                    self._sender_done = True
                    late, self._flushes = self._flushes, []
                for flush in late:
                    flush.set()
                return

    def _drain(self, carry: EncodedEvent | None) -> tuple[list[EncodedEvent], EncodedEvent | None]:
        """Up to a batch (by count and bytes) off the queue, written and validated; invalid events are reported."""
        o = self._options
        batch: list[EncodedEvent] = []
        size = 0
        if carry is not None:
            batch.append(carry)
            size = len(carry.json) + 1
        queue, lock = self._queue, self._lock
        while len(batch) < o.max_batch_events:
            with lock:
                if not queue:
                    break
                item = queue.popleft()
            encoded, event, error = encode(item, self._validator)
            if encoded is None:
                self._reject(event, error)
                continue
            if batch and size + len(encoded.json) + 1 > o.max_batch_bytes:
                return batch, encoded  # it starts the next batch
            batch.append(encoded)
            size += len(encoded.json) + 1
        return batch, None

    def _dispatch(self, batch: list[EncodedEvent]) -> None:
        if self._pool is None:
            self._deliver_in_background(batch)
            return
        self._slots.acquire()
        try:
            future = self._pool.submit(self._deliver_in_background, batch)
        except RuntimeError:  # the interpreter is exiting (close at exit): no new worker threads
            self._slots.release()
            self._deliver_in_background(batch)
            return
        with self._lock:
            self._in_flight.add(future)
        future.add_done_callback(self._sent)

    def _sent(self, future: Future[None]) -> None:
        with self._lock:
            self._in_flight.discard(future)
        self._slots.release()

    def _wait_in_flight(self) -> None:
        with self._lock:
            pending = list(self._in_flight)
        for future in pending:
            future.exception()  # waits; _deliver_in_background handles its own errors

    def _deliver_in_background(self, batch: list[EncodedEvent]) -> None:
        try:
            # Nothing of a tracked event is reported but its rejection: the counts alone do when all are stored.
            results = self._delivery.deliver_minimal(batch, None, self._stop)
            if results is ALL_STORED:
                self._state.add(delivered=len(batch))
            else:
                self._count(results, batch)
        except Cancelled:
            for encoded in batch:
                self._give_up(encoded.event)
        except PitError as e:
            error = EventError(e.code or f"HTTP_{e.status}", e.message)
            for encoded in batch:
                self._reject(encoded.event, error)
        except Exception as e:  # noqa: BLE001 - a bug must not stop the sender; the batch is reported, not lost
            error = EventError(ERR_NOT_DELIVERED, f"the SDK failed to send the event: {e}")
            for encoded in batch:
                self._reject(encoded.event, error)

    def _count(self, results: list[EventResult], batch: list[EncodedEvent] | None) -> None:
        delivered = 0
        for i, result in enumerate(results):
            if result.status is not EventStatus.REJECTED:
                delivered += 1
            elif batch is not None:
                self._reject(batch[i].event, result.error or EventError("ERR_UNKNOWN", "rejected"))
            else:
                self._state.add(rejected=1)
        self._state.add(delivered=delivered)

    def _reject(self, event: Any, error: EventError) -> None:
        self._state.add(rejected=1)
        self._notify(event, error)

    def _give_up(self, event: Any) -> None:
        self._state.add(dropped=1)
        self._notify(event, EventError(ERR_NOT_DELIVERED, "the client was closed before the event could be delivered"))

    def _notify(self, event: Any, error: EventError) -> None:
        callback = self._options.on_rejected
        if callback is None:
            return
        try:
            if isinstance(event, (TradeFill, LlmCall)):
                event = event.to_event()
            callback(RejectedEvent(event if isinstance(event, dict) else {"event": event}, error))
        except Exception:  # noqa: BLE001 - the application's callback must not be able to stop delivery
            _log.debug("on_rejected raised; ignored", exc_info=True)


# Clients the application did not close are closed at exit (delivering within close_timeout: the sender is a daemon
# thread, which would otherwise die with the queue), and restarted in a forked child (gunicorn --preload,
# multiprocessing's fork).
_open_clients: weakref.WeakSet[PitClient] = weakref.WeakSet()


def _close_open_clients() -> None:
    for client in list(_open_clients):
        client.close()


def _restart_open_clients_in_child() -> None:
    for client in list(_open_clients):
        client._restart_after_fork()


atexit.register(_close_open_clients)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_restart_open_clients_in_child)
