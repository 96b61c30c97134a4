export { PitClient, type FlushOptions, type PitTrackCallback, type SendOptions } from "./client.js";
export { PitError, PitErrorCodes, type PitErrorOptions } from "./errors.js";
export { llmCall, tradeFill, type LlmCall, type PitEvent, type PitEventEnvelope, type PitInteger, type TradeFill } from "./events.js";
export type { JsonValue } from "./json.js";
export type { PitClientOptions } from "./options.js";
export type {
  PitCounters,
  PitDroppedResult,
  PitEventError,
  PitEventResult,
  PitEventStatus,
  PitRejectedEvent,
  PitSendResult,
  PitTrackResult,
} from "./results.js";
export { randomReady, uuid7 } from "./uuid7.js";
export { API_VERSION, SDK_VERSION } from "./version.js";
