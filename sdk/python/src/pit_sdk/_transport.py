"""One ``POST /v1/events`` attempt over http.client: headers, timeout, and the answer read into an outcome."""

from __future__ import annotations

import email.utils
import http.client
import json
import socket
import threading
import time
import urllib.parse
from dataclasses import dataclass
from typing import Any

from ._version import API_VERSION, SDK_VERSION
from .errors import ERR_SDK_UNSUPPORTED, PitError
from .results import EventError, EventResult, EventStatus

API_VERSION_HEADER = "Pit-Api-Version"
SDK_VERSION_HEADER = "Pit-Sdk-Version"
MIN_SUPPORTED_SDK_HEADER = "Pit-Min-Supported-Sdk"
PREFER_MINIMAL = "return=minimal"  # RFC 7240: a 202 of the counts alone when every event is stored
_TRANSIENT = frozenset({408, 429, 500, 502, 503, 504})
_STATUSES = {"accepted": EventStatus.ACCEPTED, "duplicate": EventStatus.DUPLICATE}


@dataclass(frozen=True, slots=True)
class AttemptOutcome:
    """Per-event results (202/207), every event stored (a 202 of the counts alone, under ``Prefer:
    return=minimal``), or a failure of the whole request, transient or not."""

    status: int
    results: list[EventResult] | None = None
    all_stored: bool = False
    failure: PitError | None = None
    retry_after: float | None = None
    min_supported_sdk: str | None = None

    @property
    def is_transient(self) -> bool:
        return self.failure is not None and self.failure.is_transient


class IngestTransport:
    """Sends request bodies to ``{base_url}/v1/events`` over pooled keep-alive connections. Thread-safe."""

    def __init__(self, base_url: str, api_key: str, *, timeout: float, gzip: bool) -> None:
        parts = urllib.parse.urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"base_url must be an http:// or https:// URL with a host (got {base_url!r})")
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port
        self._path = parts.path.rstrip("/") + "/v1/events"
        host = f"[{self._host}]" if ":" in self._host else self._host
        # For messages: never the key, never user info from the URL.
        self.url = f"{parts.scheme}://{host}{'' if self._port is None else f':{self._port}'}{self._path}"
        self._timeout = timeout
        self._headers = {
            "Authorization": f"Bearer {api_key}",
            "Content-Type": "application/json",
            "User-Agent": f"pit-sdk-python/{SDK_VERSION}",
            API_VERSION_HEADER: API_VERSION,
            SDK_VERSION_HEADER: SDK_VERSION,
        }
        if gzip:
            self._headers["Content-Encoding"] = "gzip"
        self._minimal_headers = {**self._headers, "Prefer": PREFER_MINIMAL}
        self._lock = threading.Lock()
        self._idle: list[http.client.HTTPConnection] = []
        self._busy: set[http.client.HTTPConnection] = set()
        self._closed = False

    def post(self, body: bytes, count: int, minimal: bool = False) -> AttemptOutcome:
        """One attempt with ``count`` events; never raises for network or HTTP failures (they are outcomes).

        ``minimal`` asks for the counts alone when every event is stored (``Prefer: return=minimal``)."""
        connection = self._take()
        keep = False
        try:
            connection.request(
                "POST", self._path, body=body, headers=self._minimal_headers if minimal else self._headers
            )
            response = connection.getresponse()
            data = response.read()
            keep = not response.will_close
            return self._read(response, data, count, minimal)
        except (OSError, http.client.HTTPException) as e:
            # No answer (refused, reset, timed out): the events may or may not have been stored; resending is safe
            # because the event ids are kept and the consumers deduplicate on them.
            what = (
                f"no answer within {self._timeout:g} s" if isinstance(e, TimeoutError) else f"{type(e).__name__}: {e}"
            )
            return AttemptOutcome(0, failure=PitError(f"POST {self.url} failed: {what}", status=0, is_transient=True))
        finally:
            self._give_back(connection, keep)

    def abort(self) -> None:
        """Breaks the connections of attempts in flight, so that closing the client need not wait for their timeout."""
        with self._lock:
            busy = list(self._busy)
        for connection in busy:
            sock = connection.sock
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()

    def _take(self) -> http.client.HTTPConnection:
        with self._lock:
            connection = self._idle.pop() if self._idle else None
            if connection is None:
                connection = (
                    http.client.HTTPSConnection(self._host, self._port, timeout=self._timeout)
                    if self._https
                    else http.client.HTTPConnection(self._host, self._port, timeout=self._timeout)
                )
            self._busy.add(connection)
            return connection

    def _give_back(self, connection: http.client.HTTPConnection, keep: bool) -> None:
        with self._lock:
            self._busy.discard(connection)
            if keep and not self._closed:
                self._idle.append(connection)
                return
        connection.close()

    def _read(self, response: http.client.HTTPResponse, body: bytes, count: int, minimal: bool) -> AttemptOutcome:
        status = response.status
        minimum = response.getheader(MIN_SUPPORTED_SDK_HEADER)
        if status in (202, 207):
            answer = _read_answer(status, body, count, minimal)
            if answer is _ALL_STORED:
                return AttemptOutcome(status, all_stored=True, min_supported_sdk=minimum)
            if isinstance(answer, list):
                return AttemptOutcome(status, results=answer, min_supported_sdk=minimum)
            # A success status with a body that is not the API's (a proxy, a truncated answer): nothing is known.
            failure = PitError(f"the API answered {status} with an unreadable body", status=status, is_transient=True)
            return AttemptOutcome(status, failure=failure, min_supported_sdk=minimum)
        code, message = _read_error(body)
        if status == 426 and code is None:
            code = ERR_SDK_UNSUPPORTED
        failure = PitError(
            f"POST {self.url} answered {status} {code}: {message or response.reason}",
            status=status,
            code=code,
            is_transient=status in _TRANSIENT,
        )
        return AttemptOutcome(
            status,
            failure=failure,
            retry_after=_retry_after(response.getheader("Retry-After")),
            min_supported_sdk=minimum,
        )


def _retry_after(header: str | None) -> float | None:
    """Retry-After as seconds: delta-seconds or an HTTP date."""
    if not header:
        return None
    header = header.strip()
    if header.isdigit():
        return float(header)
    try:
        when = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


_ALL_STORED = object()


def _read_answer(status: int, body: bytes, count: int, minimal: bool) -> list[EventResult] | object | None:
    """A 202/207 body: per-event results; ``_ALL_STORED`` for a 202 of ``meta`` without ``data`` (the answer to
    return=minimal, taken only when asked for); None when unreadable (the batch is resent).

    Decided by the body's shape, not by Preference-Applied (a proxy may drop it). A count that is not the batch's makes
    the body unreadable."""
    try:
        answer = json.loads(body)
        data = answer.get("data")
        if data is None:
            meta = answer.get("meta") if minimal and status == 202 else None
            stored = isinstance(meta, dict) and _is_count(meta.get("accepted"), count)
            return _ALL_STORED if stored and meta.get("rejected", 0) == 0 else None
        if not isinstance(data, list) or len(data) != count:
            return None
        return [_read_result(item) for item in data]
    except (ValueError, KeyError, TypeError, AttributeError):
        return None  # not the API's result shape; the caller treats the answer as unknown


def _is_count(value: Any, count: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value == count


def _read_result(item: dict[str, Any]) -> EventResult:
    error = None
    raw = item.get("error")
    if isinstance(raw, dict):
        details = raw.get("details")
        pointer = details.get("pointer") if isinstance(details, dict) else None
        error = EventError(str(raw["code"]), str(raw.get("message", "")), pointer if isinstance(pointer, str) else None)
    event_id = item.get("event_id")
    partition, offset, topic = item.get("partition"), item.get("offset"), item.get("topic")
    return EventResult(
        event_id if isinstance(event_id, str) else "",
        _STATUSES.get(item["status"], EventStatus.REJECTED),
        error,
        topic if isinstance(topic, str) else None,
        partition if isinstance(partition, int) else None,
        offset if isinstance(offset, int) else None,
    )


def _read_error(body: bytes) -> tuple[str | None, str | None]:
    try:
        error = json.loads(body)["error"]
        return str(error["code"]), str(error["message"])
    except (ValueError, KeyError, TypeError):
        return None, None  # an answer from something in between (a proxy, a load balancer): the status decides
