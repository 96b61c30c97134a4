/** SemVer precedence of the core version and a pre-release tag, enough to compare against `min_supported_sdk`. */
export function isVersionBelow(version: string, minimum: string): boolean {
  const min = parse(minimum);
  const ours = parse(version);
  if (min === undefined || ours === undefined) return false; // an unreadable minimum is ignored
  for (let i = 0; i < 3; i++) {
    if (ours.core[i] !== min.core[i]) return ours.core[i]! < min.core[i]!;
  }
  // Same core: a pre-release precedes the release; two pre-releases compare by their tags.
  if (ours.pre === undefined) return false;
  return min.pre === undefined || ours.pre < min.pre;
}

function parse(text: string): { core: number[]; pre: string | undefined } | undefined {
  const m = /^\s*(\d+)\.(\d+)(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?\s*$/.exec(text);
  if (m === null) return undefined;
  return { core: [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)], pre: m[4] };
}
