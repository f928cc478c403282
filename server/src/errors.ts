// Named errors that may be shown to a client. Anything else that escapes a
// handler is reported as 'internal' with a fixed message: no stacks, no
// internal detail on the wire.
import type { ErrorCode, WireError } from '@parley/shared';
import { isStoreUnavailable, storeUnavailableMessage } from './store/unavailable.js';

export class ClientError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ClientError';
  }
}

export class NotFoundError extends ClientError {
  constructor(what: string) {
    super('not_found', `${what} not found`);
    this.name = 'NotFoundError';
  }
}

export class LimitError extends ClientError {
  constructor(what: string, limit: number) {
    super('limit_reached', `at most ${limit} ${what}`);
    this.name = 'LimitError';
  }
}

/** A token bucket ran dry: the client may try again shortly. */
export class RateLimitError extends ClientError {
  constructor(what: string, rate: { capacity: number; perSecond: number }) {
    const steady =
      rate.perSecond >= 1 ? `${Math.floor(rate.perSecond)} a second` : `${Math.floor(rate.perSecond * 60)} a minute`;
    super('limit_reached', `too many ${what}: at most ${rate.capacity} at once, then ${steady}; try again shortly`);
    this.name = 'RateLimitError';
  }
}

export function toWireError(error: unknown): WireError {
  if (error instanceof ClientError) return { code: error.code, message: error.message };
  // The database is away (restarting, unreachable): nothing changed, and the same request will work soon.
  if (isStoreUnavailable(error)) return { code: 'busy', message: storeUnavailableMessage };
  return { code: 'internal', message: 'internal error' };
}
