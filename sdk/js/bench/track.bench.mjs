// track() cost beside Array.prototype.push, measured the same way in the same run (node bench/track.bench.mjs after
// npm run build). The client's sender cannot deliver (a closed port) and its queue has room, so this is the cost an
// application pays per call. process.hrtime.bigint() times batches of calls, to get past the timer's resolution; the
// figures are per call: median and p99 over the batches. The target: median at most 1 us.
import { createServer } from "node:net";
import { PitClient, tradeFill } from "../dist/index.js";

const BATCH = 1000; // calls per timed batch
const BATCHES = 1000; // timed batches per measurement
const ROUNDS = 5; // measurements of each, alternating, after a warm-up

async function closedPort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function measure(call) {
  const perCall = new Float64Array(BATCHES);
  for (let b = 0; b < BATCHES; b++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < BATCH; i++) call();
    perCall[b] = Number(process.hrtime.bigint() - start) / BATCH;
  }
  perCall.sort();
  return { median: perCall[Math.floor(BATCHES / 2)], p99: perCall[Math.floor(BATCHES * 0.99)] };
}

const event = tradeFill({
  series: "alpha",
  cell: "0001",
  instrument: "ACME",
  side: "buy",
  quantity: 100,
  priceMicros: 12_500_000,
  currency: "USD",
});
const baseUrl = `http://127.0.0.1:${await closedPort()}`;

function trackRun() {
  // Room for every call of a measurement: nothing is dropped, so this is the plain enqueue path.
  const client = new PitClient({ baseUrl, apiKey: "pit_bench", maxQueueSize: BATCH * BATCHES + 1, closeTimeoutInMs: 0 });
  const result = measure(() => client.track(event));
  return { result, client };
}

function pushRun() {
  const array = [];
  return measure(() => array.push(event));
}

const clients = [];
const track = [];
const push = [];
for (let round = -1; round < ROUNDS; round++) {
  const t = trackRun();
  clients.push(t.client);
  const p = pushRun();
  if (round >= 0) {
    track.push(t.result);
    push.push(p);
  }
  await new Promise((resolve) => setImmediate(resolve)); // let the senders run between rounds
}
await Promise.all(clients.map((c) => c.close()));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const summary = {
  bench: "track",
  calls_per_batch: BATCH,
  batches: BATCHES,
  rounds: ROUNDS,
  track_median_ns: Number(median(track.map((r) => r.median)).toFixed(1)),
  track_p99_ns: Number(median(track.map((r) => r.p99)).toFixed(1)),
  push_median_ns: Number(median(push.map((r) => r.median)).toFixed(1)),
  push_p99_ns: Number(median(push.map((r) => r.p99)).toFixed(1)),
  node: process.version,
};
console.log(`track(): median ${summary.track_median_ns} ns, p99 ${summary.track_p99_ns} ns per call (target: median <= 1000 ns)`);
console.log(`Array.prototype.push: median ${summary.push_median_ns} ns, p99 ${summary.push_p99_ns} ns per call`);
console.log(JSON.stringify(summary));
