// The hardware reference: Node's synchronous AES-128-GCM (OpenSSL, AES-NI on
// this machine), no WebCrypto promise or thread hop, on the same frames with
// the same clear codec bytes: clear ‖ counter (4) ‖ ciphertext ‖ 16-byte tag,
// the nonce built from the counter. What the per-frame cost could be if the
// browser's crypto were a plain function call: the practical limit every
// format is compared with. Node only.
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { clearPrefixLength } from '@parley/shared/e2ee';
import type { Bytes, FrameFormat, FrameInfo } from './FrameFormat.js';
import { randomKey } from './FrameFormat.js';

const tagLength = 16;

export function nodeGcmFormat(): FrameFormat {
  const key = randomKey(16);
  let counter = 0;
  const nonce = (value: number) => {
    const iv = new Uint8Array(12);
    new DataView(iv.buffer).setUint32(8, value);
    return iv;
  };
  return {
    name: 'AES-NI reference (Node aes-128-gcm, sync)',
    source: 'node:crypto createCipheriv',
    encrypt(frame: Bytes, info: FrameInfo) {
      const clear = clearPrefixLength(info.kind, frame);
      // The counter travels in the first 4 bytes after the clear ones, as SFrame's header would carry it.
      const ctr = counter++;
      const cipher = createCipheriv('aes-128-gcm', key, nonce(ctr));
      cipher.setAAD(frame.subarray(0, clear));
      const out = new Uint8Array(clear + 4 + frame.length - clear + tagLength);
      out.set(frame.subarray(0, clear), 0);
      new DataView(out.buffer).setUint32(clear, ctr);
      out.set(cipher.update(frame.subarray(clear)), clear + 4);
      cipher.final();
      out.set(cipher.getAuthTag(), out.length - tagLength);
      return out;
    },
    decrypt(sealed: Bytes, info: FrameInfo) {
      const clear = clearPrefixLength(info.kind, sealed);
      if (sealed.length < clear + 4 + tagLength) return undefined;
      const ctr = new DataView(sealed.buffer, sealed.byteOffset).getUint32(clear);
      const decipher = createDecipheriv('aes-128-gcm', key, nonce(ctr));
      decipher.setAAD(sealed.subarray(0, clear));
      decipher.setAuthTag(sealed.subarray(sealed.length - tagLength));
      const out = new Uint8Array(sealed.length - 4 - tagLength);
      out.set(sealed.subarray(0, clear), 0);
      out.set(decipher.update(sealed.subarray(clear + 4, sealed.length - tagLength)), clear);
      try {
        decipher.final();
      } catch {
        return undefined; // the tag did not verify
      }
      return out;
    },
  };
}
