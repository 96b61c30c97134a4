/**
 * RFC 9562 UUIDv7: 48 bits of Unix milliseconds, then 74 random bits, as lower-case text. Random bytes come from
 * crypto.getRandomValues, drawn 4 KiB at a time so that making an id stays cheap.
 */

type RandomSource = (bytes: Uint8Array) => void;

const POOL_SIZE = 4096;
const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
let pool: Uint8Array | undefined;
let used = POOL_SIZE;
let source: RandomSource | undefined = globalSource();
let loading: Promise<void> | undefined;

function globalSource(): RandomSource | undefined {
  const crypto = (globalThis as { crypto?: { getRandomValues?: (bytes: Uint8Array) => Uint8Array } }).crypto;
  if (typeof crypto?.getRandomValues !== "function") return undefined;
  return (bytes) => {
    crypto.getRandomValues?.(bytes);
  };
}

/**
 * Resolves once ids can be made. Browsers and Node 19+ have `globalThis.crypto`; Node 18 gets it from `node:crypto`
 * (loaded by a name bundlers do not follow, so browser bundles never try to include it).
 */
export function randomReady(): Promise<void> {
  if (source !== undefined) return Promise.resolve();
  loading ??= (async () => {
    const name = "node:crypto";
    const module = (await import(/* webpackIgnore: true */ /* @vite-ignore */ name)) as {
      webcrypto: { getRandomValues: (bytes: Uint8Array) => Uint8Array };
    };
    source = (bytes) => {
      module.webcrypto.getRandomValues(bytes);
    };
  })();
  return loading;
}

/** A new UUIDv7. Throws when no cryptographic random source is available yet (Node 18 before {@link randomReady}). */
export function uuid7(): string {
  if (pool === undefined || used > POOL_SIZE - 10) {
    if (source === undefined) throw new Error("no crypto.getRandomValues: await randomReady() first (Node 18)");
    pool ??= new Uint8Array(POOL_SIZE);
    source(pool);
    used = 0;
  }
  const r = pool;
  const at = used;
  used += 10;
  const ms = Date.now();
  const high = Math.floor(ms / 0x10000); // the top 32 of the 48 time bits
  const low = ms % 0x10000;
  const h = HEX;
  return (
    h[(high >>> 24) & 0xff]! +
    h[(high >>> 16) & 0xff]! +
    h[(high >>> 8) & 0xff]! +
    h[high & 0xff]! +
    "-" +
    h[low >>> 8]! +
    h[low & 0xff]! +
    "-" +
    h[0x70 | (r[at]! & 0x0f)]! +
    h[r[at + 1]!]! +
    "-" +
    h[0x80 | (r[at + 2]! & 0x3f)]! +
    h[r[at + 3]!]! +
    "-" +
    h[r[at + 4]!]! +
    h[r[at + 5]!]! +
    h[r[at + 6]!]! +
    h[r[at + 7]!]! +
    h[r[at + 8]!]! +
    h[r[at + 9]!]!
  );
}

/** Whether {@link uuid7} can make ids now, without awaiting {@link randomReady}. */
export function hasRandomSource(): boolean {
  return source !== undefined;
}
