// Whether an error means the database could not be reached or answered (it
// is restarting, the network to it is down, SQLite's file is locked for too
// long) rather than that a query or the data was wrong. Such errors reach
// people as `busy` ("try again in a moment"), not as internal errors: nothing
// was changed, and the same request will work once the database is back.
// The PostgreSQL pool replaces broken connections by itself, so the server
// recovers without a restart.

/** Socket errors on the way to the database. */
const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** PostgreSQL's own: class 08 (connection exception), 57P01–57P03 (shutting down, cannot connect now). */
const postgresCodes = /^(08...|57P0[123])$/;

/** pg's messages for a connection lost or never made (it sets no code on these). */
const lostConnection = /Connection terminated|timeout exceeded when trying to connect|connection error/i;

export function isStoreUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (networkCodes.has(code) || postgresCodes.test(code)) return true;
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return true;
  }
  return lostConnection.test(error.message);
}

export const storeUnavailableMessage = 'The database cannot be reached right now. Try again in a moment.';
