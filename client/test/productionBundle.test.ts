// The production build (client/dist, what `npm start` serves) contains none
// of the test hooks; the test build (client/dist-testing, what browser tests
// serve) does, which shows these markers are the right ones to look for.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const client = fileURLToPath(new URL('..', import.meta.url));

/** Strings that exist only in test-only code: window hooks, the E2EE switch, the worker's test messages. */
const markers = [
  'parley.testing.keepKeysAfterCall',
  'parleyE2ee',
  'parleyDiagnostics',
  'parley.testing.e2ee',
  'parley.testing.camera',
  'parley.testing.iceTransportPolicy',
  'scrambleKeys',
  'passThrough',
  'probeResult',
  'frameTimingsResult',
  'parleyChat',
  'openWithKeptKeys',
];

function bundleText(dir: string): string {
  const assets = join(client, dir, 'assets');
  return readdirSync(assets)
    .filter((name) => name.endsWith('.js'))
    .map((name) => readFileSync(join(assets, name), 'utf8'))
    .join('\n');
}

describe('the production bundle', () => {
  it('contains no test hook, E2EE switch or test-only worker message', () => {
    const production = bundleText('dist');
    expect(markers.filter((marker) => production.includes(marker))).toEqual([]);
  });

  it('(the test build does contain them, so the check above looks for the right strings)', () => {
    const testing = bundleText('dist-testing');
    expect(markers.filter((marker) => !testing.includes(marker))).toEqual([]);
  });
});
