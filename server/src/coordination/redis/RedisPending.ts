// Pending sign-ups and logins in Redis, so a login started on one node can
// finish on another. A flow's value is sealed with the server key before it
// leaves the process (it may hold a password hash and a TOTP secret, and
// Redis may write snapshots to disk), its Redis key is a hash of its id (a
// copy of Redis cannot be used to finish someone's login), and Redis expires
// it. Attempts are counted by a Lua script, atomically across nodes.
import { createHash, randomBytes } from 'node:crypto';
import type { ServerKey } from '../../auth/serverKey.js';
import type { PendingFlowOptions, PendingFlows } from '../PendingFlows.js';
import { command, type RedisConnection } from './connectRedis.js';

// KEYS[1]: the flow. ARGV[1]: the most attempts it may have. Returns the new count, or -1.
const countAttemptScript = `
local attempts = redis.call('HGET', KEYS[1], 'attempts')
if not attempts or tonumber(attempts) >= tonumber(ARGV[1]) then return -1 end
return redis.call('HINCRBY', KEYS[1], 'attempts', 1)
`;

const giveBackScript = `
local attempts = redis.call('HGET', KEYS[1], 'attempts')
if attempts and tonumber(attempts) > 0 then redis.call('HINCRBY', KEYS[1], 'attempts', -1) end
return 0
`;

export class RedisPendingFlows<T> implements PendingFlows<T> {
  constructor(
    private readonly client: RedisConnection,
    private readonly sealer: Pick<ServerKey, 'seal' | 'open'>,
    private readonly options: PendingFlowOptions,
  ) {}

  async put(value: T): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    const key = this.#redisKey(id);
    const sealed = this.sealer.seal(JSON.stringify(value));
    await command(this.client, () =>
      this.client.multi().hSet(key, { value: sealed, attempts: 0 }).pExpire(key, this.options.ttlMs).exec(),
    );
    return id;
  }

  async get(id: string): Promise<T | undefined> {
    const sealed = await command(this.client, () => this.client.hGet(this.#redisKey(id), 'value'));
    return typeof sealed === 'string' ? (JSON.parse(this.sealer.open(sealed)) as T) : undefined;
  }

  async countAttempt(id: string, max: number): Promise<number | undefined> {
    const reply = await command(this.client, () =>
      this.client.eval(countAttemptScript, { keys: [this.#redisKey(id)], arguments: [String(max)] }),
    );
    return typeof reply === 'number' && reply > 0 ? reply : undefined;
  }

  async giveBackAttempt(id: string): Promise<void> {
    await command(this.client, () => this.client.eval(giveBackScript, { keys: [this.#redisKey(id)] }));
  }

  async delete(id: string): Promise<void> {
    await command(this.client, () => this.client.del(this.#redisKey(id)));
  }

  #redisKey(id: string): string {
    return `parley:pending:${this.options.name}:${createHash('sha256').update(id).digest('base64url')}`;
  }
}
