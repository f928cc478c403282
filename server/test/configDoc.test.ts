// The README's configuration table and the variables the server reads are the
// same list: a new variable is documented, a removed one is not left behind.
// The compose stack sets or passes on each of them, so an operator's .env
// reaches the server.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { configVariables } from '../src/config/index.js';

const read = (path: string) => readFileSync(fileURLToPath(new URL(`../../${path}`, import.meta.url)), 'utf8');
const readme = read('README.md');

/** Read but deliberately not in the table: refused with a message naming their replacement, or test-only. */
const notInTable = new Set([
  'PARLEY_SECURE_COOKIES',
  'PARLEY_TURN_USERNAME',
  'PARLEY_TURN_CREDENTIAL',
  'PARLEY_TEST_MEDIA_TAP',
]);

describe("the README's configuration table", () => {
  const rows = readme
    .split('\n')
    .filter((line) => line.startsWith('| `PARLEY_'))
    .flatMap((line) => [...(line.split('|')[1] ?? '').matchAll(/`(PARLEY_[A-Z_]+)`/g)].map((m) => m[1]));

  it('lists every variable the server reads', () => {
    expect(configVariables.filter((name) => !notInTable.has(name) && !rows.includes(name))).toEqual([]);
  });

  it('lists no variable the server does not read', () => {
    expect(rows.filter((name) => !configVariables.includes(name ?? ''))).toEqual([]);
  });

  it('names the refused variables and what replaced them', () => {
    for (const name of ['PARLEY_SECURE_COOKIES', 'PARLEY_TURN_USERNAME']) expect(readme).toContain(name);
  });
});

/** Fixed by the image itself (Dockerfile `ENV`), not by the operator. */
const setByImage = ['PARLEY_HOST', 'PARLEY_PORT', 'PARLEY_DATA_DIR', 'PARLEY_RTC_LISTEN_IP'];
/** Not for a deployment: the test build's client, the RTC address the stack derives from PARLEY_PUBLIC_IP. */
const notForCompose = new Set([...notInTable, 'PARLEY_CLIENT_DIR']);

describe('the compose stack', () => {
  const compose = read('docker-compose.yml');
  const dockerfile = read('Dockerfile');

  it('sets or passes on every variable the server reads, so .env reaches it', () => {
    const missing = configVariables.filter(
      (name) => !notForCompose.has(name) && !new RegExp(`^ {6}${name}:`, 'm').test(compose),
    );
    expect(missing.filter((name) => !setByImage.includes(name))).toEqual([]);
    for (const name of setByImage) expect(dockerfile).toMatch(new RegExp(`\\b${name}=`));
  });
});
