import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";

/** What the proxy does to one request. */
export type Fault = "none" | "drop-before-forward" | "drop-after-forward" | "too-many-requests" | "unavailable" | "delay";

export interface SeenRequest {
  readonly n: number;
  readonly fault: Fault;
  readonly eventIds: string[];
  /** The request's Prefer header. */
  readonly prefer: string | undefined;
  /** The host's answer, when it was forwarded to the client. */
  answer?: { readonly status: number; readonly preferenceApplied: string | null; readonly body: string };
}

/**
 * A proxy in front of the host (127.0.0.1, a free port) that injects a fault per request number: the socket destroyed
 * before forwarding (nothing stored) or after the host answered (stored, but the client never hears it), 429 with
 * Retry-After: 1, 503, or a 0.5 s delay. `answerHeaders` replace headers of forwarded answers (Pit-Min-Supported-Sdk).
 */
export class FaultProxy {
  readonly seen: SeenRequest[] = [];
  private count = 0;

  private constructor(
    private readonly server: Server,
    private readonly target: string,
    private readonly faultFor: (n: number) => Fault,
    private readonly answerHeaders: Record<string, string>,
  ) {}

  static async start(target: string, faultFor: (n: number) => Fault, answerHeaders: Record<string, string> = {}): Promise<FaultProxy> {
    const proxy: FaultProxy = new FaultProxy(createServer(), target.replace(/\/+$/, ""), faultFor, answerHeaders);
    proxy.server.on("request", (request: IncomingMessage, response: ServerResponse) => {
      void proxy.handle(request, response);
    });
    const server = proxy.server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const n = this.count++;
    const fault = this.faultFor(n);
    const seen: SeenRequest = { n, fault, eventIds: eventIds(request, body), prefer: request.headers["prefer"]?.toString() };
    this.seen.push(seen);
    try {
      switch (fault) {
        case "drop-before-forward":
          request.socket.destroy();
          return;
        case "too-many-requests":
          answer(response, 429, { "Retry-After": "1" }, { error: { code: "ERR_RATE_LIMITED", message: "injected by the test proxy" } });
          return;
        case "unavailable":
          answer(response, 503, {}, { error: { code: "ERR_UNAVAILABLE", message: "injected by the test proxy" } });
          return;
        case "delay":
          await new Promise((resolve) => setTimeout(resolve, 500));
          break;
        default:
          break;
      }
      const forwarded = await this.forward(request, body);
      if (fault === "drop-after-forward") {
        request.socket.destroy(); // the host stored the batch; the client never hears so and resends it
        return;
      }
      const headers: Record<string, string> = {};
      forwarded.headers.forEach((value, name) => {
        if (!["content-length", "transfer-encoding", "connection", "keep-alive", "content-encoding"].includes(name)) headers[name] = value;
      });
      for (const [name, value] of Object.entries(this.answerHeaders)) headers[name.toLowerCase()] = value;
      const answered = Buffer.from(await forwarded.arrayBuffer());
      seen.answer = {
        status: forwarded.status,
        preferenceApplied: forwarded.headers.get("Preference-Applied"),
        body: answered.toString("utf8"),
      };
      response.writeHead(forwarded.status, headers);
      response.end(answered);
    } catch (e) {
      if (!response.headersSent) answer(response, 502, {}, { error: { code: "ERR_PROXY", message: String(e) } });
    }
  }

  private async forward(request: IncomingMessage, body: Buffer): Promise<Response> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === "string" && !["host", "content-length", "connection", "keep-alive"].includes(name)) headers[name] = value;
    }
    const init: RequestInit = { method: request.method ?? "GET", headers };
    if (request.method !== "GET") init.body = new Uint8Array(body);
    return fetch(`${this.target}${request.url ?? "/"}`, init);
  }
}

function answer(response: ServerResponse, status: number, headers: Record<string, string>, body: unknown): void {
  response.writeHead(status, { "Content-Type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}

function eventIds(request: IncomingMessage, body: Buffer): string[] {
  try {
    const text = (request.headers["content-encoding"] === "gzip" ? gunzipSync(body) : body).toString("utf8");
    return (JSON.parse(text) as { data: { event_id?: string }[] }).data.map((e) => e.event_id ?? "");
  } catch {
    return [];
  }
}
