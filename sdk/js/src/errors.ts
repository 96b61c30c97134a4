/** The `ERR_*` codes the SDK itself produces or treats specially; the API's others arrive as the server sent them. */
export const PitErrorCodes = {
  /** The event breaks EVENT_SCHEMA.json (client-side or server-side). */
  validation: "ERR_VALIDATION",
  /** No event definition has the event's type. */
  unknownEventType: "ERR_UNKNOWN_EVENT_TYPE",
  /** The server no longer supports this SDK version (`Pit-Min-Supported-Sdk`); upgrade the package. */
  sdkUnsupported: "ERR_SDK_UNSUPPORTED",
  /** The client was closed before the event could be delivered. */
  notDelivered: "ERR_NOT_DELIVERED",
  /** The queue was full and the event, the oldest queued, was dropped to make room. */
  queueOverflow: "ERR_QUEUE_OVERFLOW",
  /** A component the server needs did not answer for this event; the SDK resends it. */
  unavailable: "ERR_UNAVAILABLE",
  /** `send()` on a closed client. */
  clientClosed: "ERR_CLIENT_CLOSED",
} as const;

/** Options of {@link PitError}. */
export interface PitErrorOptions {
  /** The API's `ERR_*` code, when it sent one. */
  code?: string | undefined;
  /** The HTTP status, or 0 when no response arrived. */
  status?: number;
  /** Whether trying again later can help. */
  isTransient?: boolean;
  /** The underlying error (a network failure). */
  cause?: unknown;
}

/**
 * A request to the ingestion API failed as a whole (no per-event outcome exists). `isTransient` says whether trying
 * again later can help; the SDK already retried transient failures up to `maxRetries` times.
 */
export class PitError extends Error {
  /** The API's error code (`ERR_UNAUTHENTICATED`, `ERR_RATE_LIMITED`, ...), or `undefined` when it sent none. */
  readonly code: string | undefined;
  /** The HTTP status, or 0 when no response arrived (network error, timeout). */
  readonly status: number;
  /** Whether trying again later can help (408, 429, 5xx, network errors). */
  readonly isTransient: boolean;

  constructor(message: string, options: PitErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "PitError";
    this.code = options.code;
    this.status = options.status ?? 0;
    this.isTransient = options.isTransient ?? false;
  }
}
