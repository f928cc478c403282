// SFrame encryption of one frame (RFC 9605 §4.4.3–4.4.4):
//   frame = header ‖ AEAD(key, salt XOR CTR, aad = header ‖ metadata, payload)
// `metadata` is what the SFU must read in clear (codec bytes); it is
// authenticated, not encrypted, and not repeated inside the SFrame.
import type { Bytes } from './bytes.js';
import { concat, open, seal } from './aead.js';
import { decodeHeader, encodeHeader, type SFrameHeader } from './header.js';
import type { SFrameKey } from './keySchedule.js';

/** The nonce: the salt XOR the counter, right-aligned. */
export function nonceFor(salt: Bytes, ctr: bigint): Bytes {
  const nonce = salt.slice();
  let value = ctr;
  for (let i = nonce.length - 1; i >= 0 && value > 0n; i--) {
    nonce[i] = (nonce[i] ?? 0) ^ Number(value & 0xffn);
    value >>= 8n;
  }
  return nonce;
}

export async function encryptFrame(key: SFrameKey, ctr: bigint, metadata: Bytes, payload: Bytes): Promise<Bytes> {
  const header = encodeHeader(key.kid, ctr);
  const sealed = await seal(key.aead, nonceFor(key.salt, ctr), concat(header, metadata), payload);
  return concat(header, sealed);
}

/**
 * metadata ‖ SFrame: what a transform sends when the metadata travels in
 * clear in front of the SFrame. Built in one allocation and one copy of the
 * ciphertext (the AEAD's output cannot be written in place), instead of an
 * SFrame that is then copied again behind the metadata.
 */
export async function encryptFrameAfterMetadata(
  key: SFrameKey,
  ctr: bigint,
  metadata: Bytes,
  payload: Bytes,
): Promise<Bytes> {
  const header = encodeHeader(key.kid, ctr);
  const sealed = await seal(key.aead, nonceFor(key.salt, ctr), concat(header, metadata), payload);
  const out = new Uint8Array(metadata.length + header.length + sealed.length);
  out.set(metadata, 0);
  out.set(header, metadata.length);
  out.set(sealed, metadata.length + header.length);
  return out;
}

export type Decrypted = { kid: bigint; ctr: bigint; payload: Bytes };

/** Why a frame was dropped; no plaintext leaves a failed check. */
export type DecryptFailure = 'malformed' | 'unknown_key' | 'replayed' | 'authentication_failed';

export async function decryptFrame(
  keyFor: (kid: bigint) => SFrameKey | undefined,
  frame: Bytes,
  metadata: Bytes,
): Promise<Decrypted | DecryptFailure> {
  let header;
  try {
    header = decodeHeader(frame);
  } catch {
    return 'malformed';
  }
  const key = keyFor(header.kid);
  if (!key) return 'unknown_key';
  return openFrame(key, header, frame, metadata);
}

/** Decrypts a frame whose header the caller already parsed (to try several keys without parsing again). */
export async function openFrame(
  key: SFrameKey,
  header: SFrameHeader,
  frame: Bytes,
  metadata: Bytes,
): Promise<Decrypted | 'authentication_failed'> {
  const aad = concat(frame.subarray(0, header.length), metadata);
  const payload = await open(key.aead, nonceFor(key.salt, header.ctr), aad, frame.subarray(header.length));
  return payload ? { kid: header.kid, ctr: header.ctr, payload } : 'authentication_failed';
}
