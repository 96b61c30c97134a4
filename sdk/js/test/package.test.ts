import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { SDK_VERSION, uuid7 } from "../src/index.js";
import { packageRoot } from "./support/repository.js";

interface PackageJson {
  version: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const manifest = JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as PackageJson;

describe("the package", () => {
  it("has no runtime dependency", () => {
    assert.deepEqual(manifest.dependencies ?? {}, {});
    assert.deepEqual(manifest.peerDependencies ?? {}, {});
  });

  it("announces the version package.json gives", () => {
    assert.equal(SDK_VERSION, manifest.version);
  });

  it("packs only the build, the README, the CHANGELOG and package.json", () => {
    const output = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: packageRoot(), encoding: "utf8" });
    const files = (JSON.parse(output) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    const unexpected = files.filter(
      (f) => !(/^dist\/.+\.(js|d\.ts)$/.test(f) || ["README.md", "CHANGELOG.md", "package.json"].includes(f)),
    );
    assert.deepEqual(unexpected, []);
    for (const needed of ["dist/index.js", "dist/index.d.ts", "dist/schema/event-schema.generated.js", "README.md", "CHANGELOG.md"])
      assert.ok(files.includes(needed), `${needed} is missing`);
  });
});

describe("uuid7", () => {
  it("makes version 7, variant 1 ids in time order", () => {
    const ids = Array.from({ length: 1000 }, () => uuid7());
    for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(new Set(ids).size, ids.length);
    const first = ids[0]!.replace(/-/g, "").slice(0, 12);
    assert.ok(Math.abs(parseInt(first, 16) - Date.now()) < 5000);
  });
});
