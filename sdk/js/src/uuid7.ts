/**
 * RFC 9562 UUIDv7: 48 bits of Unix milliseconds, then 74 random bits, as lower-case text. Random bytes come from
 * crypto.getRandomValues, drawn 4 KiB at a time so that making an id stays cheap.
 */

type RandomSource = (bytes: Uint8Array) => void;

const POOL_SIZE = 4096;
const HEX_DIGIT = Uint8Array.from("0123456789abcdef", (c) => c.charCodeAt(0));
const DASH = 0x2d;
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
  const v = (r[at]! & 0x0f) | 0x70; // version 7
  const w = (r[at + 2]! & 0x3f) | 0x80; // the RFC 4122 variant
  const d = HEX_DIGIT;
  // One flat string from 36 char codes: concatenating 20 pieces would leave a tree of intermediate strings to collect.
  return String.fromCharCode(
    d[high >>> 28]!,
    d[(high >>> 24) & 15]!,
    d[(high >>> 20) & 15]!,
    d[(high >>> 16) & 15]!,
    d[(high >>> 12) & 15]!,
    d[(high >>> 8) & 15]!,
    d[(high >>> 4) & 15]!,
    d[high & 15]!,
    DASH,
    d[low >>> 12]!,
    d[(low >>> 8) & 15]!,
    d[(low >>> 4) & 15]!,
    d[low & 15]!,
    DASH,
    d[v >>> 4]!,
    d[v & 15]!,
    d[r[at + 1]! >>> 4]!,
    d[r[at + 1]! & 15]!,
    DASH,
    d[w >>> 4]!,
    d[w & 15]!,
    d[r[at + 3]! >>> 4]!,
    d[r[at + 3]! & 15]!,
    DASH,
    d[r[at + 4]! >>> 4]!,
    d[r[at + 4]! & 15]!,
    d[r[at + 5]! >>> 4]!,
    d[r[at + 5]! & 15]!,
    d[r[at + 6]! >>> 4]!,
    d[r[at + 6]! & 15]!,
    d[r[at + 7]! >>> 4]!,
    d[r[at + 7]! & 15]!,
    d[r[at + 8]! >>> 4]!,
    d[r[at + 8]! & 15]!,
    d[r[at + 9]! >>> 4]!,
    d[r[at + 9]! & 15]!,
  );
}

/** Whether {@link uuid7} can make ids now, without awaiting {@link randomReady}. */
export function hasRandomSource(): boolean {
  return source !== undefined;
}
