import { parseRetryAfter } from "./backoff.js";
import { loadNodePost, postWithFetch, type HttpAnswer } from "./node-http.js";
import { PitError, PitErrorCodes } from "./errors.js";
import type { PitEvent } from "./events.js";
import type { PitEventError, PitEventResult, PitEventStatus, PitTrackResult } from "./results.js";
import { abortReason } from "./timers.js";
import { API_VERSION, SDK_VERSION } from "./version.js";

export const API_VERSION_HEADER = "Pit-Api-Version";
export const SDK_VERSION_HEADER = "Pit-Sdk-Version";
export const MIN_SUPPORTED_SDK_HEADER = "Pit-Min-Supported-Sdk";

/** An event and its JSON, written once and resent unchanged on every retry (so its event_id never changes). */
export interface EncodedEvent {
  readonly event: PitEvent;
  readonly eventId: string;
  readonly json: string;
  /** UTF-8 bytes of `json`. */
  readonly bytes: number;
  /** The event's queue position (tracked events), for flush(). */
  readonly position: number;
  readonly callback: ((result: PitTrackResult) => void) | undefined;
}

/** One HTTP attempt: per-event results (202/207), or a failure of the whole request, transient or not. */
export interface AttemptOutcome {
  readonly status: number;
  readonly results?: PitEventResult[];
  readonly failure?: PitError;
  readonly retryAfterInMs?: number | undefined;
  readonly minSupportedSdk?: string | undefined;
}

export interface TransportSettings {
  readonly eventsUrl: string;
  readonly apiKey: string;
  readonly gzip: boolean;
  readonly networkTimeoutInMs: number;
  /** The application's fetch; undefined: node:http where there is one, else the global fetch. */
  readonly fetch: typeof fetch | undefined;
}

const TRANSIENT = new Set([408, 429, 500, 502, 503, 504]);
const encoder = new TextEncoder();

type Gzip = (text: string) => Promise<Uint8Array<ArrayBuffer>>;
let nodeGzip: Promise<Gzip | undefined> | undefined;

/**
 * Node's zlib at level 1 (as the C# SDK's CompressionLevel.Fastest), on libuv's thread pool: several times cheaper
 * than CompressionStream, whose default level and stream plumbing cost the application's thread more. Loaded by a name
 * bundlers do not follow; browsers fail the import and use CompressionStream.
 */
function loadNodeGzip(): Promise<Gzip | undefined> {
  nodeGzip ??= (async () => {
    try {
      const name = "node:zlib";
      const zlib = (await import(/* webpackIgnore: true */ /* @vite-ignore */ name)) as {
        gzip: (data: string, options: { level: number }, done: (error: Error | null, result: Uint8Array) => void) => void;
      };
      return (text: string) =>
        new Promise<Uint8Array<ArrayBuffer>>((resolve, reject) => {
          zlib.gzip(text, { level: 1 }, (error, result) => {
            if (error !== null) reject(error);
            else resolve(new Uint8Array(result.buffer as ArrayBuffer, result.byteOffset, result.byteLength));
          });
        });
    } catch {
      return undefined;
    }
  })();
  return nodeGzip;
}

/** `{"data":[...]}` from already written events, gzip-compressed when asked and the runtime can. */
export async function requestBody(
  events: readonly EncodedEvent[],
  gzip: boolean,
  nodeZlib = true, // false: as in a browser (tests)
): Promise<{ body: Uint8Array<ArrayBuffer>; gzipped: boolean }> {
  // join writes one flat string; += would build a rope of 2,000 pieces that encoding then has to flatten.
  const parts = new Array<string>(events.length);
  for (let i = 0; i < events.length; i++) parts[i] = events[i]!.json;
  const text = `{"data":[${parts.join(",")}]}`;
  if (gzip) {
    const zlib = nodeZlib ? await loadNodeGzip() : undefined;
    if (zlib !== undefined) return { body: await zlib(text), gzipped: true };
    if (typeof CompressionStream === "function") {
      const stream = new Blob([encoder.encode(text)]).stream().pipeThrough(new CompressionStream("gzip"));
      return { body: new Uint8Array(await new Response(stream).arrayBuffer()), gzipped: true };
    }
  }
  return { body: encoder.encode(text), gzipped: false };
}

/** One POST /v1/events attempt. Rejects only when `signal` aborts; every other failure is an outcome. */
export async function sendAttempt(
  settings: TransportSettings,
  events: readonly EncodedEvent[],
  signal: AbortSignal | undefined,
): Promise<AttemptOutcome> {
  const { body, gzipped } = await requestBody(events, settings.gzip);
  const headers: Record<string, string> = {
    Authorization: `Bearer ${settings.apiKey}`,
    "Content-Type": "application/json",
    [API_VERSION_HEADER]: API_VERSION,
    [SDK_VERSION_HEADER]: SDK_VERSION,
  };
  if (gzipped) headers["Content-Encoding"] = "gzip";

  const controller = new AbortController();
  const onAbort = (): void => {
    controller.abort(abortReason(signal!));
  };
  if (signal?.aborted === true) throw abortReason(signal);
  signal?.addEventListener("abort", onAbort, { once: true });
  const timeout = { fired: false };
  const timer = setTimeout(() => {
    timeout.fired = true;
    controller.abort();
  }, settings.networkTimeoutInMs);
  try {
    const nodePost = settings.fetch === undefined ? await loadNodePost() : undefined;
    const answer =
      nodePost !== undefined
        ? await nodePost(settings.eventsUrl, headers, body, controller.signal)
        : await postWithFetch(settings.fetch ?? globalFetch(), settings.eventsUrl, headers, body, controller.signal);
    return read(settings, answer, events.length);
  } catch (e) {
    if (isAborted(signal)) throw abortReason(signal);
    // No answer (refused, reset, timed out): the events may or may not have been stored; resending is safe because
    // the event ids are kept and the consumers deduplicate on them.
    const what = timeout.fired ? `no answer within ${settings.networkTimeoutInMs / 1000} s` : describe(e);
    return { status: 0, failure: new PitError(`POST ${settings.eventsUrl} failed: ${what}`, { status: 0, isTransient: true, cause: e }) };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}

/** A function, not an inline test: TypeScript would keep the narrowing from before the await. */
function isAborted(signal: AbortSignal | undefined): signal is AbortSignal {
  return signal?.aborted === true;
}

function describe(e: unknown): string {
  if (e instanceof Error) {
    const cause = (e as { cause?: unknown }).cause;
    return cause instanceof Error ? `${e.message} (${cause.message})` : e.message;
  }
  return String(e);
}

function globalFetch(): typeof fetch {
  const found = (globalThis as { fetch?: typeof fetch }).fetch;
  if (found === undefined) throw new TypeError("no fetch in this runtime: pass PitClientOptions.fetch");
  return found.bind(globalThis);
}

function read(settings: TransportSettings, response: HttpAnswer, count: number): AttemptOutcome {
  const status = response.status;
  const body = response.body;
  const minSupportedSdk = response.header(MIN_SUPPORTED_SDK_HEADER) ?? undefined;
  if (status === 202 || status === 207) {
    const results = readResults(body, count);
    return results !== undefined
      ? { status, results, minSupportedSdk }
      : // A success status with a body that is not the API's (a proxy, a truncated answer): nothing is known, so resend.
        {
          status,
          failure: new PitError(`the API answered ${status} with an unreadable body`, { status, isTransient: true }),
          minSupportedSdk,
        };
  }
  const { message, ...rest } = readError(body);
  let code = rest.code;
  if (status === 426) code ??= PitErrorCodes.sdkUnsupported;
  const failure = new PitError(`POST ${settings.eventsUrl} answered ${status} ${code ?? ""}: ${message ?? response.statusText}`, {
    status,
    code,
    isTransient: TRANSIENT.has(status),
  });
  return { status, failure, retryAfterInMs: parseRetryAfter(response.header("Retry-After")), minSupportedSdk };
}

function readResults(body: string, count: number): PitEventResult[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  const data = (parsed as { data?: unknown } | null)?.data;
  if (!Array.isArray(data) || data.length !== count) return undefined;
  const results: PitEventResult[] = [];
  for (const item of data as unknown[]) {
    if (typeof item !== "object" || item === null) return undefined;
    const r = item as Record<string, unknown>;
    const status: PitEventStatus = r["status"] === "accepted" ? "accepted" : r["status"] === "duplicate" ? "duplicate" : "rejected";
    let error: PitEventError | undefined;
    const e = r["error"];
    if (typeof e === "object" && e !== null) {
      const fields = e as Record<string, unknown>;
      const details = fields["details"];
      const pointer = typeof details === "object" && details !== null ? (details as Record<string, unknown>)["pointer"] : undefined;
      error = {
        code: typeof fields["code"] === "string" ? fields["code"] : "ERR_UNKNOWN",
        message: typeof fields["message"] === "string" ? fields["message"] : "",
        pointer: typeof pointer === "string" ? pointer : undefined,
      };
    }
    results.push({
      eventId: typeof r["event_id"] === "string" ? r["event_id"] : "",
      status,
      error,
      topic: typeof r["topic"] === "string" ? r["topic"] : undefined,
      partition: typeof r["partition"] === "number" ? r["partition"] : undefined,
      offset: typeof r["offset"] === "number" ? r["offset"] : undefined,
    });
  }
  return results;
}

function readError(body: string): { code: string | undefined; message: string | undefined } {
  try {
    const error = (JSON.parse(body) as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    return {
      code: typeof error?.code === "string" ? error.code : undefined,
      message: typeof error?.message === "string" ? error.message : undefined,
    };
  } catch {
    return { code: undefined, message: undefined }; // an answer from something in between: the status decides
  }
}
