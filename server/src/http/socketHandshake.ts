// The socket.io handshake's checks: the page's version, then who it speaks
// for — an account (its session cookie) or a guest (a meeting link's id and
// secret, and a random token the guest's browser keeps).
// Protects: calls (and through them media and keys) against clients with
// neither a live session nor a valid link, and the server's internals
// against being described to whoever connects.
// Against: a stale, revoked or forged session cookie or link; an outdated
// page; a client that provokes a failure to read its message.
// Assumes: a refusal reaches the client only as connect_error, whose message
// is one fixed code (HandshakeRefusal) that the page understands; the real
// cause of a failure is logged here and never sent.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ErrorCode } from '@parley/shared';
import { compareVersions, LinkIdSchema, LinkSecretSchema, VersionSchemaSource } from '@parley/shared';
import { z } from 'zod';
import type { Sessions } from '../auth/sessions.js';
import { LinkUnusableError, type LinkGrant, type MeetingLinks } from '../links/index.js';
import type { SocketData } from '../signaling/attachSignaling.js';
import { createLogger, errorSummary } from '../logging/index.js';
import type { ParleyIo } from '../signaling/index.js';
import { sessionTokenFromHeader, type CookiePolicy } from './api/sessionCookie.js';

const log = createLogger('http.socketHandshake');

export type HandshakeRefusal = Extract<ErrorCode, 'client_outdated' | 'unauthenticated' | 'internal' | 'link_unusable'>;

/** What a refused client sees: `message` is the code, and `data` repeats it; nothing else. */
export class HandshakeRefusedError extends Error {
  readonly data: { code: HandshakeRefusal };
  constructor(code: HandshakeRefusal) {
    super(code);
    this.name = 'HandshakeRefusedError';
    this.data = { code };
  }
}

type Middleware = Parameters<ParleyIo['use']>[0];

const ClientVersionSchema = z.object({ clientVersion: z.string().regex(VersionSchemaSource) });

/** Too old a client is turned away before anything else, with a code the page understands. */
export function requireClientVersion(minimum: string): Middleware {
  return (socket, next) => {
    const offered = ClientVersionSchema.safeParse(socket.handshake.auth);
    if (offered.success && compareVersions(offered.data.clientVersion, minimum) >= 0) return next();
    next(new HandshakeRefusedError('client_outdated'));
  };
}

/** A guest's credentials: the link (id and secret) and their browser's token. */
const GuestAuthSchema = z.object({
  link: z.object({ id: LinkIdSchema, secret: LinkSecretSchema }),
  guestToken: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
});

export type Identify = {
  sessions: Sessions;
  cookies: CookiePolicy;
  links: MeetingLinks;
  usernameOf(userId: string): Promise<string | undefined>;
  /** The client's address key (memory only), for guests' knock limits. */
  addressKeyOf(request: IncomingMessage): string;
};

/**
 * Calls need a logged-in user — the handshake carries the same session cookie
 * as the HTTP API — or a guest holding a valid meeting link. A session wins
 * when both are present (an account holder opening a link stays themselves).
 */
export function identify(deps: Identify): Middleware {
  return (socket, next) => {
    identifySocket(deps, socket.request, socket.handshake.auth).then(
      (data) => {
        if (typeof data === 'string') return next(new HandshakeRefusedError(data));
        socket.data = data;
        next();
      },
      (error: unknown) => {
        log.error({ err: errorSummary(error) }, 'identity check failed during a socket handshake');
        next(new HandshakeRefusedError('internal'));
      },
    );
  };
}

async function identifySocket(
  deps: Identify,
  request: IncomingMessage,
  auth: unknown,
): Promise<SocketData | HandshakeRefusal> {
  const token = sessionTokenFromHeader(request.headers.cookie, deps.cookies);
  const session = token ? await deps.sessions.validate(token) : undefined;
  if (session) {
    const username = await deps.usernameOf(session.userId);
    if (username === undefined) return 'unauthenticated';
    return { userId: session.userId, sessionId: session.id, identity: { kind: 'account', username } };
  }
  const guest = GuestAuthSchema.safeParse(auth);
  if (!guest.success) return 'unauthenticated';
  let link: LinkGrant;
  try {
    link = await deps.links.verify(guest.data.link.id, guest.data.link.secret);
  } catch (error) {
    if (error instanceof LinkUnusableError) return 'link_unusable';
    throw error;
  }
  return {
    userId: guestIdOf(link.id, guest.data.guestToken),
    sessionId: undefined,
    identity: { kind: 'guest' },
    guest: { link, addressKey: deps.addressKeyOf(request) },
  };
}

/** A guest's id: stable for one browser and one link (a reconnect resumes; a returning guest's keys are recognised). */
function guestIdOf(linkId: string, guestToken: string): string {
  const hex = createHash('sha256').update(`Parley guest 1|${linkId}|${guestToken}`).digest('hex');
  // Shaped as a UUID (version 4 bits set): protocol ids are UUIDs.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
