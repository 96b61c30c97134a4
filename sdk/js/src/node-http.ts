/**
 * POST through Node's own http/https modules with keep-alive agents: for a 1,000-event request Node's fetch (undici
 * over web streams) costs the application's thread about twice the CPU of http.request, and on a small machine the
 * client shares its cores with everything else. Loaded by a name bundlers do not follow; browsers fail the import and
 * use fetch. Only the members used here are typed, so the package needs no @types/node.
 */

/** What the transport reads of an answer, from fetch or from node:http alike. */
export interface HttpAnswer {
  readonly status: number;
  readonly statusText: string;
  header(name: string): string | null;
  readonly body: string;
}

export type Post = (url: string, headers: Record<string, string>, body: Uint8Array, signal: AbortSignal) => Promise<HttpAnswer>;

interface IncomingMessage {
  statusCode?: number;
  statusMessage?: string;
  headers: Record<string, string | string[] | undefined>;
  setEncoding(encoding: "utf8"): void;
  on(event: "data", listener: (chunk: string) => void): void;
  on(event: "end", listener: () => void): void;
  on(event: "error", listener: (error: Error) => void): void;
}

interface ClientRequest {
  on(event: "error", listener: (error: Error) => void): void;
  end(body: Uint8Array): void;
}

interface HttpModule {
  Agent: new (options: { keepAlive: boolean }) => object;
  request(
    url: string,
    options: { method: string; headers: Record<string, string | number>; agent: object; signal: AbortSignal },
    callback: (response: IncomingMessage) => void,
  ): ClientRequest;
}

let loading: Promise<Post | undefined> | undefined;

/** The node:http poster, or undefined where there is no node:http (browsers, some edge runtimes). */
export function loadNodePost(): Promise<Post | undefined> {
  loading ??= (async () => {
    try {
      const httpName = "node:http";
      const httpsName = "node:https";
      const http = (await import(/* webpackIgnore: true */ /* @vite-ignore */ httpName)) as HttpModule;
      const https = (await import(/* webpackIgnore: true */ /* @vite-ignore */ httpsName)) as HttpModule;
      // Keep-alive: a connection per request in flight, reused; idle ones do not hold the process open.
      const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
      return (url, headers, body, signal) => {
        const secure = url.startsWith("https:");
        const module = secure ? https : http;
        return new Promise<HttpAnswer>((resolve, reject) => {
          const request = module.request(
            url,
            {
              method: "POST",
              headers: { ...headers, "Content-Length": body.byteLength },
              agent: secure ? agents.https : agents.http,
              signal,
            },
            (response) => {
              let text = "";
              response.setEncoding("utf8");
              response.on("data", (chunk) => {
                text += chunk;
              });
              response.on("error", reject);
              response.on("end", () => {
                resolve({
                  status: response.statusCode ?? 0,
                  statusText: response.statusMessage ?? "",
                  header: (name) => {
                    const value = response.headers[name.toLowerCase()];
                    return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
                  },
                  body: text,
                });
              });
            },
          );
          request.on("error", reject);
          request.end(body);
        });
      };
    } catch {
      return undefined;
    }
  })();
  return loading;
}

/** The same through fetch (browsers, or a fetch the application passed). */
export async function postWithFetch(
  fetchFunction: typeof fetch,
  url: string,
  headers: Record<string, string>,
  body: Uint8Array<ArrayBuffer>,
  signal: AbortSignal,
): Promise<HttpAnswer> {
  const response = await fetchFunction(url, { method: "POST", headers, body, signal });
  const text = await response.text();
  return { status: response.status, statusText: response.statusText, header: (name) => response.headers.get(name), body: text };
}
