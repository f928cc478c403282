// @ts-check
// Puts a working mediasoup-worker binary where mediasoup looks for it.
//
// Order: the binary already in node_modules → the cache outside the repository
// → mediasoup's own prebuilt download → our offline build from Debian packages
// (scripts/mediasoup-worker). The cache is keyed by mediasoup's version and a
// hash of the build scripts, so `npm ci` or a fresh clone costs seconds.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { ensureDebianPackages, parsePackageList } from './debian.mjs';
import { cacheRoot, repoRoot } from './paths.mjs';
import { run } from './run.mjs';

const mediasoupDir = join(repoRoot, 'node_modules', 'mediasoup');
const installedBinary = join(mediasoupDir, 'worker', 'out', 'Release', 'mediasoup-worker');
const buildScriptsDir = join(repoRoot, 'scripts', 'mediasoup-worker');
const debianPackages = parsePackageList(readFileSync(join(buildScriptsDir, 'debian-packages.txt'), 'utf8'));

/** mediasoup's worker exits with 41 when started without its environment: it runs on this host. */
/** @param {string} binary */
function runsHere(binary) {
  if (!existsSync(binary)) return false;
  return spawnSync(binary, [], { env: {}, stdio: 'ignore' }).status === 41;
}

function cacheKey() {
  const version = JSON.parse(readFileSync(join(mediasoupDir, 'package.json'), 'utf8')).version;
  const hash = createHash('sha256');
  // Paths relative to the scripts folder: the key must not depend on where the clone is.
  for (const file of listFiles(buildScriptsDir))
    hash.update(relative(buildScriptsDir, file)).update(readFileSync(file));
  return `${version}-${hash.digest('hex').slice(0, 12)}`;
}

/** @param {string} dir @returns {string[]} */
function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => (entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)]));
}

/** @param {string} from @param {string} to */
function install(from, to) {
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, `${to}.tmp`);
  renameSync(`${to}.tmp`, to);
}

function tryPrebuiltDownload() {
  // mediasoup's own postinstall, with its source-build fallback made to fail
  // at once (PYTHON=false): that fallback downloads too, and we have our own.
  const env = { ...process.env, PYTHON: 'false' };
  delete env.MEDIASOUP_WORKER_BIN;
  spawnSync('node', ['npm-scripts.mjs', 'postinstall'], { cwd: mediasoupDir, env, stdio: 'ignore', timeout: 180_000 });
  return runsHere(installedBinary);
}

export async function ensureMediasoupWorker() {
  if (!existsSync(mediasoupDir)) throw new Error('node_modules/mediasoup is missing: the npm step did not run');
  if (runsHere(installedBinary)) return 'present';

  const cached = join(cacheRoot, 'mediasoup-worker', cacheKey(), 'mediasoup-worker');
  if (existsSync(cached)) {
    // An offline-built binary links Debian's libraries; a new host may lack them.
    if (!runsHere(cached)) ensureDebianPackages(debianPackages, 'The cached mediasoup worker');
    if (runsHere(cached)) {
      install(cached, installedBinary);
      return `from cache (${cached})`;
    }
  }

  if (tryPrebuiltDownload()) {
    install(installedBinary, cached);
    return 'downloaded mediasoup prebuilt';
  }

  process.stdout.write('[setup] no prebuilt worker reachable: building it offline from Debian packages (~5 min)\n');
  ensureDebianPackages(debianPackages, 'Building the mediasoup worker offline');
  run('bash', [join(buildScriptsDir, 'build-offline.sh'), mediasoupDir, cached, join(cacheRoot, 'build-tools')], {
    what: 'the offline mediasoup worker build',
  });
  if (!runsHere(cached)) throw new Error(`the worker built at ${cached} does not run on this host`);
  install(cached, installedBinary);
  return `built offline (${cached})`;
}
