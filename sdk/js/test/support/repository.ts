import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (the folder with PitPlatform.sln), found upwards from the compiled test. */
export function repositoryRoot(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(directory, "PitPlatform.sln"))) {
    const parent = dirname(directory);
    if (parent === directory) throw new Error("PitPlatform.sln not found above the tests");
    directory = parent;
  }
  return directory;
}

/** sdk/js inside the repository. */
export function packageRoot(): string {
  return join(repositoryRoot(), "sdk", "js");
}
