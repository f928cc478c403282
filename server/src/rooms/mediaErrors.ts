// mediasoup refuses many requests a client can make on purpose or by mistake:
// connecting a transport twice, a codec the router does not offer, an SSRC
// already in use, an object that closed a moment ago. Those are the client's
// mistakes, not the server's: they are answered with a clear code and logged
// once per socket without a stack (signaling/RequestErrorLog), instead of as
// internal errors with a stack trace each time.
import { ClientError } from '../errors.js';

/** mediasoup refused a client's request; `detail` is mediasoup's message, for the log only. */
export class MediaRequestError extends ClientError {
  constructor(
    action: string,
    readonly detail: string,
    invalidParameters: boolean,
  ) {
    super(
      invalidParameters ? 'invalid_message' : 'media_error',
      invalidParameters
        ? `invalid media parameters: could not ${action}`
        : `the media server refused to ${action} (already done, or no longer possible)`,
    );
    this.name = 'MediaRequestError';
  }
}

/**
 * Runs one mediasoup call made for a client. Keep `call` to that call alone:
 * whatever it throws is taken to be mediasoup refusing the request. A dead
 * worker ('Channel closed') lands here too; the worker pool logs that once.
 */
export async function media<T>(action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    // TypeError: parameters mediasoup's validation rejects; UnsupportedError: nothing in the router matches them.
    const invalidParameters = error instanceof TypeError || error.name === 'UnsupportedError';
    throw new MediaRequestError(action, error.message.slice(0, 200), invalidParameters);
  }
}
