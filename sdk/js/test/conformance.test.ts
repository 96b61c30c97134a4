import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parseJson } from "../src/json.js";
import { EventSchemaValidator } from "../src/schema/event-schema-validator.js";
import { repositoryRoot } from "./support/repository.js";

interface Corpus {
  about: string;
  pointer_prefix: string;
  cases: { name: string; json: string; errors: { code: string; pointer: string; message: string }[] }[];
}

const corpus = JSON.parse(readFileSync(join(repositoryRoot(), "sdk", "conformance", "event-validation.json"), "utf8")) as Corpus;

describe("the conformance corpus (sdk/conformance/event-validation.json)", () => {
  it("holds cases, valid and invalid", () => {
    assert.ok(corpus.cases.length > 100);
    assert.ok(corpus.cases.some((c) => c.errors.length === 0));
  });

  it("every case gets exactly the server's codes, pointers and messages, in order", () => {
    const validator = EventSchemaValidator.default;
    const wrong: string[] = [];
    for (const c of corpus.cases) {
      // parseJson keeps integers beyond 2^53 - 1 as bigints, which JSON.parse would round.
      const actual = validator
        .validate(parseJson(c.json), corpus.pointer_prefix)
        .map((e) => ({ code: e.code, pointer: e.pointer, message: e.message }));
      try {
        assert.deepEqual(actual, c.errors);
      } catch {
        wrong.push(
          `${c.name}\n  json:     ${c.json.slice(0, 200)}\n  expected: ${JSON.stringify(c.errors)}\n  actual:   ${JSON.stringify(actual)}`,
        );
      }
    }
    assert.equal(wrong.length, 0, `${wrong.length} of ${corpus.cases.length} cases differ:\n${wrong.join("\n")}`);
  });
});
