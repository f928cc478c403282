// Forward ratchet of a sender's base key (used when someone joins, and when
// a key has been used for many frames): HKDF with a fixed label. Anyone who
// holds a key can compute the next one, nobody can compute the previous one,
// so a newcomer given the ratcheted key cannot read what was said before.
import type { Bytes } from '../sframe/bytes.js';

const label = new TextEncoder().encode('Parley 1 ratchet');

export const baseKeyLength = 32;

export async function ratchetKey(baseKey: Bytes): Promise<Bytes> {
  const ikm = await globalThis.crypto.subtle.importKey('raw', baseKey, 'HKDF', false, ['deriveBits']);
  const bits = await globalThis.crypto.subtle.deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: label },
    ikm,
    baseKeyLength * 8,
  );
  return new Uint8Array(bits);
}

/** A fresh random base key (on leave or removal: nothing the leaver held leads to it). */
export function randomBaseKey(): Bytes {
  return globalThis.crypto.getRandomValues(new Uint8Array(baseKeyLength));
}
