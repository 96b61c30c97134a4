import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { quickstart } from "../quickstart.js";
import { skipWithoutHost, theHost } from "../support/host.js";
import { packageRoot } from "../support/repository.js";

describe("the README quickstart", () => {
  it("runs as written against the local host", { skip: skipWithoutHost }, async () => {
    const { url, apiKey } = theHost();
    assert.equal(await quickstart(url, apiKey), "accepted");
  });

  it("is quoted exactly in the README", () => {
    const source = readFileSync(join(packageRoot(), "test", "quickstart.ts"), "utf8");
    const begin = source.indexOf("// quickstart:begin");
    const end = source.indexOf("  // quickstart:end");
    const snippet = source
      .slice(source.indexOf("\n", begin) + 1, end)
      .split("\n")
      .map((line) => line.slice(2))
      .join("\n")
      .trimEnd();
    const readme = readFileSync(join(packageRoot(), "README.md"), "utf8").replace(/\r\n/g, "\n");
    assert.ok(readme.includes(snippet), `README.md does not quote test/quickstart.ts exactly; it should hold:\n${snippet}`);
  });
});
