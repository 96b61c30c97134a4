// The package holds only the build, the README, the CHANGELOG and package.json: no tests, sources, maps or settings.
// Run by ./pit (js_sdk_checks); test/package.test.ts checks the same.
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const output = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: root, encoding: "utf8" });
const files = JSON.parse(output)[0].files.map((f) => f.path);
const allowed = (path) => /^dist\/.+\.(js|d\.ts)$/.test(path) || ["README.md", "CHANGELOG.md", "package.json"].includes(path);
const unexpected = files.filter((path) => !allowed(path));
const missing = ["dist/index.js", "dist/index.d.ts", "dist/schema/event-schema.generated.js", "README.md", "CHANGELOG.md"].filter(
  (f) => !files.includes(f),
);
if (unexpected.length > 0 || missing.length > 0) {
  console.error(`npm pack of sdk/js: unexpected ${JSON.stringify(unexpected)}, missing ${JSON.stringify(missing)}`);
  process.exit(1);
}
console.log(`npm pack of sdk/js: ${files.length} files, only dist/*.js, dist/*.d.ts, README.md, CHANGELOG.md and package.json`);
