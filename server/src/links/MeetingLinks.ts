// Meeting links: a logged-in user's calls that can be joined later, by
// guests without an account. Stored: the id, the owner, a hash of the secret,
// the profile, whether it admits one guest only, the participant limit, and
// when it expires (a number of days after its last use, at most what the
// operator allows). Nothing about who used it, or when.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { linkDays, type LinksRequest, type MeetingLink } from '@parley/shared';
import { ClientError, LimitError, NotFoundError } from '../errors.js';
import type { Database } from '../store/index.js';
import { coarseNowSeconds, nowSeconds } from '../store/time.js';
import type { LinkSecrets } from './linkSecret.js';

/** Links one user may hold at once. */
export const maxLinksPerUser = 200;
const day = 86_400;

/** A link as the call needs it (no secret). */
export type LinkGrant = {
  id: string;
  ownerId: string;
  profile: 'standard' | 'sensitive';
  singleUse: boolean;
  maxParticipants: number;
};

export class LinkUnusableError extends ClientError {
  constructor() {
    super('link_unusable', 'This meeting link has expired, was revoked, or was already used. Ask for a new one.');
    this.name = 'LinkUnusableError';
  }
}

type Row = Database['meeting_links'];

export class MeetingLinks {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly secrets: LinkSecrets,
    /** The operator's ceiling on `validDays` (PARLEY_LINK_MAX_DAYS). */
    private readonly maxDays: number = linkDays.max,
  ) {}

  async create(ownerId: string, request: LinksRequest<'create'>): Promise<MeetingLink> {
    if (request.validDays > this.maxDays)
      throw new ClientError('invalid_message', `links on this server expire after at most ${this.maxDays} days`);
    const count = await this.db
      .selectFrom('meeting_links')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('owner_id', '=', ownerId)
      .executeTakeFirstOrThrow();
    if (Number(count.n) >= maxLinksPerUser) throw new LimitError('meeting links per account', maxLinksPerUser);
    const id = randomBytes(16).toString('base64url');
    const secret = this.secrets.secretOf(id);
    const row: Row = {
      id,
      owner_id: ownerId,
      secret_hash: this.secrets.hash(secret),
      profile: request.profile,
      single_use: request.singleUse ? 1 : 0,
      max_participants: request.profile === 'sensitive' ? request.maxParticipants : 50,
      valid_days: request.validDays,
      expires_at: nowSeconds() + request.validDays * day,
      created_at: coarseNowSeconds(),
    };
    await this.db.insertInto('meeting_links').values(row).execute();
    return this.#describe(row);
  }

  async list(ownerId: string): Promise<MeetingLink[]> {
    const rows = await this.db
      .selectFrom('meeting_links')
      .selectAll()
      .where('owner_id', '=', ownerId)
      .where('expires_at', '>', nowSeconds())
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map((row) => this.#describe(row));
  }

  /** The owner ends a link; anyone else's id changes nothing (and looks the same as a missing one). */
  async revoke(ownerId: string, id: string): Promise<void> {
    const result = await this.db
      .deleteFrom('meeting_links')
      .where('id', '=', id)
      .where('owner_id', '=', ownerId)
      .executeTakeFirst();
    if (result.numDeletedRows === 0n) throw new NotFoundError('meeting link');
  }

  /** The link, if `secret` is its secret and it has not expired; refused alike otherwise. */
  async verify(id: string, secret: string): Promise<LinkGrant> {
    const row = await this.db.selectFrom('meeting_links').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row || !this.secrets.matches(secret, row.secret_hash) || row.expires_at <= nowSeconds())
      throw new LinkUnusableError();
    return {
      id: row.id,
      ownerId: row.owner_id,
      profile: row.profile,
      singleUse: row.single_use === 1,
      maxParticipants: row.max_participants,
    };
  }

  /** Used now: it expires its number of days from today (written at most once a day). */
  async touch(id: string): Promise<void> {
    const row = await this.db
      .selectFrom('meeting_links')
      .select(['valid_days', 'expires_at'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) return;
    const expiresAt = nowSeconds() + row.valid_days * day;
    if (expiresAt - row.expires_at < day) return;
    await this.db.updateTable('meeting_links').set({ expires_at: expiresAt }).where('id', '=', id).execute();
  }

  /** A single-use link admitted its guest: it is gone (deleted, so no trace of the use remains). Only one caller wins. */
  async consume(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('meeting_links').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /** Expired links go (run with the hourly maintenance). */
  async purgeExpired(): Promise<number> {
    const result = await this.db.deleteFrom('meeting_links').where('expires_at', '<=', nowSeconds()).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  #describe(row: Row): MeetingLink {
    return {
      id: row.id,
      secret: this.secrets.secretOf(row.id),
      profile: row.profile,
      singleUse: row.single_use === 1,
      maxParticipants: row.max_participants,
      validDays: row.valid_days,
      expiresAt: row.expires_at,
      createdAt: row.created_at,
    };
  }
}
