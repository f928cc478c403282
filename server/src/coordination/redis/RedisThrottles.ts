// Throttle counts in Redis, shared by every node: five wrong codes split over
// two nodes are five, not ten. The check and the count run in one Lua script,
// so parallel requests on any nodes cannot all pass the check before any
// counts (the same promise as the memory engine, auth/throttle.ts). Times come
// from Redis's clock, so nodes with skewed clocks agree.
// Keys hold no username or address: each is a keyed hash (the server key's
// subkey, shared by the nodes as they share the key), and expires when its
// back-off is forgotten (at most an hour: docs/data-inventory.md).
import { createHmac } from 'node:crypto';
import { ThrottledError, type ThrottlePolicy } from '../../auth/throttle.js';
import type { Hold, Reservation, Throttles } from '../Throttles.js';
import { command, type RedisConnection } from './connectRedis.js';

// KEYS: one count per hold. ARGV: per hold, free attempts, base delay, maximum delay, forget-after (ms).
// Returns 0 when every count was taken, else the milliseconds to wait (nothing counted).
const takeScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local wait = 0
for i, key in ipairs(KEYS) do
  local o = (i - 1) * 4
  local held = redis.call('HMGET', key, 'attempts', 'last')
  local over = (tonumber(held[1]) or 0) - tonumber(ARGV[o + 1])
  if over > 0 then
    local delay = math.min(tonumber(ARGV[o + 3]), tonumber(ARGV[o + 2]) * 2 ^ (over - 1))
    local left = (tonumber(held[2]) or now) + delay - now
    if left > wait then wait = left end
  end
end
if wait > 0 then return math.ceil(wait) end
for i, key in ipairs(KEYS) do
  redis.call('HINCRBY', key, 'attempts', 1)
  redis.call('HSET', key, 'last', now)
  redis.call('PEXPIRE', key, ARGV[(i - 1) * 4 + 4])
end
return 0
`;

// KEYS: the counts to give one attempt back to (a count forgotten meanwhile stays forgotten).
const refundScript = `
for _, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 and redis.call('HINCRBY', key, 'attempts', -1) <= 0 then
    redis.call('DEL', key)
  end
end
return 0
`;

export class RedisThrottles implements Throttles {
  constructor(
    private readonly client: RedisConnection,
    /** Keys the hashes that name the counts. */
    private readonly hashKey: Uint8Array,
  ) {}

  async take(holds: readonly Hold[]): Promise<Reservation> {
    const keys = holds.map((hold) => this.#redisKey(hold));
    const args = holds.flatMap(([policy]) => policyArguments(policy));
    const wait = await command(this.client, () => this.client.eval(takeScript, { keys, arguments: args }));
    if (typeof wait !== 'number') throw new Error(`unexpected throttle reply: ${typeof wait}`);
    if (wait > 0) throw new ThrottledError(wait);
    let refunded = false;
    return {
      refund: async () => {
        if (refunded) return;
        refunded = true;
        await command(this.client, () => this.client.eval(refundScript, { keys }));
      },
    };
  }

  async forget(hold: Hold): Promise<void> {
    await command(this.client, () => this.client.del(this.#redisKey(hold)));
  }

  #redisKey([policy, key]: Hold): string {
    const hashed = createHmac('sha256', this.hashKey).update(key).digest('base64url');
    return `parley:throttle:${policy.name}:${hashed}`;
  }
}

function policyArguments(policy: ThrottlePolicy): string[] {
  return [policy.freeAttempts, policy.baseDelayMs, policy.maxDelayMs, policy.forgetAfterMs].map(String);
}
