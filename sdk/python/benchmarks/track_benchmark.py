"""Median and p99 nanoseconds per PitClient.track call, beside collections.deque.append and queue.Queue.put_nowait
measured the same way in the same run (the issue's target: median at most 2 us).

track takes a prebuilt event dict into a client whose sender cannot deliver (a closed port) and whose queue has room,
so the figure is the caller's cost alone. Calls are timed in blocks of 100 (a clock read per call would cost about as
much as deque.append); the figures are per call, over the blocks.

    PYTHONPATH=sdk/python/src /usr/bin/python3 sdk/python/benchmarks/track_benchmark.py [calls]
"""

from __future__ import annotations

import collections
import gc
import json
import queue
import socket
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from pit_sdk import PitClient

BLOCK = 100


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def measure(call: Callable[[Any], object], event: Any, calls: int) -> tuple[float, float]:
    """(median, p99) ns per call over blocks of BLOCK calls."""
    for _ in range(10 * BLOCK):  # warm-up
        call(event)
    per_call: list[float] = []
    clock = time.perf_counter_ns
    gc.disable()
    try:
        for _ in range(calls // BLOCK):
            start = clock()
            for _ in range(BLOCK):
                call(event)
            per_call.append((clock() - start) / BLOCK)
    finally:
        gc.enable()
    per_call.sort()
    return statistics.median(per_call), per_call[min(len(per_call) - 1, int(len(per_call) * 0.99))]


def main(calls: int) -> int:
    event = {
        "type": "exec.trade_fill",
        "series": "alpha",
        "cell": "0001",
        "payload": {
            "instrument": "ACME",
            "side": "buy",
            "quantity": 100,
            "price_micros": 12_500_000,
            "currency": "USD",
        },
    }
    room = 1 << 24  # larger than every call of the run: nothing is dropped
    client = PitClient(
        f"http://127.0.0.1:{closed_port()}", "pit_benchmar_" + "k" * 32, max_queue_size=room, close_timeout=0
    )
    bare_deque: collections.deque[Any] = collections.deque(maxlen=room)
    bare_queue: queue.Queue[Any] = queue.Queue(maxsize=room)
    rows: list[dict[str, Any]] = []
    try:
        for name, call in (
            ("collections.deque.append", bare_deque.append),
            ("queue.Queue.put_nowait", bare_queue.put_nowait),
            ("PitClient.track", client.track),
        ):
            median, p99 = measure(call, event, calls)
            rows.append({"name": name, "median_ns": round(median), "p99_ns": round(p99)})
        counters = client.counters
    finally:
        client.close()
    print(f"{calls:,} calls each, blocks of {BLOCK}, Python {sys.version.split()[0]}")
    for row in rows:
        print(f"  {row['name']:<26} median {row['median_ns']:>6} ns   p99 {row['p99_ns']:>6} ns")
    track = rows[-1]
    verdict = "met" if track["median_ns"] <= 2_000 else "NOT met"
    print(f"  target: track median <= 2,000 ns: {verdict}; dropped {counters.dropped} (the queue had room)")
    print(json.dumps({"benchmark": "track", "calls": calls, "results": rows}))
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000))
