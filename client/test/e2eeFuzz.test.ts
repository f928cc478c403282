// The E2EE worker's inputs, fuzzed: random bytes as received frames, and real
// frames with one thing changed (a flipped bit, a cut, bytes added), through
// the worker's own FrameCryptor and the decryptor under it, with a real key
// held. Required: never a throw, every frame refused with a counted reason
// (the decryptor's reason; the stream's `failures` or `withoutKey`), and
// nothing of it played: video frames are dropped, audio ones replaced by the
// same three bytes of Opus silence. A real frame still decrypts afterwards.
// PARLEY_FUZZ_FRAMES runs more (`npm run fuzz`).
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { MediaDecryptor, MediaEncryptor, type MediaKind, type StreamStatus } from '@parley/shared/e2ee';
import { FrameCryptor, type EncodedFrame } from '../src/e2ee/worker/FrameCryptor.js';

type Bytes = Uint8Array<ArrayBuffer>;

const runs = Number(process.env.PARLEY_FUZZ_FRAMES ?? 4000);
const peerId = '0b7c9a1e-7a7e-4c55-9d1a-2f3e4d5c6b7a';
const slot = 3;
const silence = [0xf8, 0xff, 0xfe];

/** The worker's cryptor, with its per-frame step reachable from a test. */
class ReachableCryptor extends FrameCryptor {
  decrypt(status: StreamStatus, frame: EncodedFrame, emit: (frame: EncodedFrame) => void): Promise<void> {
    return this.decryptFrame(status, peerId, frame, emit);
  }
}

const freshKey = () => crypto.getRandomValues(new Uint8Array(32)) as Bytes;

/** What the worker posts to the page (its only way out): collected instead of posted. */
const posted: unknown[] = [];

/** A frame with one thing changed, so it is never the original. */
const spoil = (frame: Bytes) =>
  fc.oneof(
    fc.nat().map((n) => {
      const copy = frame.slice();
      const at = n % copy.length;
      copy[at] = (copy[at] ?? 0) ^ (1 << (n % 8));
      return copy;
    }),
    fc.integer({ min: 0, max: frame.length - 1 }).map((length) => frame.slice(0, length)),
    fc.uint8Array({ minLength: 1, maxLength: 40 }).map((extra) => new Uint8Array([...frame, ...extra]) as Bytes),
  );

describe('the E2EE worker refuses random and altered frames, counting why, playing none', () => {
  const key = freshKey();
  const encryptor = new MediaEncryptor();
  const cryptor = new ReachableCryptor();
  const real: Record<MediaKind, Bytes[]> = { audio: [], video: [] };

  beforeAll(async () => {
    Object.assign(globalThis, { self: { postMessage: (message: unknown) => posted.push(message) } });
    await encryptor.setKey(slot, 0, key.slice());
    await cryptor.setReceiveKey(peerId, slot, 0, key.slice());
    for (const kind of ['audio', 'video'] as const)
      for (let i = 0; i < 8; i++) {
        const plain = crypto.getRandomValues(new Uint8Array(40 + i * 30)) as Bytes;
        if (kind === 'video') plain[0] = 0x10; // a VP8 keyframe (bit 0 clear): its first 10 bytes stay in clear
        const sealed = await encryptor.encrypt(kind, plain);
        if (sealed) real[kind].push(sealed);
      }
  });

  for (const kind of ['audio', 'video'] as const)
    it(`${kind}: ${runs} frames, each refused with a reason and never played`, async () => {
      const status: StreamStatus = {
        streamId: `recv-${kind}`,
        direction: 'receive',
        kind,
        peerId,
        state: 'waiting_for_key',
        frames: 0,
        withoutKey: 0,
        failures: 0,
        overheadBytes: 0,
      };
      const reasons: Record<string, number> = {};
      const decryptor = new MediaDecryptor(slot);
      await decryptor.setKey(0, key.slice());
      const frames = fc.oneof(
        fc.uint8Array({ maxLength: 1500 }).map((bytes) => bytes as Bytes),
        fc.nat(real[kind].length - 1).chain((i) => spoil(real[kind][i] ?? new Uint8Array(1))),
      );
      let sent = 0;
      await fc.assert(
        fc.asyncProperty(frames, async (frame) => {
          sent++;
          const outcome = await decryptor.decrypt(kind, frame.slice(), { probe: true });
          if (outcome.ok) return false; // a random or altered frame must never open
          reasons[outcome.reason] = (reasons[outcome.reason] ?? 0) + 1;
          const played: Bytes[] = [];
          await cryptor.decrypt(status, { data: frame.slice().buffer }, (out) => played.push(new Uint8Array(out.data)));
          if (kind === 'video') return played.length === 0;
          return played.length === 1 && [...(played[0] ?? [])].join() === silence.join();
        }),
        { numRuns: runs },
      );
      process.stdout.write(`${kind}: ${sent} frames refused: ${JSON.stringify(reasons)}\n`);
      expect(status.frames).toBe(0);
      expect(status.failures + status.withoutKey).toBe(sent);
      expect(Object.keys(reasons).length).toBeGreaterThan(1);

      // The stream is not broken: a real frame still decrypts and plays.
      const original = Array.from({ length: 64 }, (_, i) => (i === 0 ? 0x10 : i));
      const fresh = await encryptor.encrypt(kind, new Uint8Array(original) as Bytes);
      const played: EncodedFrame[] = [];
      await cryptor.decrypt(status, { data: fresh?.buffer ?? new ArrayBuffer(0) }, (out) => played.push(out));
      expect(status.frames).toBe(1);
      expect([...new Uint8Array(played[0]?.data ?? new ArrayBuffer(0))]).toEqual(original);
    });

  it('reported failures to the page only as typed, rate-limited events', () => {
    const types = new Set(posted.map((message) => (message as { type: string }).type));
    for (const type of types) expect(['decryptFailures', 'keyMissing', 'keyInUse']).toContain(type);
    expect(posted.length).toBeLessThan(100);
  });
});
