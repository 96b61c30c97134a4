/**
 * Timers that a forgotten client does not keep the process alive with: in Node, `unref()` lets the process exit while
 * only such a timer is pending. A timer someone awaits (`flush()`, `close()`, `send()`) is `ref()`ed again, or the
 * process could exit in the middle of an awaited retry. Browsers have neither method, and need neither.
 */
export type Timer = ReturnType<typeof setTimeout>;

export function unref(timer: Timer): Timer {
  (timer as { unref?: () => void }).unref?.();
  return timer;
}

export function ref(timer: Timer): void {
  (timer as { ref?: () => void }).ref?.();
}

/** Resolves after `ms`; rejects with the signal's reason when it aborts first. `hold` says whether to keep Node running meanwhile. */
export function sleep(ms: number, signal: AbortSignal | undefined, hold: boolean, sleeping?: Set<Timer>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(abortReason(signal));
      return;
    }
    const done = (): void => {
      sleeping?.delete(timer);
      signal?.removeEventListener("abort", onAbort);
    };
    const onAbort = (): void => {
      clearTimeout(timer);
      done();
      reject(abortReason(signal!));
    };
    const timer = setTimeout(() => {
      done();
      resolve();
    }, ms);
    if (!hold) unref(timer);
    sleeping?.add(timer);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("The operation was aborted.", "AbortError");
}
