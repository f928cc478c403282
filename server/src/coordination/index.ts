// What several Parley nodes must agree on, behind one interface with two
// engines: this process's memory (the embedded default: one node, no Redis)
// and Redis (PARLEY_REDIS_URL: several nodes behind one address).
import type { ServerKey } from '../auth/serverKey.js';
import { MemoryPendingFlows, type PendingFlowOptions, type PendingFlows } from './PendingFlows.js';
import { connectRedis } from './redis/connectRedis.js';
import { RedisPendingFlows } from './redis/RedisPending.js';
import { RedisThrottles } from './redis/RedisThrottles.js';
import { MemoryThrottles, type Throttles } from './Throttles.js';

export type { Hold, Reservation, Throttles } from './Throttles.js';
export type { PendingFlowOptions, PendingFlows } from './PendingFlows.js';
export { CoordinationUnavailableError } from './redis/connectRedis.js';

export type Coordination = {
  throttles: Throttles;
  pendingFlows<T>(options: PendingFlowOptions): PendingFlows<T>;
  /** Which engine, for the start-up log line. */
  engine: 'memory' | 'redis';
  close(): Promise<void>;
};

export function memoryCoordination(): Coordination {
  return {
    throttles: new MemoryThrottles(),
    pendingFlows: (options) => new MemoryPendingFlows(options),
    engine: 'memory',
    close: () => Promise.resolve(),
  };
}

export async function redisCoordination(url: string, serverKey: ServerKey): Promise<Coordination> {
  const client = await connectRedis(url);
  return {
    throttles: new RedisThrottles(client, serverKey.subkey(3, 'PrlyThr1')),
    pendingFlows: (options) => new RedisPendingFlows(client, serverKey, options),
    engine: 'redis',
    close: async () => {
      client.destroy();
    },
  };
}
