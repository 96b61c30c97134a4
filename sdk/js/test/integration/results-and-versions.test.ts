import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PitClient, PitError, tradeFill, uuid7, type PitRejectedEvent, type PitTrackResult } from "../../src/index.js";
import { FaultProxy } from "../support/fault-proxy.js";
import { fill } from "../support/fills.js";
import { eventually, latest, navPoints, skipWithoutHost, theHost, uniqueSeries } from "../support/host.js";

const fast = { flushIntervalInMs: 50, retryDelayInMs: 20, maxRetryDelayInMs: 500 };

describe("send against the local host", () => {
  it("resolves with a result per event: accepted, duplicate, and rejected with code and pointer", { skip: skipWithoutHost }, async () => {
    const { url, apiKey } = theHost();
    const series = uniqueSeries("send");
    const client = new PitClient({ baseUrl: url, apiKey, ...fast });
    try {
      const id = uuid7();
      const first = tradeFill({
        series,
        cell: "c1",
        eventId: id,
        instrument: "ACME",
        side: "buy",
        quantity: 1,
        priceMicros: 1_000_000,
        currency: "USD",
      });
      const conflicting = tradeFill({
        series,
        cell: "c1",
        eventId: id,
        instrument: "ACME",
        side: "buy",
        quantity: 2,
        priceMicros: 1_000_000,
        currency: "USD",
      });
      const invalid = tradeFill({
        series,
        cell: "c1",
        instrument: "ACME",
        side: "buy",
        quantity: 1,
        priceMicros: 1_000_000,
        currency: "dollars",
      });
      const sent = await client.send([first, first, conflicting, invalid, fill(series, "c2", 1)]);
      assert.deepEqual(
        sent.results.map((r) => r.status),
        ["accepted", "duplicate", "rejected", "rejected", "accepted"],
      );
      assert.equal(sent.results[0]!.eventId, id);
      assert.equal(sent.results[1]!.eventId, id);
      assert.equal(sent.results[2]!.error?.code, "ERR_IDEMPOTENCY_CONFLICT");
      assert.equal(sent.results[2]!.error.pointer, "/event_id");
      assert.deepEqual(sent.results[3]!.error, {
        code: "ERR_VALIDATION",
        message: "'currency' must match ^[A-Z]{3}$",
        pointer: "/payload/currency",
      });
      assert.ok(sent.results[0]!.topic !== undefined && sent.results[0]!.offset !== undefined);
      assert.equal(sent.accepted, 3);
      assert.equal(sent.rejected, 2);
    } finally {
      await client.close();
    }
  });

  it("a wrong key rejects with a PitError 401 that is not transient", { skip: skipWithoutHost }, async () => {
    const { url } = theHost();
    const client = new PitClient({ baseUrl: url, apiKey: "pit_aaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", ...fast });
    try {
      await assert.rejects(
        client.send([fill(uniqueSeries("key"), "c1", 1)]),
        (e: unknown) => e instanceof PitError && e.status === 401 && !e.isTransient,
      );
    } finally {
      await client.close();
    }
  });
});

describe("callbacks and promises", () => {
  it("track calls back per event and flush resolves once all are settled; the fills reach NAV", { skip: skipWithoutHost }, async () => {
    const { url, apiKey } = theHost();
    const series = uniqueSeries("callbacks");
    const client = new PitClient({ baseUrl: url, apiKey, ...fast });
    const outcomes: PitTrackResult[] = [];
    try {
      for (let i = 0; i < 20; i++) client.track(fill(series, "c1", i), (result) => outcomes.push(result));
      client.track({ type: "exec.trade_fill", series, cell: "c1", payload: { instrument: "ACME" } }, (result) => outcomes.push(result));
      await client.flush();
      assert.equal(outcomes.length, 21);
      assert.equal(outcomes.filter((o) => o.status === "accepted").length, 20);
      const refused = outcomes.find((o) => o.status === "rejected");
      assert.deepEqual(refused?.error, { code: "ERR_VALIDATION", message: "'side' is required", pointer: "/payload/side" });
    } finally {
      await client.close();
    }
    await eventually(
      () => navPoints(series, "c1"),
      (points) => latest(points)?.fills_applied === 20,
      60_000,
      "NAV after 20 fills",
    );
  });
});

describe("Pit-Min-Supported-Sdk", () => {
  it("the local host's minimum keeps this version sending", { skip: skipWithoutHost }, async () => {
    const { url, apiKey } = theHost();
    const client = new PitClient({ baseUrl: url, apiKey, ...fast });
    try {
      await client.send([fill(uniqueSeries("min"), "c1", 1)]);
      assert.equal(client.isSdkSupported, true);
    } finally {
      await client.close();
    }
  });

  it(
    "a minimum above this version stops sending: send rejects and tracked events get ERR_SDK_UNSUPPORTED",
    { skip: skipWithoutHost },
    async () => {
      const { url, apiKey } = theHost();
      const proxy = await FaultProxy.start(url, () => "none", { "Pit-Min-Supported-Sdk": "99.0.0" });
      const rejected: PitRejectedEvent[] = [];
      const client = new PitClient({ baseUrl: proxy.url, apiKey, ...fast, onRejected: (r) => rejected.push(r) });
      try {
        const series = uniqueSeries("upgrade");
        const first = await client.send([fill(series, "c1", 1)]);
        assert.equal(first.results[0]!.status, "accepted"); // this answer was stored; it announced the new minimum
        assert.equal(client.isSdkSupported, false);
        await assert.rejects(
          client.send([fill(series, "c1", 2)]),
          (e: unknown) => e instanceof PitError && e.code === "ERR_SDK_UNSUPPORTED",
        );
        client.track(fill(series, "c1", 3));
        await client.flush();
        assert.equal(rejected.length, 1);
        assert.equal(rejected[0]!.error.code, "ERR_SDK_UNSUPPORTED");
        assert.equal(proxy.seen.length, 1, "nothing was sent after the answer");
      } finally {
        await client.close();
        await proxy.close();
      }
    },
  );
});
