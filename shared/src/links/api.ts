// Meeting links: a call that can be joined later, by guests without an
// account. A link is https://<host>/j/<id>#<secret>: the id names it, the
// secret (in the fragment, never sent in an HTTP request, never logged)
// proves the holder was given it. The server stores only a hash of the
// secret; see docs/data-inventory.md and docs/sensitive-calls.md.
import { z } from 'zod';
import { CallProfileSchema } from '../protocol/participants.js';

export const LinkIdSchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'a link id is 22 URL-safe characters');
export const LinkSecretSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'a link secret is 43 URL-safe characters');

/** The longest a link may stay unused; the operator may allow less (PARLEY_LINK_MAX_DAYS). */
export const linkDays = { default: 30, max: 365 } as const;

export const MeetingLinkSchema = z.object({
  id: LinkIdSchema,
  secret: LinkSecretSchema,
  profile: CallProfileSchema,
  /** Admits one guest, then stops working (an appointment). */
  singleUse: z.boolean(),
  maxParticipants: z.number().int().min(2).max(50),
  /** It expires this many days after its last use. */
  validDays: z.number().int().min(1).max(linkDays.max),
  /** Unix seconds. */
  expiresAt: z.number().int(),
  createdAt: z.number().int(),
});
export type MeetingLink = z.infer<typeof MeetingLinkSchema>;

export const linksApi = {
  create: {
    request: z.object({
      profile: CallProfileSchema,
      singleUse: z.boolean().default(false),
      maxParticipants: z.number().int().min(2).max(50).default(10),
      validDays: z.number().int().min(1).max(linkDays.max).default(linkDays.default),
    }),
    response: MeetingLinkSchema,
  },
  list: { request: z.object({}), response: z.object({ links: z.array(MeetingLinkSchema).max(1000) }) },
  revoke: { request: z.object({}), response: z.object({}) },
} as const;

/** The path of a link; the secret goes in the fragment. */
export function linkPath(id: string, secret: string): string {
  return `/j/${id}#${secret}`;
}

export type LinksEndpoint = keyof typeof linksApi;
export type LinksRequest<K extends LinksEndpoint> = z.infer<(typeof linksApi)[K]['request']>;
