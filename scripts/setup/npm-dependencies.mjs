// @ts-check
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.mjs';
import { run } from './run.mjs';

const stampPath = join(repoRoot, 'node_modules', '.parley-installed');

/** Installs npm dependencies when node_modules is missing or package-lock.json changed. */
export async function ensureNpmDependencies() {
  const lock = readFileSync(join(repoRoot, 'package-lock.json'));
  const wanted = createHash('sha256').update(lock).update(process.version).digest('hex');
  if (existsSync(stampPath) && readFileSync(stampPath, 'utf8') === wanted) return 'up to date';

  run('npm', ['ci', '--no-audit', '--no-fund'], {
    what: 'npm ci',
    cwd: repoRoot,
    // mediasoup's postinstall would download a worker or build it with
    // downloads of its own; ensureMediasoupWorker does that job instead.
    // (npm 11 also skips it through "allowScripts" in package.json.)
    env: { ...process.env, MEDIASOUP_WORKER_BIN: 'installed-by-parley-setup' },
  });
  // npm 10 can exit 0 after failing ("Exit handler never called!", on network
  // errors): the lock file it writes last says whether it really installed.
  if (!existsSync(join(repoRoot, 'node_modules', '.package-lock.json')))
    throw new Error('npm ci exited without installing the dependencies (see its messages above)');
  writeFileSync(stampPath, wanted);
  return 'installed';
}
