// @ts-check
// Writes the deployment's .env on first run: the operator's choices (domain,
// public address, TLS) and random secrets (PostgreSQL password, the TURN
// secret Parley shares with coturn). An existing file is kept as it is: the
// database password is fixed when PostgreSQL first starts, and a new TURN
// secret would need both containers restarted together.
//
//   node scripts/deploy/init-env.mjs --domain calls.example.org --public-ip 203.0.113.7
//        [--tls internal | --tls you@example.org] [--bind-ip ADDRESS] [--out PATH]
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { checkEnvChoices } from './envChoices.mjs';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** @param {string} message */
function fail(message) {
  console.error(`init-env: ${message}`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    options: {
      domain: { type: 'string' },
      'public-ip': { type: 'string' },
      tls: { type: 'string', default: 'internal' },
      'bind-ip': { type: 'string', default: '0.0.0.0' },
      'docker-net': { type: 'string', default: '172.30.213' },
      out: { type: 'string', default: resolve(repoRoot, '.env') },
    },
  });
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
const options = parsed.values;
const out = resolve(String(options.out));

if (existsSync(out)) {
  console.log(`init-env: ${out} exists and is kept as it is (delete it only before the first start).`);
  process.exit(0);
}

const problems = checkEnvChoices({
  domain: options.domain,
  publicIp: options['public-ip'],
  tls: options.tls,
  bindIp: options['bind-ip'],
  dockerNet: options['docker-net'],
});
if (problems.length > 0) fail(problems.join('\n  '));
if (!isIPv4(String(options['public-ip']))) fail('--public-ip must be an IPv4 address');

/** URL- and shell-safe random text. */
const secret = (bytes = 32) => randomBytes(bytes).toString('base64url');

const lines = [
  '# Parley deployment settings (docs/deploy.md). Made by scripts/deploy/init-env.mjs.',
  '# Keep this file private: it holds the database password and the TURN secret.',
  'COMPOSE_PROJECT_NAME=parley',
  '',
  '# The name people type, and the TLS certificate: "internal" (Caddy\'s own CA, for a',
  "# LAN name; browsers must trust its root) or an e-mail address for Let's Encrypt.",
  `PARLEY_DOMAIN=${options.domain}`,
  `PARLEY_TLS=${options.tls}`,
  '',
  "# The address browsers send media and TURN traffic to (this server's public IPv4),",
  '# and the host address the ports are published on (0.0.0.0: all).',
  `PARLEY_PUBLIC_IP=${options['public-ip']}`,
  `PARLEY_BIND_IP=${options['bind-ip']}`,
  '',
  '# UDP port ranges to open in the firewall: media (two ports per person in a call)',
  '# and TURN relays.',
  'PARLEY_RTC_MIN_PORT=40000',
  'PARLEY_RTC_MAX_PORT=40099',
  'PARLEY_TURN_MIN_PORT=49160',
  'PARLEY_TURN_MAX_PORT=49259',
  '',
  "# The containers' private network (a /24, written as its first three numbers).",
  `PARLEY_DOCKER_NET=${options['docker-net']}`,
  '',
  '# Secrets, made at random on first run.',
  `POSTGRES_PASSWORD=${secret(24)}`,
  `PARLEY_TURN_SECRET=${secret(32)}`,
  '',
];
writeFileSync(out, lines.join('\n'), { mode: 0o600, flag: 'wx' });
console.log(`init-env: wrote ${out} (mode 0600) with new random secrets.`);
