// What a socket's failed requests leave in the log. A client can fail requests
// at will, so the log must not grow with its effort: its mistakes the media
// server refused are logged once per socket and kind, without a stack; other
// client errors (not_found, not_host, limit_reached…) are ordinary answers and
// not logged at all; anything else is the server's fault and is logged with
// its stack, but at most a few times a minute per socket, with a count of
// those left out.
import type { ClientRequestName } from '@parley/shared';
import { ClientError } from '../errors.js';
import type { Logger } from '../logging/index.js';
import { MediaRequestError, TokenBucket } from '../rooms/index.js';

/** Unexpected errors with a stack: 5 at once, then one a minute, per socket. */
const unexpectedRate = { capacity: 5, perSecond: 1 / 60 };

export class RequestErrorLog {
  readonly #mediaRefusals = new Set<string>();
  readonly #unexpected: TokenBucket;
  #suppressed = 0;

  constructor(
    private readonly log: Logger,
    now?: () => number,
  ) {
    this.#unexpected = new TokenBucket(now);
  }

  report(request: ClientRequestName, error: unknown): void {
    if (error instanceof MediaRequestError) {
      // At most (requests × 2 codes) entries per socket.
      const kind = `${request}:${error.code}`;
      if (this.#mediaRefusals.has(kind)) return;
      this.#mediaRefusals.add(kind);
      this.log.info(
        { request, errorCode: error.code, detail: error.detail },
        'the media server refused a client request (logged once per socket and kind)',
      );
      return;
    }
    // The reply tells the client; nothing went wrong on the server.
    if (error instanceof ClientError) return;
    if (!this.#unexpected.tryTake(unexpectedRate)) {
      this.#suppressed++;
      return;
    }
    const suppressed = this.#suppressed;
    this.#suppressed = 0;
    this.log.error({ err: error, request, ...(suppressed > 0 ? { suppressed } : {}) }, 'request failed');
  }
}
