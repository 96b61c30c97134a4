// Console first load and bundle size (a benchmark, not a test): each round opens the console in a fresh browser
// context (empty cache) in Debian's Chromium and times navigation start -> the sign-in screen rendered by React.
//   PIT_URL=http://127.0.0.1:7071 node web/e2e/first-load.mjs [rounds, default 20]
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";

const base = (process.env.PIT_URL ?? "http://127.0.0.1:7071").replace(/\/$/, "");
const rounds = Number(process.argv[2] ?? 20);
const dist = join(import.meta.dirname, "..", "dist");

const files = readdirSync(join(dist, "assets")).map((name) => join(dist, "assets", name));
files.push(join(dist, "index.html"));
let raw = 0;
let gzip = 0;
for (const file of files) {
  raw += statSync(file).size;
  gzip += gzipSync(readFileSync(file)).length;
}
console.log(`bundle: ${files.length} files, ${(raw / 1024).toFixed(1)} KiB, ${(gzip / 1024).toFixed(1)} KiB gzipped`);

const browser = await chromium.launch({
  executablePath: process.env.PIT_CHROMIUM ?? "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
const times = [];
try {
  for (let round = 0; round < rounds; round++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const started = Date.now();
    await page.goto(base + "/");
    await page.getByRole("heading", { name: "PIT console" }).waitFor();
    times.push(Date.now() - started);
    await context.close();
  }
} finally {
  await browser.close();
}
times.sort((a, b) => a - b);
const at = (q) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)];
console.log(`first load to the sign-in screen over ${rounds} cold contexts: p50 ${at(0.5)} ms, p90 ${at(0.9)} ms, max ${times.at(-1)} ms`);
