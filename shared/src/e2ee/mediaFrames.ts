// What of an encoded frame stays readable by the SFU, and which SFrame
// cipher suite protects the rest. mediasoup reads the VP8 payload header to
// detect keyframes (the P bit) and a keyframe's size; it reads nothing of Opus
// but the TOC byte is kept so a future server-side check (DTX, bandwidth)
// could use it. These bytes are authenticated as SFrame metadata: changing one
// makes the frame fail to decrypt.
import { cipherSuite, type CipherSuite } from '../sframe/cipherSuites.js';

export type MediaKind = 'audio' | 'video';

/** VP8's uncompressed data chunk: 3 bytes on every frame, 10 on keyframes (RFC 6386 §9.1). */
export const vp8ClearBytes = { keyframe: 10, delta: 3 } as const;
/** Opus: the TOC byte (RFC 6716 §3.1). */
export const opusClearBytes = 1;

/** Whether a VP8 frame is a keyframe: the P bit (lowest bit of byte 0) is 0. */
export function isVp8Keyframe(frame: Uint8Array): boolean {
  return frame.length > 0 && ((frame[0] ?? 1) & 1) === 0;
}

/** How many leading bytes of this frame stay in clear. Decided from the bytes themselves, so both ends agree. */
export function clearPrefixLength(kind: MediaKind, frame: Uint8Array): number {
  const wanted =
    kind === 'audio' ? opusClearBytes : isVp8Keyframe(frame) ? vp8ClearBytes.keyframe : vp8ClearBytes.delta;
  return Math.min(wanted, frame.length);
}

/**
 * Suites per media kind (reasoning and measurements in docs/protocol.md).
 * Audio frames are tiny and frequent: a 32-bit tag keeps the overhead at ≤ 8
 * bytes, with the forgery mitigations RFC 9605 §4.5 asks for (authentication
 * failures are counted per sender and an abnormal rate alerts the user and
 * forces a new key). Video frames are large, many per second, and a forged
 * keyframe does more harm: AES-GCM, one WebCrypto call per frame instead of
 * CTR-HMAC's two (AES-CTR, then HMAC), about half the time per frame in
 * Chromium's worker, for 6 bytes more per frame and a 128-bit tag.
 */
export const suiteFor: Record<MediaKind, CipherSuite> = {
  audio: cipherSuite(0x0003), // AES_128_CTR_HMAC_SHA256_32
  video: cipherSuite(0x0004), // AES_128_GCM_SHA256_128
};
