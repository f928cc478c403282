// Login throttling under the concurrency an attacker uses: hundreds of
// parallel requests. Each test has a fresh server, so throttles start empty.
// "Evaluated" is counted twice: by probes that count calls of the real
// checks (argon2's verify, the TOTP check) and pass them through unchanged,
// and by replies: an evaluated wrong guess is answered `invalid_credentials`,
// one turned away unevaluated `throttled` or `expired`.
import type * as Argon2 from 'argon2';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { accountThrottlePolicy, addressThrottlePolicy, type ThrottlePolicy } from '../src/auth/throttle.js';
import type * as Totp from '../src/auth/totp.js';
import type { ParleyServer } from '../src/ParleyServer.js';
import { postgresAvailable, postgresDatabase, stallTable, type TestDatabase } from './support/databases.js';
import { tally } from './support/replies.js';
import { startTestServer } from './support/startTestServer.js';
import { loginIdFor, post, registerUser, startLogin, totpCode, wrongCodes, type TestUser } from './support/users.js';

const probes = vi.hoisted(() => ({ passwords: 0, codes: 0 }));
vi.mock('argon2', async (importOriginal) => {
  const real = await importOriginal<{ default: typeof Argon2 }>();
  const verify: typeof real.default.verify = (...args) => (probes.passwords++, real.default.verify(...args));
  return { ...real, default: { ...real.default, verify } };
});
vi.mock('../src/auth/totp.js', async (importOriginal) => {
  const real = await importOriginal<typeof Totp>();
  const acceptTotp: typeof real.acceptTotp = (...args) => (probes.codes++, real.acceptTotp(...args));
  return { ...real, acceptTotp };
});
/**
 * Sends the requests while the users table stalls (on PostgreSQL) for as long as
 * it takes them all to arrive, so every one is in flight before any check
 * finishes: the widest window a check-then-act race can have.
 */
async function duringStall<T>(database: TestDatabase | undefined, send: () => Promise<T>): Promise<T> {
  const release = database ? await stallTable(database.location, 'users') : undefined;
  const sent = send();
  if (release) {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await release();
  }
  return sent;
}

/** Counts the checks `work` causes, and how long it took. */
async function probed<T>(
  work: () => Promise<T>,
): Promise<T & { evaluated: { passwords: number; codes: number }; elapsedMs: number }> {
  probes.passwords = probes.codes = 0;
  const started = performance.now();
  const result = await work();
  return { ...result, evaluated: { ...probes }, elapsedMs: performance.now() - started };
}

/**
 * Attempts a policy lets through in `elapsedMs`: its free ones, the one that
 * starts the back-off, and one more each time a back-off (1 s, 2 s, 4 s, …)
 * has passed. On a slow machine a burst may take longer than the first delay.
 */
function allowedWithin(policy: ThrottlePolicy, elapsedMs: number): number {
  let allowed = policy.freeAttempts + 1;
  for (let waited = 0, delay = policy.baseDelayMs; waited + delay <= elapsedMs; waited += delay, delay *= 2)
    allowed += 1;
  return allowed;
}

const withPostgres = await postgresAvailable();
const engines: [string, () => Promise<TestDatabase | undefined>][] = [['sqlite', async () => undefined]];
if (withPostgres) engines.push(['postgres', postgresDatabase]);

describe.each(engines)('login throttling under parallel requests on %s', (_engine, createDatabase) => {
  let server: ParleyServer;
  let baseUrl: string;
  let database: TestDatabase | undefined;
  beforeEach(async () => {
    database = await createDatabase();
    const env: Record<string, string> =
      database?.location.kind === 'postgres' ? { PARLEY_DATABASE_URL: database.location.url } : {};
    ({ server, baseUrl } = await startTestServer(env));
  });
  afterEach(async () => {
    await server.close();
    await database?.drop();
  });

  /** A code the server accepts now: enrolment spent the current step, so the next one. */
  const rightCode = (user: TestUser) => totpCode(user.totpSecret, user.registeredAt + 30_000);
  const verify = (body: Record<string, string>) => post(baseUrl, '/api/login/verify', body);

  it('evaluates at most 5 of 300 parallel codes for one login, and not the right one at position 250', async () => {
    const user = await registerUser(baseUrl);
    const loginId = await loginIdFor(baseUrl, user);
    const codes = await wrongCodes(user.totpSecret, 300);
    codes[250] = await rightCode(user);
    const {
      codes: replies,
      counts,
      evaluated,
    } = await probed(() => duringStall(database, () => tally(codes.map((code) => verify({ loginId, code })))));
    expect(replies[250]).not.toBe('ok');
    expect(evaluated.codes).toBeLessThanOrEqual(5);
    expect(counts.ok ?? 0).toBe(0);
    expect(counts.invalid_credentials ?? 0).toBeLessThanOrEqual(5);
    expect((counts.throttled ?? 0) + (counts.expired ?? 0)).toBeGreaterThanOrEqual(295);
  });

  it('evaluates at most the account allowance of 60 parallel password guesses', async () => {
    const user = await registerUser(baseUrl);
    const guesses = Array.from({ length: 60 }, (_, i) => startLogin(baseUrl, user.username, `not it ${i} at all`));
    const { counts, evaluated, elapsedMs } = await probed(() => tally(guesses));
    const allowed = allowedWithin(accountThrottlePolicy, elapsedMs);
    expect(evaluated.passwords).toBeLessThanOrEqual(allowed);
    expect(counts.invalid_credentials ?? 0).toBeLessThanOrEqual(allowed);
    expect(counts.throttled ?? 0).toBeGreaterThanOrEqual(60 - allowed);
  });

  it('counts codes for one account across many login ids together', async () => {
    const user = await registerUser(baseUrl);
    const loginIds: string[] = [];
    for (let i = 0; i < 10; i++) loginIds.push(await loginIdFor(baseUrl, user));
    const codes = await wrongCodes(user.totpSecret, 300);
    codes[250] = await rightCode(user);
    const { counts, evaluated, elapsedMs } = await probed(() =>
      duringStall(database, () => tally(codes.map((code, i) => verify({ loginId: loginIds[i % 10] ?? '', code })))),
    );
    const allowed = allowedWithin(accountThrottlePolicy, elapsedMs);
    expect(evaluated.codes).toBeLessThanOrEqual(allowed);
    expect(counts.ok ?? 0).toBe(0);
    expect(counts.invalid_credentials ?? 0).toBeLessThanOrEqual(allowed);
  });

  it('evaluates at most the account allowance of 60 parallel password checks on the account page', async () => {
    const user = await registerUser(baseUrl);
    const checks = Array.from({ length: 60 }, (_, i) =>
      post(baseUrl, '/api/recovery-codes', { password: `not it ${i} at all` }, user.cookie),
    );
    const { counts, evaluated, elapsedMs } = await probed(() => tally(checks));
    const allowed = allowedWithin(accountThrottlePolicy, elapsedMs);
    expect(evaluated.passwords).toBeLessThanOrEqual(allowed);
    expect(counts.throttled ?? 0).toBeGreaterThanOrEqual(60 - allowed);
  });

  it('evaluates at most the address allowance of 60 parallel guesses at 60 accounts', async () => {
    const guesses = Array.from({ length: 60 }, (_, i) => startLogin(baseUrl, `someone${i}`, 'a guess at it'));
    const { counts, evaluated, elapsedMs } = await probed(() => tally(guesses));
    const allowed = allowedWithin(addressThrottlePolicy, elapsedMs);
    expect(evaluated.passwords).toBeLessThanOrEqual(allowed);
    expect(counts.invalid_credentials ?? 0).toBeLessThanOrEqual(allowed);
    expect(counts.throttled ?? 0).toBeGreaterThanOrEqual(60 - allowed);
  });

  it('does not penalise a right login: the account starts afresh', async () => {
    const user = await registerUser(baseUrl);
    for (let i = 0; i < 4; i++) await startLogin(baseUrl, user.username, 'not the password');
    const loginId = await loginIdFor(baseUrl, user);
    expect((await verify({ loginId, code: await rightCode(user) })).status).toBe(200);
    const again = [];
    for (let i = 0; i < 4; i++) again.push(await startLogin(baseUrl, user.username, 'not the password'));
    expect((await tally(again)).counts).toEqual({ invalid_credentials: 4 });
  });

  it('gives a shared address back the one attempt a right login used, and forgets nothing else', async () => {
    const others = Array.from({ length: 20 }, (_, i) => startLogin(baseUrl, `other${i}`, 'a guess at it'));
    expect((await tally(others)).counts).toEqual({ invalid_credentials: 20 });
    const user = await registerUser(baseUrl);
    const loginId = await loginIdFor(baseUrl, user);
    expect((await verify({ loginId, code: await rightCode(user) })).status).toBe(200);
    // Still 20 failures: the 21st is evaluated and starts the back-off, the 22nd waits.
    expect((await tally([startLogin(baseUrl, 'other20', 'a guess at it')])).counts).toEqual({
      invalid_credentials: 1,
    });
    expect((await tally([startLogin(baseUrl, 'other21', 'a guess at it')])).counts).toEqual({ throttled: 1 });
  });
});
