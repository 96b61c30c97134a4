import { backoffDelayInMs } from "./backoff.js";
import { PitError, PitErrorCodes } from "./errors.js";
import type { ResolvedOptions } from "./options.js";
import type { PitEventError, PitEventResult } from "./results.js";
import { isVersionBelow } from "./sdk-versions.js";
import { sleep, type Timer } from "./timers.js";
import { sendAttempt, type AttemptOutcome, type EncodedEvent, type TransportSettings } from "./transport.js";
import { SDK_VERSION } from "./version.js";

/** What a minimal answer says: every event of the batch was stored (accepted or duplicate), nothing more. */
export const ALL_STORED = "all stored";
export type AllStored = typeof ALL_STORED;

/** A client's counters and its standing with the server, shared by the foreground and background paths. */
export class ClientState {
  dropped = 0;
  delivered = 0;
  rejected = 0;
  retries = 0;
  /** The server's minimum SDK version when it is above this one; undefined while this version is supported. */
  unsupportedBecause: string | undefined;
  /** Backoff timers of background deliveries, so that flush() and close() can make them hold the process. */
  readonly sleeping = new Set<Timer>();
}

/**
 * Delivers one batch: sends it, resends after transient failures (backoff with full jitter, Retry-After honoured), and
 * resends only the events the server could not store (per-event ERR_UNAVAILABLE) when the rest were stored. Every
 * resend carries the same event ids, so nothing is applied twice downstream.
 */
export class EventDelivery {
  private readonly settings: TransportSettings;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly state: ClientState,
  ) {
    this.settings = {
      eventsUrl: options.eventsUrl,
      apiKey: options.apiKey,
      gzip: options.enableGzip,
      networkTimeoutInMs: options.networkTimeoutInMs,
      fetch: options.fetch,
    };
  }

  /**
   * One result per event, in order. Rejects with {@link PitError} when the request as a whole fails for good, or with
   * the signal's reason when it aborts. `hold` says whether backoff timers keep Node running (someone awaits them).
   */
  async deliver(
    events: readonly EncodedEvent[],
    maxRetries: number,
    signal: AbortSignal | undefined,
    hold: () => boolean,
  ): Promise<PitEventResult[]> {
    const delivered = await this.deliverAsking(events, maxRetries, signal, hold, false);
    if (delivered === ALL_STORED) throw new Error("unreachable: a full answer was asked for");
    return delivered;
  }

  /**
   * As {@link deliver}, asking the server for the counts alone (`Prefer: return=minimal`): when it stores every event
   * it says only that, and this resolves with {@link ALL_STORED} instead of a result per event (no per-event objects
   * to read or build). A 207 still brings a result per event.
   */
  deliverMinimal(
    events: readonly EncodedEvent[],
    maxRetries: number,
    signal: AbortSignal | undefined,
    hold: () => boolean,
  ): Promise<PitEventResult[] | AllStored> {
    return this.deliverAsking(events, maxRetries, signal, hold, true);
  }

  private async deliverAsking(
    events: readonly EncodedEvent[],
    maxRetries: number,
    signal: AbortSignal | undefined,
    hold: () => boolean,
    minimal: boolean,
  ): Promise<PitEventResult[] | AllStored> {
    let results: (PitEventResult | undefined)[] | undefined; // made at the first per-event answer
    let pending: number[] | undefined; // indices still to send; undefined: every event
    for (let attempt = 0; ; attempt++) {
      this.throwIfUnsupported();
      const batch = pending === undefined ? events : pending.map((i) => events[i]!);
      const outcome = await sendAttempt(this.settings, batch, signal, minimal);
      this.observe(outcome);
      if (outcome.allStored === true) {
        if (results === undefined || pending === undefined) return ALL_STORED;
        // Resent after a 207: the rest are stored (accepted or duplicate; the counts do not say which, and both count
        // as delivered).
        for (const i of pending) results[i] = { eventId: events[i]!.eventId, status: "accepted" };
        return results as PitEventResult[];
      }
      if (outcome.results !== undefined) {
        results ??= new Array<PitEventResult | undefined>(events.length).fill(undefined);
        const filled = results;
        const sent = pending;
        const again: number[] = [];
        outcome.results.forEach((result, j) => {
          const index = sent === undefined ? j : sent[j]!;
          if (result.error?.code === PitErrorCodes.unavailable) again.push(index);
          else if (result.error === undefined && result.eventId === events[index]!.eventId)
            filled[index] = result; // the common case: no copy
          else filled[index] = { ...result, eventId: events[index]!.eventId, error: repoint(result.error, j) };
        });
        if (again.length === 0) return filled as PitEventResult[];
        if (attempt >= maxRetries) {
          for (const i of again) {
            filled[i] = {
              eventId: events[i]!.eventId,
              status: "rejected",
              error: {
                code: PitErrorCodes.unavailable,
                message: "Kafka did not acknowledge the event after every retry; send it again later",
              },
            };
          }
          return filled as PitEventResult[];
        }
        pending = again;
      } else if (outcome.failure?.isTransient !== true || attempt >= maxRetries) {
        throw outcome.failure!;
      }
      this.state.retries++;
      const delay = backoffDelayInMs(attempt + 1, this.options.retryDelayInMs, this.options.maxRetryDelayInMs, outcome.retryAfterInMs);
      await sleep(delay, signal, hold(), this.state.sleeping);
    }
  }

  private observe(outcome: AttemptOutcome): void {
    if (outcome.status === 426) this.state.unsupportedBecause ??= outcome.minSupportedSdk ?? "a newer version";
    else if (outcome.minSupportedSdk !== undefined && isVersionBelow(SDK_VERSION, outcome.minSupportedSdk))
      this.state.unsupportedBecause ??= outcome.minSupportedSdk;
  }

  private throwIfUnsupported(): void {
    const minimum = this.state.unsupportedBecause;
    if (minimum !== undefined) {
      throw new PitError(
        `the server no longer accepts @pit-platform/sdk ${SDK_VERSION} (min_supported_sdk ${minimum}); upgrade the package`,
        {
          status: 426,
          code: PitErrorCodes.sdkUnsupported,
          isTransient: false,
        },
      );
    }
  }
}

/** The server's pointers are into the request it saw (`/data/j/...`); they are made relative to the event. */
function repoint(error: PitEventError | undefined, index: number): PitEventError | undefined {
  if (error?.pointer === undefined) return error;
  const prefix = `/data/${index}`;
  const pointer = error.pointer;
  return pointer.startsWith(prefix) && (pointer.length === prefix.length || pointer[prefix.length] === "/")
    ? { ...error, pointer: pointer.slice(prefix.length) }
    : error;
}
