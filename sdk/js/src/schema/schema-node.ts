import { JsonNumberLiteral } from "../json.js";
import type { PitEventError } from "../results.js";
import { isRfc3339DateTime } from "./rfc3339.js";
import { isWellFormed } from "./storable-text.js";
import type { SchemaPath } from "./schema-path.js";

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** One compiled (sub)schema; the same rules, order and messages as the server's and the C# SDK's validator. */
export class SchemaNode {
  types: string[] | undefined;
  enumValues: string[] | undefined;
  required: string[] | undefined;
  properties: Map<string, SchemaNode> | undefined;
  additionalPropertiesForbidden = false;
  pattern: RegExp | undefined;
  patternText: string | undefined;
  minLength: number | undefined;
  maxLength: number | undefined;
  minimum: number | bigint | undefined;
  maximum: number | bigint | undefined;
  dateTime = false;
  oneOf: SchemaNode[] | undefined;
  reference: SchemaNode | undefined;
  private byType: Map<string, SchemaNode> | undefined;
  private propertyNames: string[] | undefined;
  private propertyNodes: SchemaNode[] | undefined;
  private minimumNumber = Number.NEGATIVE_INFINITY;
  private maximumNumber = Number.POSITIVE_INFINITY;

  /** See EventSchemaValidator.textIsConstrained: this node accepts no unpaired surrogate, in a value or a member name. */
  constrainsText(): boolean {
    if (this.reference !== undefined) return true; // the target is checked as a node of its own
    if (this.types === undefined) return this.oneOf !== undefined || this.enumValues !== undefined;
    if (this.types.includes("object") && !this.additionalPropertiesForbidden) return false;
    if (this.properties !== undefined && [...this.properties.keys()].some((name) => !isWellFormed(name))) return false;
    if (!this.types.includes("string") || this.enumValues !== undefined || this.dateTime) return true;
    const pattern = this.pattern;
    return (
      pattern !== undefined && ["\ud800", "\udfff", "a\ud800", "\udc00a", "AAA\ud800", "0-\udbff"].every((text) => !pattern.test(text))
    );
  }

  /** Copies what validation reads per event into the forms that are fastest to read; called once, after compiling. */
  seal(): void {
    if (this.properties !== undefined) {
      this.propertyNames = [...this.properties.keys()];
      this.propertyNodes = [...this.properties.values()];
    }
    if (this.minimum !== undefined) this.minimumNumber = Number(this.minimum);
    if (this.maximum !== undefined) this.maximumNumber = Number(this.maximum);
  }

  get resolved(): SchemaNode {
    return this.reference?.resolved ?? this;
  }

  /** When every oneOf branch requires "type" with one enum value, the instance's type picks the branch. */
  discriminate(): void {
    if (this.oneOf === undefined) return;
    const byType = new Map<string, SchemaNode>();
    for (const branch of this.oneOf.map((b) => b.resolved)) {
      const values = branch.properties?.get("type")?.resolved.enumValues;
      if (branch.required?.includes("type") !== true || values?.length !== 1 || byType.has(values[0]!)) return;
      byType.set(values[0]!, branch);
    }
    this.byType = byType;
  }

  validate(instance: unknown, path: SchemaPath, errors: PitEventError[]): void {
    if (this.reference !== undefined) {
      this.reference.validate(instance, path, errors);
      return;
    }
    if (this.types !== undefined) {
      if (typeof instance === "number" && Number.isInteger(instance) && !Number.isSafeInteger(instance) && this.types.includes("integer")) {
        // Only JavaScript can get here: the number already lost precision, so the SDK refuses rather than send a rounded amount.
        add(errors, path.pointer, `${path.name} must be a safe integer (at most 2^53 - 1 in magnitude); pass a bigint for larger values`);
        return;
      }
      let ofType = false;
      for (let i = 0; i < this.types.length && !ofType; i++) ofType = isOfType(instance, this.types[i]!);
      if (!ofType) {
        add(
          errors,
          path.pointer,
          `${path.name} must be ${this.types.map((t) => (t === "object" || t === "integer" || t === "array" ? `an ${t}` : `a ${t}`)).join(" or ")}`,
        );
        return;
      }
    }
    if (this.enumValues !== undefined && !(typeof instance === "string" && this.enumValues.includes(instance))) {
      add(errors, path.pointer, `${path.name} must be one of ${this.enumValues.join(", ")}`);
    }
    if (typeof instance === "string") this.validateString(instance, path, errors);
    else if (typeof instance === "number" || typeof instance === "bigint") this.validateNumber(instance, path, errors);
    else if (instance instanceof JsonNumberLiteral) {
      // Beyond a double and a decimal alike: the server cannot compare it either.
      if (this.minimum !== undefined || this.maximum !== undefined) add(errors, path.pointer, `${path.name} is out of range`);
    } else if (isObject(instance)) this.validateObject(instance, path, errors);
    if (this.oneOf !== undefined) this.validateOneOf(instance, path, errors);
  }

  private validateString(text: string, path: SchemaPath, errors: PitEventError[]): void {
    if (this.minLength !== undefined || this.maxLength !== undefined) {
      const length = codePoints(text);
      if (this.minLength !== undefined && length < this.minLength)
        add(errors, path.pointer, `${path.name} must be at least ${this.minLength} characters`);
      if (this.maxLength !== undefined && length > this.maxLength)
        add(errors, path.pointer, `${path.name} must be at most ${this.maxLength} characters`);
    }
    if (this.pattern !== undefined && !this.pattern.test(text)) add(errors, path.pointer, `${path.name} must match ${this.patternText!}`);
    if (this.dateTime && !isRfc3339DateTime(text)) add(errors, path.pointer, `${path.name} must be an RFC 3339 date-time with a time zone`);
  }

  private validateNumber(value: number | bigint, path: SchemaPath, errors: PitEventError[]): void {
    if (this.minimum === undefined && this.maximum === undefined) return;
    // A number is a safe integer or a fraction here, so comparing it with the bound as a double decides exactly the
    // same as comparing decimals: bounds beyond 2^53 are far from any such number. Bigints compare exactly.
    const below = typeof value === "number" ? value < this.minimumNumber : this.minimum !== undefined && compare(value, this.minimum) < 0;
    const above = typeof value === "number" ? value > this.maximumNumber : this.maximum !== undefined && compare(value, this.maximum) > 0;
    if (below) add(errors, path.pointer, `${path.name} must be at least ${String(this.minimum)}`);
    if (above) add(errors, path.pointer, `${path.name} must be at most ${String(this.maximum)}`);
  }

  // Loops over arrays rather than Map iterators and Object.keys: this runs for every event, on the application's thread.
  private validateObject(instance: Record<string, unknown>, path: SchemaPath, errors: PitEventError[]): void {
    const required = this.required;
    if (required !== undefined) {
      for (let i = 0; i < required.length; i++) {
        const name = required[i]!;
        if (!has(instance, name)) add(errors, path.child(name), `'${name}' is required`);
      }
    }
    let known = 0;
    const names = this.propertyNames;
    if (names !== undefined) {
      const nodes = this.propertyNodes!;
      for (let i = 0; i < names.length; i++) {
        const name = names[i]!;
        if (!has(instance, name)) continue;
        known++;
        path.push(name);
        nodes[i]!.validate(instance[name], path, errors);
        path.pop();
      }
    }
    if (!this.additionalPropertiesForbidden) return;
    let present = 0;
    for (const name in instance) if (hasOwn(instance, name) && instance[name] !== undefined) present++;
    if (present === known) return;
    for (const name of Object.keys(instance)) {
      if (instance[name] === undefined) continue;
      if (this.properties?.has(name) !== true) add(errors, path.child(name), `'${name}' is not allowed`);
    }
  }

  private validateOneOf(instance: unknown, path: SchemaPath, errors: PitEventError[]): void {
    const pointer = path.pointer;
    const type = isObject(instance) && typeof instance["type"] === "string" ? instance["type"] : undefined;
    const only = type === undefined ? undefined : this.byType?.get(type);
    if (only !== undefined) {
      only.validate(instance, path, errors);
      return;
    }
    let valid = 0;
    for (const branch of this.oneOf!) {
      const branchErrors: PitEventError[] = [];
      branch.validate(instance, path, branchErrors);
      if (branchErrors.length === 0) valid++;
    }
    if (valid === 1) return;
    if (valid > 1) add(errors, pointer, `${path.name} matches more than one definition`);
    else if (!isObject(instance)) add(errors, pointer, `${path.name} must be an object`);
    else if (!has(instance, "type")) add(errors, `${pointer}/type`, "'type' is required");
    else
      errors.push({
        code: "ERR_UNKNOWN_EVENT_TYPE",
        message: `'${type ?? rawText(instance["type"])}' is not an accepted event type`,
        pointer: `${pointer}/type`,
      });
  }
}

function add(errors: PitEventError[], pointer: string, message: string): void {
  errors.push({ code: "ERR_VALIDATION", message, pointer });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof JsonNumberLiteral);
}

const hasOwn = (instance: object, name: string): boolean => Object.prototype.hasOwnProperty.call(instance, name);

/** A member is present when it is not undefined: JSON.stringify leaves undefined members out of what is sent. */
function has(instance: Record<string, unknown>, name: string): boolean {
  return instance[name] !== undefined && hasOwn(instance, name);
}

function isOfType(instance: unknown, type: string): boolean {
  switch (type) {
    case "object":
      return isObject(instance);
    case "array":
      return Array.isArray(instance);
    case "string":
      return typeof instance === "string";
    case "boolean":
      return typeof instance === "boolean";
    case "null":
      return instance === null;
    case "number":
      return (
        (typeof instance === "number" && Number.isFinite(instance)) || typeof instance === "bigint" || instance instanceof JsonNumberLiteral
      );
    case "integer":
      // The server's integers are what fits an int64 (System.Text.Json's TryGetInt64).
      if (typeof instance === "bigint") return instance >= INT64_MIN && instance <= INT64_MAX;
      return typeof instance === "number" && Number.isSafeInteger(instance);
    default:
      return false;
  }
}

function compare(value: number | bigint, bound: number | bigint): number {
  if (typeof value === "bigint" && typeof bound === "bigint") return value < bound ? -1 : value > bound ? 1 : 0;
  if (typeof value === "number" && Number.isInteger(value) && typeof bound === "bigint") {
    const exact = BigInt(value);
    return exact < bound ? -1 : exact > bound ? 1 : 0;
  }
  const a = Number(value);
  const b = Number(bound);
  return a < b ? -1 : a > b ? 1 : 0;
}

function codePoints(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++, count++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
  }
  return count;
}

function rawText(value: unknown): string {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof JsonNumberLiteral) return value.text;
  return JSON.stringify(value, (_, v: unknown) => (typeof v === "bigint" ? Number(v) : v));
}
