// @ts-check
import { spawnSync } from 'node:child_process';
import { run } from './run.mjs';

let aptListsFresh = false;

/** @param {string} name */
function isInstalled(name) {
  const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.includes('install ok installed');
}

/**
 * Installs the Debian packages that are missing, as root; otherwise throws an
 * error naming them and the command that installs them.
 * @param {string[]} names
 * @param {string} why
 * @returns {string[]} the packages it installed
 */
export function ensureDebianPackages(names, why) {
  const missing = names.filter((name) => !isInstalled(name));
  if (missing.length === 0) return [];
  if (process.getuid?.() !== 0) {
    throw new Error(
      `${why} needs these Debian packages, which are not installed: ${missing.join(' ')}\n` +
        `Install them as root, then run this command again:\n` +
        `  sudo apt-get install -y --no-install-recommends ${missing.join(' ')}`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptListsFresh) {
    run('apt-get', ['update', '-qq'], { what: 'apt-get update', env, quiet: true });
    aptListsFresh = true;
  }
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
    what: `apt-get install ${missing.join(' ')}`,
    env,
    quiet: true,
  });
  return missing;
}

/** Package names from a list file: one a line, `#` starts a comment. */
/** @param {string} text */
export function parsePackageList(text) {
  return text
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((line) => line.length > 0);
}
