// Hourly clean-up that keeps retention promises (docs/data-inventory.md):
// expired sessions go, and account events older than their retention go.
import type { Kysely } from 'kysely';
import type { Sessions } from '../auth/sessions.js';
import { createLogger } from '../logging/index.js';
import type { Database } from './schema.js';
import { nowSeconds } from './time.js';

const log = createLogger('store.maintenance');

export const accountEventRetentionSeconds = 90 * 86400;
const intervalMs = 3600_000;

export async function runMaintenance(db: Kysely<Database>, sessions: Sessions): Promise<void> {
  const expiredSessions = await sessions.purgeExpired();
  const oldEvents = await db
    .deleteFrom('account_events')
    .where('at', '<', nowSeconds() - accountEventRetentionSeconds)
    .executeTakeFirst();
  log.debug({ expiredSessions, oldEvents: Number(oldEvents.numDeletedRows) }, 'maintenance done');
}

/** Runs maintenance now and every hour; returns the function that stops it. */
export function startMaintenance(db: Kysely<Database>, sessions: Sessions): () => void {
  const run = () =>
    runMaintenance(db, sessions).catch((error: unknown) => log.error({ err: error }, 'maintenance failed'));
  void run();
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
