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
 * Suites per media kind (reasoning and measurements in docs/protocol.md):
 * AES-GCM for both, one WebCrypto call per frame instead of CTR-HMAC's two
 * (AES-CTR, then HMAC over the ciphertext). Each call is an asynchronous hop
 * to the browser's crypto thread and back, and per frame that hop, not the
 * cipher, is the cost: bench:call measured the E2EE worker's CPU mostly in
 * per-frame overhead, and audio is most of the frames (50 a second per
 * stream). The price is the 16-byte tag: 12 bytes more per audio frame than
 * the 32-bit CTR-HMAC tag Parley used before, 6 more per video frame.
 *
 * The two kinds must use different suites: SFrame derives the key and salt
 * from the base key, the KID and the suite, and each kind counts its own
 * frames, so one suite for both would repeat GCM nonces under one key, and
 * would let an audio frame pass as video. Audio takes the AES-256 GCM suite.
 */
export const suiteFor: Record<MediaKind, CipherSuite> = {
  audio: cipherSuite(0x0005), // AES_256_GCM_SHA512_128
  video: cipherSuite(0x0004), // AES_128_GCM_SHA256_128
};
