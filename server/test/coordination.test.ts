// The two coordination engines keep the same promises (coordination/): this
// process's memory, and a real Redis shared by nodes. Parallel attempts are
// counted before any is checked, all of a request's counts or none, and a
// pending flow's attempts are capped however many arrive at once. What Redis
// holds names nobody: no username, address or TOTP secret in clear.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadServerKey } from '../src/auth/serverKey.js';
import { ThrottledError, type ThrottlePolicy } from '../src/auth/throttle.js';
import { memoryCoordination, redisCoordination, type Coordination } from '../src/coordination/index.js';
import { startRedis, type TestRedis } from './support/redisServer.js';

const policy: ThrottlePolicy = {
  name: 'test',
  freeAttempts: 4,
  baseDelayMs: 60_000,
  maxDelayMs: 60_000,
  forgetAfterMs: 60_000,
};
const other: ThrottlePolicy = { ...policy, name: 'other' };

let redis: TestRedis;
const serverKey = await loadServerKey(mkdtempSync(join(tmpdir(), 'parley-key-')));
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.remove();
});

/** Outcomes of parallel calls: how many resolved, how many were refused with `refusal`. */
async function outcomes(calls: Promise<unknown>[], refusal: new (...args: never[]) => Error) {
  const settled = await Promise.allSettled(calls);
  const passed = settled.filter((s) => s.status === 'fulfilled').length;
  const refused = settled.filter((s) => s.status === 'rejected' && s.reason instanceof refusal).length;
  return { passed, refused, other: settled.length - passed - refused };
}

const engines: [string, () => Promise<Coordination>][] = [
  ['memory', () => Promise.resolve(memoryCoordination())],
  ['redis', () => redisCoordination(redis.url, serverKey)],
];

describe.each(engines)('the %s coordination engine', (_name, create) => {
  let coordination: Coordination;
  let run = 0;
  const key = () => `someone-${run}`;
  beforeAll(async () => {
    coordination = await create();
  });
  afterAll(async () => {
    await coordination.close();
  });

  it('lets exactly the free attempts and the one that starts the back-off through, of 200 in parallel', async () => {
    run += 1;
    const calls = Array.from({ length: 200 }, () => coordination.throttles.take([[policy, key()]]));
    expect(await outcomes(calls, ThrottledError)).toEqual({ passed: 5, refused: 195, other: 0 });
  });

  it('takes all of a request’s counts or none, and gives an attempt back once however often refunded', async () => {
    run += 1;
    const address = `address-${run}`;
    for (let i = 0; i < 5; i++) await coordination.throttles.take([[other, address]]);
    // The address is over its allowance: the account's count must not move.
    await expect(
      coordination.throttles.take([
        [policy, key()],
        [other, address],
      ]),
    ).rejects.toBeInstanceOf(ThrottledError);
    const held = [];
    for (let i = 0; i < 5; i++) held.push(await coordination.throttles.take([[policy, key()]]));
    await expect(coordination.throttles.take([[policy, key()]])).rejects.toBeInstanceOf(ThrottledError);
    const last = held[4];
    await last?.refund();
    await last?.refund();
    await coordination.throttles.take([[policy, key()]]);
    await expect(coordination.throttles.take([[policy, key()]])).rejects.toBeInstanceOf(ThrottledError);
    await coordination.throttles.forget([policy, key()]);
    await coordination.throttles.take([[policy, key()]]);
  });

  it('caps a pending flow’s attempts under 100 parallel codes, gives back unchecked ones, and forgets it', async () => {
    const flows = coordination.pendingFlows<{ who: string }>({ name: `flow${run}`, ttlMs: 60_000, maxEntries: 10 });
    const id = await flows.put({ who: 'a person' });
    expect(await flows.get(id)).toEqual({ who: 'a person' });
    const counts = await Promise.all(Array.from({ length: 100 }, () => flows.countAttempt(id, 5)));
    expect(counts.filter((c) => c !== undefined).sort()).toEqual([1, 2, 3, 4, 5]);
    await flows.giveBackAttempt(id);
    expect(await flows.countAttempt(id, 5)).toBe(5);
    expect(await flows.countAttempt(id, 5)).toBeUndefined();
    await flows.delete(id);
    expect(await flows.get(id)).toBeUndefined();
    expect(await flows.countAttempt(id, 5)).toBeUndefined();
    expect(await flows.get('an id nobody was given')).toBeUndefined();
  });

  it('forgets a pending flow when its time is up', async () => {
    const flows = coordination.pendingFlows<number>({ name: 'short', ttlMs: 150, maxEntries: 10 });
    const id = await flows.put(7);
    expect(await flows.get(id)).toBe(7);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await flows.get(id)).toBeUndefined();
  });
});

describe('what Redis holds', () => {
  it('names no account, address or TOTP secret in clear', async () => {
    const coordination = await redisCoordination(redis.url, serverKey);
    try {
      await coordination.throttles.take([
        [policy, 'user:marker-username'],
        [other, '203.0.113.77'],
      ]);
      const flows = coordination.pendingFlows<object>({ name: 'enrolment', ttlMs: 60_000, maxEntries: 10 });
      const id = await flows.put({ username: 'marker-username', secret: 'MARKERSECRETBASE32' });
      const held = await redis.dump();
      expect(held).toContain('parley:throttle:test:');
      expect(held).toContain('parley:pending:enrolment:');
      for (const clear of ['marker-username', '203.0.113.77', 'MARKERSECRETBASE32', id])
        expect(held).not.toContain(clear);
    } finally {
      await coordination.close();
    }
  });
});
