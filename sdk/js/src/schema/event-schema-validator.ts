import { parseJson, type JsonValue } from "../json.js";
import type { PitEventError } from "../results.js";
import { EVENT_SCHEMA_TEXT } from "./event-schema.generated.js";
import { SchemaNode } from "./schema-node.js";
import { SchemaPath } from "./schema-path.js";
import { findUnstorableText } from "./storable-text.js";

const ANNOTATIONS = new Set(["$schema", "$id", "$comment", "title", "description", "examples", "default", "definitions"]);

type SchemaObject = { [member: string]: JsonValue };

/**
 * docs/EVENT_SCHEMA.json (copied into the package at build time) compiled into a validator of the keywords it uses:
 * type, enum, required, properties, additionalProperties=false, pattern, minLength, maxLength, minimum, maximum,
 * format=date-time, oneOf and local $ref. Any other keyword fails compilation, so the schema cannot outgrow the
 * validator silently. Error codes, pointers and messages match the server's and the C# SDK's.
 */
export class EventSchemaValidator {
  private static embedded: EventSchemaValidator | undefined;
  private readonly byReference = new Map<string, SchemaNode>();
  private readonly nodes: SchemaNode[] = [];
  private constrained: boolean | undefined;
  private readonly root: SchemaNode;

  constructor(private readonly document: SchemaObject) {
    this.root = this.compile(document, "#");
    this.root.discriminate();
    for (const node of this.nodes) node.seal();
  }

  /** The validator of the schema this package was built with (compiled on first use). */
  static get default(): EventSchemaValidator {
    EventSchemaValidator.embedded ??= new EventSchemaValidator(parseJson(EVENT_SCHEMA_TEXT) as SchemaObject);
    return EventSchemaValidator.embedded;
  }

  /**
   * Every way `instance` breaks the schema, pointers under `pointer` ("" for pointers relative to the event), in the
   * server's order; empty when it is valid. As on the server, an event with an unpaired surrogate anywhere gets only
   * those errors.
   */
  validate(instance: unknown, pointer = ""): PitEventError[] {
    const errors: PitEventError[] = [];
    if (this.textIsConstrained) {
      // No valid event can hold an unpaired surrogate (see textIsConstrained), so the walk for one is needed only
      // when the event is invalid anyway; its errors then replace the schema's, as on the server.
      this.root.validate(instance, new SchemaPath(pointer), errors);
      if (errors.length === 0) return errors;
      const text: PitEventError[] = [];
      return findUnstorableText(instance, pointer, text) ? text : errors;
    }
    if (findUnstorableText(instance, pointer, errors)) return errors;
    this.root.validate(instance, new SchemaPath(pointer), errors);
    return errors;
  }

  /**
   * Whether every string the schema accepts is refused when it holds an unpaired surrogate (an enum, a date-time, or a
   * pattern that refuses one) and every object forbids members it does not name: then a valid event holds no such
   * text, and validation can skip looking for it. True of EVENT_SCHEMA.json; the conformance corpus checks the result.
   */
  private get textIsConstrained(): boolean {
    this.constrained ??= this.nodes.every((node) => node.constrainsText());
    return this.constrained;
  }

  private compile(schema: JsonValue, path: string): SchemaNode {
    if (!isSchemaObject(schema)) throw unsupported(path, "a schema that is not an object");
    const node = new SchemaNode();
    this.nodes.push(node);
    for (const [keyword, value] of Object.entries(schema)) {
      switch (keyword) {
        case "$ref":
          node.reference = this.resolve(text(value, path));
          break;
        case "type":
          node.types = Array.isArray(value) ? value.map((t) => text(t, path)) : [text(value, path)];
          break;
        case "enum":
          node.enumValues = array(value, path).map((v) => {
            if (typeof v !== "string") throw unsupported(path, "enum values other than strings");
            return v;
          });
          break;
        case "required":
          node.required = array(value, path).map((v) => text(v, path));
          break;
        case "properties": {
          if (!isSchemaObject(value)) throw unsupported(path, "properties that are not an object");
          node.properties = new Map(Object.entries(value).map(([name, sub]) => [name, this.compile(sub, `${path}/properties/${name}`)]));
          break;
        }
        case "additionalProperties":
          if (value !== false) throw unsupported(path, "additionalProperties other than false");
          node.additionalPropertiesForbidden = true;
          break;
        case "pattern":
          // ECMA 262 patterns, as JSON Schema specifies; no 'u' flag, so \ud800 escapes match lone code units.
          node.patternText = text(value, path);
          node.pattern = new RegExp(node.patternText);
          break;
        case "minLength":
          node.minLength = Number(value);
          break;
        case "maxLength":
          node.maxLength = Number(value);
          break;
        case "minimum":
          node.minimum = bound(value, path);
          break;
        case "maximum":
          node.maximum = bound(value, path);
          break;
        case "format":
          if (value !== "date-time") throw unsupported(path, `format ${JSON.stringify(value)}`);
          node.dateTime = true;
          break;
        case "oneOf":
          node.oneOf = array(value, path).map((branch, i) => this.compile(branch, `${path}/oneOf/${i}`));
          break;
        default:
          if (!ANNOTATIONS.has(keyword)) throw unsupported(path, `the keyword '${keyword}'`);
      }
    }
    return node;
  }

  private resolve(reference: string): SchemaNode {
    const known = this.byReference.get(reference);
    if (known !== undefined) return known;
    if (!reference.startsWith("#/")) throw unsupported(reference, "references outside the document");
    let target: JsonValue = this.document;
    for (const token of reference.slice(2).split("/")) {
      const name = token.replace(/~1/g, "/").replace(/~0/g, "~");
      if (!isSchemaObject(target) || !Object.prototype.hasOwnProperty.call(target, name))
        throw new Error(`event schema: ${reference} does not resolve`);
      target = target[name]!;
    }
    // The event schema has no recursive references, so compiling on first use terminates.
    const node = this.compile(target, reference);
    this.byReference.set(reference, node);
    return node;
  }
}

function isSchemaObject(value: JsonValue | undefined): value is SchemaObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function text(value: JsonValue | undefined, path: string): string {
  if (typeof value !== "string") throw unsupported(path, "a non-string where a string belongs");
  return value;
}

function array(value: JsonValue | undefined, path: string): JsonValue[] {
  if (!Array.isArray(value)) throw unsupported(path, "a non-array where an array belongs");
  return value;
}

function bound(value: JsonValue | undefined, path: string): number | bigint {
  if (typeof value === "bigint") return value;
  if (typeof value !== "number") throw unsupported(path, "a bound that is not a number");
  return Number.isInteger(value) ? BigInt(value) : value;
}

function unsupported(where: string, what: string): Error {
  return new Error(`event schema: ${where} uses ${what}, which the SDK's validator does not implement`);
}
