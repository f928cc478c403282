// Sessions, after Lucia's guide. The token handed to the browser is
// "<id>.<secret>" with 256 random bits of secret; the database keeps the id
// and SHA-256(secret) only, and the secret is compared in constant time. A
// session ends when idle too long, when too old, or when revoked. Activity is
// a validated request or a message on one of its sockets, written down
// coarsely (at most once an hour), so a long call keeps its session alive.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Kysely } from 'kysely';
import { nowSeconds, type Database } from '../store/index.js';

export type SessionPolicy = { idleSeconds: number; absoluteSeconds: number };

export type SessionRecord = { id: string; userId: string; createdAt: number; lastActiveAt: number; expiresAt: number };

const encode = (bytes: Buffer) => bytes.toString('base64url');
const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** 'ended' fires with the ids of sessions that were revoked or expired, so live sockets can be cut. */
export type SessionsEvents = { ended: [sessionIds: string[]] };

export class Sessions extends EventEmitter<SessionsEvents> {
  /** Sessions whose activity is already written down for the current hour. */
  #recorded = { hour: 0, ids: new Set<string>() };

  constructor(
    private readonly db: Kysely<Database>,
    private readonly policy: SessionPolicy,
    /** Now, in Unix seconds: injectable so tests need not wait for hours. */
    private readonly now: () => number = nowSeconds,
  ) {
    super();
  }

  /** Now rounded down to the hour: activity and creation times are kept this coarse. */
  #coarseNow(): number {
    const now = this.now();
    return now - (now % 3600);
  }

  /** Creates a session and returns the token for the cookie; only its hash is stored. */
  async create(userId: string): Promise<{ token: string; session: SessionRecord }> {
    const id = encode(randomBytes(16));
    const secret = encode(randomBytes(32));
    const session = {
      id,
      userId,
      createdAt: this.#coarseNow(),
      lastActiveAt: this.#coarseNow(),
      expiresAt: this.now() + this.policy.absoluteSeconds,
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

    const now = this.now();
    if (now >= row.expires_at || now >= row.last_active_at + this.policy.idleSeconds) {
      await this.revoke(row.user_id, row.id);
      return undefined;
    }
    const lastActiveAt = this.#coarseNow();
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
      .where('expires_at', '>', this.now())
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

  /**
   * Notes activity of a session that is in use without new requests (a
   * socket in a call): at most one write per session per hour, and never for
   * a session already past its idle or absolute end, which stays ended.
   */
  async recordActivity(sessionId: string): Promise<void> {
    const hour = this.#coarseNow();
    if (this.#recorded.hour !== hour) this.#recorded = { hour, ids: new Set() };
    if (this.#recorded.ids.has(sessionId)) return;
    this.#recorded.ids.add(sessionId);
    const now = this.now();
    try {
      await this.db
        .updateTable('sessions')
        .set({ last_active_at: hour })
        .where('id', '=', sessionId)
        .where('last_active_at', '<', hour)
        .where('last_active_at', '>', now - this.policy.idleSeconds)
        .where('expires_at', '>', now)
        .execute();
    } catch (error) {
      this.#recorded.ids.delete(sessionId); // not written: the next message tries again
      throw error;
    }
  }

  /**
   * Deletes the sessions of everyone that are past their absolute end or idle
   * too long: run periodically, so stale rows do not linger and 'ended' cuts
   * the sockets of sessions nobody validates any more.
   */
  async purgeExpired(): Promise<number> {
    const now = this.now();
    const expired = await this.db
      .selectFrom('sessions')
      .select('id')
      .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_active_at', '<=', now - this.policy.idleSeconds)]))
      .execute();
    return this.#delete(expired.map((row) => row.id));
  }

  async #delete(ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    await this.db.deleteFrom('sessions').where('id', 'in', ids).execute();
    this.emit('ended', ids);
    return ids.length;
  }
}
