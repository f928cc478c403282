// The public identity keys of each account's devices. Recorded the first time
// a device announces its keys in a call, so the account page and the data
// export can show them; private keys never leave the browser. The server
// cannot vouch for these keys to other people: clients trust on first use
// and verify with security codes (docs/threat-model.md).
import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';
import { coarseNowSeconds } from '../store/time.js';

/** Devices remembered per account; the least recently used is forgotten beyond this. */
export const maxIdentityKeysPerAccount = 20;

export class IdentityKeys {
  constructor(private readonly db: Kysely<Database>) {}

  async remember(userId: string, publicKey: string): Promise<void> {
    const now = coarseNowSeconds();
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('identity_keys')
        .values({ user_id: userId, public_key: publicKey, first_used_at: now, last_used_at: now })
        .onConflict((oc) => oc.columns(['user_id', 'public_key']).doUpdateSet({ last_used_at: now }))
        .execute();
      const stale = await trx
        .selectFrom('identity_keys')
        .select('public_key')
        .where('user_id', '=', userId)
        .orderBy('last_used_at', 'desc')
        .orderBy('first_used_at', 'desc')
        .offset(maxIdentityKeysPerAccount)
        .limit(1000)
        .execute();
      if (stale.length === 0) return;
      await trx
        .deleteFrom('identity_keys')
        .where('user_id', '=', userId)
        .where(
          'public_key',
          'in',
          stale.map((row) => row.public_key),
        )
        .execute();
    });
  }

  async list(userId: string): Promise<{ publicKey: string; firstUsedAt: number; lastUsedAt: number }[]> {
    const rows = await this.db
      .selectFrom('identity_keys')
      .select(['public_key', 'first_used_at', 'last_used_at'])
      .where('user_id', '=', userId)
      .orderBy('last_used_at', 'desc')
      .execute();
    return rows.map((r) => ({ publicKey: r.public_key, firstUsedAt: r.first_used_at, lastUsedAt: r.last_used_at }));
  }
}
