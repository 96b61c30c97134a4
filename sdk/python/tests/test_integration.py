"""PitClient and AsyncPitClient against the real local host (PIT_URL, PIT_API_KEY), directly and through a
fault-injecting proxy: the README quickstarts, exactly-once through resets, 429s, 503s and delays, results per event,
the server down, and min_supported_sdk."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import socket
import statistics
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
import quickstart
import quickstart_async
from conftest import FAST, Host, eventually
from scripted_server import Answer, Forward, Reply, Reset, ScriptedServer, Seen, error_body

from pit_sdk import (
    ERR_SDK_UNSUPPORTED,
    ERR_VALIDATION,
    AsyncPitClient,
    EventStatus,
    PitClient,
    PitError,
    RejectedEvent,
    TradeFill,
)

PYTHON_SDK = Path(__file__).resolve().parents[1]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def quoted_snippet(path: Path) -> str:
    source = path.read_text(encoding="utf-8")
    begin = source.index("\n", source.index("# quickstart:begin")) + 1
    end = source.rindex("\n", 0, source.index("# quickstart:end")) + 1
    return textwrap.dedent(source[begin:end]).rstrip()


def fills(series: str, count: int, cells: int) -> list[TradeFill]:
    start = dt.datetime.now(dt.timezone.utc)
    return [
        TradeFill(
            series,
            f"c{i % cells}",
            "ACME",
            "buy",
            1 + i % 7,
            1_000_000 + 1_000 * i,
            "USD",
            ts=start + dt.timedelta(milliseconds=i),  # NAV points in tracking order
        )
        for i in range(count)
    ]


def faults(seen: Seen) -> Reply:
    """Per request number: resets before and after forwarding, 503, 429 with Retry-After: 1, a 0.5 s delay."""
    if seen.n == 9:
        return Answer(429, error_body("ERR_RATE_LIMITED", "slow down"), {"Retry-After": "1"})
    plan: list[Reply] = [
        Forward(reset_after=True),
        Answer(503, error_body("ERR_UNAVAILABLE", "a component this request needs is unavailable")),
        Forward(),
        Reset(),
        Forward(delay=0.5),
        Forward(),
        Forward(reset_after=True),
    ]
    return plan[seen.n % len(plan)]


def assert_applied_exactly_once(host: Host, series: str, tracked: list[TradeFill]) -> None:
    for cell in sorted({f.cell for f in tracked}):
        mine = [f for f in tracked if f.cell == cell]
        path = f"/v1/series/{series}/nav?cell={cell}&limit=10000"

        def last_point() -> Any:
            data = host.get_json(path)["data"]
            return data[-1] if data else None

        eventually(last_point, lambda p: p is not None and p["fills_applied"] >= len(mine), 60, f"NAV of {cell}")
        time.sleep(1)  # room for a wrongly applied second copy to show up
        point = last_point()
        assert point["fills_applied"] == len(mine), f"cell {cell}"
        assert point["cash_micros"] == -sum(f.quantity * f.price_micros for f in mine), f"cell {cell}"


# --- quickstarts -------------------------------------------------------------------------------------------------


def test_the_readme_quickstart_runs_as_written(host: Host) -> None:
    assert quickstart.main(host.url, host.api_key) == "accepted"
    readme = (PYTHON_SDK / "README.md").read_text(encoding="utf-8")
    assert quoted_snippet(PYTHON_SDK / "examples/quickstart.py") in readme


def test_the_readme_async_quickstart_runs_as_written(host: Host) -> None:
    assert asyncio.run(quickstart_async.main(host.url, host.api_key)) == "accepted"
    readme = (PYTHON_SDK / "README.md").read_text(encoding="utf-8")
    assert quoted_snippet(PYTHON_SDK / "examples/quickstart_async.py") in readme


# --- exactly once through faults ---------------------------------------------------------------------------------


def test_every_tracked_fill_is_applied_exactly_once_through_resets_429s_503s_and_delays(
    host: Host, series: str
) -> None:
    tracked = fills(series, 300, cells=4)
    rejected: list[RejectedEvent] = []
    with ScriptedServer(faults, upstream=host.url) as proxy:
        with PitClient(proxy.address, host.api_key, max_batch_events=25, on_rejected=rejected.append, **FAST) as c:
            assert all(c.track(f) for f in tracked)
            assert c.flush(60)
            counters = c.counters
    assert (counters.delivered, counters.dropped, counters.rejected, rejected) == (300, 0, 0, [])
    assert counters.retries > 0
    assert proxy.replies("forward_reset"), "some batches were stored, then their answer was lost"
    sends = [i for s in proxy.seen for i in s.event_ids]
    assert set(sends) == {f.event_id for f in tracked}
    assert len(sends) > len(set(sends)), "the proxy saw resends"
    assert_applied_exactly_once(host, series, tracked)


def test_the_real_host_answers_tracked_batches_with_the_counts_alone(host: Host, series: str) -> None:
    tracked = fills(series, 25, cells=1)
    with ScriptedServer(lambda _: Forward(), upstream=host.url) as proxy:
        with PitClient(proxy.address, host.api_key, max_batch_events=10, **FAST) as c:
            assert all(c.track(f) for f in tracked)
            assert c.flush(60)
            counters = c.counters
    assert (counters.delivered, counters.rejected, counters.retries) == (25, 0, 0)
    assert [s.headers.get("Prefer") for s in proxy.seen] == ["return=minimal"] * len(proxy.seen)
    for s in proxy.seen:
        assert s.answer_headers.get("Preference-Applied") == "return=minimal"
        assert json.loads(s.answer)["meta"]["accepted"] == len(s.events)
        assert "data" not in json.loads(s.answer)
    assert_applied_exactly_once(host, series, tracked)


def test_the_async_client_applies_every_fill_exactly_once_through_faults(host: Host, series: str) -> None:
    tracked = fills(series, 120, cells=3)

    async def run(proxy: ScriptedServer) -> Any:
        async with AsyncPitClient(proxy.address, host.api_key, max_batch_events=10, **FAST) as client:
            assert all(client.track(f) for f in tracked)
            assert await client.flush(60)
            return client.counters

    with ScriptedServer(faults, upstream=host.url) as proxy:
        counters = asyncio.run(run(proxy))
    assert (counters.delivered, counters.dropped, counters.rejected) == (120, 0, 0)
    assert counters.retries > 0
    assert_applied_exactly_once(host, series, tracked)


# --- the server down ---------------------------------------------------------------------------------------------


def test_track_never_blocks_while_the_server_is_down(host: Host) -> None:
    options = dict(FAST, max_queue_size=1_000, close_timeout=0.2)
    client = PitClient(f"http://127.0.0.1:{closed_port()}", host.api_key, **options)
    event = fills("down", 1, cells=1)[0].to_event()
    durations: list[int] = []
    try:
        started = time.perf_counter()
        for _ in range(20_000):
            t = time.perf_counter_ns()
            assert client.track(event)
            durations.append(time.perf_counter_ns() - t)
        total = time.perf_counter() - started
        counters = client.counters
        eventually(lambda: client.counters.retries, lambda r: bool(r > 0), 10, "the sender retries")
    finally:
        client.close()
    assert total < 2.0, f"20,000 track calls took {total:.2f} s"
    assert statistics.median(durations) < 20_000, "median track in ns"
    # No call waits for the network or a retry (30 s timeouts and backoff); a loaded machine may deschedule us briefly.
    assert max(durations) < 1_000_000_000, "the slowest track in ns"
    assert counters.tracked == 20_000
    assert counters.queued <= 1_000, "bounded: the queue holds at most max_queue_size"
    assert counters.dropped >= 20_000 - 1_000 - 500 - 1, "the oldest events were dropped, and counted"
    assert counters.delivered == 0


def test_the_async_client_tracks_without_blocking_the_loop_while_the_server_is_down(host: Host) -> None:
    async def run() -> tuple[float, Any]:
        options = dict(FAST, max_queue_size=100, close_timeout=0.2)
        async with AsyncPitClient(f"http://127.0.0.1:{closed_port()}", host.api_key, **options) as client:
            event = fills("down", 1, cells=1)[0].to_event()
            started = time.perf_counter()
            for _ in range(5_000):
                client.track(event)
            elapsed = time.perf_counter() - started
            assert not await client.flush(timeout=0.2)
            return elapsed, client.counters

    elapsed, counters = asyncio.run(run())
    assert elapsed < 1.0
    assert counters.queued <= 100 and counters.dropped >= 5_000 - 100 - 500 - 1


# --- results per event -------------------------------------------------------------------------------------------


def test_send_returns_a_result_per_event_accepted_duplicate_and_rejected(host: Host, series: str) -> None:
    good = fills(series, 2, cells=1)
    bad = TradeFill(series, "c0", "ACME", "buy", 0, 1, "USD")
    same_id_other_body = TradeFill(series, "c0", "ACME", "sell", 5, 1, "USD", event_id=good[1].event_id)
    with PitClient(host.url, host.api_key, **FAST) as client:
        result = client.send([good[0], good[0], bad, good[1], same_id_other_body])
    assert [r.status for r in result] == [
        EventStatus.ACCEPTED,
        EventStatus.DUPLICATE,
        EventStatus.REJECTED,
        EventStatus.ACCEPTED,
        EventStatus.REJECTED,
    ]
    assert (result.accepted, result.rejected) == (3, 2)
    assert result[0].topic == "pit.v1.exec.trade_fill" and result[0].offset is not None
    assert result[2].error is not None
    assert (result[2].error.code, result[2].error.pointer) == (ERR_VALIDATION, "/payload/quantity")
    assert result[2].error.message == "'quantity' must be at least 1"
    assert result[4].error is not None and result[4].error.code.startswith("ERR_")
    assert result[4].error.pointer is not None and not result[4].error.pointer.startswith("/data/")
    assert [r.event_id for r in result][:2] == [good[0].event_id] * 2


def test_the_async_send_returns_the_same_results(host: Host, series: str) -> None:
    good = fills(series, 1, cells=1)[0]

    async def run() -> Any:
        async with AsyncPitClient(host.url, host.api_key, **FAST) as client:
            return await client.send([good, good, {"type": "exec.unknown", "series": series}])

    result = asyncio.run(run())
    assert [r.status for r in result] == [EventStatus.ACCEPTED, EventStatus.DUPLICATE, EventStatus.REJECTED]
    assert result[2].error is not None
    assert (result[2].error.code, result[2].error.pointer) == ("ERR_UNKNOWN_EVENT_TYPE", "/type")


def test_a_wrong_key_raises_a_typed_error_that_is_not_transient(host: Host) -> None:
    with PitClient(host.url, "pit_aaaaaaaa_" + "b" * 32, **FAST) as client:
        with pytest.raises(PitError) as raised:
            client.send(fills("alpha", 1, cells=1))
    assert (raised.value.status, raised.value.code, raised.value.is_transient) == (401, "ERR_UNAUTHENTICATED", False)


# --- min_supported_sdk -------------------------------------------------------------------------------------------


def test_a_min_supported_sdk_above_this_version_stops_sending(host: Host, series: str) -> None:
    rejected: list[RejectedEvent] = []
    with ScriptedServer(lambda seen: Forward(), upstream=host.url, min_supported_sdk="99.0.0") as proxy:
        with PitClient(proxy.address, host.api_key, on_rejected=rejected.append, **FAST) as client:
            assert client.is_sdk_supported
            client.send(fills(series, 1, cells=1))
            assert not client.is_sdk_supported
            with pytest.raises(PitError) as raised:
                client.send(fills(series, 1, cells=1))
            client.track(fills(series, 1, cells=1)[0])
            assert client.flush(10)
    assert raised.value.code == ERR_SDK_UNSUPPORTED and not raised.value.is_transient
    assert [r.error.code for r in rejected] == [ERR_SDK_UNSUPPORTED]
    assert len(proxy.seen) == 1


def test_the_async_client_stops_sending_on_a_higher_min_supported_sdk(host: Host, series: str) -> None:
    async def run(proxy: ScriptedServer) -> None:
        async with AsyncPitClient(proxy.address, host.api_key, **FAST) as client:
            await client.send(fills(series, 1, cells=1))
            assert not client.is_sdk_supported
            with pytest.raises(PitError) as raised:
                await client.send(fills(series, 1, cells=1))
            assert raised.value.code == ERR_SDK_UNSUPPORTED

    with ScriptedServer(lambda seen: Forward(), upstream=host.url, min_supported_sdk="0.2.0") as proxy:
        asyncio.run(run(proxy))
    assert len(proxy.seen) == 1


def test_the_real_host_announces_a_min_supported_sdk_this_version_meets(host: Host) -> None:
    with ScriptedServer(lambda seen: Forward(), upstream=host.url) as proxy:
        with PitClient(proxy.address, host.api_key, **FAST) as client:
            client.send(fills("alpha", 1, cells=1))
            assert client.is_sdk_supported
