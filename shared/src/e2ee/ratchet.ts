// Forward ratchet of a sender's base key (used when someone joins, and when
// a key has been used for many frames): HKDF-SHA256 with a fixed label.
// Anyone who holds a key can compute the next one, nobody can compute the
// previous one, so a newcomer given the ratcheted key cannot read what was
// said before. Synchronous (@noble/hashes) so that the key agreement state
// machine and the E2EE worker compute it the same way, without an async hop.
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { Bytes } from '../sframe/bytes.js';

const label = new TextEncoder().encode('Parley 1 ratchet');

export const baseKeyLength = 32;

/** key' = HKDF-SHA256(ikm = key, salt = empty, info = "Parley 1 ratchet", 32 bytes). */
export function ratchetKey(baseKey: Bytes): Bytes {
  return new Uint8Array(hkdf(sha256, baseKey, new Uint8Array(0), label, baseKeyLength));
}

/** A fresh random base key (on leave or removal: nothing the leaver held leads to it). */
export function randomBaseKey(): Bytes {
  return globalThis.crypto.getRandomValues(new Uint8Array(baseKeyLength));
}
