// The limit primitives with a fake clock, and the rates of limits.ts checked
// against the traffic a legitimate client sends (client/src/e2ee/CallKeys.ts):
// the numbers in the docs are the numbers in the code.
import { describe, expect, it } from 'vitest';
import { LimitError } from '../errors.js';
import { limits, peerRates } from './limits.js';
import { Quota, RateLimiter, reserveAll, TokenBucket, type Rate } from './rateLimit.js';

function clock() {
  let now = 0;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('Quota', () => {
  it('holds at most its limit per key, and each release frees one place once', () => {
    const quota = new Quota(2, 'things per key');
    const first = quota.reserve('a');
    quota.reserve('a');
    expect(() => quota.reserve('a')).toThrow(new LimitError('things per key', 2));
    expect(quota.reserve('b')).toBeTypeOf('function');
    first();
    first();
    expect(quota.held('a')).toBe(1);
    quota.reserve('a');
    expect(() => quota.reserve('a')).toThrow(LimitError);
  });

  it('reserveAll gives back what it took when a later reservation fails', () => {
    const mine = new Quota(4, 'mine');
    const theirs = new Quota(0, 'theirs');
    expect(() =>
      reserveAll(
        () => mine.reserve(),
        () => theirs.reserve(),
      ),
    ).toThrow(/theirs/);
    expect(mine.held()).toBe(0);
  });
});

describe('TokenBucket', () => {
  it('allows a burst of its capacity, then its rate', () => {
    const time = clock();
    const bucket = new TokenBucket(time.now);
    const rate = { capacity: 3, perSecond: 2 };
    expect([1, 2, 3, 4].map(() => bucket.tryTake(rate))).toEqual([true, true, true, false]);
    time.advance(499);
    expect(bucket.tryTake(rate)).toBe(false);
    time.advance(1);
    expect(bucket.tryTake(rate)).toBe(true);
    time.advance(60_000);
    expect(Array.from({ length: 4 }, () => bucket.tryTake(rate)).filter(Boolean)).toHaveLength(3);
  });

  it('refills toward a rate that changes (a call that grows), never above its capacity', () => {
    const time = clock();
    const bucket = new TokenBucket(time.now);
    expect(bucket.tryTake({ capacity: 2, perSecond: 1 }, 2)).toBe(true);
    time.advance(1000);
    // Empty, then one second at the new rate: 5 tokens, not the new capacity.
    expect(bucket.tryTake({ capacity: 10, perSecond: 5 }, 5)).toBe(true);
    expect(bucket.tryTake({ capacity: 10, perSecond: 5 })).toBe(false);
  });

  it('RateLimiter forgets the oldest key past its bound', () => {
    const limiter = new RateLimiter<string>(clock().now, 2);
    const once = { capacity: 1, perSecond: 0 };
    expect(limiter.tryTake('a', once)).toBe(true);
    expect(limiter.tryTake('a', once)).toBe(false);
    limiter.tryTake('b', once);
    limiter.tryTake('c', once);
    expect(limiter.tryTake('a', once)).toBe(true);
  });
});

/** Replays bursts of requests at given times; returns how many were refused. */
function refusedIn(rateFor: (others: number) => Rate, bursts: { at: number; others: number; count: number }[]) {
  const time = clock();
  const bucket = new TokenBucket(time.now);
  let refused = 0;
  for (const { at, others, count } of bursts) {
    time.advance(at - time.now());
    for (let i = 0; i < count; i++) if (!bucket.tryTake(rateFor(others))) refused++;
  }
  return refused;
}

describe('rates for a legitimate 50-person call', () => {
  const full = limits.peersPerRoom - 1;

  it('never refuses E2EE boxes: joining, k people leaving at once, a join or leave every second', () => {
    const relay = peerRates.relay.rate;
    expect(refusedIn(relay, [{ at: 0, others: full, count: 2 * full }])).toBe(0);
    for (let k = 1; k < full; k++) {
      // k rotations back to back, all at once: a key to and an ack from each of the n − k − 1 left.
      // The call's size for rates is its size before the departures (Room.charge).
      expect(refusedIn(relay, [{ at: 0, others: full, count: 2 * k * (full - k) }])).toBe(0);
    }
    const churn = Array.from({ length: 600 }, (_, i) => ({ at: i * 1000, others: full, count: 2 * full }));
    expect(refusedIn(relay, churn)).toBe(0);
  });

  it('never refuses the keyframe requests of someone joining a full call', () => {
    expect(refusedIn(peerRates.keyFrame.rate, [{ at: 0, others: full, count: 2 * full }])).toBe(0);
  });
});
