// SFrame's key schedule (RFC 9605 §4.4.2): from a sender's base key and KID,
// HKDF derives the AEAD key and the nonce salt, bound to the cipher suite.
import type { Bytes } from './bytes.js';
import { importAeadKey, concat, type AeadKey } from './aead.js';
import type { CipherSuite } from './cipherSuites.js';

const text = (value: string) => new TextEncoder().encode(value);

/** "SFrame 1.0 Secret key " ‖ KID (8 bytes) ‖ cipher suite (2 bytes), and the same for "salt". */
export function labels(suite: CipherSuite, kid: bigint): { key: Bytes; salt: Bytes } {
  const context = new Uint8Array(10);
  const view = new DataView(context.buffer);
  view.setBigUint64(0, kid);
  view.setUint16(8, suite.id);
  return {
    key: concat(text('SFrame 1.0 Secret key '), context),
    salt: concat(text('SFrame 1.0 Secret salt '), context),
  };
}

/**
 * The raw key and salt. WebCrypto's HKDF is Extract-then-Expand; SFrame's
 * Extract uses an empty salt, which HMAC treats like Nh zero bytes, as RFC
 * 5869 specifies. Callers import the key and zero these bytes.
 */
export async function deriveKeyMaterial(
  suite: CipherSuite,
  kid: bigint,
  baseKey: Bytes,
): Promise<{ key: Bytes; salt: Bytes }> {
  const ikm = await globalThis.crypto.subtle.importKey('raw', baseKey, 'HKDF', false, ['deriveBits']);
  const info = labels(suite, kid);
  const expand = async (label: Bytes, bytes: number) =>
    new Uint8Array(
      await globalThis.crypto.subtle.deriveBits(
        { name: 'HKDF', hash: suite.hash, salt: new Uint8Array(0), info: label },
        ikm,
        bytes * 8,
      ),
    );
  return { key: await expand(info.key, suite.keyLength), salt: await expand(info.salt, suite.nonceLength) };
}

export type SFrameKey = { suite: CipherSuite; kid: bigint; aead: AeadKey; salt: Bytes };

/** A ready-to-use key: the AEAD key is non-extractable and its raw bytes are wiped. */
export async function deriveSFrameKey(suite: CipherSuite, kid: bigint, baseKey: Bytes): Promise<SFrameKey> {
  const material = await deriveKeyMaterial(suite, kid, baseKey);
  try {
    return { suite, kid, aead: await importAeadKey(suite, material.key), salt: material.salt };
  } finally {
    material.key.fill(0);
  }
}
