// What the account page shows and what the data export hands out: read-only
// views of everything stored about one user (docs/data-inventory.md).
import type { Kysely } from 'kysely';
import type { Account } from '@parley/shared';
import type { Database } from '../store/index.js';
import type { Sessions } from './sessions.js';

export async function accountSummary(
  db: Kysely<Database>,
  sessions: Sessions,
  userId: string,
  currentSessionId: string,
): Promise<Account> {
  const user = await db
    .selectFrom('users')
    .select(['username', 'created_at'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  const codes = await db
    .selectFrom('recovery_codes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  const events = await db
    .selectFrom('account_events')
    .select(['kind', 'at'])
    .where('user_id', '=', userId)
    .orderBy('at', 'desc')
    .limit(50)
    .execute();
  const live = await sessions.list(userId);
  return {
    username: user.username,
    createdAt: user.created_at,
    recoveryCodesLeft: Number(codes.n),
    sessions: live.map((s) => ({
      id: s.id,
      createdAt: s.createdAt,
      lastActiveAt: s.lastActiveAt,
      current: s.id === currentSessionId,
    })),
    events,
  };
}

/**
 * Everything stored about the user, as JSON. Secrets, and what would help to
 * guess them (the password hash), are described rather than handed out: the
 * file may end up in a downloads folder or a backup.
 */
export async function exportAccountData(db: Kysely<Database>, userId: string) {
  const user = await db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirstOrThrow();
  const codes = await db.selectFrom('recovery_codes').select('code_hash').where('user_id', '=', userId).execute();
  const events = await db
    .selectFrom('account_events')
    .select(['kind', 'at'])
    .where('user_id', '=', userId)
    .orderBy('at')
    .execute();
  const sessions = await db
    .selectFrom('sessions')
    .select(['id', 'created_at', 'last_active_at', 'expires_at'])
    .where('user_id', '=', userId)
    .execute();
  const identityKeys = await db
    .selectFrom('identity_keys')
    .select(['public_key', 'first_used_at', 'last_used_at'])
    .where('user_id', '=', userId)
    .execute();
  const links = await db
    .selectFrom('meeting_links')
    .select(['id', 'profile', 'single_use', 'max_participants', 'valid_days', 'expires_at', 'created_at'])
    .where('owner_id', '=', userId)
    .execute();
  return {
    exportedAt: new Date().toISOString(),
    note: 'Everything Parley stores about you. Times are Unix seconds. Nothing about your calls is ever stored.',
    user: {
      id: user.id,
      username: user.username,
      createdAt: user.created_at,
      passwordHash:
        'stored as an argon2id hash; left out of this file because anyone holding it could try to guess your password offline',
      totpLastAcceptedStep: user.totp_last_step,
      totpSecret: 'stored encrypted; left out of this file because anyone holding it could make your login codes',
    },
    recoveryCodeHashes: codes.map((c) => c.code_hash),
    sessions: sessions.map((s) => ({
      id: s.id,
      createdAt: s.created_at,
      lastActiveAt: s.last_active_at,
      expiresAt: s.expires_at,
    })),
    events,
    deviceIdentityKeys: identityKeys.map((k) => ({
      publicKey: k.public_key,
      firstUsedAt: k.first_used_at,
      lastUsedAt: k.last_used_at,
    })),
    meetingLinks: links.map((l) => ({
      id: l.id,
      profile: l.profile,
      singleUse: l.single_use === 1,
      maxParticipants: l.max_participants,
      validDays: l.valid_days,
      expiresAt: l.expires_at,
      createdAt: l.created_at,
      secret: 'stored as a hash only; your account page shows the whole link',
    })),
  };
}
