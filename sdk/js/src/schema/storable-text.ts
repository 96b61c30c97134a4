import type { PitEventError } from "../results.js";

/**
 * The server's StorableText for JavaScript values: finds the strings (values and member names) that hold an unpaired
 * UTF-16 surrogate, which is not text (JSON.stringify writes it as a lone \ud8xx escape and the server refuses it),
 * with the server's pointers and messages. Bytes that are not UTF-8, the server's other case, cannot occur in a
 * JavaScript string.
 */

const UNPAIRED = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

type WellFormed = { isWellFormed?: () => boolean };

/** Whether the string holds no unpaired surrogate (String.prototype.isWellFormed where the runtime has it). */
export function isWellFormed(text: string): boolean {
  return typeof (text as WellFormed).isWellFormed === "function"
    ? (text as unknown as { isWellFormed: () => boolean }).isWellFormed()
    : !UNPAIRED.test(text);
}

const MESSAGE = "holds an unpaired UTF-16 surrogate, which is not text";

/** Adds an error for every such string; true when there was one. */
export function findUnstorableText(value: unknown, pointer: string, errors: PitEventError[]): boolean {
  const path: (string | number)[] = [];
  const before = errors.length;
  const add = (isName: boolean): void => {
    let name: string | undefined;
    for (let i = path.length - 1; i >= 0 && name === undefined; i--) {
      const token = path[i];
      if (typeof token === "string") name = token;
    }
    const where =
      pointer + path.map((t) => "/" + (typeof t === "number" ? String(t) : t.replace(/~/g, "~0").replace(/\//g, "~1"))).join("");
    const subject = isName ? "a member name" : name === undefined ? "the value" : `'${name}'`;
    errors.push({ code: "ERR_VALIDATION", message: `${subject} ${MESSAGE}`, pointer: where });
  };
  const walk = (item: unknown): void => {
    if (typeof item === "string") {
      if (!isWellFormed(item)) add(false);
    } else if (Array.isArray(item)) {
      for (let i = 0; i < item.length; i++) {
        path.push(i);
        walk(item[i]);
        path.pop();
      }
    } else if (typeof item === "object" && item !== null) {
      const names = Object.keys(item);
      for (let i = 0; i < names.length; i++) {
        const name = names[i]!;
        const member = (item as Record<string, unknown>)[name];
        if (member === undefined) continue;
        path.push(name);
        if (!isWellFormed(name)) add(true);
        walk(member);
        path.pop();
      }
    }
  };
  walk(value);
  return errors.length > before;
}
