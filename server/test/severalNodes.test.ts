// Two real Parley nodes sharing one database, one server key and one real
// Redis, as behind one address: a login or sign-up may start on one node and
// finish on the other, and the guess throttles count across both (five wrong
// codes split over two nodes are five, not ten). With Redis gone, logins get
// a clear "try again" and the node stays up; with Redis back, they work again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountThrottlePolicy } from '../src/auth/throttle.js';
import type { ParleyServer } from '../src/ParleyServer.js';
import { startRedis, type TestRedis } from './support/redisServer.js';
import { tally } from './support/replies.js';
import { startTestServer } from './support/startTestServer.js';
import { post, registerUser, startLogin, totpCode, wrongCodes, type TestUser } from './support/users.js';

let redis: TestRedis;
const nodes: { server: ParleyServer; baseUrl: string }[] = [];
const url = (i: number) => nodes[i % 2]?.baseUrl ?? '';

beforeAll(async () => {
  redis = await startRedis();
  // Set PARLEY_TEST_NO_REDIS=1 to see these tests fail on the single-node (memory) engine.
  const shared: Record<string, string> = process.env.PARLEY_TEST_NO_REDIS ? {} : { PARLEY_REDIS_URL: redis.url };
  const first = await startTestServer(shared);
  nodes.push({ server: first.server, baseUrl: first.baseUrl });
  const second = await startTestServer({ ...shared, PARLEY_DATA_DIR: first.dataDir });
  nodes.push({ server: second.server, baseUrl: second.baseUrl });
});
afterAll(async () => {
  for (const { server } of nodes) await server.close();
  await redis.remove();
});

const nextCode = (user: TestUser) => totpCode(user.totpSecret, user.registeredAt + 30_000);

async function loginIdOn(baseUrl: string, user: TestUser): Promise<string> {
  const response = await startLogin(baseUrl, user.username, user.password);
  expect(response.status).toBe(200);
  return ((await response.json()) as { loginId: string }).loginId;
}

describe('two nodes sharing one Redis', () => {
  it('signs up on one node and confirms on the other, logs in on one and finishes on the other', async () => {
    const user = await registerUser(url(0)); // its helper starts and confirms on the same node
    const registered = await post(url(0), '/api/register', {
      username: `${user.username}b`,
      password: user.password,
    });
    expect(registered.status).toBe(200);
    const { enrolmentId, totpSecret } = (await registered.json()) as { enrolmentId: string; totpSecret: string };
    const confirmed = await post(url(1), '/api/register/confirm', { enrolmentId, code: await totpCode(totpSecret) });
    expect(confirmed.status).toBe(200);

    const loginId = await loginIdOn(url(0), user);
    const finished = await post(url(1), '/api/login/verify', { loginId, code: await nextCode(user) });
    expect(finished.status).toBe(200);
  });

  it('evaluates at most five of 40 wrong codes for one login sent to both nodes in parallel', async () => {
    const user = await registerUser(url(0));
    const loginId = await loginIdOn(url(0), user);
    const codes = await wrongCodes(user.totpSecret, 40);
    const { counts } = await tally(codes.map((code, i) => post(url(i), '/api/login/verify', { loginId, code })));
    expect(counts.invalid_credentials ?? 0).toBeLessThanOrEqual(5);
    expect((counts.throttled ?? 0) + (counts.expired ?? 0)).toBeGreaterThanOrEqual(35);
  });

  it('counts password guesses at one account on both nodes together', async () => {
    const user = await registerUser(url(0));
    const started = performance.now();
    const guesses = Array.from({ length: 40 }, (_, i) => startLogin(url(i), user.username, `not it ${i} at all`));
    const { counts } = await tally(guesses);
    // One node allows 5 before its back-off starts (more only once a back-off has passed).
    const elapsed = performance.now() - started;
    const allowed = accountThrottlePolicy.freeAttempts + 1 + (elapsed >= accountThrottlePolicy.baseDelayMs ? 1 : 0);
    expect(counts.invalid_credentials ?? 0).toBeLessThanOrEqual(allowed);
  });

  it('answers "try again" while Redis is away, stays up, and logs in again once it is back', async () => {
    const user = await registerUser(url(0));
    await redis.stop();
    const during = await startLogin(url(1), user.username, user.password);
    expect(during.status).toBe(503);
    expect(await during.json()).toEqual({
      error: { code: 'busy', message: expect.stringContaining('Try again in a moment') as unknown },
    });
    await redis.start();
    const deadline = Date.now() + 10_000;
    let status = 0;
    while (Date.now() < deadline && status !== 200) {
      status = (await startLogin(url(1), user.username, user.password)).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(status).toBe(200);
  });

  it('refuses to start a node that cannot reach its Redis, with a clear error', async () => {
    await expect(startTestServer({ PARLEY_REDIS_URL: 'redis://127.0.0.1:1' })).rejects.toThrow(/cannot reach Redis/);
  }, 20_000);
});
