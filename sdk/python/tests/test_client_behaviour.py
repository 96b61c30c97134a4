"""PitClient against a scripted fake API: headers, gzip, retries, Retry-After, event ids, rejections, closing."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import FAST
from scripted_server import Answer, Reset, ScriptedServer, Seen, accept_all, error_body

from pit_sdk import (
    ERR_NOT_DELIVERED,
    ERR_SDK_UNSUPPORTED,
    ERR_VALIDATION,
    SDK_VERSION,
    EventStatus,
    PitClient,
    PitError,
    RejectedEvent,
    TradeFill,
)

KEY = "pit_abcdefgh_" + "k" * 32


def fill(cell: str = "0001", quantity: int = 1) -> TradeFill:
    return TradeFill("alpha", cell, "ACME", "buy", quantity, 12_500_000, "USD")


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_send_posts_gzip_json_with_the_version_headers_and_the_key() -> None:
    with ScriptedServer(accept_all) as api, PitClient(api.address, KEY, **FAST) as client:
        result = client.send([fill()])
    assert result.accepted == 1 and result[0].status is EventStatus.ACCEPTED
    seen = api.seen[0]
    assert seen.path == "/v1/events"
    assert seen.headers["Authorization"] == f"Bearer {KEY}"
    assert seen.headers["Content-Encoding"] == "gzip"
    assert seen.headers["Pit-Api-Version"] == "v1"
    assert seen.headers["Pit-Sdk-Version"] == SDK_VERSION
    assert seen.events[0]["payload"]["price_micros"] == 12_500_000


def test_a_dict_without_event_id_gets_a_uuid7_and_the_callers_dict_is_left_alone() -> None:
    event = fill().to_event()
    del event["event_id"]
    with ScriptedServer(accept_all) as api, PitClient(api.address, KEY, gzip=False, **FAST) as client:
        result = client.send([event])
    assert "event_id" not in event
    assert result[0].event_id == api.seen[0].events[0]["event_id"]
    assert result[0].event_id[14] == "7"
    assert "Content-Encoding" not in api.seen[0].headers


def test_transient_failures_are_retried_with_the_same_event_ids_and_retry_after_is_honoured() -> None:
    def script(seen: Seen) -> Any:
        if seen.n == 0:
            return Answer(503, error_body("ERR_UNAVAILABLE", "down"))
        if seen.n == 1:
            return Answer(429, error_body("ERR_RATE_LIMITED", "slow down"), {"Retry-After": "1"})
        if seen.n == 2:
            return Reset()
        return accept_all(seen)

    with ScriptedServer(script) as api, PitClient(api.address, KEY, **FAST) as client:
        started = time.monotonic()
        result = client.send([fill(), fill()])
        elapsed = time.monotonic() - started
        assert client.counters.retries == 3
    assert result.accepted == 2
    assert len(api.seen) == 4
    assert all(s.event_ids == api.seen[0].event_ids for s in api.seen[1:3])
    assert elapsed >= 1.0, "Retry-After: 1 is a floor of the backoff"


def test_other_4xx_are_not_retried_and_raise_a_typed_error() -> None:
    def script(seen: Seen) -> Answer:
        return Answer(401, error_body("ERR_UNAUTHENTICATED", "the key is wrong"))

    with ScriptedServer(script) as api, PitClient(api.address, KEY, **FAST) as client:
        with pytest.raises(PitError) as raised:
            client.send([fill()])
    assert raised.value.status == 401
    assert raised.value.code == "ERR_UNAUTHENTICATED"
    assert not raised.value.is_transient
    assert len(api.seen) == 1
    assert KEY not in str(raised.value)


def test_only_the_events_the_server_could_not_store_are_resent() -> None:
    def script(seen: Seen) -> Answer:
        if seen.n == 0:
            data = [
                {"event_id": seen.events[0]["event_id"], "status": "accepted"},
                {
                    "event_id": seen.events[1]["event_id"],
                    "status": "rejected",
                    "error": {"code": "ERR_UNAVAILABLE", "message": "Kafka did not acknowledge"},
                },
                {
                    "event_id": seen.events[2]["event_id"],
                    "status": "rejected",
                    "error": {"code": "ERR_VALIDATION", "message": "no", "details": {"pointer": "/data/2/cell"}},
                },
            ]
            return Answer(207, {"data": data})
        return accept_all(seen)

    with ScriptedServer(script) as api, PitClient(api.address, KEY, **FAST) as client:
        result = client.send([fill(), fill(), fill()])
    assert [r.status for r in result] == [EventStatus.ACCEPTED, EventStatus.ACCEPTED, EventStatus.REJECTED]
    assert result[2].error is not None and result[2].error.pointer == "/cell"
    assert api.seen[1].event_ids == [api.seen[0].event_ids[1]]


def test_invalid_events_are_rejected_client_side_with_the_servers_code_and_pointer() -> None:
    rejected: list[RejectedEvent] = []
    bad = {"type": "exec.trade_fill", "series": "alpha", "cell": "0001", "payload": {"instrument": "ACME"}}
    with ScriptedServer(accept_all) as api, PitClient(api.address, KEY, on_rejected=rejected.append, **FAST) as client:
        result = client.send([bad, fill()])
        assert client.track(dict(bad, series="-no"))
        assert client.flush(10)
        counters = client.counters
    assert result[0].status is EventStatus.REJECTED
    assert result[0].error is not None
    assert (result[0].error.code, result[0].error.pointer) == (ERR_VALIDATION, "/payload/side")
    assert result[1].status is EventStatus.ACCEPTED
    assert len(api.seen[0].events) == 1
    assert [(r.error.code, r.error.pointer) for r in rejected] == [(ERR_VALIDATION, "/series")]
    assert rejected[0].event["series"] == "-no"
    assert counters.rejected == 2


def test_tracked_events_are_batched_by_count() -> None:
    with ScriptedServer(accept_all) as api:
        with PitClient(api.address, KEY, max_batch_events=10, flush_interval=5.0) as client:
            for i in range(35):
                assert client.track(fill(quantity=1 + i))
            assert client.flush(10)
            assert client.counters.delivered == 35
    sizes = [len(s.events) for s in api.seen]
    assert sum(sizes) == 35 and max(sizes) == 10


def test_tracked_events_are_batched_by_bytes() -> None:
    with ScriptedServer(accept_all) as api:
        with PitClient(api.address, KEY, max_batch_bytes=2048, **FAST) as client:
            for _ in range(40):
                client.track(fill())
            assert client.flush(10)
    assert len(api.seen) >= 40 * 250 // 2048
    assert sum(len(s.events) for s in api.seen) == 40


def test_a_higher_min_supported_sdk_stops_sending() -> None:
    rejected: list[RejectedEvent] = []
    with ScriptedServer(accept_all, min_supported_sdk="99.0.0") as api:
        with PitClient(api.address, KEY, on_rejected=rejected.append, **FAST) as client:
            assert client.send([fill()]).accepted == 1  # answered before the client knew
            assert not client.is_sdk_supported
            with pytest.raises(PitError) as raised:
                client.send([fill()])
            assert raised.value.code == ERR_SDK_UNSUPPORTED
            client.track(fill())
            assert client.flush(10)
    assert len(api.seen) == 1
    assert [r.error.code for r in rejected] == [ERR_SDK_UNSUPPORTED]


def test_an_equal_or_lower_min_supported_sdk_keeps_sending() -> None:
    with ScriptedServer(accept_all, min_supported_sdk=SDK_VERSION) as api, PitClient(api.address, KEY) as client:
        client.send([fill()])
        client.send([fill()])
        assert client.is_sdk_supported
    assert len(api.seen) == 2


def test_close_gives_up_what_it_cannot_deliver_within_close_timeout() -> None:
    rejected: list[RejectedEvent] = []
    options = dict(FAST, close_timeout=0.3)
    client = PitClient(f"http://127.0.0.1:{closed_port()}", KEY, on_rejected=rejected.append, **options)
    for _ in range(20):
        client.track(fill())
    started = time.monotonic()
    client.close()
    assert time.monotonic() - started < 3
    assert client.counters.dropped == 20
    assert len(rejected) == 20 and {r.error.code for r in rejected} == {ERR_NOT_DELIVERED}
    assert not client.track(fill())


def test_close_interrupts_an_attempt_the_server_does_not_answer() -> None:
    def hang(seen: Seen) -> Answer:
        time.sleep(5)
        return accept_all(seen)

    with ScriptedServer(hang) as api:
        client = PitClient(api.address, KEY, **dict(FAST, close_timeout=0.2))
        client.track(fill())
        time.sleep(0.2)
        started = time.monotonic()
        client.close()
        assert time.monotonic() - started < 2
        assert client.counters.dropped == 1


def test_track_never_raises_and_refuses_none_and_after_close() -> None:
    client = PitClient(f"http://127.0.0.1:{closed_port()}", KEY, **dict(FAST, close_timeout=0))
    assert client.track(None) is False  # type: ignore[arg-type]
    assert client.track(object()) is True  # type: ignore[arg-type]  # refused later, by validation, through on_rejected
    client.close()
    assert client.track(fill()) is False


def test_concurrent_sends_deliver_everything_once() -> None:
    lock = threading.Lock()
    ids: list[str] = []

    def script(seen: Seen) -> Answer:
        with lock:
            ids.extend(seen.event_ids)
        return accept_all(seen)

    with ScriptedServer(script) as api, PitClient(api.address, KEY, max_concurrent_sends=4, max_batch_events=7) as c:
        for _ in range(200):
            c.track(fill())
        assert c.flush(20)
        assert c.counters.delivered == 200
    assert len(ids) == 200 == len(set(ids)) and len(api.seen) >= 29


def test_a_client_left_open_delivers_its_queue_at_exit() -> None:
    script = (
        "import sys\n"
        "from pit_sdk import PitClient, TradeFill\n"
        "client = PitClient(sys.argv[1], sys.argv[2], flush_interval=60)\n"
        "for _ in range(3):\n"
        "    client.track(TradeFill('alpha', '0001', 'ACME', 'buy', 1, 1, 'USD'))\n"
    )
    with ScriptedServer(accept_all) as api:
        src = str(Path(__file__).resolve().parents[1] / "src")
        done = subprocess.run(
            [sys.executable, "-c", script, api.address, KEY], env={**os.environ, "PYTHONPATH": src}, timeout=60
        )
    assert done.returncode == 0
    assert sum(len(s.events) for s in api.seen) == 3


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork here")
def test_a_forked_child_gets_a_working_client_of_its_own() -> None:
    with ScriptedServer(accept_all) as api, PitClient(api.address, KEY, **FAST) as client:
        client.track(fill(quantity=1))
        pid = os.fork()
        if pid == 0:  # the child: its own sender thread and connections
            code = 1
            try:
                client.track(fill(quantity=2))
                code = 0 if client.flush(10) and client.counters.delivered == 1 else 3
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        assert client.flush(10)
        assert os.waitstatus_to_exitcode(status) == 0
        assert client.counters.delivered == 1
    quantities = sorted(e["payload"]["quantity"] for s in api.seen for e in s.events)
    assert quantities == [1, 2]
