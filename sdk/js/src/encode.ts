import type { PitEvent } from "./events.js";
import { stringifyJson } from "./json.js";
import type { PitEventError, PitTrackResult } from "./results.js";
import type { EventSchemaValidator } from "./schema/event-schema-validator.js";
import type { EncodedEvent } from "./transport.js";
import { uuid7 } from "./uuid7.js";

/** The outcome of encoding one event: its JSON (valid against the schema), or why it cannot be sent. */
export type Encoding = { ok: true; encoded: EncodedEvent } | { ok: false; eventId: string | undefined; error: PitEventError };

/**
 * Gives the event its id (a new UUIDv7 unless it has one), writes `ts` Dates as RFC 3339, validates, and writes the
 * JSON once; every retry resends that JSON, so the id never changes. The caller's object is not modified.
 */
export function encodeEvent(
  event: PitEvent,
  validator: EventSchemaValidator,
  position: number,
  callback: ((result: PitTrackResult) => void) | undefined,
): Encoding {
  try {
    return encode(event, validator, position, callback);
  } catch (e) {
    // A cycle, a getter that throws, a toJSON that fails: the event cannot be sent, which is a validation outcome.
    const eventId = (event as { event_id?: unknown } | null)?.event_id;
    return {
      ok: false,
      eventId: typeof eventId === "string" ? eventId : undefined,
      error: {
        code: "ERR_VALIDATION",
        message: `the event cannot be written as JSON: ${e instanceof Error ? e.message : String(e)}`,
        pointer: "",
      },
    };
  }
}

function encode(
  event: PitEvent,
  validator: EventSchemaValidator,
  position: number,
  callback: ((result: PitTrackResult) => void) | undefined,
): Encoding {
  const value: unknown = event; // typed callers aside, JavaScript may hand over anything
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    const errors = validator.validate(event, "");
    return {
      ok: false,
      eventId: undefined,
      error: errors[0] ?? { code: "ERR_VALIDATION", message: "the value must be an object", pointer: "" },
    };
  }
  // The common case copies nothing: the event is validated as given and its id is written in front of its JSON.
  let subject: PitEvent = event;
  if (event.ts instanceof Date) subject = { ...event, ts: Number.isNaN(event.ts.getTime()) ? "Invalid Date" : event.ts.toISOString() };
  const given = subject.event_id;
  const errors = validator.validate(subject, "");
  if (errors.length > 0) return { ok: false, eventId: typeof given === "string" ? given : undefined, error: errors[0]! };
  const json = stringifyJson(subject);
  if (given !== undefined)
    return { ok: true, encoded: { event, eventId: given, json, idInFront: false, bytes: utf8Length(json), position, callback } };
  // A UUIDv7 made once, here; every retry resends it. It is written in front of the JSON's members when the body is
  // (valid events have members, so the JSON is not "{}"): no concatenated copy of the JSON per event.
  const eventId = uuid7();
  const bytes = ID_IN_FRONT_BYTES + utf8Length(json) - 1;
  return { ok: true, encoded: { event, eventId, json, idInFront: true, bytes, position, callback } };
}

/** `{"event_id":"<36 characters>",` */
const ID_IN_FRONT_BYTES = 51;
const NON_ASCII = /[\u0080-\uffff]/;

/** UTF-8 bytes of a string (well-formed: validation refused unpaired surrogates). */
export function utf8Length(text: string): number {
  if (!NON_ASCII.test(text)) return text.length; // the common case, scanned natively
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 2; // a pair: 4 bytes for its 2 units
      i++;
    } else bytes += 2;
  }
  return bytes;
}
