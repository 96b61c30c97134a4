"""One PitClient end to end: after a warm-up (PIT_WARMUP_EVENTS, default a tenth of the run, at least 5,000) it prints
"start" and tracks PIT_EVENTS trade fills (series alpha, 50 cells) from one thread, batches of
1,000, gzip, 8 requests in flight, a queue that holds every event (nothing dropped), flushes, and prints ONE JSON line:
{"sdk":"python","events":N,"seconds":S,"delivered":N,"rejected":0,"dropped":0,"retries":R,"cpu_seconds":C}.

./pit load sdk runs it beside the server's own ingest rate. By hand:
    PIT_URL=http://127.0.0.1:7071 PIT_API_KEY=pit_... PIT_EVENTS=100000 PYTHONPATH=sdk/python/src \\
        /usr/bin/python3 sdk/python/benchmarks/end_to_end.py
"""

from __future__ import annotations

import json
import os
import sys
import time

from pit_sdk import PitClient


def main() -> int:
    url, key = os.environ["PIT_URL"], os.environ["PIT_API_KEY"]
    events = int(os.environ.get("PIT_EVENTS", "100000"))
    client = PitClient(
        url,
        key,
        max_queue_size=min(max(events, 1_000), 1 << 24),  # room for every event: the figure is delivery, not drops
        overflow_policy="wait",
        max_batch_events=1_000,
        max_batch_bytes=5 * 1024 * 1024,
        max_concurrent_sends=8,
        flush_interval=0.1,
        gzip=True,
        close_timeout=60,
    )
    try:
        # Warm, as a long-running application's client is: its connections open and its code paths run once.
        _track(client, int(os.environ.get("PIT_WARMUP_EVENTS", max(5_000, events // 10))))
        if not client.flush(timeout=600):
            print("end_to_end: the warm-up's flush did not finish within 600 s", file=sys.stderr)
        before = client.counters
        print("start", flush=True)  # ./pit load sdk counts the host's CPU from here
        started = time.perf_counter()
        cpu_started = time.process_time()  # every thread of this process, the sender's included
        _track(client, events)
        tracked = time.perf_counter() - started
        if not client.flush(timeout=600):
            print("end_to_end: the flush did not finish within 600 s", file=sys.stderr)
        seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() - cpu_started
        after = client.counters
    finally:
        client.close()
    delivered = after.delivered - before.delivered
    print(
        f"end_to_end: track alone {events / tracked:,.0f} calls/s; delivered {delivered / seconds:,.0f}/s",
        file=sys.stderr,
    )
    line = {
        "sdk": "python",
        "events": events,
        "seconds": round(seconds, 3),
        "delivered": delivered,
        "rejected": after.rejected - before.rejected,
        "dropped": after.dropped - before.dropped,
        "retries": after.retries - before.retries,
        "cpu_seconds": round(cpu_seconds, 3),
    }
    print(json.dumps(line))
    return 0 if delivered == events else 1


def _track(client: PitClient, events: int) -> None:
    for i in range(events):
        # A fresh event per call, as an application makes them; its event_id is made in the background.
        client.track(
            {
                "type": "exec.trade_fill",
                "series": "alpha",
                "cell": f"c{i % 50}",
                "payload": {
                    "instrument": "ACME",
                    "side": "buy",
                    "quantity": 100,
                    "price_micros": 12_500_000,
                    "currency": "USD",
                    "fee_micros": 1_000,
                },
            }
        )


if __name__ == "__main__":
    sys.exit(main())
