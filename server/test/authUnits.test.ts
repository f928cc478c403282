// The auth building blocks on their own: argon2 parameters, TOTP replay,
// recovery codes, throttling, the server key file.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'otplib';
import { describe, expect, it } from 'vitest';
import { BusyError } from '../src/auth/errors.js';
import { argon2Parameters, HashQueue, hashPassword, verifyPassword } from '../src/auth/password.js';
import { findRecoveryCode, hashRecoveryCode, newRecoveryCodes } from '../src/auth/recoveryCodes.js';
import { loadServerKey, ServerKeyError } from '../src/auth/serverKey.js';
import { Reservation, Throttle, ThrottledError } from '../src/auth/throttle.js';
import { acceptTotp, newTotpSecret } from '../src/auth/totp.js';
import argon2 from 'argon2';
import { checkPassword, passwordRules } from '@parley/shared/password-policy';
import { longPasswordPairs } from './support/longPasswords.js';
import { loadServerKeyUnprivileged } from './support/unprivileged.js';

describe('argon2id', () => {
  it('uses at least OWASP’s parameters (m = 19 MiB, t = 2, p = 1) and encodes them in the hash', async () => {
    expect(argon2Parameters.type).toBe(argon2.argon2id);
    expect(argon2Parameters.memoryCost).toBeGreaterThanOrEqual(19 * 1024);
    expect(argon2Parameters.timeCost).toBeGreaterThanOrEqual(2);
    const hash = await hashPassword('violet tractor whispers', 'login');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect((await verifyPassword(hash, 'violet tractor whispers')).valid).toBe(true);
    expect((await verifyPassword(hash, 'violet tractor whisper')).valid).toBe(false);
  });

  it.each(longPasswordPairs)(
    'hashes the whole of the longest passwords allowed ($name): one differing only at its end is refused',
    async ({ right, nearlyRight }) => {
      expect(checkPassword(right, 'alice').ok).toBe(true);
      expect([...right].length).toBe(passwordRules.maxLength);
      const hash = await hashPassword(right, 'login');
      expect((await verifyPassword(hash, right)).valid).toBe(true);
      expect((await verifyPassword(hash, nearlyRight)).valid).toBe(false);
    },
  );

  it('verifies NFKC-equivalent spellings alike', async () => {
    const hash = await hashPassword('café au lait pour deux', 'login');
    expect((await verifyPassword(hash, 'cafe\u0301 au lait pour deux')).valid).toBe(true);
  });

  it('offers a fresh hash when the stored one used weaker parameters', async () => {
    const weak = await argon2.hash('violet tractor whispers', {
      type: argon2.argon2id,
      memoryCost: 8192,
      timeCost: 1,
      parallelism: 1,
    });
    const check = await verifyPassword(weak, 'violet tractor whispers');
    expect(check.valid).toBe(true);
    expect(check.rehash).toMatch(/m=19456,p=1,t=2/);
    expect((await verifyPassword(check.rehash ?? '', 'violet tractor whispers')).rehash).toBeUndefined();
  });
});

describe('argon2 queue', () => {
  it('runs logins before waiting sign-ups, bounds sign-ups on their own, and is busy only when full', async () => {
    const queue = new HashQueue({ concurrency: 1, maxWaiting: 4, maxWaitingSignUps: 2 });
    const done: string[] = [];
    const hash = (name: string) => async () => {
      await argon2.hash(name, argon2Parameters);
      done.push(name);
    };
    const first = queue.run('signUp', hash('sign-up 1')); // runs at once
    const waiting = [queue.run('signUp', hash('sign-up 2')), queue.run('signUp', hash('sign-up 3'))];
    const refusedSignUp = queue.run('signUp', hash('sign-up 4'));
    await expect(refusedSignUp).rejects.toThrow(BusyError);
    await expect(refusedSignUp).rejects.toThrow(/too many sign-ups/);
    // Logins still queue while sign-ups are refused, and overtake the waiting sign-ups.
    waiting.push(queue.run('login', hash('login 1')), queue.run('login', hash('login 2')));
    const overloaded = queue.run('login', hash('login 3'));
    await expect(overloaded).rejects.toMatchObject({ code: 'busy', message: expect.stringMatching(/too many logins/) });
    await Promise.all([first, ...waiting]);
    expect(done).toEqual(['sign-up 1', 'login 1', 'login 2', 'sign-up 2', 'sign-up 3']);
  });
});

describe('TOTP', () => {
  it('accepts the current code once, then refuses it (replay) and any earlier step', async () => {
    const secret = newTotpSecret();
    const code = await generate({ secret });
    const step = await acceptTotp(secret, code, 0);
    expect(step).toBeGreaterThan(0);
    expect(await acceptTotp(secret, code, step ?? 0)).toBeUndefined();
    const previous = await generate({ secret, epoch: Math.floor(Date.now() / 1000) - 30 });
    expect(await acceptTotp(secret, previous, step ?? 0)).toBeUndefined();
  });

  it('tolerates one step of drift but not two', async () => {
    const secret = newTotpSecret();
    const now = Math.floor(Date.now() / 1000);
    expect(await acceptTotp(secret, await generate({ secret, epoch: now - 30 }), 0)).toBeDefined();
    expect(await acceptTotp(secret, await generate({ secret, epoch: now - 95 }), 0)).toBeUndefined();
    expect(await acceptTotp(secret, '000000', 0)).toBeUndefined();
  });
});

describe('recovery codes', () => {
  it('makes ten distinct 80-bit codes and finds one in any spelling', () => {
    const codes = newRecoveryCodes();
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$/);
    const stored = codes.map(hashRecoveryCode);
    const third = codes[2] ?? '';
    expect(findRecoveryCode(third.toLowerCase().replaceAll('-', ' '), stored)).toBe(stored[2]);
    expect(findRecoveryCode('AAAA-AAAA-AAAA-AAAA', stored)).toBeUndefined();
  });
});

describe('throttle', () => {
  it('allows a few attempts, then backs off exponentially up to a ceiling, and forgets on success', () => {
    let now = 0;
    const throttle = new Throttle(
      { name: 'test', freeAttempts: 2, baseDelayMs: 1000, maxDelayMs: 8000, forgetAfterMs: 60_000 },
      () => now,
    );
    throttle.reserve('k');
    throttle.reserve('k');
    expect(throttle.retryAfterMs('k')).toBe(0);
    const delays = [];
    for (let i = 0; i < 6; i++) {
      throttle.reserve('k');
      delays.push(throttle.retryAfterMs('k'));
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
    expect(throttle.retryAfterMs('other')).toBe(0);
    now += 8000;
    expect(throttle.retryAfterMs('k')).toBe(0);
    throttle.reserve('k');
    throttle.forget('k');
    expect(throttle.retryAfterMs('k')).toBe(0);
  });

  it('gives back one attempt at a time, and reserves for several keys all or none', () => {
    const now = 0;
    const policy = { name: 'test', freeAttempts: 1, baseDelayMs: 1000, maxDelayMs: 8000, forgetAfterMs: 60_000 };
    const account = new Throttle(policy, () => now);
    const address = new Throttle(policy, () => now);
    account.reserve('a');
    account.reserve('a');
    expect(account.retryAfterMs('a')).toBe(1000);
    account.refund('a');
    expect(account.retryAfterMs('a')).toBe(0);

    const first = Reservation.take([
      [account, 'a'],
      [address, 'x'],
    ]);
    expect(() =>
      Reservation.take([
        [address, 'x'],
        [account, 'a'],
      ]),
    ).toThrow(ThrottledError);
    // The refused reservation took nothing from the address.
    first.refund();
    first.refund();
    expect(address.retryAfterMs('x')).toBe(0);
    expect(account.retryAfterMs('a')).toBe(0);
  });
});

describe('server key', () => {
  it('is created once with mode 0600, reused, and seals secrets it alone can open', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-key-'));
    const first = await loadServerKey(dir);
    expect(statSync(join(dir, 'server.key')).mode & 0o777).toBe(0o600);
    const sealed = first.seal('JBSWY3DPEHPK3PXPJBSWY3DP');
    expect(sealed).not.toContain('JBSWY3DP');
    expect((await loadServerKey(dir)).open(sealed)).toBe('JBSWY3DPEHPK3PXPJBSWY3DP');
    const other = await loadServerKey(mkdtempSync(join(tmpdir(), 'parley-key-')));
    expect(() => other.open(sealed)).toThrow();
  });

  it('refuses a damaged key file instead of replacing it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-key-'));
    writeFileSync(join(dir, 'server.key'), 'short');
    await expect(loadServerKey(dir)).rejects.toThrow(ServerKeyError);
  });

  it('refuses a key file it cannot read, and leaves it as it is (read by an unprivileged user)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-key-'));
    await loadServerKey(dir);
    const keyFile = join(dir, 'server.key');
    const key = readFileSync(keyFile);
    chmodSync(keyFile, 0o000);
    chmodSync(dir, 0o755); // the directory is open to anyone: only the file itself is unreadable
    const outcome = await loadServerKeyUnprivileged(dir);
    expect(outcome.uid).not.toBe(0); // root would read it anyway, and prove nothing
    expect(outcome).toMatchObject({
      loaded: false,
      error: { name: 'ServerKeyError', message: expect.stringMatching(/exists but cannot be read.*EACCES/) },
    });
    chmodSync(keyFile, 0o600);
    expect(readFileSync(keyFile).equals(key)).toBe(true);
  });

  it('refuses a directory where the key file should be', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-key-'));
    mkdirSync(join(dir, 'server.key'));
    await expect(loadServerKey(dir)).rejects.toThrow(ServerKeyError);
  });
});
