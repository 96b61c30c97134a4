/**
 * The local host the integration tests run against: PIT_URL and PIT_API_KEY (a key with the ingest and read scopes).
 * Without PIT_URL the tests skip, unless PIT_SDK_TESTS_REQUIRE_HOST=1 (as in ./pit test), which makes that a failure.
 */
export interface Host {
  readonly url: string;
  readonly apiKey: string;
}

const url = process.env["PIT_URL"];
const apiKey = process.env["PIT_API_KEY"];
const required = process.env["PIT_SDK_TESTS_REQUIRE_HOST"] === "1";

export const host: Host | undefined =
  url !== undefined && url !== "" && apiKey !== undefined && apiKey !== "" ? { url: url.replace(/\/+$/, ""), apiKey } : undefined;

if (host === undefined && required) {
  throw new Error("PIT_SDK_TESTS_REQUIRE_HOST=1 but PIT_URL or PIT_API_KEY is not set: the integration tests need the local host");
}

/** For `it(name, { skip: skipWithoutHost }, ...)`: false with a host, else the reason to skip. */
export const skipWithoutHost: string | false =
  host === undefined ? "PIT_URL is not set (start the local host and set PIT_URL and PIT_API_KEY)" : false;

/** The host, inside a test that did not skip. */
export function theHost(): Host {
  if (host === undefined) throw new Error("no host");
  return host;
}

/** A series no other run uses (a key segment: starts with a letter). */
export function uniqueSeries(what: string): string {
  return `js-${what}-${Date.now().toString(36)}-${Math.floor(Math.random() * 36 ** 4).toString(36)}`;
}

export interface NavPoint {
  ts: string;
  cell: string;
  currency: string;
  cash_micros: number;
  fills_applied: number;
}

/** The raw NAV points of one cell (read scope). */
export async function navPoints(series: string, cell: string): Promise<NavPoint[]> {
  const { url: base, apiKey: key } = theHost();
  const response = await fetch(`${base}/v1/series/${encodeURIComponent(series)}/nav?cell=${encodeURIComponent(cell)}&limit=10000`, {
    headers: { Authorization: `Bearer ${key}` },
  });
  if (!response.ok) throw new Error(`GET nav answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { data: NavPoint[] }).data;
}

/** The point with the most fills applied, or undefined before the first. */
export function latest(points: NavPoint[]): NavPoint | undefined {
  return points.reduce<NavPoint | undefined>(
    (best, p) => (best === undefined || p.fills_applied > best.fills_applied ? p : best),
    undefined,
  );
}

/** Polls `probe` until `done` holds of its value, or fails after `timeoutInMs` naming `what`. */
export async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutInMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutInMs;
  let last: T | undefined;
  for (;;) {
    last = await probe();
    if (done(last)) return last;
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutInMs} ms; last seen ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
