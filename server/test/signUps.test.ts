// Sign-ups under a flood: they are throttled per client address, and they
// never keep people who already have an account from logging in: logins go
// first in the argon2 queue, and sign-ups have a smaller bound of their own.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ParleyServer } from '../src/ParleyServer.js';
import { codeOf } from './support/replies.js';
import { startTestServer } from './support/startTestServer.js';
import { registerUser, startLogin } from './support/users.js';

/** The sign-up policy: 20 free, and the 21st is evaluated and starts the back-off. */
const signUpAllowance = 21;
const password = 'violet tractor whispers under marmalade';

function countCodes(replies: { code: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { code } of replies) counts[code] = (counts[code] ?? 0) + 1;
  return counts;
}

describe('sign-ups under a flood', () => {
  let server: ParleyServer;
  let baseUrl: string;
  beforeEach(async () => {
    ({ server, baseUrl } = await startTestServer()); // trusts 127.0.0.1 as a proxy
  });
  afterEach(() => server.close());

  const signUp = (username: string, forwardedFor?: string) =>
    fetch(`${baseUrl}/api/register`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Origin: baseUrl,
        ...(forwardedFor ? { 'X-Forwarded-For': forwardedFor } : {}),
      },
      body: JSON.stringify({ username, password }),
    });
  /** Sends a login while `flood` is in flight; when each reply came, in ms from the start. */
  const loginDuring = async (flood: (i: number) => Promise<Response>, count: number) => {
    const user = await registerUser(baseUrl);
    const started = performance.now();
    const timed = (response: Promise<Response>) =>
      response.then(async (r) => ({ code: await codeOf(r), ms: performance.now() - started }));
    const signUps = Array.from({ length: count }, (_, i) => timed(flood(i)));
    const login = await timed(startLogin(baseUrl, user.username, user.password));
    return { login, signUps: await Promise.all(signUps) };
  };
  const report = (what: string, result: Awaited<ReturnType<typeof loginDuring>>, counts: object) =>
    process.stdout.write(
      `login during ${what}: ${result.login.ms.toFixed(0)} ms; sign-ups ${JSON.stringify(counts)}\n`,
    );

  it('throttles 140 parallel sign-ups from one address, and a login meanwhile still succeeds', async () => {
    const result = await loginDuring((i) => signUp(`flood${i}`), 140);
    const counts = countCodes(result.signUps);
    report('140 sign-ups from one address', result, counts);
    expect(result.login.code).toBe('ok');
    expect(counts.ok ?? 0).toBeLessThanOrEqual(signUpAllowance);
    expect(counts.throttled ?? 0).toBeGreaterThanOrEqual(140 - signUpAllowance);
  });

  it('lets a login overtake 140 sign-ups from 140 addresses, and turns sign-ups away before logins', async () => {
    const result = await loginDuring((i) => signUp(`crowd${i}`, `198.51.100.${i}`), 140);
    const counts = countCodes(result.signUps);
    report('140 sign-ups from 140 addresses', result, counts);
    expect(result.login.code).toBe('ok');
    // Sign-ups that were already waiting for a hash finish after the login.
    const lastSignUp = Math.max(...result.signUps.filter((s) => s.code === 'ok').map((s) => s.ms));
    expect(result.login.ms).toBeLessThan(lastSignUp);
    expect(counts.busy ?? 0).toBeGreaterThan(0);
  });
});
