// Coming back to a call after the server restarted (or crashed). Calls live
// in memory only, so a restart forgets them; the people in them come back
// with a rejoin ticket the server gave each of them while they were in: a
// MAC, under a key derived from the server key (which survives restarts),
// over the call's id, their account, whether they were a host, the call's
// organiser, policy and meeting link, and an expiry. With it the first to
// come back re-creates the call under the same id, and each holder enters
// without knocking again (a host let them in already); hosts get their
// rights back by account. Nothing about calls is written down: the tickets
// live in the participants' pages.
//
// Protects: the call against strangers and its lobby against people who
// were never let in (a ticket names one account and one call, and cannot be
// forged without server.key). A ticket is honoured only by a later server
// process than the one that issued it: within one process, someone removed
// or turned away knocks like anyone else. Assumes: server.key stays secret,
// and clocks do not run backwards across a restart. Known limit:
// tickets cannot be revoked, so they are short-lived and refreshed while
// their holder is in the call; someone removed from a call can use theirs
// to come back only if the server restarts before it expires.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { CallPolicySchema, type CallPolicy } from '@parley/shared';

/** How long a ticket is good for, and how often holders get a fresh one. */
export const ticketLifetimeMs = 10 * 60_000;
export const ticketRefreshMs = 4 * 60_000;

const GrantSchema = z.object({
  v: z.literal(1),
  roomId: z.string().max(64),
  userId: z.string().max(64),
  host: z.boolean(),
  organiserId: z.string().max(64),
  policy: CallPolicySchema,
  linkId: z.string().max(64).optional(),
  issuedAt: z.number(),
  expiresAt: z.number(),
});

export type RejoinGrant = {
  roomId: string;
  userId: string;
  host: boolean;
  organiserId: string;
  policy: CallPolicy;
  linkId?: string | undefined;
};

/** A verified ticket: the grant, and when it was issued. */
export type IssuedGrant = RejoinGrant & { issuedAt: number };

export class RejoinTickets {
  constructor(
    /** 32 bytes derived from the server key for this purpose only. */
    private readonly key: Uint8Array,
    private readonly now: () => number = Date.now,
  ) {}

  issue(grant: RejoinGrant): string {
    const body = Buffer.from(
      JSON.stringify({ v: 1, ...grant, issuedAt: this.now(), expiresAt: this.now() + ticketLifetimeMs }),
    ).toString('base64url');
    return `${body}.${this.#mac(body)}`;
  }

  /** The grant a ticket carries, if it is ours, intact and not expired. */
  verify(ticket: string): IssuedGrant | undefined {
    const [body, mac, extra] = ticket.split('.');
    if (!body || !mac || extra !== undefined) return undefined;
    const expected = Buffer.from(this.#mac(body), 'base64url');
    const actual = Buffer.from(mac, 'base64url');
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return undefined; // cannot happen for a body we signed; refused all the same
    }
    const parsed = GrantSchema.safeParse(json);
    if (!parsed.success || parsed.data.expiresAt < this.now()) return undefined;
    const { v: _version, expiresAt: _expiry, ...grant } = parsed.data;
    return grant;
  }

  #mac(body: string): string {
    return createHmac('sha256', this.key).update(`Parley rejoin 1|${body}`).digest('base64url');
  }
}
