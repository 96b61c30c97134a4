import assert from "node:assert/strict";
import { createServer } from "node:net";
import { describe, it } from "node:test";
import { PitClient, type PitRejectedEvent } from "../src/index.js";
import { fill } from "./support/fills.js";

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

describe("while the server is down", () => {
  it("track never blocks and stays bounded in memory: the queue keeps its cap and dropped grows", async () => {
    const rejected: PitRejectedEvent[] = [];
    const client = new PitClient({
      baseUrl: `http://127.0.0.1:${await closedPort()}`,
      apiKey: "pit_test_key",
      maxQueueSize: 10_000,
      flushIntervalInMs: 20,
      retryDelayInMs: 10,
      maxRetryDelayInMs: 50,
      closeTimeoutInMs: 300,
      onRejected: (r) => rejected.push(r),
    });
    const events = Array.from({ length: 1000 }, (_, i) => fill("alpha", "c1", i));
    const heapBefore = process.memoryUsage().heapUsed;
    let slowest = 0n;
    const started = process.hrtime.bigint();
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 100_000; i++) {
        const t0 = process.hrtime.bigint();
        assert.equal(client.track(events[i % events.length]!), true);
        const spent = process.hrtime.bigint() - t0;
        if (spent > slowest) slowest = spent;
      }
      await new Promise((resolve) => setTimeout(resolve, 30)); // let the sender fail to connect and retry
    }
    const perCallNs = Number(process.hrtime.bigint() - started - 5n * 30_000_000n) / 500_000;
    const counters = client.getCounters();
    assert.equal(counters.tracked, 500_000);
    assert.ok(counters.queued <= 10_000, `queued ${counters.queued}`);
    assert.ok(counters.dropped >= 500_000 - 10_000 - 1_000, `dropped ${counters.dropped}`);
    assert.equal(counters.delivered, 0);
    assert.ok(counters.retries > 0, "the sender kept retrying");
    // Generous bounds for a shared 2-core machine; the benchmark measures the real figure (well under 1 us).
    assert.ok(perCallNs < 20_000, `track took ${perCallNs.toFixed(0)} ns per call on average`);
    assert.ok(slowest < 200_000_000n, `the slowest track took ${slowest} ns`);
    assert.ok(process.memoryUsage().heapUsed - heapBefore < 64 * 1024 * 1024, "the heap grew by more than 64 MiB");

    const closing = Date.now();
    await client.close();
    assert.ok(Date.now() - closing < 5_000, "close kept its deadline");
    const after = client.getCounters();
    assert.equal(after.queued, 0);
    assert.equal(after.dropped, 500_000);
    assert.ok(rejected.length > 0 && rejected.every((r) => r.error.code === "ERR_NOT_DELIVERED"));
  });
});
