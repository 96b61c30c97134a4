"""The README's quickstart, run as written by tests/test_integration.py against the local host.

Run it: PIT_URL=http://127.0.0.1:7071 PIT_API_KEY=$(cat .pit/dev-api-key) python3 sdk/python/examples/quickstart.py
"""

from __future__ import annotations

import os

from pit_sdk import PitClient, TradeFill


def main(base_url: str, api_key: str) -> str:
    # quickstart:begin
    with PitClient(base_url, api_key) as client:
        fill = TradeFill(
            series="alpha",
            cell="0001",
            instrument="ACME",
            side="buy",
            quantity=100,
            price_micros=12_500_000,  # 12.50 USD in integer micros
            currency="USD",
        )

        # Waits, with a result per event:
        result = client.send([fill])
        print(result[0].event_id, result[0].status.value)

        # Fire and forget: queued, batched and retried in the background; never blocks, never raises.
        client.track(
            {
                "type": "exec.trade_fill",
                "series": "alpha",
                "cell": "0001",
                "payload": {
                    "instrument": "ACME",
                    "side": "sell",
                    "quantity": 40,
                    "price_micros": 13_000_000,
                    "currency": "USD",
                },
            }
        )
        client.flush()  # optional: leaving the with block closes the client, which flushes within close_timeout
    # quickstart:end
    return result[0].status.value


if __name__ == "__main__":
    main(os.environ.get("PIT_URL", "http://127.0.0.1:7071"), os.environ["PIT_API_KEY"])
