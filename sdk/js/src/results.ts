import type { PitEvent } from "./events.js";

/** What happened to one event: stored (`accepted`), a repeat stored once (`duplicate`), or refused (`rejected`). */
export type PitEventStatus = "accepted" | "duplicate" | "rejected";

/** Why an event was refused: a stable `ERR_*` code, a message, and a JSON pointer into the event. */
export interface PitEventError {
  /** The error code, for example `ERR_VALIDATION` or `ERR_UNKNOWN_EVENT_TYPE`. */
  readonly code: string;
  /** A readable explanation. */
  readonly message: string;
  /** Where in the event, for example `/payload/quantity`; `undefined` when not about one member. */
  readonly pointer?: string | undefined;
}

/** The outcome of one event of `send()`, in the order given. */
export interface PitEventResult {
  /** The event's id (the one given, or the UUIDv7 the client made). */
  readonly eventId: string;
  readonly status: PitEventStatus;
  /** Why it was rejected; absent otherwise. */
  readonly error?: PitEventError | undefined;
  /** The Kafka topic it was stored in, when accepted. */
  readonly topic?: string | undefined;
  /** The partition, when accepted. */
  readonly partition?: number | undefined;
  /** The offset, when accepted. */
  readonly offset?: number | undefined;
}

/** A tracked event the queue dropped to make room (drop-oldest), before it was ever sent. */
export interface PitDroppedResult {
  /** The id the event carried, if it had one yet (ids are made when the event is first sent). */
  readonly eventId: string | undefined;
  readonly status: "dropped";
  readonly error: PitEventError;
}

/** What a `track()` callback receives: a per-event result, or the news that the event was dropped. */
export type PitTrackResult = PitEventResult | PitDroppedResult;

/** The per-event outcomes of one `send()` call. */
export interface PitSendResult {
  /** One result per event, in the order given. */
  readonly results: readonly PitEventResult[];
  /** Events stored (accepted or duplicate). */
  readonly accepted: number;
  /** Events refused. */
  readonly rejected: number;
}

/** A tracked event that will never be stored, with the reason (client-side validation, the server, or `close()`). */
export interface PitRejectedEvent {
  readonly event: PitEvent;
  readonly eventId: string | undefined;
  readonly error: PitEventError;
}

/** A snapshot of a client's counters since it was made. */
export interface PitCounters {
  /** Events taken by `track()`. */
  readonly tracked: number;
  /** Events lost to queue overflow or to `close()` before delivery. */
  readonly dropped: number;
  /** Events the server stored (including duplicates). */
  readonly delivered: number;
  /** Events refused, client-side or by the server. */
  readonly rejected: number;
  /** Request attempts repeated after a transient failure. */
  readonly retries: number;
  /** Events waiting in the queue now. */
  readonly queued: number;
}
