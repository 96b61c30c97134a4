// CPU of the sender's per-batch work, per event (node bench/body.bench.mjs after npm run build): encoding 1,000
// trade fills (id, validation, JSON), and that with writing their gzip (level 1) request body; then the body alone,
// plain and gzip, of one batch written again and again. process.cpuUsage
// counts every thread, so zlib's work on the thread pool is included. Prints medians over rounds, in us per event.
import { encodeEvent } from "../dist/encode.js";
import { EventSchemaValidator } from "../dist/schema/event-schema-validator.js";
// Before request-body.js, requestBody lived in transport.js: the fallback lets a build of main run the same bench.
const { requestBody } = await import("../dist/request-body.js").catch(() => import("../dist/transport.js"));
import { tradeFill } from "../dist/index.js";

const EVENTS = 1000;
const BATCHES = 200; // per round
const ROUNDS = 7;
const validator = EventSchemaValidator.default;
const cells = Array.from({ length: 50 }, (_, i) => `c${i}`);
const events = Array.from({ length: EVENTS }, (_, i) =>
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

function encodeBatch() {
  const items = new Array(EVENTS);
  for (let i = 0; i < EVENTS; i++) items[i] = encodeEvent(events[i], validator, i, undefined).encoded;
  return items;
}

async function cpuPerEvent(work) {
  const before = process.cpuUsage();
  for (let b = 0; b < BATCHES; b++) await work();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / (BATCHES * EVENTS);
}

const batch = encodeBatch();
const stages = {
  encode: () => encodeBatch(),
  // Fresh events each time, as the sender sees them (a body of the same events again would reuse flattened strings).
  encode_and_gzip_body: () => requestBody(encodeBatch(), true),
  body_plain_again: () => requestBody(batch, false),
  body_gzip_again: () => requestBody(batch, true),
};
const figures = Object.fromEntries(Object.keys(stages).map((name) => [name, []]));
for (let round = -1; round < ROUNDS; round++) {
  for (const [name, work] of Object.entries(stages)) {
    const us = await cpuPerEvent(work);
    if (round >= 0) figures[name].push(us);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const summary = Object.fromEntries(Object.entries(figures).map(([name, xs]) => [`${name}_us_per_event`, Number(median(xs).toFixed(3))]));
console.log(JSON.stringify({ bench: "body", events_per_batch: EVENTS, ...summary, node: process.version }));
