"""The README's asyncio quickstart, run as written by tests/test_integration.py against the local host."""

from __future__ import annotations

import asyncio
import os

from pit_sdk import AsyncPitClient, LlmCall


async def main(base_url: str, api_key: str) -> str:
    # quickstart:begin
    async with AsyncPitClient(base_url, api_key) as client:
        call = LlmCall(series="assistant", model="gpt-4.1", input_tokens=812, output_tokens=96, cost_micros=3_100)
        result = await client.send([call])
        print(result[0].event_id, result[0].status.value)

        client.track(LlmCall(series="assistant", model="gpt-4.1", input_tokens=40, output_tokens=12))  # no await
        await client.flush()
    # quickstart:end
    return result[0].status.value


if __name__ == "__main__":
    asyncio.run(main(os.environ.get("PIT_URL", "http://127.0.0.1:7071"), os.environ["PIT_API_KEY"]))
