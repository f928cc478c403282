// The auth flows' named errors. Each says as little as the flow allows: a
// login failure never tells which of username, password or code was wrong.
import { ClientError } from '../errors.js';

/** A guess that was evaluated and was wrong: the reserved attempt stays counted. */
export class InvalidCredentialsError extends ClientError {
  constructor(message = 'The username, password or code is not right.') {
    super('invalid_credentials', message);
    this.name = 'InvalidCredentialsError';
  }
}

/** A pending sign-up or login that is gone: timed out, finished, or out of attempts. */
export class ExpiredError extends ClientError {
  constructor(message: string) {
    super('expired', message);
    this.name = 'ExpiredError';
  }
}

/** The argon2 queue is full: nothing was checked, and trying again later is the right thing to do. */
export class BusyError extends ClientError {
  constructor(message: string) {
    super('busy', message);
    this.name = 'BusyError';
  }
}
