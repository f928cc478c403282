// Signal's group-call frame encryption (RingRTC, src/rust/src/core/crypto.rs
// and group_call.rs, public): the whole frame is encrypted with AES-256-CTR,
// IV = frame counter (u64, big-endian) ‖ 8 zero bytes, counting in the low 64
// bits; MAC = HMAC-SHA256(hmac key, IV ‖ len(C) (u32 BE) ‖ C ‖ 4 zero bytes)
// truncated to 16 bytes; on the wire C ‖ ratchet counter (1) ‖ frame counter
// (u32 BE) ‖ MAC (16): 21 bytes added. Keys are HKDF-SHA256 of the sender's
// secret ("RingRTC AES Key", "RingRTC HMAC Key"); ratcheting is left out (it
// does not change a frame's cost).
import type { Bytes, FrameFormat } from './FrameFormat.js';
import { randomKey } from './FrameFormat.js';

const macLength = 16;
const footerLength = 1 + 4 + macLength;
const text = (value: string) => new TextEncoder().encode(value);

async function hkdf(secret: Bytes, info: string): Promise<Bytes> {
  const ikm = await crypto.subtle.importKey('raw', secret, 'HKDF', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: text(info) },
    ikm,
    256,
  );
  return new Uint8Array(bits);
}

function ivFor(frameCounter: number): Bytes {
  const iv = new Uint8Array(16);
  new DataView(iv.buffer).setBigUint64(0, BigInt(frameCounter));
  return iv;
}

function macInput(iv: Bytes, ciphertext: Bytes): Bytes {
  const data = new Uint8Array(16 + 4 + ciphertext.length + 4);
  data.set(iv, 0);
  new DataView(data.buffer).setUint32(16, ciphertext.length);
  data.set(ciphertext, 20);
  return data;
}

export async function ringrtcFormat(): Promise<FrameFormat> {
  const secret = randomKey();
  const aes = await crypto.subtle.importKey('raw', await hkdf(secret, 'RingRTC AES Key'), 'AES-CTR', false, [
    'encrypt',
    'decrypt',
  ]);
  const hmac = await crypto.subtle.importKey(
    'raw',
    await hkdf(secret, 'RingRTC HMAC Key'),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const ratchetCounter = 0;
  let frameCounter = 1;
  const mac = async (iv: Bytes, ciphertext: Bytes) =>
    new Uint8Array(await crypto.subtle.sign('HMAC', hmac, macInput(iv, ciphertext))).subarray(0, macLength);
  return {
    name: 'Signal RingRTC',
    source: 'signalapp/ringrtc src/rust/src/core/crypto.rs, group_call.rs',
    async encrypt(frame: Bytes) {
      const counter = frameCounter++;
      const iv = ivFor(counter);
      const ciphertext = new Uint8Array(
        await crypto.subtle.encrypt({ name: 'AES-CTR', counter: iv, length: 64 }, aes, frame),
      );
      const out = new Uint8Array(ciphertext.length + footerLength);
      out.set(ciphertext, 0);
      out[ciphertext.length] = ratchetCounter;
      new DataView(out.buffer).setUint32(ciphertext.length + 1, counter);
      out.set(await mac(iv, ciphertext), ciphertext.length + 5);
      return out;
    },
    async decrypt(sealed: Bytes) {
      if (sealed.length < footerLength) return undefined;
      const end = sealed.length - footerLength;
      if (sealed[end] !== ratchetCounter) return undefined;
      const iv = ivFor(new DataView(sealed.buffer, sealed.byteOffset).getUint32(end + 1));
      const ciphertext = sealed.subarray(0, end);
      const expected = await mac(iv, ciphertext);
      let difference = 0;
      for (let i = 0; i < macLength; i++) difference |= (expected[i] ?? 0) ^ (sealed[end + 5 + i] ?? 0);
      if (difference !== 0) return undefined;
      return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-CTR', counter: iv, length: 64 }, aes, ciphertext));
    },
  };
}
