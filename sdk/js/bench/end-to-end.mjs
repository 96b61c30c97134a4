// One client end to end against a running host (npm run build first): after a warm-up (PIT_WARMUP_EVENTS, default a
// tenth of the run, at least 5,000) prints "start", then tracks PIT_EVENTS trade fills (series alpha, 50
// cells, batches of 1,000, gzip, 8 requests in flight), flushes, and prints ONE JSON line:
// {"sdk":"js","events":N,"seconds":S,"delivered":N,"rejected":0,"dropped":0,"retries":R}.
// Nothing is dropped: the loop yields to the sender whenever the queue is three quarters full.
// ./pit load sdk runs it beside the C# client and the server's own rate.
import { PitClient, tradeFill } from "../dist/index.js";

const url = process.env.PIT_URL;
const apiKey = process.env.PIT_API_KEY;
const events = Number(process.env.PIT_EVENTS ?? "100000");
if (!url || !apiKey || !Number.isInteger(events) || events <= 0) {
  console.error("set PIT_URL, PIT_API_KEY (a key with the ingest scope) and PIT_EVENTS (a positive integer)");
  process.exit(2);
}

const QUEUE = 65_536;
const client = new PitClient({ baseUrl: url, apiKey, maxBatchEvents: 1000, maxConcurrentSends: 8, enableGzip: true, maxQueueSize: QUEUE });
const cells = Array.from({ length: 50 }, (_, i) => `c${i}`);
const yieldToSender = () => new Promise((resolve) => setImmediate(resolve));

async function trackAll(count) {
  for (let i = 0; i < count; i++) {
    client.track(
      tradeFill({
        series: "alpha",
        cell: cells[i % 50],
        instrument: "ACME",
        side: "buy",
        quantity: 100,
        priceMicros: 12_500_000,
        currency: "USD",
        feeMicros: 1000,
      }),
    );
    if (i % 1000 === 999) {
      await yieldToSender();
      while (client.getCounters().queued > (QUEUE * 3) / 4) await yieldToSender();
    }
  }
  await client.flush();
}

// Warm, as a long-running application's client is: its code optimised and its connections open.
await trackAll(Number(process.env.PIT_WARMUP_EVENTS ?? Math.max(5000, Math.floor(events / 10))));
const before = client.getCounters();
console.log("start"); // ./pit load sdk counts the host's CPU from here
const cpuBefore = process.cpuUsage();
const started = process.hrtime.bigint();
await trackAll(events);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const after = client.getCounters();
const cpu = process.cpuUsage(cpuBefore);
await client.close();
const delivered = after.delivered - before.delivered;
// Beside the one JSON line, on stderr: the client's own CPU per event (this process; zlib's thread pool included).
console.error(
  `client CPU ${((cpu.user + cpu.system) / events).toFixed(1)} us per event (${((cpu.user + cpu.system) / 1e6).toFixed(2)} s for ${events} events)`,
);
console.log(
  JSON.stringify({
    sdk: "js",
    events,
    seconds: Number(seconds.toFixed(3)),
    delivered,
    rejected: after.rejected - before.rejected,
    dropped: after.dropped - before.dropped,
    retries: after.retries - before.retries,
    cpu_seconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(3)),
  }),
);
process.exit(delivered === events ? 0 : 1);
