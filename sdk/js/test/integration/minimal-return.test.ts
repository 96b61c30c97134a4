import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PitClient, type PitEvent } from "../../src/index.js";
import { FaultProxy } from "../support/fault-proxy.js";
import { fill } from "../support/fills.js";
import { eventually, latest, navPoints, skipWithoutHost, theHost, uniqueSeries } from "../support/host.js";

describe("Prefer: return=minimal against the local host", () => {
  it(
    "tracked batches are answered with the counts alone, counted delivered, and applied once",
    { skip: skipWithoutHost, timeout: 60_000 },
    async () => {
      const { url, apiKey } = theHost();
      const series = uniqueSeries("minimal");
      const proxy = await FaultProxy.start(url, () => "none");
      const fills: PitEvent[] = Array.from({ length: 25 }, (_, i) => fill(series, "c1", i));
      const client = new PitClient({ baseUrl: proxy.url, apiKey, maxBatchEvents: 10, flushIntervalInMs: 50 });
      try {
        for (const event of fills) client.track(event);
        await client.flush();
        const counters = client.getCounters();
        assert.deepEqual([counters.delivered, counters.rejected, counters.retries], [25, 0, 0]);
      } finally {
        await client.close();
        await proxy.close();
      }
      for (const seen of proxy.seen) {
        assert.equal(seen.prefer, "return=minimal");
        assert.equal(seen.answer?.status, 202);
        assert.equal(seen.answer.preferenceApplied, "return=minimal");
        const body = JSON.parse(seen.answer.body) as { data?: unknown; meta: { accepted: number } };
        assert.equal(body.data, undefined);
        assert.equal(body.meta.accepted, seen.eventIds.length);
      }
      await eventually(
        () => navPoints(series, "c1"),
        (points) => latest(points)?.fills_applied === fills.length,
        30_000,
        "every fill applied once",
      );
    },
  );
});
