// The AEAD under SFrame (RFC 9605 §4.5), on WebCrypto so it runs in Node and
// in browser workers alike. Keys are imported non-extractable. Opening never
// returns plaintext that failed its check: it returns undefined instead.
import type { Bytes } from './bytes.js';
import type { CipherSuite } from './cipherSuites.js';

export type AeadKey = { suite: CipherSuite; enc: CryptoKey; auth: CryptoKey | undefined };

const subtle = () => globalThis.crypto.subtle;

export async function importAeadKey(suite: CipherSuite, raw: Bytes): Promise<AeadKey> {
  if (raw.length !== suite.keyLength) throw new Error(`${suite.name} keys are ${suite.keyLength} bytes`);
  if (suite.kind === 'gcm') {
    return {
      suite,
      enc: await subtle().importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']),
      auth: undefined,
    };
  }
  const enc = await subtle().importKey('raw', raw.slice(0, suite.encKeyLength), 'AES-CTR', false, [
    'encrypt',
    'decrypt',
  ]);
  const auth = await subtle().importKey(
    'raw',
    raw.slice(suite.encKeyLength),
    { name: 'HMAC', hash: suite.hash },
    false,
    ['sign'],
  );
  return { suite, enc, auth };
}

function uint64(value: number): Bytes {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(value));
  return bytes;
}

export function concat(...parts: Bytes[]): Bytes {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** RFC 9605 §4.5.1 compute_tag: HMAC over lengths, nonce, AAD and ciphertext, truncated to Nt. */
async function computeTag(key: AeadKey, nonce: Bytes, aad: Bytes, ct: Bytes): Promise<Bytes> {
  if (!key.auth) throw new Error('CTR-HMAC key without its HMAC part');
  const authData = concat(uint64(aad.length), uint64(ct.length), uint64(key.suite.tagLength), nonce, aad, ct);
  const mac = new Uint8Array(await subtle().sign('HMAC', key.auth, authData));
  return mac.slice(0, key.suite.tagLength);
}

/** AES-CTR's 16-byte initial counter block: the 12-byte nonce, then a 32-bit block counter from 0. */
function counterBlock(nonce: Bytes): Bytes {
  return concat(nonce, new Uint8Array(4));
}

function equalInConstantTime(a: Bytes, b: Bytes): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return difference === 0;
}

export async function seal(key: AeadKey, nonce: Bytes, aad: Bytes, plaintext: Bytes): Promise<Bytes> {
  if (key.suite.kind === 'gcm') {
    return new Uint8Array(
      await subtle().encrypt({ name: 'AES-GCM', iv: nonce, additionalData: aad, tagLength: 128 }, key.enc, plaintext),
    );
  }
  const ct = new Uint8Array(
    await subtle().encrypt({ name: 'AES-CTR', counter: counterBlock(nonce), length: 32 }, key.enc, plaintext),
  );
  return concat(ct, await computeTag(key, nonce, aad, ct));
}

/** The plaintext, or undefined when the ciphertext does not authenticate. */
export async function open(key: AeadKey, nonce: Bytes, aad: Bytes, sealed: Bytes): Promise<Bytes | undefined> {
  if (sealed.length < key.suite.tagLength) return undefined;
  if (key.suite.kind === 'gcm') {
    try {
      return new Uint8Array(
        await subtle().decrypt({ name: 'AES-GCM', iv: nonce, additionalData: aad, tagLength: 128 }, key.enc, sealed),
      );
    } catch {
      return undefined; // OperationError: the tag did not verify
    }
  }
  const ct = sealed.subarray(0, sealed.length - key.suite.tagLength);
  const tag = sealed.subarray(sealed.length - key.suite.tagLength);
  // The tag and the keystream are computed at once (two WebCrypto calls in
  // flight: one wait instead of two); the plaintext is returned only if the
  // tag verified, and wiped otherwise.
  const [expected, decrypted] = await Promise.all([
    computeTag(key, nonce, aad, ct),
    subtle().decrypt({ name: 'AES-CTR', counter: counterBlock(nonce), length: 32 }, key.enc, ct),
  ]);
  const plaintext = new Uint8Array(decrypted);
  if (equalInConstantTime(tag, expected)) return plaintext;
  plaintext.fill(0);
  return undefined;
}
