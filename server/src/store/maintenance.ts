// Hourly clean-up that keeps retention promises (docs/data-inventory.md):
// expired sessions go, and account events older than their retention go.
import type { Kysely } from 'kysely';
import type { Sessions } from '../auth/sessions.js';
import type { MeetingLinks } from '../links/index.js';
import { createLogger } from '../logging/index.js';
import type { Database } from './schema.js';
import { nowSeconds } from './time.js';

const log = createLogger('store.maintenance');

export const accountEventRetentionSeconds = 90 * 86400;
const intervalMs = 3600_000;

export async function runMaintenance(db: Kysely<Database>, sessions: Sessions, links?: MeetingLinks): Promise<void> {
  const expiredSessions = await sessions.purgeExpired();
  const expiredLinks = (await links?.purgeExpired()) ?? 0;
  const oldEvents = await db
    .deleteFrom('account_events')
    .where('at', '<', nowSeconds() - accountEventRetentionSeconds)
    .executeTakeFirst();
  log.debug({ expiredSessions, expiredLinks, oldEvents: Number(oldEvents.numDeletedRows) }, 'maintenance done');
}

/** Runs maintenance now and every hour; returns the function that stops it. */
export function startMaintenance(db: Kysely<Database>, sessions: Sessions, links?: MeetingLinks): () => void {
  const run = () =>
    runMaintenance(db, sessions, links).catch((error: unknown) => log.error({ err: error }, 'maintenance failed'));
  void run();
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
