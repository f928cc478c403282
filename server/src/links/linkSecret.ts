// A meeting link's secret: HMAC-SHA256 of its id under a key derived from the
// server key. The owner can therefore copy the link from any device, while
// the database holds only SHA-256 of the secret: someone with a copy of the
// database but not of server.key can neither join nor recompute a link.
// Compared in constant time.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { ServerKey } from '../auth/serverKey.js';

export type LinkSecrets = {
  secretOf(linkId: string): string;
  hash(secret: string): string;
  matches(secret: string, storedHash: string): boolean;
};

export function linkSecrets(serverKey: ServerKey): LinkSecrets {
  const key = serverKey.subkey(1, 'PrlyLink');
  const hash = (secret: string) => createHash('sha256').update(secret).digest('hex');
  return {
    secretOf: (linkId) => createHmac('sha256', key).update(`Parley meeting link 1|${linkId}`).digest('base64url'),
    hash,
    matches(secret, storedHash) {
      const expected = Buffer.from(storedHash, 'hex');
      const actual = Buffer.from(hash(secret), 'hex');
      return expected.length === actual.length && timingSafeEqual(expected, actual);
    },
  };
}
