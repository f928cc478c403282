// Parley's own frames, through the product's MediaEncryptor/MediaDecryptor:
// clear codec bytes ‖ SFrame (RFC 9605), the suite chosen per media kind.
import { MediaDecryptor, MediaEncryptor } from '@parley/shared/e2ee';
import type { Bytes, FrameFormat, FrameInfo } from './FrameFormat.js';
import { randomKey } from './FrameFormat.js';

export async function parleyFormat(): Promise<FrameFormat> {
  const base = randomKey();
  const encryptor = new MediaEncryptor();
  await encryptor.setKey(1, 0, base);
  // Past the first 256 frames, as in a call: the counter then takes 2 header bytes.
  for (let i = 0; i < 256; i++) {
    await encryptor.encrypt('audio', new Uint8Array([0xf8, 0, 0]));
    await encryptor.encrypt('video', new Uint8Array([0x01, 0, 0, 0]));
  }
  const decryptor = new MediaDecryptor(1);
  await decryptor.setKey(0, base);
  return {
    name: 'Parley (SFrame)',
    source: 'this repository: shared/src/e2ee, docs/protocol.md',
    encrypt: async (frame: Bytes, info: FrameInfo) => {
      const sealed = await encryptor.encrypt(info.kind, frame);
      if (!sealed) throw new Error('no key');
      return sealed;
    },
    // probe: the benchmark decrypts the same frames again and again, which the replay window would refuse.
    decrypt: async (sealed: Bytes, info: FrameInfo) => {
      const result = await decryptor.decrypt(info.kind, sealed, { probe: true });
      return result.ok ? result.frame : undefined;
    },
  };
}
