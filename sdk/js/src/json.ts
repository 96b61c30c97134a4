/**
 * JSON text <-> values where integers beyond Number.MAX_SAFE_INTEGER survive: JSON.parse would round
 * 9223372036854775807 to 9223372036854775808, and JSON.stringify throws on a bigint.
 */

/** A JSON value as the SDK reads and writes it: integers beyond 2^53 - 1 are bigints. */
export type JsonValue = null | boolean | number | bigint | string | JsonValue[] | { [member: string]: JsonValue };

/**
 * A number literal no JavaScript number can hold (1e400 overflows to Infinity), kept as its text so that validation
 * reports it as the server does. Only {@link parseJson} makes these; application events never hold one.
 */
export class JsonNumberLiteral {
  constructor(readonly text: string) {}

  toJSON(): never {
    throw new TypeError(`the number ${this.text} cannot be written as a JavaScript number`);
  }
}

/**
 * Parses JSON text; an integer literal outside the safe range becomes a bigint, a literal beyond a double's range a
 * {@link JsonNumberLiteral}, every other number a number.
 */
export function parseJson(text: string): JsonValue | JsonNumberLiteral {
  const parser = new Parser(text);
  parser.space();
  const value = parser.value();
  parser.space();
  if (parser.at < text.length) parser.fail("unexpected text after the value");
  return value;
}

/** JSON text of a value that may hold bigints (written as integer literals). Members that are undefined are left out, as JSON.stringify does. */
export function stringifyJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (e) {
    // Only a bigint makes JSON.stringify throw on event data; the slower writer below handles it.
    if (!(e instanceof TypeError)) throw e;
    return write(value);
  }
}

function write(value: unknown): string {
  switch (typeof value) {
    case "bigint":
      return value.toString();
    case "string":
    case "number":
    case "boolean":
      return JSON.stringify(value);
    case "object": {
      if (value === null) return "null";
      if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? "null" : write(item))).join(",")}]`;
      if (typeof (value as { toJSON?: unknown }).toJSON === "function") return write((value as { toJSON: () => unknown }).toJSON());
      const members: string[] = [];
      for (const [name, member] of Object.entries(value)) {
        if (member === undefined || typeof member === "function" || typeof member === "symbol") continue;
        members.push(`${JSON.stringify(name)}:${write(member)}`);
      }
      return `{${members.join(",")}}`;
    }
    default:
      return "null";
  }
}

class Parser {
  at = 0;

  constructor(private readonly text: string) {}

  fail(what: string): never {
    throw new SyntaxError(`JSON: ${what} at position ${this.at}`);
  }

  space(): void {
    const text = this.text;
    while (this.at < text.length) {
      const c = text.charCodeAt(this.at);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      this.at++;
    }
  }

  value(): JsonValue {
    const c = this.text[this.at];
    switch (c) {
      case "{":
        return this.object();
      case "[":
        return this.array();
      case '"':
        return this.string();
      case "t":
        return this.literal("true", true);
      case "f":
        return this.literal("false", false);
      case "n":
        return this.literal("null", null);
      default:
        if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) return this.number();
        return this.fail("a value was expected");
    }
  }

  private literal<T extends JsonValue>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.at)) this.fail(`'${word}' was expected`);
    this.at += word.length;
    return value;
  }

  private object(): { [member: string]: JsonValue } {
    const result: { [member: string]: JsonValue } = {};
    this.at++;
    this.space();
    if (this.text[this.at] === "}") {
      this.at++;
      return result;
    }
    for (;;) {
      this.space();
      if (this.text[this.at] !== '"') this.fail("a member name was expected");
      const name = this.string();
      this.space();
      if (this.text[this.at] !== ":") this.fail("':' was expected");
      this.at++;
      this.space();
      // defineProperty, so a member named __proto__ is data rather than the prototype.
      Object.defineProperty(result, name, { value: this.value(), enumerable: true, writable: true, configurable: true });
      this.space();
      const next = this.text[this.at++];
      if (next === "}") return result;
      if (next !== ",") this.fail("',' or '}' was expected");
    }
  }

  private array(): JsonValue[] {
    const result: JsonValue[] = [];
    this.at++;
    this.space();
    if (this.text[this.at] === "]") {
      this.at++;
      return result;
    }
    for (;;) {
      this.space();
      result.push(this.value());
      this.space();
      const next = this.text[this.at++];
      if (next === "]") return result;
      if (next !== ",") this.fail("',' or ']' was expected");
    }
  }

  private string(): string {
    const text = this.text;
    const start = ++this.at;
    // The common case: no escape, so the text between the quotes is the string.
    let end = start;
    while (end < text.length) {
      const c = text.charCodeAt(end);
      if (c === 0x22 || c === 0x5c || c < 0x20) break;
      end++;
    }
    if (text.charCodeAt(end) === 0x22) {
      this.at = end + 1;
      return text.slice(start, end);
    }
    let result = text.slice(start, end);
    this.at = end;
    for (;;) {
      if (this.at >= text.length) this.fail("unterminated string");
      const c = text.charCodeAt(this.at);
      if (c === 0x22) {
        this.at++;
        return result;
      }
      if (c < 0x20) this.fail("a control character in a string");
      if (c !== 0x5c) {
        result += text.charAt(this.at++);
        continue;
      }
      const escaped = text[this.at + 1];
      this.at += 2;
      switch (escaped) {
        case '"':
        case "\\":
        case "/":
          result += escaped;
          break;
        case "b":
          result += "\b";
          break;
        case "f":
          result += "\f";
          break;
        case "n":
          result += "\n";
          break;
        case "r":
          result += "\r";
          break;
        case "t":
          result += "\t";
          break;
        case "u": {
          const hex = text.slice(this.at, this.at + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail("a bad \\u escape");
          // Kept as is even when it is half of a surrogate pair, so validation can report unpaired ones.
          result += String.fromCharCode(parseInt(hex, 16));
          this.at += 4;
          break;
        }
        default:
          this.fail("a bad escape");
      }
    }
  }

  private number(): number | bigint {
    const match = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.at, this.at + 1100));
    if (match === null) return this.fail("a bad number");
    const literal = match[0];
    this.at += literal.length;
    if (match[1] === undefined && match[2] === undefined) {
      const value = Number(literal);
      return Number.isSafeInteger(value) ? value : BigInt(literal);
    }
    const value = Number(literal);
    // Typed as a JsonValue: the literal is an exception only validation sees, and it never reaches the wire.
    return Number.isFinite(value) ? value : (new JsonNumberLiteral(literal) as unknown as number);
  }
}
