import { gunzipSync } from "node:zlib";

/** One request the fake server saw, its body decompressed and parsed. */
export interface SeenRequest {
  readonly headers: Headers;
  readonly events: Record<string, unknown>[];
  readonly raw: string;
}

export type Answer = { status: number; body?: unknown; headers?: Record<string, string> } | "network-error";

/**
 * A fetch that answers from a script instead of a server: `answer(n, events, headers)` decides the n-th (0-based)
 * response. By default every event is accepted, as the API answers 202: with the counts alone when the request asked
 * for `Prefer: return=minimal`, else with a result per event.
 */
export function fakeFetch(
  answer: (n: number, events: Record<string, unknown>[], headers: Headers) => Answer = () => accepted(),
): typeof fetch & { seen: SeenRequest[] } {
  const seen: SeenRequest[] = [];
  const fetchFunction = async (_url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    await Promise.resolve();
    const headers = new Headers(init?.headers);
    const body = init?.body as Uint8Array;
    const raw = (headers.get("Content-Encoding") === "gzip" ? gunzipSync(body) : Buffer.from(body)).toString("utf8");
    const events = (JSON.parse(raw) as { data: Record<string, unknown>[] }).data;
    const n = seen.length;
    seen.push({ headers, events, raw });
    const reply = answer(n, events, headers);
    if (reply === "network-error") throw new TypeError("fetch failed", { cause: new Error("ECONNRESET") });
    const minimal = reply.body === undefined && reply.status === 202 && prefersMinimal(headers);
    const body2 =
      typeof reply.body === "function"
        ? (reply.body as (e: typeof events) => unknown)(events)
        : (reply.body ?? (minimal ? minimalBody(events.length) : acceptAll(events)));
    const applied: Record<string, string> = minimal ? { "Preference-Applied": "return=minimal" } : {};
    return new Response(JSON.stringify(body2), {
      status: reply.status,
      headers: { "Content-Type": "application/json", ...applied, ...reply.headers },
    });
  };
  return Object.assign<typeof fetch, { seen: SeenRequest[] }>(fetchFunction, { seen });
}

export function accepted(headers: Record<string, string> = {}): Answer {
  return { status: 202, headers };
}

export function acceptAll(events: Record<string, unknown>[]): unknown {
  return {
    data: events.map((e, i) => ({ event_id: e["event_id"], status: "accepted", topic: "pit.v1.exec.trade_fill", partition: 0, offset: i })),
  };
}

export function errorBody(code: string, message: string): unknown {
  return { error: { code, message } };
}

/** Whether a request asked for the counts alone (RFC 7240). */
export function prefersMinimal(headers: Headers): boolean {
  return headers.get("Prefer") === "return=minimal";
}

/** The API's 202 under `Prefer: return=minimal`: the counts alone. */
export function minimalBody(accepted: number): unknown {
  return { meta: { accepted, rejected: 0, request_id: "req-test" } };
}
