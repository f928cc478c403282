// @ts-check
// Redis for the coordination tests (several nodes): Debian's server. The
// tests start their own instances on loopback ports and stop them; nothing is
// started here.
import { spawnSync } from 'node:child_process';
import { ensureDebianPackages } from './debian.mjs';

export async function ensureRedis() {
  const installed = ensureDebianPackages(['redis-server'], 'The Redis coordination tests');
  const version = spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout.match(/v=(\S+)/)?.[1];
  return `${installed.length > 0 ? 'installed' : 'present'} (redis-server ${version ?? 'of unknown version'})`;
}
