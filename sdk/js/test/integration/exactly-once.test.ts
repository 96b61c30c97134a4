import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PitClient, type PitEvent, type PitRejectedEvent } from "../../src/index.js";
import { FaultProxy, type Fault } from "../support/fault-proxy.js";
import { cashMicros, fill } from "../support/fills.js";
import { eventually, latest, navPoints, skipWithoutHost, theHost, uniqueSeries } from "../support/host.js";

describe("through a proxy that resets, throttles, fails and delays", () => {
  it("every tracked fill is applied exactly once downstream", { skip: skipWithoutHost, timeout: 90_000 }, async () => {
    const { url, apiKey } = theHost();
    const series = uniqueSeries("once");
    const cells = ["c1", "c2", "c3", "c4"];
    const faults: Fault[] = ["drop-after-forward", "unavailable", "none", "drop-before-forward", "delay", "none", "drop-after-forward"];
    const proxy = await FaultProxy.start(url, (n) => (n === 9 ? "too-many-requests" : faults[n % faults.length]!));
    const rejected: PitRejectedEvent[] = [];
    const fills: PitEvent[] = Array.from({ length: 300 }, (_, i) => fill(series, cells[i % cells.length]!, i));
    const client = new PitClient({
      baseUrl: proxy.url,
      apiKey,
      maxBatchEvents: 25,
      flushIntervalInMs: 100,
      retryDelayInMs: 20,
      maxRetryDelayInMs: 500,
      closeTimeoutInMs: 20_000,
      onRejected: (r) => rejected.push(r),
    });
    try {
      for (const event of fills) assert.equal(client.track(event), true);
      await client.flush();
      const counters = client.getCounters();
      assert.deepEqual(rejected, []);
      assert.equal(counters.delivered, fills.length);
      assert.equal(counters.dropped, 0);
      assert.ok(counters.retries > 0, "the client retried");
    } finally {
      await client.close();
      await proxy.close();
    }

    // Some batches were stored and then resent (the reset came after forwarding): the consumers saw them twice.
    const sent = proxy.seen.flatMap((s) => s.eventIds);
    assert.equal(new Set(sent).size, fills.length);
    assert.ok(sent.length > fills.length, "the proxy saw resends");
    assert.ok(proxy.seen.some((s) => s.fault === "drop-after-forward" && s.eventIds.length > 0));
    assert.ok(proxy.seen.some((s) => s.fault === "too-many-requests"));

    for (const cell of cells) {
      const ofCell = fills.filter((f) => f.cell === cell);
      const expected = ofCell.length;
      await eventually(
        () => navPoints(series, cell),
        (points) => latest(points)?.fills_applied === expected,
        60_000,
        `NAV of ${series}/${cell} after ${expected} fills`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1000)); // room for a wrongly applied second copy to show up
    for (const cell of cells) {
      const ofCell = fills.filter((f) => f.cell === cell);
      const last = latest(await navPoints(series, cell))!;
      assert.equal(last.fills_applied, ofCell.length, `fills applied to ${cell}`);
      assert.equal(
        BigInt(last.cash_micros),
        ofCell.reduce((sum, f) => sum + cashMicros(f), 0n),
        `cash of ${cell}`,
      );
    }
  });
});
