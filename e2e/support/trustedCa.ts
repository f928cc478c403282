// A certificate authority the test browsers trust, the way a person's browser
// would after they installed it: in an NSS certificate database (Chromium's
// per-user one under $HOME/.pki/nssdb, Firefox's in its profile). The chain is
// then really validated; nothing is made to ignore certificate errors.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

/** Creates (if needed) an NSS database in `dir` trusting `caFile` (PEM) to identify web sites. */
export function trustCaIn(dir: string, caFile: string): void {
  mkdirSync(dir, { recursive: true });
  const db = `sql:${dir}`;
  execFileSync('certutil', ['-N', '-d', db, '--empty-password'], { stdio: 'ignore' });
  execFileSync('certutil', ['-A', '-d', db, '-n', 'parley-test-ca', '-t', 'C,,', '-i', caFile], { stdio: 'pipe' });
}
