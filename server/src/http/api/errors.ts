import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorCode } from '@parley/shared';
import { ClientError, toWireError } from '../../errors.js';
import { createLogger } from '../../logging/index.js';

const log = createLogger('http.api');

const statusOf: Record<ErrorCode, ContentfulStatusCode> = {
  invalid_message: 400,
  not_joined: 409,
  already_joined: 409,
  not_admitted: 403,
  not_host: 403,
  already_announced: 409,
  room_locked: 423,
  blocked: 403,
  not_found: 404,
  limit_reached: 429,
  media_error: 422,
  unauthenticated: 401,
  invalid_credentials: 401,
  throttled: 429,
  busy: 503,
  username_taken: 409,
  weak_password: 422,
  expired: 410,
  client_outdated: 426,
  link_unusable: 410,
  not_allowed: 403,
  internal: 500,
};

/** Every API error leaves as { error: { code, message } }: no stack, no internal detail. */
export function respondWithError(error: unknown, c: Context) {
  if (!(error instanceof ClientError)) log.error({ err: error, path: c.req.path }, 'request failed');
  const wire = toWireError(error);
  return c.json({ error: wire }, statusOf[wire.code]);
}
