// Copies docs/EVENT_SCHEMA.json, the one the server embeds, into src/schema/event-schema.generated.ts (untracked), so
// the package validates against exactly the schema of the commit it was built from. Run by `npm run build`.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, "..", "..", "..", "docs", "EVENT_SCHEMA.json");
const target = join(here, "..", "src", "schema", "event-schema.generated.ts");
const text = readFileSync(source, "utf8");
JSON.parse(text); // fail the build on a broken schema rather than at the first event
const module = `// Generated from docs/EVENT_SCHEMA.json by scripts/generate-schema.mjs; not committed, do not edit.
/** The text of docs/EVENT_SCHEMA.json this package was built with. */
export const EVENT_SCHEMA_TEXT = ${JSON.stringify(text)};
`;
mkdirSync(dirname(target), { recursive: true });
let current;
try {
  current = readFileSync(target, "utf8");
} catch {
  current = undefined;
}
// Unchanged text keeps its timestamp, so tsc's incremental checks and make-style staleness tests stay quiet.
if (current !== module) writeFileSync(target, module);
