import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  PitClient,
  PitError,
  SDK_VERSION,
  tradeFill,
  type PitClientOptions,
  type PitEvent,
  type PitRejectedEvent,
  type PitTrackResult,
} from "../src/index.js";
import { acceptAll, errorBody, fakeFetch, minimalBody, type Answer } from "./support/fake-fetch.js";
import { fill } from "./support/fills.js";

const UUID7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function client(fetch: typeof globalThis.fetch, options: Partial<PitClientOptions> = {}): PitClient {
  return new PitClient({
    baseUrl: "http://pit.test",
    apiKey: "pit_test_key",
    fetch,
    flushIntervalInMs: 20,
    retryDelayInMs: 5,
    maxRetryDelayInMs: 20,
    ...options,
  });
}

describe("send", () => {
  it("resolves with a result per event, in order, with the ids the client made", async () => {
    const fetch = fakeFetch();
    const pit = client(fetch);
    const sent = await pit.send([fill("alpha", "0001", 1), fill("alpha", "0002", 2)]);
    assert.equal(sent.accepted, 2);
    assert.equal(sent.rejected, 0);
    assert.deepEqual(
      sent.results.map((r) => r.status),
      ["accepted", "accepted"],
    );
    for (const r of sent.results) assert.match(r.eventId, UUID7);
    assert.deepEqual(
      sent.results.map((r) => r.eventId),
      fetch.seen[0]!.events.map((e) => e["event_id"]),
    );
    await pit.close();
  });

  it("sends the version headers, the key and a gzip body", async () => {
    const fetch = fakeFetch();
    const pit = client(fetch);
    await pit.send([fill("alpha", "0001", 1)]);
    const headers = fetch.seen[0]!.headers;
    assert.equal(headers.get("Pit-Api-Version"), "v1");
    assert.equal(headers.get("Pit-Sdk-Version"), SDK_VERSION);
    assert.equal(headers.get("Authorization"), "Bearer pit_test_key");
    assert.equal(headers.get("Content-Encoding"), "gzip");
    assert.equal(headers.get("Content-Type"), "application/json");
    await pit.close();
  });

  it("refuses an invalid event client-side with the server's code and pointer, and sends the others", async () => {
    const fetch = fakeFetch();
    const pit = client(fetch);
    const bad = tradeFill({ series: "alpha", cell: "0001", instrument: "ACME", side: "buy", quantity: 0, priceMicros: 1, currency: "usd" });
    const sent = await pit.send([fill("alpha", "0001", 1), bad]);
    assert.equal(sent.results[1]!.status, "rejected");
    assert.deepEqual(sent.results[1]!.error, {
      code: "ERR_VALIDATION",
      message: "'quantity' must be at least 1",
      pointer: "/payload/quantity",
    });
    assert.equal(fetch.seen[0]!.events.length, 1);
    assert.equal(pit.getCounters().rejected, 1);
    await pit.close();
  });

  it("reports the server's per-event rejections with pointers made relative to the event", async () => {
    const fetch = fakeFetch(() => ({
      status: 207,
      body: (events: Record<string, unknown>[]) => ({
        data: [
          { event_id: events[0]!["event_id"], status: "accepted" },
          {
            event_id: events[1]!["event_id"],
            status: "rejected",
            error: { code: "ERR_TENANT_MISMATCH", message: "no", details: { pointer: "/data/1/tenant" } },
          },
        ],
      }),
    }));
    const pit = client(fetch);
    const sent = await pit.send([fill("alpha", "0001", 1), fill("alpha", "0001", 2)]);
    assert.deepEqual(sent.results[1]!.error, { code: "ERR_TENANT_MISMATCH", message: "no", pointer: "/tenant" });
    await pit.close();
  });

  it("retries 503 and 429 with the same event ids, honouring Retry-After", async () => {
    const answers: Answer[] = [
      { status: 503, body: errorBody("ERR_UNAVAILABLE", "down") },
      "network-error",
      { status: 429, body: errorBody("ERR_RATE_LIMITED", "slow"), headers: { "Retry-After": "0" } },
    ];
    const fetch = fakeFetch((n, events) => answers[n] ?? { status: 202, body: acceptAll(events) });
    const pit = client(fetch);
    const sent = await pit.send([fill("alpha", "0001", 1)]);
    assert.equal(sent.accepted, 1);
    assert.equal(fetch.seen.length, 4);
    assert.equal(new Set(fetch.seen.map((s) => s.events[0]!["event_id"])).size, 1);
    assert.equal(pit.getCounters().retries, 3);
    await pit.close();
  });

  it("waits at least Retry-After seconds before retrying a 429", async () => {
    const fetch = fakeFetch((n, events) =>
      n === 0
        ? { status: 429, body: errorBody("ERR_RATE_LIMITED", "slow"), headers: { "Retry-After": "1" } }
        : { status: 202, body: acceptAll(events) },
    );
    const pit = client(fetch);
    const started = Date.now();
    await pit.send([fill("alpha", "0001", 1)]);
    assert.ok(Date.now() - started >= 990, `retried after ${Date.now() - started} ms`);
    await pit.close();
  });

  it("does not retry 400, 401, 403 or 413 and rejects with a PitError", async () => {
    for (const [status, code] of [
      [400, "ERR_VALIDATION"],
      [401, "ERR_UNAUTHENTICATED"],
      [403, "ERR_FORBIDDEN"],
      [413, "ERR_PAYLOAD_TOO_LARGE"],
    ] as const) {
      const fetch = fakeFetch(() => ({ status, body: errorBody(code, "no") }));
      const pit = client(fetch);
      await assert.rejects(
        pit.send([fill("alpha", "0001", 1)]),
        (e: unknown) => e instanceof PitError && e.status === status && e.code === code && !e.isTransient,
      );
      assert.equal(fetch.seen.length, 1, `status ${status} was retried`);
      await pit.close();
    }
  });

  it("gives up after maxRetries transient failures with a transient PitError", async () => {
    const fetch = fakeFetch(() => ({ status: 503, body: errorBody("ERR_UNAVAILABLE", "down") }));
    const pit = client(fetch, { maxRetries: 2 });
    await assert.rejects(pit.send([fill("alpha", "0001", 1)]), (e: unknown) => e instanceof PitError && e.status === 503 && e.isTransient);
    assert.equal(fetch.seen.length, 3);
    await pit.close();
  });

  it("resends only the events the server could not store (per-event ERR_UNAVAILABLE)", async () => {
    const fetch = fakeFetch((n, events) =>
      n === 0
        ? {
            status: 207,
            body: {
              data: [
                { event_id: events[0]!["event_id"], status: "accepted" },
                { event_id: events[1]!["event_id"], status: "rejected", error: { code: "ERR_UNAVAILABLE", message: "kafka" } },
              ],
            },
          }
        : { status: 202, body: acceptAll(events) },
    );
    const pit = client(fetch);
    const sent = await pit.send([fill("alpha", "0001", 1), fill("alpha", "0001", 2)]);
    assert.equal(sent.accepted, 2);
    assert.equal(fetch.seen[1]!.events.length, 1);
    assert.equal(fetch.seen[1]!.events[0]!["event_id"], fetch.seen[0]!.events[1]!["event_id"]);
    await pit.close();
  });

  it("stops sending once the server's Pit-Min-Supported-Sdk is above this version", async () => {
    const fetch = fakeFetch((_, events) => ({ status: 202, body: acceptAll(events), headers: { "Pit-Min-Supported-Sdk": "99.0.0" } }));
    const pit = client(fetch);
    assert.equal(pit.isSdkSupported, true);
    await pit.send([fill("alpha", "0001", 1)]);
    assert.equal(pit.isSdkSupported, false);
    await assert.rejects(
      pit.send([fill("alpha", "0001", 2)]),
      (e: unknown) => e instanceof PitError && e.code === "ERR_SDK_UNSUPPORTED" && e.status === 426,
    );
    assert.equal(fetch.seen.length, 1);
    await pit.close();
  });

  it("keeps sending when the server's minimum is at or below this version", async () => {
    const fetch = fakeFetch((_, events) => ({ status: 202, body: acceptAll(events), headers: { "Pit-Min-Supported-Sdk": SDK_VERSION } }));
    const pit = client(fetch);
    await pit.send([fill("alpha", "0001", 1)]);
    await pit.send([fill("alpha", "0001", 2)]);
    assert.equal(pit.isSdkSupported, true);
    await pit.close();
  });

  it("stops waiting when its abortSignal aborts", async () => {
    const fetch = fakeFetch(() => ({ status: 503, body: errorBody("ERR_UNAVAILABLE", "down") }));
    const pit = client(fetch, { retryDelayInMs: 1000, maxRetryDelayInMs: 1000 });
    const controller = new AbortController();
    const sending = pit.send([fill("alpha", "0001", 1)], { abortSignal: controller.signal });
    setTimeout(() => {
      controller.abort(new Error("enough"));
    }, 50);
    await assert.rejects(sending, /enough/);
    await pit.close();
  });

  it("writes bigint amounts exactly, and refuses a number that lost precision", async () => {
    const fetch = fakeFetch();
    const pit = client(fetch);
    const big = tradeFill({
      series: "alpha",
      cell: "0001",
      instrument: "ACME",
      side: "buy",
      quantity: 1,
      priceMicros: 9_223_372_036_854_775_807n,
      currency: "USD",
    });
    const lossy = tradeFill({
      series: "alpha",
      cell: "0001",
      instrument: "ACME",
      side: "buy",
      quantity: 1,
      priceMicros: 2 ** 60,
      currency: "USD",
    });
    const sent = await pit.send([big, lossy]);
    assert.match(fetch.seen[0]!.raw, /"price_micros":9223372036854775807[,}]/);
    assert.equal(sent.results[0]!.status, "accepted");
    assert.equal(sent.results[1]!.status, "rejected");
    assert.equal(sent.results[1]!.error?.pointer, "/payload/price_micros");
    assert.match(sent.results[1]!.error.message, /safe integer/);
    await pit.close();
  });
});

describe("track", () => {
  it("returns at once and delivers in the background, calling back per event", async () => {
    const fetch = fakeFetch();
    const pit = client(fetch);
    const outcomes: PitTrackResult[] = [];
    for (let i = 0; i < 10; i++)
      assert.equal(
        pit.track(fill("alpha", "0001", i), (r) => outcomes.push(r)),
        true,
      );
    assert.equal(fetch.seen.length, 0);
    await pit.flush();
    assert.equal(outcomes.length, 10);
    assert.ok(outcomes.every((o) => o.status === "accepted" && UUID7.test(o.eventId)));
    assert.deepEqual(pit.getCounters(), { tracked: 10, dropped: 0, delivered: 10, rejected: 0, retries: 0, queued: 0 });
    await pit.close();
  });

  it("batches by count", async () => {
    const fetch = fakeFetch();
    const pit = client(fetch, { maxBatchEvents: 4, flushIntervalInMs: 60_000 });
    for (let i = 0; i < 10; i++) pit.track(fill("alpha", "0001", i));
    await pit.flush();
    assert.deepEqual(
      fetch.seen.map((s) => s.events.length),
      [4, 4, 2],
    );
    await pit.close();
  });

  it("batches by bytes", async () => {
    const fetch = fakeFetch();
    const pit = client(fetch, { maxBatchBytes: 1024, flushIntervalInMs: 60_000 });
    for (let i = 0; i < 20; i++) pit.track(fill("alpha", "0001", i));
    await pit.flush();
    assert.ok(fetch.seen.length > 1);
    for (const s of fetch.seen) assert.ok(Buffer.byteLength(s.raw) <= 1024, `${Buffer.byteLength(s.raw)} bytes`);
    assert.equal(
      fetch.seen.reduce((n, s) => n + s.events.length, 0),
      20,
    );
    await pit.close();
  });

  it("sends a partial batch after the flush interval", async () => {
    const fetch = fakeFetch();
    const pit = client(fetch, { flushIntervalInMs: 30 });
    pit.track(fill("alpha", "0001", 1));
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(fetch.seen.length, 1);
    await pit.close();
  });

  it("drops the oldest event when the queue is full, counts it and tells its callback", async () => {
    const fetch = fakeFetch();
    const pit = client(fetch, { maxQueueSize: 3, flushIntervalInMs: 60_000 });
    const dropped: PitTrackResult[] = [];
    for (let i = 0; i < 5; i++) pit.track(fill("alpha", "0001", i), (r) => (r.status === "dropped" ? dropped.push(r) : undefined));
    assert.equal(pit.getCounters().dropped, 2);
    assert.equal(pit.getCounters().queued, 3);
    await pit.flush();
    assert.equal(dropped.length, 2);
    assert.equal(dropped[0]!.error?.code, "ERR_QUEUE_OVERFLOW");
    assert.deepEqual(
      fetch.seen[0]!.events.map((e) => (e["payload"] as { quantity: number }).quantity),
      [3, 4, 5],
    );
    await pit.close();
  });

  it("reports invalid events to onRejected and their callback, without sending them", async () => {
    const fetch = fakeFetch();
    const rejected: PitRejectedEvent[] = [];
    const pit = client(fetch, { onRejected: (r) => rejected.push(r) });
    const results: PitTrackResult[] = [];
    pit.track({ type: "exec.trade_fill", series: "alpha", payload: {} }, (r) => results.push(r));
    pit.track(fill("alpha", "0001", 1));
    await pit.flush();
    assert.equal(rejected.length, 1);
    assert.deepEqual(rejected[0]!.error, { code: "ERR_VALIDATION", message: "'cell' is required", pointer: "/cell" });
    assert.equal(results[0]!.status, "rejected");
    assert.equal(fetch.seen[0]!.events.length, 1);
    assert.equal(pit.getCounters().rejected, 1);
    await pit.close();
  });

  it("keeps an event's id across background retries", async () => {
    const fetch = fakeFetch((n, events) => (n < 3 ? "network-error" : { status: 202, body: acceptAll(events) }));
    const pit = client(fetch);
    pit.track(fill("alpha", "0001", 1));
    await pit.flush();
    assert.equal(fetch.seen.length, 4);
    assert.equal(new Set(fetch.seen.map((s) => s.events[0]!["event_id"])).size, 1);
    assert.equal(pit.getCounters().retries, 3);
    await pit.close();
  });

  it("rejects tracked events with ERR_SDK_UNSUPPORTED once the server's minimum is above this version", async () => {
    const fetch = fakeFetch((_, events) => ({ status: 202, body: acceptAll(events), headers: { "Pit-Min-Supported-Sdk": "99.0.0" } }));
    const rejected: PitRejectedEvent[] = [];
    const pit = client(fetch, { onRejected: (r) => rejected.push(r) });
    pit.track(fill("alpha", "0001", 1));
    await pit.flush();
    pit.track(fill("alpha", "0001", 2));
    await pit.flush();
    assert.equal(fetch.seen.length, 1);
    assert.equal(rejected.length, 1);
    assert.equal(rejected[0]!.error.code, "ERR_SDK_UNSUPPORTED");
    await pit.close();
  });

  it("a 401 rejects the batch's events with the API's code, without retrying", async () => {
    const fetch = fakeFetch(() => ({ status: 401, body: errorBody("ERR_UNAUTHENTICATED", "bad key") }));
    const rejected: PitRejectedEvent[] = [];
    const pit = client(fetch, { onRejected: (r) => rejected.push(r) });
    pit.track(fill("alpha", "0001", 1));
    await pit.flush();
    assert.equal(fetch.seen.length, 1);
    assert.equal(rejected[0]!.error.code, "ERR_UNAUTHENTICATED");
    await pit.close();
  });

  it("survives callbacks that throw", async () => {
    const fetch = fakeFetch();
    const pit = client(fetch);
    pit.track(fill("alpha", "0001", 1), () => {
      throw new Error("application bug");
    });
    pit.track(fill("alpha", "0001", 2));
    await pit.flush();
    assert.equal(pit.getCounters().delivered, 2);
    await pit.close();
  });
});

describe("return=minimal", () => {
  it("tracked batches ask for the minimal answer and count every event delivered", async () => {
    const fetch = fakeFetch();
    const rejected: PitRejectedEvent[] = [];
    const pit = client(fetch, { maxBatchEvents: 4, flushIntervalInMs: 60_000, onRejected: (r) => rejected.push(r) });
    for (let i = 0; i < 10; i++) pit.track(fill("alpha", "0001", i));
    await pit.flush();
    assert.deepEqual(
      fetch.seen.map((s) => s.headers.get("Prefer")),
      ["return=minimal", "return=minimal", "return=minimal"],
    );
    assert.equal(rejected.length, 0);
    assert.deepEqual(pit.getCounters(), { tracked: 10, dropped: 0, delivered: 10, rejected: 0, retries: 0, queued: 0 });
    await pit.close();
  });

  it("tracked batches with a callback ask for a result per event", async () => {
    const fetch = fakeFetch();
    const pit = client(fetch, { flushIntervalInMs: 60_000 });
    const outcomes: PitTrackResult[] = [];
    pit.track(fill("alpha", "0001", 1));
    pit.track(fill("alpha", "0001", 2), (r) => outcomes.push(r));
    await pit.flush();
    assert.equal(fetch.seen[0]!.headers.get("Prefer"), null);
    assert.equal(outcomes[0]!.status, "accepted");
    assert.equal(outcomes[0]!.eventId, fetch.seen[0]!.events[1]!["event_id"]);
    assert.equal(pit.getCounters().delivered, 2);
    await pit.close();
  });

  it("send() still receives a result per event", async () => {
    const fetch = fakeFetch();
    const pit = client(fetch);
    const sent = await pit.send([fill("alpha", "0001", 1), fill("alpha", "0001", 2)]);
    assert.equal(fetch.seen[0]!.headers.get("Prefer"), null);
    assert.deepEqual(
      sent.results.map((r) => [r.eventId, r.status, r.topic]),
      fetch.seen[0]!.events.map((e) => [e["event_id"], "accepted", "pit.v1.exec.trade_fill"]),
    );
    await pit.close();
  });

  it("send() resends a 202 of the counts alone, which it did not ask for", async () => {
    const fetch = fakeFetch((n, events) => (n === 0 ? { status: 202, body: minimalBody(events.length) } : { status: 202 }));
    const pit = client(fetch);
    const sent = await pit.send([fill("alpha", "0001", 1)]);
    assert.equal(fetch.seen.length, 2);
    assert.equal(sent.results[0]!.status, "accepted");
    await pit.close();
  });

  it("a 202 minimal body whose count differs from the batch is resent", async () => {
    const fetch = fakeFetch((n, events) => (n === 0 ? { status: 202, body: minimalBody(events.length - 1) } : { status: 202 }));
    const pit = client(fetch, { flushIntervalInMs: 60_000 });
    for (let i = 0; i < 3; i++) pit.track(fill("alpha", "0001", i));
    await pit.flush();
    assert.equal(fetch.seen.length, 2);
    assert.deepEqual(
      fetch.seen[1]!.events.map((e) => e["event_id"]),
      fetch.seen[0]!.events.map((e) => e["event_id"]),
    );
    assert.deepEqual(pit.getCounters(), { tracked: 3, dropped: 0, delivered: 3, rejected: 0, retries: 1, queued: 0 });
    await pit.close();
  });

  it("a 207 under return=minimal still reports each rejected event", async () => {
    const fetch = fakeFetch(() => ({
      status: 207,
      body: (events: Record<string, unknown>[]) => ({
        data: events.map((e, i) =>
          i === 1
            ? {
                event_id: e["event_id"],
                status: "rejected",
                error: { code: "ERR_UNKNOWN_CELL", message: "no such cell", details: { pointer: "/data/1/cell" } },
              }
            : { event_id: e["event_id"], status: "accepted" },
        ),
        meta: { accepted: events.length - 1, rejected: 1, request_id: "req-test" },
      }),
    }));
    const rejected: PitRejectedEvent[] = [];
    const pit = client(fetch, { flushIntervalInMs: 60_000, onRejected: (r) => rejected.push(r) });
    for (let i = 0; i < 3; i++) pit.track(fill("alpha", "0001", i));
    await pit.flush();
    assert.equal(fetch.seen[0]!.headers.get("Prefer"), "return=minimal");
    assert.equal(rejected.length, 1);
    assert.equal(rejected[0]!.eventId, fetch.seen[0]!.events[1]!["event_id"]);
    assert.deepEqual(rejected[0]!.error, { code: "ERR_UNKNOWN_CELL", message: "no such cell", pointer: "/cell" });
    assert.deepEqual(pit.getCounters(), { tracked: 3, dropped: 0, delivered: 2, rejected: 1, retries: 0, queued: 0 });
    await pit.close();
  });

  it("events resent after a per-event ERR_UNAVAILABLE and answered with the counts alone count as delivered", async () => {
    const fetch = fakeFetch((n, events) =>
      n === 0
        ? {
            status: 207,
            body: {
              data: [
                { event_id: events[0]!["event_id"], status: "accepted" },
                { event_id: events[1]!["event_id"], status: "rejected", error: { code: "ERR_UNAVAILABLE", message: "kafka" } },
              ],
            },
          }
        : { status: 202 },
    );
    const pit = client(fetch, { flushIntervalInMs: 60_000 });
    pit.track(fill("alpha", "0001", 1));
    pit.track(fill("alpha", "0001", 2));
    await pit.flush();
    assert.equal(fetch.seen.length, 2);
    assert.equal(fetch.seen[1]!.headers.get("Prefer"), "return=minimal");
    assert.deepEqual(pit.getCounters(), { tracked: 2, dropped: 0, delivered: 2, rejected: 0, retries: 1, queued: 0 });
    await pit.close();
  });
});

describe("close", () => {
  it("delivers what is queued, then refuses new events", async () => {
    const fetch = fakeFetch();
    const pit = client(fetch, { flushIntervalInMs: 60_000 });
    for (let i = 0; i < 5; i++) pit.track(fill("alpha", "0001", i));
    await pit.close();
    assert.equal(pit.getCounters().delivered, 5);
    assert.equal(pit.track(fill("alpha", "0001", 9)), false);
    await assert.rejects(pit.send([fill("alpha", "0001", 9)]), (e: unknown) => e instanceof PitError && e.code === "ERR_CLIENT_CLOSED");
  });

  it("gives up after closeTimeoutInMs, counting and reporting what was not delivered", async () => {
    const fetch = fakeFetch(() => ({ status: 503, body: errorBody("ERR_UNAVAILABLE", "down") }));
    const rejected: PitRejectedEvent[] = [];
    const pit = client(fetch, { closeTimeoutInMs: 200, maxBatchEvents: 2, onRejected: (r) => rejected.push(r) });
    for (let i = 0; i < 5; i++) pit.track(fill("alpha", "0001", i));
    const started = Date.now();
    await pit.close();
    assert.ok(Date.now() - started < 2000);
    assert.equal(pit.getCounters().dropped, 5);
    assert.equal(rejected.length, 5);
    assert.ok(rejected.every((r) => r.error.code === "ERR_NOT_DELIVERED"));
  });
});

describe("options", () => {
  it("refuse out-of-range settings naming the setting", () => {
    assert.throws(() => new PitClient({ baseUrl: "http://pit.test", apiKey: "k", maxBatchEvents: 1001 }), /maxBatchEvents/);
    assert.throws(() => new PitClient({ baseUrl: "http://pit.test", apiKey: "" }), /apiKey/);
    assert.throws(() => new PitClient({ baseUrl: "not a url", apiKey: "k" }), /baseUrl/);
    assert.throws(() => new PitClient({ baseUrl: "http://pit.test", apiKey: "k", maxBatchBytes: 6 * 1024 * 1024 }), /maxBatchBytes/);
  });
});

describe("the events URL", () => {
  it("is /v1/events under the base URL, keeping a base path", () => {
    const url = (baseUrl: string): string => new PitClient({ baseUrl, apiKey: "k" }).eventsUrl;
    assert.equal(url("http://127.0.0.1:7071"), "http://127.0.0.1:7071/v1/events");
    assert.equal(url("http://127.0.0.1:7071/"), "http://127.0.0.1:7071/v1/events");
    assert.equal(url("https://gateway.example/pit"), "https://gateway.example/pit/v1/events");
    assert.equal(url("https://gateway.example/pit/"), "https://gateway.example/pit/v1/events");
  });
});

describe("events that cannot be written as JSON", () => {
  it("are rejected, and the client goes on delivering the others", async () => {
    const fetch = fakeFetch();
    const rejected: PitRejectedEvent[] = [];
    const pit = client(fetch, { onRejected: (r) => rejected.push(r) });
    const circular = fill("alpha", "0001", 1) as unknown as { payload: Record<string, unknown> };
    circular.payload["self"] = circular;
    pit.track(circular as unknown as PitEvent);
    pit.track(fill("alpha", "0001", 2));
    await pit.flush();
    assert.equal(rejected.length, 1);
    assert.equal(rejected[0]!.error.code, "ERR_VALIDATION");
    assert.equal(pit.getCounters().delivered, 1);
    const sent = await pit.send([circular as unknown as PitEvent]);
    assert.equal(sent.results[0]!.status, "rejected");
    await pit.close();
  });
});
