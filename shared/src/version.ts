/**
 * The version of the browser client built from this tree. The server refuses
 * clients older than its minimum and offers an update to those older than its
 * current version (the regulators' letter asks services to prompt updates).
 */
export const clientVersion = '0.3.0';

/** Compares dotted numeric versions: negative when a < b, 0 when equal, positive when a > b. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

export const VersionSchemaSource = /^\d{1,4}\.\d{1,4}\.\d{1,4}$/;
