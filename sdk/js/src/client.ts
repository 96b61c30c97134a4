import { ALL_STORED, ClientState, EventDelivery } from "./delivery.js";
import { encodeEvent } from "./encode.js";
import { PitError, PitErrorCodes } from "./errors.js";
import type { PitEvent } from "./events.js";
import { resolveOptions, type PitClientOptions, type ResolvedOptions } from "./options.js";
import { EventQueue } from "./queue.js";
import type { PitCounters, PitEventError, PitEventResult, PitSendResult, PitTrackResult } from "./results.js";
import { EventSchemaValidator } from "./schema/event-schema-validator.js";
import { abortReason, ref, unref, type Timer } from "./timers.js";
import type { EncodedEvent } from "./transport.js";
import { hasRandomSource, randomReady } from "./uuid7.js";
import { API_VERSION, SDK_VERSION } from "./version.js";

/** Receives the outcome of one tracked event: stored, refused, or dropped. */
export type PitTrackCallback = (result: PitTrackResult) => void;

/** Options of {@link PitClient.send}. */
export interface SendOptions {
  /** Stops waiting and retrying; an event already sent may still be stored. */
  abortSignal?: AbortSignal;
}

/** Options of {@link PitClient.flush}. */
export interface FlushOptions {
  /** Stops waiting; the events stay queued. */
  abortSignal?: AbortSignal;
}

interface Batch {
  readonly items: EncodedEvent[];
  readonly firstPosition: number;
  /** Whether some event has a callback, which needs its own result: else the batch asks for the counts alone. */
  readonly hasCallbacks: boolean;
}

interface FlushWaiter {
  readonly target: number;
  readonly resolve: () => void;
}

/**
 * Sends events to PIT Platform's ingestion API (`POST /v1/events`). Make one per process (or page) and `await close()`
 * at shutdown: its timers do not keep Node running, so a client that is never closed loses what is still queued.
 *
 * - `track(event, callback?)`: fire and forget. Never blocks, never throws; events are batched and sent in the
 *   background, retried until delivered.
 * - `send(events)`: awaited delivery with a result per event.
 *
 * Every event is validated against EVENT_SCHEMA.json first, with the server's error codes, pointers and messages.
 */
export class PitClient {
  /** The ingestion API version this SDK speaks. */
  static readonly apiVersion = API_VERSION;
  /** This SDK's version. */
  static readonly sdkVersion = SDK_VERSION;

  private readonly options: ResolvedOptions;
  private readonly queue: EventQueue<PitEvent, PitTrackCallback>;
  private readonly state = new ClientState();
  private readonly delivery: EventDelivery;
  private readonly validator = EventSchemaValidator.default;
  private readonly shutdown = new AbortController();
  private readonly inFlight = new Set<Batch>();
  private readonly inFlightDone = new Set<Promise<void>>();
  private flushes: FlushWaiter[] = [];
  private carry: EncodedEvent | undefined;
  private timer: Timer | undefined;
  private partialDue = false;
  private pumpScheduled = false;
  private randomIsReady = hasRandomSource();
  private closed = false;
  private stopped = false;
  private closing: Promise<void> | undefined;
  private readonly pumpNow = (): void => {
    this.pump();
  };
  private readonly onInterval = (): void => {
    this.timer = undefined;
    this.partialDue = true;
    this.pump();
  };

  /** A client of the API at `options.baseUrl`, authenticated with `options.apiKey`. Throws on invalid options. */
  constructor(options: PitClientOptions) {
    this.options = resolveOptions(options);
    this.queue = new EventQueue(this.options.maxQueueSize);
    this.delivery = new EventDelivery(this.options, this.state);
  }

  /** The URL events are posted to. */
  get eventsUrl(): string {
    return this.options.eventsUrl;
  }

  /** Whether the server still accepts this SDK version (false once it announced a higher `Pit-Min-Supported-Sdk`). */
  get isSdkSupported(): boolean {
    return this.state.unsupportedBecause === undefined;
  }

  /**
   * Queues `event` for background delivery and returns at once. Never throws, never blocks: when the queue is full the
   * oldest queued event is dropped (counted in `dropped`; its callback hears `dropped`). `callback` receives this
   * event's outcome later. Returns false, and queues nothing, once the client is closing.
   */
  track(event: PitEvent, callback?: PitTrackCallback): boolean {
    if (this.closed) {
      if (callback !== undefined)
        defer(callback, { eventId: eventIdOf(event), status: "dropped", error: notDelivered("the client is closed") });
      return false;
    }
    const queue = this.queue;
    if (queue.size === queue.capacity) this.dropOldest();
    queue.push(event, callback);
    if (queue.size >= this.options.maxBatchEvents) {
      // Wake the sender only when a full batch is waiting and it has room to send; the interval timer covers the rest.
      if (!this.pumpScheduled && this.inFlight.size < this.options.maxConcurrentSends) {
        this.pumpScheduled = true;
        queueMicrotask(this.pumpNow);
      }
    } else if (this.timer === undefined && !this.partialDue) {
      this.timer = unref(setTimeout(this.onInterval, this.options.flushIntervalInMs));
    }
    return true;
  }

  /**
   * Sends `events` now (in batches of `maxBatchEvents`) and resolves with one result per event, in order. Events that
   * break the schema are rejected without being sent. Transient failures are retried up to `maxRetries` times.
   * Rejects with {@link PitError} when a request fails as a whole (401, 403, 413, retries exhausted, SDK unsupported),
   * or with the signal's reason when `abortSignal` aborts.
   */
  async send(events: Iterable<PitEvent>, options: SendOptions = {}): Promise<PitSendResult> {
    if (this.closed) throw new PitError("the client is closed", { code: PitErrorCodes.clientClosed });
    if (!this.randomIsReady) await this.whenRandomReady();
    const list = Array.from(events);
    const results = new Array<PitEventResult | undefined>(list.length).fill(undefined);
    let batch: EncodedEvent[] = [];
    let indices: number[] = [];
    let bytes = 0;
    for (let i = 0; i <= list.length; i++) {
      let encoded: EncodedEvent | undefined;
      if (i < list.length) {
        const encoding = encodeEvent(list[i]!, this.validator, -1, undefined);
        if (!encoding.ok) {
          results[i] = { eventId: encoding.eventId ?? "", status: "rejected", error: encoding.error };
          this.state.rejected++;
          continue;
        }
        encoded = encoding.encoded;
      }
      if (
        batch.length > 0 &&
        (encoded === undefined || batch.length === this.options.maxBatchEvents || bytes + encoded.bytes + 1 > this.options.maxBatchBytes)
      ) {
        const answered = await this.delivery.deliver(batch, this.options.maxRetries, options.abortSignal, () => true);
        answered.forEach((result, j) => {
          results[indices[j]!] = result;
          if (result.status === "rejected") this.state.rejected++;
          else this.state.delivered++;
        });
        batch = [];
        indices = [];
        bytes = 0;
      }
      if (encoded === undefined) continue;
      batch.push(encoded);
      indices.push(i);
      bytes += encoded.bytes + 1;
    }
    const done = results as PitEventResult[];
    const rejected = done.filter((r) => r.status === "rejected").length;
    return { results: done, accepted: done.length - rejected, rejected };
  }

  /**
   * Resolves when every event tracked before the call was delivered, refused or dropped. Aborting stops waiting; the
   * events stay queued. While someone waits, the client's timers keep Node running.
   */
  flush(options: FlushOptions = {}): Promise<void> {
    const target = this.queue.added;
    if (this.settledPosition() >= target || this.stopped) return Promise.resolve();
    const signal = options.abortSignal;
    if (signal?.aborted === true) return Promise.reject(abortReason(signal));
    return new Promise<void>((resolve, reject) => {
      const waiter: FlushWaiter = {
        target,
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        this.flushes = this.flushes.filter((w) => w !== waiter);
        reject(abortReason(signal!));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.flushes.push(waiter);
      for (const timer of this.state.sleeping) ref(timer);
      this.pump();
    });
  }

  /**
   * Stops taking events, delivers what is queued within `closeTimeoutInMs`, then gives up on the rest (counted as
   * dropped, reported to `onRejected` and callbacks as `ERR_NOT_DELIVERED`). Always await it before the process
   * ends: the client's timers do not keep Node running.
   */
  close(): Promise<void> {
    this.closing ??= this.closeCore();
    return this.closing;
  }

  /** The client's counters now. */
  getCounters(): PitCounters {
    return {
      tracked: this.queue.added,
      dropped: this.state.dropped,
      delivered: this.state.delivered,
      rejected: this.state.rejected,
      retries: this.state.retries,
      queued: this.queue.size,
    };
  }

  private async closeCore(): Promise<void> {
    this.closed = true;
    let deadline: Timer | undefined;
    await Promise.race([
      this.flush(),
      new Promise<void>((resolve) => {
        deadline = setTimeout(resolve, this.options.closeTimeoutInMs);
      }),
    ]);
    clearTimeout(deadline);
    // The deadline passed or everything was delivered: what is still queued or in flight is given up, counted and reported.
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.shutdown.abort(new PitError("the client was closed", { code: PitErrorCodes.notDelivered }));
    await Promise.all(this.inFlightDone);
    const error = notDelivered("the client was closed before the event could be delivered");
    if (this.carry !== undefined) {
      this.giveUp(this.carry.event, this.carry.eventId, this.carry.callback, error);
      this.carry = undefined;
    }
    while (this.queue.size > 0) {
      const event = this.queue.shift()!;
      this.giveUp(event, eventIdOf(event), this.queue.shiftedCallback, error);
    }
    for (const waiter of this.flushes) waiter.resolve();
    this.flushes = [];
  }

  private dropOldest(): void {
    const dropped = this.queue.shift();
    this.state.dropped++;
    const callback = this.queue.shiftedCallback;
    if (callback !== undefined) {
      defer(callback, {
        eventId: eventIdOf(dropped),
        status: "dropped",
        error: { code: PitErrorCodes.queueOverflow, message: "the queue was full; the oldest event was dropped" },
      });
    }
  }

  private async whenRandomReady(): Promise<void> {
    await randomReady();
    this.randomIsReady = true;
  }

  /** The background sender: drains the queue into batches (by count and bytes) and hands each to a delivery. */
  private pump(): void {
    try {
      this.pumpRound();
    } catch {
      // The sender must outlive a bug in one round: a throw here would stop all delivery, or crash the application
      // from a microtask. The next track, interval or delivery starts another round.
    }
  }

  private pumpRound(): void {
    this.pumpScheduled = false;
    if (this.stopped) return;
    if (!this.randomIsReady) {
      this.whenRandomReady().then(this.pumpNow, () => undefined);
      return;
    }
    const queue = this.queue;
    while (this.inFlight.size < this.options.maxConcurrentSends) {
      const takeAll = this.partialDue || this.flushes.length > 0 || this.closed;
      if (this.carry === undefined && (queue.size === 0 || (!takeAll && queue.size < this.options.maxBatchEvents))) break;
      const batch = this.drain();
      if (batch === undefined) continue; // every event taken was invalid, and was reported
      this.inFlight.add(batch);
      const done = this.deliverInBackground(batch);
      this.inFlightDone.add(done);
      const forget = (): void => {
        this.inFlightDone.delete(done);
      };
      done.then(forget, forget);
    }
    if (queue.size === 0 && this.carry === undefined) this.partialDue = false;
    else if (!this.partialDue && this.timer === undefined) this.timer = unref(setTimeout(this.onInterval, this.options.flushIntervalInMs));
    this.settleFlushes();
  }

  /** Takes up to a batch off the queue, written and validated; invalid events are reported, not sent. */
  private drain(): Batch | undefined {
    const items: EncodedEvent[] = [];
    let bytes = 11; // {"data":[]}
    let hasCallbacks = false;
    if (this.carry !== undefined) {
      hasCallbacks = this.carry.callback !== undefined;
      items.push(this.carry);
      bytes += this.carry.bytes + 1;
      this.carry = undefined;
    }
    const queue = this.queue;
    while (items.length < this.options.maxBatchEvents && queue.size > 0) {
      const position = queue.firstPosition;
      const event = queue.shift()!;
      const callback = queue.shiftedCallback;
      const encoding = encodeEvent(event, this.validator, position, callback);
      if (!encoding.ok) {
        this.reject(event, encoding.eventId, callback, encoding.error);
        continue;
      }
      if (bytes + encoding.encoded.bytes + 1 > this.options.maxBatchBytes && items.length > 0) {
        this.carry = encoding.encoded; // starts the next batch
        break;
      }
      items.push(encoding.encoded);
      bytes += encoding.encoded.bytes + 1;
      if (callback !== undefined) hasCallbacks = true;
    }
    if (items.length === 0) {
      this.settleFlushes();
      return undefined;
    }
    return { items, firstPosition: items[0]!.position, hasCallbacks };
  }

  private async deliverInBackground(batch: Batch): Promise<void> {
    try {
      const hold = (): boolean => this.flushes.length > 0 || this.closed;
      const results = batch.hasCallbacks
        ? await this.delivery.deliver(batch.items, Number.POSITIVE_INFINITY, this.shutdown.signal, hold)
        : await this.delivery.deliverMinimal(batch.items, Number.POSITIVE_INFINITY, this.shutdown.signal, hold);
      if (results === ALL_STORED) {
        this.state.delivered += batch.items.length;
        return;
      }
      results.forEach((result, i) => {
        const item = batch.items[i]!;
        if (result.status === "rejected") this.reject(item.event, item.eventId, item.callback, result.error!);
        else {
          this.state.delivered++;
          if (item.callback !== undefined) safely(item.callback, result);
        }
      });
    } catch (e) {
      let error: PitEventError;
      if (this.shutdown.signal.aborted) {
        error = notDelivered("the client was closed before the event could be delivered");
        for (const item of batch.items) this.giveUp(item.event, item.eventId, item.callback, error);
      } else {
        error =
          e instanceof PitError
            ? { code: e.code ?? `HTTP_${e.status}`, message: e.message }
            : {
                code: PitErrorCodes.notDelivered,
                message: `the SDK failed to send the event: ${e instanceof Error ? e.message : String(e)}`,
              };
        for (const item of batch.items) this.reject(item.event, item.eventId, item.callback, error);
      }
    } finally {
      this.inFlight.delete(batch);
      this.pump();
    }
  }

  /** Resolves the flushes whose events have all left the queue and every batch in flight. */
  private settledPosition(): number {
    let settled = this.queue.firstPosition;
    if (this.carry !== undefined) settled = Math.min(settled, this.carry.position);
    for (const batch of this.inFlight) settled = Math.min(settled, batch.firstPosition);
    return settled;
  }

  private settleFlushes(): void {
    if (this.flushes.length === 0) return;
    const settled = this.settledPosition();
    const waiting: FlushWaiter[] = [];
    for (const waiter of this.flushes) {
      if (waiter.target <= settled) waiter.resolve();
      else waiting.push(waiter);
    }
    this.flushes = waiting;
  }

  private reject(event: PitEvent, eventId: string | undefined, callback: PitTrackCallback | undefined, error: PitEventError): void {
    this.state.rejected++;
    this.notify(event, eventId, callback, error);
  }

  private giveUp(event: PitEvent, eventId: string | undefined, callback: PitTrackCallback | undefined, error: PitEventError): void {
    this.state.dropped++;
    this.notify(event, eventId, callback, error);
  }

  private notify(event: PitEvent, eventId: string | undefined, callback: PitTrackCallback | undefined, error: PitEventError): void {
    if (this.options.onRejected !== undefined) safely(this.options.onRejected, { event, eventId, error });
    if (callback !== undefined) safely(callback, { eventId: eventId ?? "", status: "rejected", error });
  }
}

function notDelivered(message: string): PitEventError {
  return { code: PitErrorCodes.notDelivered, message };
}

function eventIdOf(event: unknown): string | undefined {
  const id = (event as { event_id?: unknown } | null | undefined)?.event_id;
  return typeof id === "string" ? id : undefined;
}

/** The application's callbacks must not be able to stop delivery: what they throw is swallowed. */
function safely<T>(callback: (value: T) => void, value: T): void {
  try {
    callback(value);
  } catch {
    // deliberately ignored (documented on the options)
  }
}

/** Calls back after track() returned, so application code never runs inside track(). */
function defer<T>(callback: (value: T) => void, value: T): void {
  queueMicrotask(() => {
    safely(callback, value);
  });
}
