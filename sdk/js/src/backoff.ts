/**
 * Exponential backoff with full jitter (a uniformly random delay up to a ceiling that doubles per attempt, capped):
 * clients that failed together do not retry together. A server's Retry-After is a floor.
 */
export function backoffDelayInMs(attempt: number, firstInMs: number, capInMs: number, retryAfterInMs: number | undefined): number {
  const ceiling = Math.min(capInMs, firstInMs * 2 ** Math.min(attempt - 1, 30));
  const jittered = Math.random() * ceiling;
  return retryAfterInMs !== undefined && retryAfterInMs > jittered ? retryAfterInMs : jittered;
}

/** Retry-After as delta-seconds or an HTTP date, in milliseconds from now; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
