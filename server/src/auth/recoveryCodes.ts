// Ten single-use recovery codes, shown once. Each has 80 random bits (16
// base32 characters), so a plain SHA-256 is enough to store them: unlike
// passwords they cannot be guessed from a list. Comparison is constant-time
// and looks at every stored code, so timing says nothing about which matched.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const recoveryCodeCount = 10;
const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function randomCode(): string {
  const bytes = randomBytes(10); // 80 bits → 16 base32 characters
  let bits = 0;
  let value = 0;
  let code = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      code += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return code;
}

/** Codes grouped for reading aloud or typing: ABCD-EFGH-IJKL-MNOP. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: recoveryCodeCount }, () => randomCode().replace(/(.{4})(?=.)/g, '$1-'));
}

/** The stored form of a code; accepts it with or without dashes, in any case. */
export function hashRecoveryCode(code: string): string {
  const canonical = code.toUpperCase().replace(/[^A-Z2-7]/g, '');
  return createHash('sha256').update(canonical).digest('hex');
}

/** The stored hash that matches `code`, if any, found in constant time per candidate. */
export function findRecoveryCode(code: string, storedHashes: string[]): string | undefined {
  const candidate = Buffer.from(hashRecoveryCode(code), 'hex');
  let found: string | undefined;
  for (const stored of storedHashes) {
    const storedBytes = Buffer.from(stored, 'hex');
    if (storedBytes.length === candidate.length && timingSafeEqual(storedBytes, candidate)) found = stored;
  }
  return found;
}
