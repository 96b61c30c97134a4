import type { PitRejectedEvent } from "./results.js";

/** Settings of a {@link PitClient}. Only `baseUrl` and `apiKey` are required; the defaults suit a service sending up to tens of thousands of events a second. */
export interface PitClientOptions {
  /** The API's base address, for example `http://127.0.0.1:7071`. */
  baseUrl: string | URL;
  /** An API key with the ingest scope (`pit_...`). Read it from configuration, never from code, and never put it in a public web page. */
  apiKey: string;
  /** The most events `track()` holds in memory; when full, the oldest is dropped and counted. Default 65,536. */
  maxQueueSize?: number;
  /** Events per request, 1 to 1,000 (the API's limit). Default 500. */
  maxBatchEvents?: number;
  /** Uncompressed bytes per request, 1 KiB to 5 MiB (the API's limit). Default 1 MiB. */
  maxBatchBytes?: number;
  /** How long a tracked event may wait for a batch to fill before it is sent anyway. Default 1,000 ms. */
  flushIntervalInMs?: number;
  /** Background requests in flight at once. Default 1, which keeps tracked events in order; more raise throughput. */
  maxConcurrentSends?: number;
  /** Retries of one `send()` request after transient failures. Default 8. Background batches retry until delivered or closed. */
  maxRetries?: number;
  /** The first retry's backoff ceiling; it doubles per attempt (full jitter). Default 100 ms. */
  retryDelayInMs?: number;
  /** The backoff ceiling's cap. Default 30,000 ms. */
  maxRetryDelayInMs?: number;
  /** Timeout of one HTTP attempt. Default 30,000 ms. */
  networkTimeoutInMs?: number;
  /** How long `close()` tries to deliver what is queued. Default 10,000 ms. */
  closeTimeoutInMs?: number;
  /** Whether request bodies are gzip-compressed (where the runtime has CompressionStream). Default true. */
  enableGzip?: boolean;
  /** Called for every tracked event that will never be stored (validation, the server, close). Exceptions it throws are swallowed. */
  onRejected?: (rejected: PitRejectedEvent) => void;
  /** The fetch to send with (a proxy, tests). Default: Node's http/https modules in Node (cheaper per request), the global `fetch` elsewhere. */
  fetch?: typeof fetch;
}

export interface ResolvedOptions {
  readonly eventsUrl: string;
  readonly apiKey: string;
  readonly maxQueueSize: number;
  readonly maxBatchEvents: number;
  readonly maxBatchBytes: number;
  readonly flushIntervalInMs: number;
  readonly maxConcurrentSends: number;
  readonly maxRetries: number;
  readonly retryDelayInMs: number;
  readonly maxRetryDelayInMs: number;
  readonly networkTimeoutInMs: number;
  readonly closeTimeoutInMs: number;
  readonly enableGzip: boolean;
  readonly onRejected: ((rejected: PitRejectedEvent) => void) | undefined;
  /** The application's fetch; undefined: node:http where there is one, else the global fetch. */
  readonly fetch: typeof fetch | undefined;
}

/** Fills in defaults and checks ranges, failing (RangeError/TypeError) with the first bad setting's name. */
export function resolveOptions(options: PitClientOptions): ResolvedOptions {
  const given: unknown = options; // typed callers aside, JavaScript may hand over anything
  if (typeof given !== "object" || given === null) throw new TypeError("PitClient needs an options object with baseUrl and apiKey");
  if (typeof options.apiKey !== "string" || options.apiKey.trim() === "")
    throw new TypeError("PitClientOptions.apiKey must be a non-empty string");
  let base: URL;
  try {
    base = new URL(String(options.baseUrl));
  } catch {
    throw new TypeError("PitClientOptions.baseUrl must be an absolute URL, such as http://127.0.0.1:7071");
  }
  const fetchFunction = options.fetch ?? (globalThis as { fetch?: typeof fetch }).fetch;
  if (typeof fetchFunction !== "function") throw new TypeError("no fetch: pass PitClientOptions.fetch (Node 18+ and browsers have one)");
  const resolved: ResolvedOptions = {
    // Relative to the base's path, so an API behind a gateway's prefix (https://gateway/pit) is reached there.
    eventsUrl: new URL("v1/events", base.href.endsWith("/") ? base : `${base.href}/`).toString(),
    apiKey: options.apiKey,
    maxQueueSize: options.maxQueueSize ?? 65_536,
    maxBatchEvents: options.maxBatchEvents ?? 500,
    maxBatchBytes: options.maxBatchBytes ?? 1024 * 1024,
    flushIntervalInMs: options.flushIntervalInMs ?? 1000,
    maxConcurrentSends: options.maxConcurrentSends ?? 1,
    maxRetries: options.maxRetries ?? 8,
    retryDelayInMs: options.retryDelayInMs ?? 100,
    maxRetryDelayInMs: options.maxRetryDelayInMs ?? 30_000,
    networkTimeoutInMs: options.networkTimeoutInMs ?? 30_000,
    closeTimeoutInMs: options.closeTimeoutInMs ?? 10_000,
    enableGzip: options.enableGzip ?? true,
    onRejected: options.onRejected,
    fetch: options.fetch,
  };
  requireInteger(resolved.maxQueueSize, "maxQueueSize", 1, 1 << 24);
  requireInteger(resolved.maxBatchEvents, "maxBatchEvents", 1, 1000);
  requireInteger(resolved.maxBatchBytes, "maxBatchBytes", 1024, 5 * 1024 * 1024);
  requireInteger(resolved.maxConcurrentSends, "maxConcurrentSends", 1, 64);
  requireInteger(resolved.maxRetries, "maxRetries", 0, 100);
  requirePositive(resolved.flushIntervalInMs, "flushIntervalInMs");
  requirePositive(resolved.retryDelayInMs, "retryDelayInMs");
  if (!(resolved.maxRetryDelayInMs >= resolved.retryDelayInMs))
    throw new RangeError("PitClientOptions.maxRetryDelayInMs must be at least retryDelayInMs");
  requirePositive(resolved.networkTimeoutInMs, "networkTimeoutInMs");
  if (!(resolved.closeTimeoutInMs >= 0)) throw new RangeError("PitClientOptions.closeTimeoutInMs must be zero or positive");
  return resolved;
}

function requireInteger(value: number, name: string, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max)
    throw new RangeError(`PitClientOptions.${name} must be an integer from ${min} to ${max}`);
}

function requirePositive(value: number, name: string): void {
  if (!(typeof value === "number" && value > 0 && Number.isFinite(value)))
    throw new RangeError(`PitClientOptions.${name} must be a positive number`);
}
