// The socket.io handshake's checks: the page's version, then its session.
// Protects: calls (and through them media and keys) against clients without
// a live session, and the server's internals against being described to
// whoever connects.
// Against: a stale, revoked or forged session cookie; an outdated page; a
// client that provokes a failure to read its message.
// Assumes: a refusal reaches the client only as connect_error, whose message
// is one fixed code (HandshakeRefusal) that the page understands; the real
// cause of a failure is logged here and never sent.
import type { ErrorCode } from '@parley/shared';
import { compareVersions, VersionSchemaSource } from '@parley/shared';
import { z } from 'zod';
import type { Sessions } from '../auth/sessions.js';
import { createLogger, errorSummary } from '../logging/index.js';
import type { ParleyIo } from '../signaling/index.js';
import { sessionTokenFromHeader, type CookiePolicy } from './api/sessionCookie.js';

const log = createLogger('http.socketHandshake');

export type HandshakeRefusal = Extract<ErrorCode, 'client_outdated' | 'unauthenticated' | 'internal'>;

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

/** Calls need a logged-in user: the handshake carries the same session cookie as the HTTP API. */
export function requireSession(sessions: Sessions, cookies: CookiePolicy): Middleware {
  return (socket, next) => {
    const token = sessionTokenFromHeader(socket.request.headers.cookie, cookies);
    if (!token) return next(new HandshakeRefusedError('unauthenticated'));
    sessions.validate(token).then(
      (session) => {
        if (!session) return next(new HandshakeRefusedError('unauthenticated'));
        socket.data.userId = session.userId;
        socket.data.sessionId = session.id;
        next();
      },
      (error: unknown) => {
        log.error({ err: errorSummary(error) }, 'session check failed during a socket handshake');
        next(new HandshakeRefusedError('internal'));
      },
    );
  };
}
