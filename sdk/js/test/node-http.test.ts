import assert from "node:assert/strict";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import { PitClient, PitError, SDK_VERSION } from "../src/index.js";
import { fill } from "./support/fills.js";

describe("in Node, without a fetch option", () => {
  it("posts through node:http with the same headers, gzip body and answers as through fetch", async () => {
    const seen: { headers: IncomingHttpHeaders; events: { event_id: string }[] }[] = [];
    let status = 202;
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const events = (JSON.parse(gunzipSync(Buffer.concat(chunks)).toString("utf8")) as { data: { event_id: string }[] }).data;
        seen.push({ headers: request.headers, events });
        response.writeHead(status, { "Content-Type": "application/json", "Pit-Min-Supported-Sdk": "0.0.1", "Retry-After": "0" });
        response.end(
          status === 202
            ? JSON.stringify({ data: events.map((e) => ({ event_id: e.event_id, status: "accepted" })) })
            : JSON.stringify({ error: { code: "ERR_UNAVAILABLE", message: "down" } }),
        );
        status = 202;
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = new PitClient({ baseUrl, apiKey: "pit_test_key", retryDelayInMs: 5, maxRetryDelayInMs: 20, maxRetries: 0 });
    try {
      const sent = await client.send([fill("alpha", "0001", 1), fill("alpha", "0001", 2)]);
      assert.equal(sent.accepted, 2);
      const headers = seen[0]!.headers;
      assert.equal(headers["pit-api-version"], "v1");
      assert.equal(headers["pit-sdk-version"], SDK_VERSION);
      assert.equal(headers["authorization"], "Bearer pit_test_key");
      assert.equal(headers["content-encoding"], "gzip");
      assert.deepEqual(
        sent.results.map((r) => r.eventId),
        seen[0]!.events.map((e) => e.event_id),
      );
      status = 503;
      await assert.rejects(
        client.send([fill("alpha", "0001", 3)]),
        (e: unknown) => e instanceof PitError && e.status === 503 && e.code === "ERR_UNAVAILABLE" && e.isTransient,
      );
      assert.equal(client.isSdkSupported, true);
    } finally {
      await client.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    }
  });
});
