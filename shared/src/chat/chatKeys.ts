// Keys for chat and files, derived from a sender's current SFrame base key —
// never the media key itself: the label differs from RFC 9605's key schedule
// and from the ratchet, so a chat key reveals nothing about media keys and
// the other way round. Everyone the key agreement gave a sender's key can
// derive its "everyone" key; a private key also needs the pairwise secret of
// sender and recipient (from their X25519 call keys), which nobody else has,
// although everyone holds the sender's base key.
//
// Protects: chat content against the server and, for private messages,
// against the other participants. Assumes: the base key is the one the key
// agreement installed (rotation on join and leave covers chat with it), and
// (key, seq) never repeats: seq strictly increases for the life of a sender.
import type { Bytes } from '../sframe/bytes.js';

const encoder = new TextEncoder();
const everyoneInfo = encoder.encode('Parley 1 chat|everyone');
const privateInfo = encoder.encode('Parley 1 chat|private');

/** The AEAD key for messages to everyone: HKDF-SHA256(base key, salt = empty, info = "Parley 1 chat|everyone"). */
export async function everyoneChatKey(baseKey: Uint8Array): Promise<CryptoKey> {
  return derive(baseKey, new Uint8Array(0), everyoneInfo);
}

/**
 * The AEAD key for a private message between sender and recipient:
 * HKDF-SHA256(base key, salt = pair secret, info = "Parley 1 chat|private").
 * Needs both: the sender's current base key (rotation) and the pair's secret
 * (only those two).
 */
export async function privateChatKey(baseKey: Uint8Array, pairSecret: Uint8Array): Promise<CryptoKey> {
  if (pairSecret.length !== 32) throw new Error('a pair secret is 32 bytes');
  return derive(baseKey, pairSecret, privateInfo);
}

async function derive(baseKey: Uint8Array, salt: Uint8Array, info: Uint8Array): Promise<CryptoKey> {
  const ikm = await crypto.subtle.importKey('raw', copy(baseKey), 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: copy(salt), info: copy(info) },
    ikm,
    { name: 'AES-GCM', length: 256 },
    false, // non-extractable
    ['encrypt', 'decrypt'],
  );
}

/** AES-GCM nonce from the sender's sequence number: 4 zero bytes ‖ seq (64-bit big-endian). */
export function chatNonce(seq: number): Bytes {
  const nonce = new Uint8Array(12);
  new DataView(nonce.buffer).setBigUint64(4, BigInt(seq));
  return nonce;
}

function copy(bytes: Uint8Array): Bytes {
  return new Uint8Array(bytes);
}
