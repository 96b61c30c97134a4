"""A threading HTTP server on 127.0.0.1:0 that answers each request as a script says: forward it to the real host
(after a delay, or then reset the connection), answer itself (429, 503, results), or reset before forwarding.

It is both the fault-injecting proxy of the integration tests and the fake API of the unit tests."""

from __future__ import annotations

import gzip
import http.client
import json
import socket
import struct
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host", "date", "server"}


@dataclass
class Seen:
    """One request the server got."""

    n: int
    method: str
    path: str
    headers: dict[str, str]
    events: list[dict[str, Any]]
    reply: str = ""
    answer_headers: dict[str, str] = field(default_factory=dict)
    answer: bytes = b""  # the body of a forwarded answer

    @property
    def event_ids(self) -> list[str]:
        return [str(e.get("event_id")) for e in self.events]


@dataclass
class Forward:
    """Forward to the upstream host; ``delay`` seconds first; ``reset_after``: then reset instead of answering."""

    delay: float = 0.0
    reset_after: bool = False


@dataclass
class Answer:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Reset:
    """Reset the connection without forwarding."""


Reply = Forward | Answer | Reset


def accept_all(seen: Seen) -> Answer:
    """The API's answer when it stores every event: the counts alone when the request preferred return=minimal."""
    if prefers_minimal(seen):
        return Answer(202, minimal_body(len(seen.events)), {"Preference-Applied": "return=minimal"})
    data = [{"event_id": e.get("event_id"), "status": "accepted"} for e in seen.events]
    return Answer(202, {"data": data})


def prefers_minimal(seen: Seen) -> bool:
    return seen.headers.get("Prefer") == "return=minimal"


def minimal_body(accepted: int) -> dict[str, Any]:
    """The API's 202 under ``Prefer: return=minimal``: the counts alone."""
    return {"meta": {"accepted": accepted, "rejected": 0, "request_id": "req-test"}}


def error_body(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


class ScriptedServer:
    """Answers request number n (from 0) with ``script(seen)``; records every request in ``seen``."""

    def __init__(
        self,
        script: Callable[[Seen], Reply],
        upstream: str | None = None,
        min_supported_sdk: str | None = None,
    ) -> None:
        self.script = script
        self.upstream = urllib.parse.urlsplit(upstream) if upstream else None
        self.min_supported_sdk = min_supported_sdk
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                owner._handle(self)

            def do_POST(self) -> None:
                owner._handle(self)

        self._server = _QuietServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def address(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def replies(self, kind: str) -> list[Seen]:
        with self._lock:
            return [s for s in self.seen if s.reply == kind]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> ScriptedServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        headers = {k: v for k, v in handler.headers.items()}
        events: list[dict[str, Any]] = []
        if handler.command == "POST" and raw:
            body = gzip.decompress(raw) if headers.get("Content-Encoding") == "gzip" else raw
            try:
                events = list(json.loads(body).get("data", []))
            except ValueError:
                events = []
        with self._lock:
            seen = Seen(len(self.seen), handler.command, handler.path, headers, events)
            self.seen.append(seen)
        reply = self.script(seen)
        seen.reply = type(reply).__name__.lower() + (
            "_reset" if isinstance(reply, Forward) and reply.reset_after else ""
        )
        if isinstance(reply, Reset):
            _reset(handler)
            return
        if isinstance(reply, Answer):
            body_bytes = b"" if reply.body is None else json.dumps(reply.body).encode()
            answer_headers = {"Content-Type": "application/json", **reply.headers}
            if self.min_supported_sdk is not None:
                answer_headers["Pit-Min-Supported-Sdk"] = self.min_supported_sdk
            self._write(handler, reply.status, answer_headers, body_bytes)
            return
        if reply.delay:
            time.sleep(reply.delay)
        status, answer_headers, body_bytes = self._forward(handler, raw, headers)
        seen.answer_headers, seen.answer = answer_headers, body_bytes
        if reply.reset_after:
            _reset(handler)
            return
        self._write(handler, status, answer_headers, body_bytes)

    def _forward(
        self, handler: BaseHTTPRequestHandler, raw: bytes, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        assert self.upstream is not None, "Forward needs an upstream"
        connection = http.client.HTTPConnection(self.upstream.hostname or "127.0.0.1", self.upstream.port, timeout=60)
        try:
            sent = {k: v for k, v in headers.items() if k.lower() not in _HOP_BY_HOP}
            connection.request(handler.command, handler.path, body=raw or None, headers=sent)
            response = connection.getresponse()
            body = response.read()
            answer = {k: v for k, v in response.getheaders() if k.lower() not in _HOP_BY_HOP}
            if self.min_supported_sdk is not None:
                answer["Pit-Min-Supported-Sdk"] = self.min_supported_sdk
            return response.status, answer, body
        finally:
            connection.close()

    @staticmethod
    def _write(handler: BaseHTTPRequestHandler, status: int, headers: dict[str, str], body: bytes) -> None:
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
        handler.wfile.flush()


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # resets made on purpose, and clients that went away


def _reset(handler: BaseHTTPRequestHandler) -> None:
    """Close with SO_LINGER 0: the client sees a connection reset, not an answer."""
    sock: socket.socket = handler.connection
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    handler.close_connection = True
    sock.close()
