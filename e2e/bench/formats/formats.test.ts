// The benchmark's frame formats are what they claim: each round-trips audio
// and video frames of every benchmarked size, adds exactly the bytes its
// description says, keeps the codec bytes it should in clear, and refuses a
// frame with one bit changed.
import { describe, expect, it } from 'vitest';
import type { Bytes, FrameFormat, FrameInfo } from './FrameFormat.js';
import { jframeFormat } from './jframeFormat.js';
import { nodeGcmFormat } from './nodeGcmFormat.js';
import { parleyFormat } from './parleyFormat.js';
import { ringrtcFormat } from './ringrtcFormat.js';

const audio: FrameInfo = { kind: 'audio', ssrc: 0x1234_5678, timestamp: 960 };
const video: FrameInfo = { kind: 'video', ssrc: 0x9abc_def0, timestamp: 90_000 };

/** Random bytes; a VP8 delta frame has the P bit (bit 0 of byte 0) set, a keyframe clear. */
function frame(size: number, keyframe = false): Bytes {
  const bytes = new Uint8Array(size);
  for (let at = 0; at < size; at += 65_536) crypto.getRandomValues(bytes.subarray(at, Math.min(size, at + 65_536)));
  bytes[0] = keyframe ? (bytes[0] ?? 0) & 0xfe : (bytes[0] ?? 0) | 1;
  return bytes;
}

const cases: [string, FrameInfo, Bytes, number][] = [
  ['audio 100 B', audio, frame(100), 1],
  ['video delta 1 KB', video, frame(1_000), 3],
  ['video keyframe 10 KB', video, frame(10_000, true), 10],
  ['video delta 100 KB', video, frame(100_000), 3],
];

const formats: [string, () => Promise<FrameFormat> | FrameFormat, (info: FrameInfo) => number, boolean][] = [
  // Parley: config byte, one KID byte (slot 1), two counter bytes (past frame 256); a 16-byte GCM tag.
  ['Parley', parleyFormat, () => 4 + 16, true],
  ['JFrame/LiveKit', jframeFormat, () => 16 + 12 + 2, true],
  ['Signal RingRTC', ringrtcFormat, () => 21, false],
  ['AES-NI reference', nodeGcmFormat, () => 4 + 16, true],
];

describe.each(formats)('%s', (_, make, added, keepsCodecBytes) => {
  it.each(cases)('round-trips %s, adding the documented bytes', async (__, info, plain, clear) => {
    const format = await make();
    const sealed = await format.encrypt(plain, info);
    expect(sealed.length - plain.length).toBe(added(info));
    if (keepsCodecBytes) expect(sealed.subarray(0, clear)).toEqual(plain.subarray(0, clear));
    else expect(sealed.subarray(0, 16)).not.toEqual(plain.subarray(0, 16));
    expect(sealed.subarray(clear + 24, clear + 56)).not.toEqual(plain.subarray(clear + 24, clear + 56));
    expect(await format.decrypt(sealed, info)).toEqual(plain);
  });

  it.each(cases)(
    'refuses %s with one bit changed, in the clear bytes or the ciphertext',
    async (__, info, plain, clear) => {
      const format = await make();
      const sealed = await format.encrypt(plain, info);
      for (const at of [clear - 1, clear + 20, sealed.length - 1 - added(info)]) {
        const tampered = sealed.slice();
        tampered[at] = (tampered[at] ?? 0) ^ 0x04;
        expect(await format.decrypt(tampered, info), `byte ${at}`).toBeUndefined();
      }
    },
  );
});
