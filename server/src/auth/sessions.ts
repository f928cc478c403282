// Sessions, after Lucia's guide. The token handed to the browser is
// "<id>.<secret>" with 256 random bits of secret; the database keeps the id
// and SHA-256(secret) only, and the secret is compared in constant time. A
// session ends when idle too long, when too old, or when revoked.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Kysely } from 'kysely';
import { coarseNowSeconds, nowSeconds, type Database } from '../store/index.js';

export type SessionPolicy = { idleSeconds: number; absoluteSeconds: number };

export type SessionRecord = { id: string; userId: string; createdAt: number; lastActiveAt: number; expiresAt: number };

const encode = (bytes: Buffer) => bytes.toString('base64url');
const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** 'ended' fires with the ids of sessions that were revoked or expired, so live sockets can be cut. */
export type SessionsEvents = { ended: [sessionIds: string[]] };

export class Sessions extends EventEmitter<SessionsEvents> {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly policy: SessionPolicy,
  ) {
    super();
  }

  /** Creates a session and returns the token for the cookie; only its hash is stored. */
  async create(userId: string): Promise<{ token: string; session: SessionRecord }> {
    const id = encode(randomBytes(16));
    const secret = encode(randomBytes(32));
    const now = nowSeconds();
    const session = {
      id,
      userId,
      createdAt: coarseNowSeconds(),
      lastActiveAt: coarseNowSeconds(),
      expiresAt: now + this.policy.absoluteSeconds,
    };
    await this.db
      .insertInto('sessions')
      .values({
        id,
        user_id: userId,
        secret_hash: hashSecret(secret),
        created_at: session.createdAt,
        last_active_at: session.lastActiveAt,
        expires_at: session.expiresAt,
      })
      .execute();
    return { token: `${id}.${secret}`, session };
  }

  /** The live session a token names, or undefined; expired sessions are deleted on sight. */
  async validate(token: string): Promise<SessionRecord | undefined> {
    const [id, secret, extra] = token.split('.');
    if (!id || !secret || extra !== undefined || id.length > 64 || secret.length > 64) return undefined;
    const row = await this.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    const expected = Buffer.from(row.secret_hash, 'hex');
    const actual = Buffer.from(hashSecret(secret), 'hex');
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;

    const now = nowSeconds();
    if (now >= row.expires_at || now >= row.last_active_at + this.policy.idleSeconds) {
      await this.revoke(row.user_id, row.id);
      return undefined;
    }
    const lastActiveAt = coarseNowSeconds();
    // Coarse activity: at most one write per session per hour.
    if (lastActiveAt > row.last_active_at) {
      await this.db.updateTable('sessions').set({ last_active_at: lastActiveAt }).where('id', '=', id).execute();
    }
    return { id: row.id, userId: row.user_id, createdAt: row.created_at, lastActiveAt, expiresAt: row.expires_at };
  }

  async list(userId: string): Promise<SessionRecord[]> {
    const rows = await this.db
      .selectFrom('sessions')
      .selectAll()
      .where('user_id', '=', userId)
      .where('expires_at', '>', nowSeconds())
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map((row) => ({
      id: row.id,
      userId: row.user_id,
      createdAt: row.created_at,
      lastActiveAt: row.last_active_at,
      expiresAt: row.expires_at,
    }));
  }

  /** Revokes one of the user's sessions; a session id of someone else's changes nothing. */
  async revoke(userId: string, sessionId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('sessions')
      .where('id', '=', sessionId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (result.numDeletedRows === 0n) return false;
    this.emit('ended', [sessionId]);
    return true;
  }

  /** Revokes every session of the user except `keep` (when given). */
  async revokeAll(userId: string, keep?: string): Promise<number> {
    let query = this.db.selectFrom('sessions').select('id').where('user_id', '=', userId);
    if (keep) query = query.where('id', '!=', keep);
    return this.#delete((await query.execute()).map((row) => row.id));
  }

  /** Deletes expired sessions of everyone: run periodically so stale rows do not linger. */
  async purgeExpired(): Promise<number> {
    const expired = await this.db.selectFrom('sessions').select('id').where('expires_at', '<=', nowSeconds()).execute();
    return this.#delete(expired.map((row) => row.id));
  }

  async #delete(ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    await this.db.deleteFrom('sessions').where('id', 'in', ids).execute();
    this.emit('ended', ids);
    return ids.length;
  }
}
