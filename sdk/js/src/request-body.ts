import type { EncodedEvent } from "./transport.js";

const encoder = new TextEncoder();
const OPEN = '{"data":[';
const CLOSE = "]}";
const ID_OPEN = '{"event_id":"';

type Gzip = (bytes: Uint8Array) => Promise<Uint8Array<ArrayBuffer>>;
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
        gzip: (data: Uint8Array, options: { level: number }, done: (error: Error | null, result: Uint8Array) => void) => void;
      };
      return (bytes: Uint8Array) =>
        new Promise<Uint8Array<ArrayBuffer>>((resolve, reject) => {
          zlib.gzip(bytes, { level: 1 }, (error, result) => {
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

/**
 * `{"data":[...]}` as UTF-8, written straight into one array sized from the events' known byte counts: no joined
 * string to build and then copy again while encoding.
 */
export function writeBody(events: readonly EncodedEvent[]): Uint8Array<ArrayBuffer> {
  let size = OPEN.length + CLOSE.length + Math.max(events.length - 1, 0);
  for (let i = 0; i < events.length; i++) size += events[i]!.bytes;
  const body = new Uint8Array(size);
  let at = writeAscii(body, 0, OPEN);
  for (let i = 0; i < events.length; i++) {
    if (i > 0) body[at++] = 0x2c; // ,
    const event = events[i]!;
    const end = at + event.bytes;
    if (event.idInFront) {
      at = writeAscii(body, writeAscii(body, at, ID_OPEN), event.eventId);
      body[at++] = 0x22; // "
      encoder.encodeInto(event.json, body.subarray(at, end));
      body[at] = 0x2c; // , in place of the JSON's opening brace
    } else encoder.encodeInto(event.json, body.subarray(at, end));
    at = end;
  }
  writeAscii(body, at, CLOSE);
  return body;
}

function writeAscii(into: Uint8Array, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) into[at++] = text.charCodeAt(i);
  return at;
}

/** The request body from already written events, gzip-compressed when asked and the runtime can. */
export async function requestBody(
  events: readonly EncodedEvent[],
  gzip: boolean,
  nodeZlib = true, // false: as in a browser (tests)
): Promise<{ body: Uint8Array<ArrayBuffer>; gzipped: boolean }> {
  const bytes = writeBody(events);
  if (gzip) {
    const zlib = nodeZlib ? await loadNodeGzip() : undefined;
    if (zlib !== undefined) return { body: await zlib(bytes), gzipped: true };
    if (typeof CompressionStream === "function") {
      const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
      return { body: new Uint8Array(await new Response(stream).arrayBuffer()), gzipped: true };
    }
  }
  return { body: bytes, gzipped: false };
}
