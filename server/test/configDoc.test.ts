// The README's configuration table and the variables the server reads are the
// same list: a new variable is documented, a removed one is not left behind.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { configVariables } from '../src/config/index.js';

const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');

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
