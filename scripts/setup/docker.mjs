// @ts-check
// Docker for the deploy test (e2e/deploy): Debian's docker.io and
// docker-compose, debootstrap for the air-gapped base images, and certutil
// (libnss3-tools) for the test browsers' certificate store. As root it
// installs what is missing and starts dockerd when no daemon answers; without
// root it says so, and the deploy test says it is skipped.
import { spawn, spawnSync } from 'node:child_process';
import { openSync } from 'node:fs';
import { ensureDebianPackages } from './debian.mjs';

export const dockerPackages = ['docker.io', 'docker-compose', 'debootstrap', 'libnss3-tools'];
const daemonLog = '/var/log/parley-dockerd.log';

function daemonAnswers() {
  return (
    spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'ignore', timeout: 20_000 }).status === 0
  );
}

export async function ensureDocker() {
  if (process.getuid?.() !== 0) {
    return 'skipped: not root, so Docker cannot be installed or started; the deploy test (e2e/deploy) will be skipped';
  }
  const installed = ensureDebianPackages(dockerPackages, 'The deploy test');
  const what = installed.length > 0 ? `installed ${installed.join(', ')}; ` : '';
  if (daemonAnswers()) return `${what}dockerd running`;
  // No init system starts it on this kind of machine: start it ourselves, detached, logging to a file.
  const log = openSync(daemonLog, 'a');
  spawn('dockerd', [], { detached: true, stdio: ['ignore', log, log] }).unref();
  for (let waited = 0; waited < 60; waited++) {
    if (daemonAnswers()) return `${what}started dockerd (log: ${daemonLog})`;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(`dockerd did not answer within 60 s of starting; see ${daemonLog}`);
}
