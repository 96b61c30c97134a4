import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { describe, it } from "node:test";
import { PitClient, llmCall, tradeFill } from "../src/index.js";
import { utf8Length } from "../src/encode.js";
import { fakeFetch } from "./support/fake-fetch.js";

describe("events", () => {
  it("the helpers make events the schema accepts, with snake_case members", async () => {
    const fetch = fakeFetch();
    const pit = new PitClient({ baseUrl: "http://pit.test", apiKey: "k", fetch });
    const sent = await pit.send([
      llmCall({
        series: "assistant",
        model: "gpt-4.1",
        inputTokens: 12,
        outputTokens: 9,
        costMicros: 310n,
        currency: "USD",
        latencyMs: 840,
        flagged: false,
      }),
      tradeFill({
        series: "alpha",
        cell: "0001",
        instrument: "ACME",
        side: "buy",
        quantity: 100,
        priceMicros: 12_500_000,
        currency: "USD",
        fillId: "f-1",
      }),
    ]);
    assert.equal(sent.accepted, 2);
    assert.deepEqual(fetch.seen[0]!.events[0]!["payload"], {
      model: "gpt-4.1",
      input_tokens: 12,
      output_tokens: 9,
      cost_micros: 310,
      currency: "USD",
      latency_ms: 840,
      flagged: false,
    });
    assert.deepEqual(fetch.seen[0]!.events[1]!["payload"], {
      instrument: "ACME",
      side: "buy",
      quantity: 100,
      price_micros: 12_500_000,
      currency: "USD",
      fee_micros: 0,
      fill_id: "f-1",
    });
    await pit.close();
  });

  it("a Date ts is written as RFC 3339 in UTC, and the caller's event is left unchanged", async () => {
    const fetch = fakeFetch();
    const pit = new PitClient({ baseUrl: "http://pit.test", apiKey: "k", fetch });
    const event = tradeFill({
      series: "alpha",
      cell: "0001",
      instrument: "ACME",
      side: "buy",
      quantity: 1,
      priceMicros: 1,
      currency: "USD",
      ts: new Date(Date.UTC(2026, 10, 22, 9, 30)),
    });
    await pit.send([event]);
    assert.equal(fetch.seen[0]!.events[0]!["ts"], "2026-11-22T09:30:00.000Z");
    assert.ok(event.ts instanceof Date);
    assert.equal(event.event_id, undefined);
    await pit.close();
  });

  it("counts UTF-8 bytes, not UTF-16 units", () => {
    assert.equal(utf8Length("ACME"), 4);
    assert.equal(utf8Length("é"), 2);
    assert.equal(utf8Length("€"), 3);
    assert.equal(utf8Length("😀"), 4);
  });
});

describe("a forgotten client", () => {
  it("does not hold the Node process open (its timers are unref'd)", () => {
    const index = new URL("../src/index.js", import.meta.url).href;
    const script = `
      import { PitClient, tradeFill } from ${JSON.stringify(index)};
      const client = new PitClient({ baseUrl: "http://127.0.0.1:9", apiKey: "k", flushIntervalInMs: 60000 });
      client.track(tradeFill({ series: "a", cell: "c", instrument: "X", side: "buy", quantity: 1, priceMicros: 1, currency: "USD" }));
      console.log("tracked");`;
    const started = Date.now();
    const output = execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 20_000 });
    assert.equal(output.trim(), "tracked");
    assert.ok(Date.now() - started < 15_000, "the process waited for the client's timer");
  });
});

describe("request bodies", () => {
  it("are the same JSON gzipped by node:zlib, by CompressionStream (as in browsers) or not at all", async () => {
    const { requestBody } = await import("../src/request-body.js");
    const { gunzipSync } = await import("node:zlib");
    const events = [
      {
        event: tradeFill({ series: "a", cell: "c", instrument: "É", side: "buy", quantity: 1, priceMicros: 1, currency: "USD" }),
        eventId: "x",
        json: '{"a":"É"}',
        idInFront: false,
        bytes: 10,
        position: 0,
        callback: undefined,
      },
    ];
    const node = await requestBody(events, true);
    const web = await requestBody(events, true, false);
    const plain = await requestBody(events, false);
    assert.equal(node.gzipped && web.gzipped && !plain.gzipped, true);
    const expected = '{"data":[{"a":"É"}]}';
    assert.equal(gunzipSync(node.body).toString("utf8"), expected);
    assert.equal(gunzipSync(web.body).toString("utf8"), expected);
    assert.equal(Buffer.from(plain.body).toString("utf8"), expected);
  });

  it("hold every event's UTF-8 bytes, comma-separated, whatever their characters", async () => {
    const { writeBody } = await import("../src/request-body.js");
    const { utf8Length } = await import("../src/encode.js");
    const jsons = ['{"a":"É"}', '{"b":"😀 €"}', '{"c":1}'];
    const events = jsons.map((json, position) => ({
      event: tradeFill({ series: "a", cell: "c", instrument: "X", side: "buy", quantity: 1, priceMicros: 1, currency: "USD" }),
      eventId: `e${position}`,
      json,
      idInFront: false,
      bytes: utf8Length(json),
      position,
      callback: undefined,
    }));
    const body = writeBody(events);
    assert.equal(Buffer.from(body).toString("utf8"), `{"data":[${jsons.join(",")}]}`);
    assert.equal(body.byteLength, Buffer.byteLength(`{"data":[${jsons.join(",")}]}`));
    assert.equal(Buffer.from(writeBody([])).toString("utf8"), '{"data":[]}');
  });

  it("write an id the client made in front of the event's members", async () => {
    const { writeBody } = await import("../src/request-body.js");
    const { encodeEvent } = await import("../src/encode.js");
    const { EventSchemaValidator } = await import("../src/schema/event-schema-validator.js");
    const made = encodeEvent(
      tradeFill({ series: "a", cell: "c", instrument: "Ü€😀", side: "buy", quantity: 1, priceMicros: 1, currency: "USD" }),
      EventSchemaValidator.default,
      0,
      undefined,
    );
    assert.ok(made.ok);
    const text = Buffer.from(writeBody([made.encoded, made.encoded])).toString("utf8");
    const written = (JSON.parse(text) as { data: Record<string, unknown>[] }).data;
    assert.deepEqual(written[0], { event_id: made.encoded.eventId, ...(JSON.parse(made.encoded.json) as object) });
    assert.equal(Object.keys(written[0])[0], "event_id");
    assert.equal(made.encoded.bytes, Buffer.byteLength(JSON.stringify(written[0])));
    assert.deepEqual(written[1], written[0]);
  });
});
