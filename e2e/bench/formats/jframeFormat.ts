// Jitsi's JFrame and LiveKit's frame cryptor (the same layout): AES-GCM-128
// with a 16-byte tag; a 12-byte IV of SSRC ‖ RTP timestamp ‖ send counter
// sent in the clear after the ciphertext, then a 2-byte trailer (IV length,
// key index). The codec's first bytes stay in clear as in Parley (VP8 10 on
// keyframes, 3 otherwise; Opus 1) and are the AEAD's additional data.
// From jitsi/lib-jitsi-meet modules/e2ee/Context.js and livekit/client-sdk-js
// src/e2ee/worker/FrameCryptor.ts (public descriptions); key ratcheting and
// per-participant keyrings are left out: they do not change a frame's cost.
import { clearPrefixLength } from '@parley/shared/e2ee';
import type { Bytes, FrameFormat, FrameInfo } from './FrameFormat.js';
import { randomKey } from './FrameFormat.js';

const ivLength = 12;
const tagLength = 16;
const keyIndex = 0;

export async function jframeFormat(): Promise<FrameFormat> {
  const key = await crypto.subtle.importKey('raw', randomKey(16), 'AES-GCM', false, ['encrypt', 'decrypt']);
  let sendCount = 0;
  return {
    name: 'Jitsi JFrame / LiveKit',
    source: 'lib-jitsi-meet e2ee/Context.js, livekit client-sdk-js e2ee/worker/FrameCryptor.ts',
    async encrypt(frame: Bytes, info: FrameInfo) {
      const clear = clearPrefixLength(info.kind, frame);
      const iv = new Uint8Array(ivLength);
      const view = new DataView(iv.buffer);
      view.setUint32(0, info.ssrc);
      view.setUint32(4, info.timestamp);
      view.setUint32(8, sendCount++ % 0xffff);
      const header = frame.subarray(0, clear);
      const sealed = new Uint8Array(
        await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: header }, key, frame.subarray(clear)),
      );
      const out = new Uint8Array(clear + sealed.length + ivLength + 2);
      out.set(header, 0);
      out.set(sealed, clear);
      out.set(iv, clear + sealed.length);
      out[out.length - 2] = ivLength;
      out[out.length - 1] = keyIndex;
      return out;
    },
    async decrypt(sealed: Bytes, info: FrameInfo) {
      const clear = clearPrefixLength(info.kind, sealed);
      const length = sealed[sealed.length - 2] ?? 0;
      if (sealed[sealed.length - 1] !== keyIndex || sealed.length < clear + tagLength + length + 2) return undefined;
      const ivStart = sealed.length - 2 - length;
      const header = sealed.subarray(0, clear);
      try {
        const plain = await crypto.subtle.decrypt(
          { name: 'AES-GCM', iv: sealed.subarray(ivStart, ivStart + length), additionalData: header },
          key,
          sealed.subarray(clear, ivStart),
        );
        const out = new Uint8Array(clear + plain.byteLength);
        out.set(header, 0);
        out.set(new Uint8Array(plain), clear);
        return out;
      } catch {
        return undefined; // the tag did not verify
      }
    },
  };
}
