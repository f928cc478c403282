// Short-lived TURN credentials, minted for each admission from the secret
// shared with the TURN server: the "TURN REST API" convention that coturn
// implements as use-auth-secret. username = "<expiry, Unix seconds>:<tag>",
// credential = base64(HMAC-SHA1(secret, username)).
// Protects: the relay, against use by anyone but the people Parley admitted
// to a call: without the secret nobody can mint credentials, and those a
// browser was given stop working when they expire.
// Assumes: the TURN server's clock is within minutes of ours, and the secret
// stays in the two servers' configuration (never sent, never logged). The tag
// is random, so the TURN server's records cannot be linked to an account.
import { createHmac, randomBytes } from 'node:crypto';
import type { TurnRelay } from '../config/index.js';

export type TurnCredentials = { urls: string[]; username: string; credential: string };

export function mintTurnCredentials(relay: TurnRelay, nowMs = Date.now()): TurnCredentials {
  const expiry = Math.floor(nowMs / 1000) + relay.lifetimeSeconds;
  const username = `${expiry}:${randomBytes(9).toString('base64url')}`;
  return { urls: relay.urls, username, credential: turnPassword(relay.secret, username) };
}

/** The password the TURN server derives for `username` from the shared secret. */
export function turnPassword(secret: string, username: string): string {
  return createHmac('sha1', secret).update(username).digest('base64');
}
