// scripts/deploy/init-env.sh: the deployment's .env, with random secrets,
// readable by its owner only, never overwritten, and nothing written on a typo.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./init-env.sh', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'parley-init-env-'));
const run = (...args: string[]) => spawnSync('sh', [script, ...args], { encoding: 'utf8' });
const values = (file: string) =>
  Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );

describe('init-env.sh', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the choices and fresh random secrets, readable by the owner only', () => {
    const [a, b] = [join(dir, 'a.env'), join(dir, 'b.env')];
    for (const out of [a, b])
      execFileSync('sh', [script, '--domain', 'calls.example.org', '--public-ip', '203.0.113.7', `--out=${out}`]);
    const first = values(a);
    expect(first).toMatchObject({
      PARLEY_DOMAIN: 'calls.example.org',
      PARLEY_PUBLIC_IP: '203.0.113.7',
      PARLEY_TLS: 'internal',
      PARLEY_BIND_IP: '0.0.0.0',
    });
    expect(first.POSTGRES_PASSWORD).toMatch(/^[A-Za-z0-9_-]{32}$/); // 24 random bytes
    expect(first.PARLEY_TURN_SECRET).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes
    expect(values(b).PARLEY_TURN_SECRET).not.toBe(first.PARLEY_TURN_SECRET);
    expect(statSync(a).mode & 0o777).toBe(0o600);
  });

  it('keeps an existing file as it is', () => {
    const out = join(dir, 'kept.env');
    writeFileSync(out, 'POSTGRES_PASSWORD=set-at-first-start\n');
    const again = run('--domain=calls.example.org', '--public-ip=203.0.113.7', `--out=${out}`);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('kept as it is');
    expect(readFileSync(out, 'utf8')).toBe('POSTGRES_PASSWORD=set-at-first-start\n');
  });

  it('writes nothing when a choice is wrong, naming each problem', () => {
    const out = join(dir, 'wrong.env');
    const wrong = run('--domain=localhost', '--public-ip=127.0.0.1', '--tls=yes please', `--out=${out}`);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain('--domain must be');
    expect(wrong.stderr).toContain('loopback');
    expect(wrong.stderr).toContain('--tls must be');
    expect(spawnSync('test', ['-e', out]).status).toBe(1);
    expect(run('--public-ip=203.0.113.256', '--domain=a.example', `--out=${out}`).stderr).toContain(
      '--public-ip must be',
    );
  });
});
