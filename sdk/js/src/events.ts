import type { JsonValue } from "./json.js";

/**
 * Money and counts: a `number` that is a safe integer (|n| <= 2^53 - 1) or a `bigint`. Never a fraction: amounts are
 * integer micros (1 unit = 1,000,000 micros). An unsafe integer `number` is refused by validation, because it has
 * already lost precision.
 */
export type PitInteger = number | bigint;

/**
 * One event for `POST /v1/events`, shaped like one item of its `data` array. Without `event_id` the client makes a
 * UUIDv7 when it first sends the event and keeps it across every retry. Do not change an event after handing it over.
 */
export interface PitEvent {
  /** The event type: it selects the definition in EVENT_SCHEMA.json (`exec.trade_fill`, `runtime.llm_call`). */
  type: string;
  /** The dedupe key, a UUID; the client makes a UUIDv7 when absent. */
  event_id?: string | undefined;
  /** Event time, RFC 3339 with a zone (or a Date); the server's receive time when absent. */
  ts?: string | Date | undefined;
  /** The tenant; absent means the API key's tenant (another tenant is refused). */
  tenant?: string | undefined;
  /** The series (a key segment: 1 to 64 of `A-Za-z0-9._-`, starting with a letter or digit). */
  series: string;
  /** The cell (a key segment), when the event has one. */
  cell?: string | undefined;
  /** The payload object; its members depend on `type`. */
  payload: { [member: string]: JsonValue | undefined };
}

/** Members every typed helper takes beside its payload. */
export interface PitEventEnvelope {
  /** The event's id; the client makes a UUIDv7 when absent. */
  eventId?: string;
  /** Event time; the server's receive time when absent. */
  ts?: string | Date;
  /** The tenant; the API key's when absent. */
  tenant?: string;
}

/** A fill of an order in one cell (`exec.trade_fill`). */
export interface TradeFill extends PitEventEnvelope {
  series: string;
  cell: string;
  /** The instrument traded, 1 to 64 characters. */
  instrument: string;
  side: "buy" | "sell";
  /** Units filled, 1 to 10^12. */
  quantity: PitInteger;
  /** Price per unit in integer micros (12.50 USD is 12_500_000). */
  priceMicros: PitInteger;
  /** ISO 4217 code, three upper-case letters. */
  currency: string;
  /** Fee in integer micros of the same currency; 0 when absent. */
  feeMicros?: PitInteger;
  /** The venue's fill id, up to 128 characters. */
  fillId?: string;
}

/** One call to a language model (`runtime.llm_call`). Prompt and response are redacted server-side. */
export interface LlmCall extends PitEventEnvelope {
  series: string;
  cell?: string;
  /** The model name, 1 to 128 characters. */
  model: string;
  inputTokens: PitInteger;
  outputTokens: PitInteger;
  prompt?: string;
  response?: string;
  /** Cost in integer micros of `currency`. */
  costMicros?: PitInteger;
  currency?: string;
  latencyMs?: PitInteger;
  runId?: string;
  userId?: string;
  flagged?: boolean;
}

/** The envelope's optional members, added onto an event built by a helper (one object per event, no copies). */
function addEnvelope(event: PitEvent, fields: PitEventEnvelope & { cell?: string | undefined }): PitEvent {
  if (fields.eventId !== undefined) event.event_id = fields.eventId;
  if (fields.ts !== undefined) event.ts = fields.ts;
  if (fields.tenant !== undefined) event.tenant = fields.tenant;
  if (fields.cell !== undefined) event.cell = fields.cell;
  return event;
}

/** An `exec.trade_fill` event from camel-cased fields. */
export function tradeFill(fill: TradeFill): PitEvent {
  const payload: PitEvent["payload"] = {
    instrument: fill.instrument,
    side: fill.side,
    quantity: fill.quantity,
    price_micros: fill.priceMicros,
    currency: fill.currency,
    fee_micros: fill.feeMicros ?? 0,
  };
  if (fill.fillId !== undefined) payload["fill_id"] = fill.fillId;
  return addEnvelope({ type: "exec.trade_fill", series: fill.series, payload }, fill);
}

/** A `runtime.llm_call` event from camel-cased fields. */
export function llmCall(call: LlmCall): PitEvent {
  const payload: PitEvent["payload"] = {
    model: call.model,
    input_tokens: call.inputTokens,
    output_tokens: call.outputTokens,
  };
  const optional: [string, JsonValue | undefined][] = [
    ["prompt", call.prompt],
    ["response", call.response],
    ["cost_micros", call.costMicros],
    ["currency", call.currency],
    ["latency_ms", call.latencyMs],
    ["run_id", call.runId],
    ["user_id", call.userId],
    ["flagged", call.flagged],
  ];
  for (const [name, value] of optional) if (value !== undefined) payload[name] = value;
  return addEnvelope({ type: "runtime.llm_call", series: call.series, payload }, call);
}
