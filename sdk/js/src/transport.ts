import { parseRetryAfter } from "./backoff.js";
import { loadNodePost, postWithFetch, type HttpAnswer } from "./node-http.js";
import { PitError, PitErrorCodes } from "./errors.js";
import type { PitEvent } from "./events.js";
import type { PitEventError, PitEventResult, PitEventStatus, PitTrackResult } from "./results.js";
import { requestBody } from "./request-body.js";
import { abortReason } from "./timers.js";
import { API_VERSION, SDK_VERSION } from "./version.js";

export const API_VERSION_HEADER = "Pit-Api-Version";
export const SDK_VERSION_HEADER = "Pit-Sdk-Version";
export const MIN_SUPPORTED_SDK_HEADER = "Pit-Min-Supported-Sdk";
/** RFC 7240: asks for a 202 of the counts alone when every event is stored. */
export const PREFER_MINIMAL = "return=minimal";

/** An event and its JSON, written once and resent unchanged on every retry (so its event_id never changes). */
export interface EncodedEvent {
  readonly event: PitEvent;
  readonly eventId: string;
  /** The event's JSON as given; without its id when `idInFront`. */
  readonly json: string;
  /** The id was made by the client: the body writes `{"event_id":"<id>",` in place of the JSON's opening brace. */
  readonly idInFront: boolean;
  /** UTF-8 bytes of the event as sent (its id included). */
  readonly bytes: number;
  /** The event's queue position (tracked events), for flush(). */
  readonly position: number;
  readonly callback: ((result: PitTrackResult) => void) | undefined;
}

/**
 * One HTTP attempt: per-event results (202/207), every event stored (a 202 of the counts alone, under
 * `Prefer: return=minimal`), or a failure of the whole request, transient or not.
 */
export interface AttemptOutcome {
  readonly status: number;
  readonly results?: PitEventResult[];
  readonly allStored?: true;
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

/** One POST /v1/events attempt. Rejects only when `signal` aborts; every other failure is an outcome. */
export async function sendAttempt(
  settings: TransportSettings,
  events: readonly EncodedEvent[],
  signal: AbortSignal | undefined,
  minimal: boolean,
): Promise<AttemptOutcome> {
  const { body, gzipped } = await requestBody(events, settings.gzip);
  const headers: Record<string, string> = {
    Authorization: `Bearer ${settings.apiKey}`,
    "Content-Type": "application/json",
    [API_VERSION_HEADER]: API_VERSION,
    [SDK_VERSION_HEADER]: SDK_VERSION,
  };
  if (gzipped) headers["Content-Encoding"] = "gzip";
  if (minimal) headers["Prefer"] = PREFER_MINIMAL;

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
    return read(settings, answer, events.length, minimal);
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

function read(settings: TransportSettings, response: HttpAnswer, count: number, minimal: boolean): AttemptOutcome {
  const status = response.status;
  const body = response.body;
  const minSupportedSdk = response.header(MIN_SUPPORTED_SDK_HEADER) ?? undefined;
  if (status === 202 || status === 207) {
    const answer = readAnswer(status, body, count, minimal);
    return answer !== undefined
      ? { status, ...answer, minSupportedSdk }
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

/**
 * A 202/207 body: per-event results, or, for a 202 of `meta` without `data` (the answer to return=minimal), every event
 * stored. Decided by the body's shape, not by Preference-Applied, which browsers hide cross-origin unless exposed; taken
 * only when asked for. A count that is not the batch's makes the body unreadable (undefined), and the batch is resent.
 */
function readAnswer(
  status: number,
  body: string,
  count: number,
  minimal: boolean,
): { results: PitEventResult[] } | { allStored: true } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const { data, meta } = parsed as { data?: unknown; meta?: unknown };
  if (data === undefined) return minimal && status === 202 && storedEvery(meta, count) ? { allStored: true } : undefined;
  const results = readResults(data, count);
  return results !== undefined ? { results } : undefined;
}

function storedEvery(meta: unknown, count: number): boolean {
  if (typeof meta !== "object" || meta === null) return false;
  const { accepted, rejected } = meta as { accepted?: unknown; rejected?: unknown };
  return accepted === count && (rejected === undefined || rejected === 0);
}

function readResults(data: unknown, count: number): PitEventResult[] | undefined {
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
