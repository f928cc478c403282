// The connection to the Redis that several nodes share. Commands fail at
// once while it is unreachable (no offline queue: a login should get a clear
// "try again", not hang), and the client keeps reconnecting in the
// background. Its address is never logged: it may hold a password.
import { createClient } from '@redis/client';
import { ClientError } from '../../errors.js';
import { createLogger, errorSummary } from '../../logging/index.js';

const log = createLogger('coordination');

function newClient(url: string) {
  return createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 2_000, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2_000) },
  });
}

const startTimeoutMs = 10_000;

export type RedisConnection = ReturnType<typeof newClient>;

export class CoordinationUnavailableError extends ClientError {
  constructor() {
    super('busy', 'The servers cannot reach their shared state right now. Try again in a moment.');
    this.name = 'CoordinationUnavailableError';
  }
}

export async function connectRedis(url: string): Promise<RedisConnection> {
  const client = newClient(url);
  let reachable = true;
  client.on('error', (error: unknown) => {
    if (!reachable) return; // said once per outage, not once per retry
    reachable = false;
    log.warn(
      { err: errorSummary(error) },
      'Redis unreachable: logins and sign-ups answer "try again" until it is back',
    );
  });
  client.on('ready', () => {
    if (reachable) return;
    reachable = true;
    log.info('Redis reachable again');
  });
  // A node that cannot reach Redis at start refuses to start, rather than serve without its shared state.
  const gaveUp = new Promise<never>((_resolve, reject) =>
    setTimeout(
      () => reject(new Error(`cannot reach Redis (PARLEY_REDIS_URL) within ${startTimeoutMs / 1000} s`)),
      startTimeoutMs,
    ).unref(),
  );
  try {
    await Promise.race([client.connect(), gaveUp]);
  } catch (error) {
    client.destroy();
    throw error;
  }
  return client;
}

/** Runs one Redis command; a connection that is down becomes a clear "try again" for the person waiting. */
export async function command<T>(client: RedisConnection, run: () => Promise<T>): Promise<T> {
  if (!client.isReady) throw new CoordinationUnavailableError();
  try {
    return await run();
  } catch (error) {
    if (!client.isReady) throw new CoordinationUnavailableError();
    throw error;
  }
}
