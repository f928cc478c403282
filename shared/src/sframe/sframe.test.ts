import { describe, expect, it } from 'vitest';
import { cipherSuite } from './cipherSuites.js';
import { deriveSFrameKey } from './keySchedule.js';
import { ReplayWindow } from './ReplayWindow.js';
import { SFrameReceiver } from './SFrameReceiver.js';
import { NonceReuseError, SFrameSender } from './SFrameSender.js';

const metadata = new Uint8Array([0x90]);
const payload = new TextEncoder().encode('a video frame');
const baseKey = (fill: number) => new Uint8Array(16).fill(fill);

describe('ReplayWindow', () => {
  it('accepts each counter once, tolerates reordering inside the window, refuses stale ones', () => {
    const window = new ReplayWindow(4);
    for (const ctr of [0n, 2n, 1n, 5n]) {
      expect(window.accepts(ctr)).toBe(true);
      window.mark(ctr);
    }
    expect(window.accepts(2n)).toBe(false); // replay
    expect(window.accepts(4n)).toBe(true); // late but inside the window
    expect(window.accepts(1n)).toBe(false); // older than the window
    expect(window.accepts(6n)).toBe(true);
  });
});

describe('SFrame sender and receiver', () => {
  it('fails closed: no key, no frame', async () => {
    await expect(new SFrameSender().encrypt(metadata, payload)).rejects.toThrow(/no SFrame key/);
  });

  it('round-trips, refuses a replayed frame, and drops frames under an unknown or wrong key', async () => {
    for (const suiteId of [1, 2, 3, 4, 5]) {
      const suite = cipherSuite(suiteId);
      const sender = new SFrameSender();
      sender.setKey(await deriveSFrameKey(suite, 7n, baseKey(1)));
      const receiver = new SFrameReceiver();
      receiver.addKey(await deriveSFrameKey(suite, 7n, baseKey(1)));
      const frame = await sender.encrypt(metadata, payload);
      expect(frame.length - payload.length).toBeLessThanOrEqual(1 + 1 + suite.tagLength);
      const first = await receiver.decrypt(frame, metadata);
      expect(typeof first === 'string' ? first : new TextDecoder().decode(first.payload)).toBe('a video frame');
      expect(await receiver.decrypt(frame, metadata)).toBe('replayed');

      const stranger = new SFrameReceiver();
      expect(await stranger.decrypt(frame, metadata)).toBe('unknown_key');
      stranger.addKey(await deriveSFrameKey(suite, 7n, baseKey(2)));
      expect(await stranger.decrypt(frame, metadata)).toBe('authentication_failed');
    }
  });

  it('never reuses a nonce: counters only advance, and a new key needs a new KID', async () => {
    const suite = cipherSuite(1);
    const sender = new SFrameSender();
    sender.setKey(await deriveSFrameKey(suite, 1n, baseKey(1)));
    const a = await sender.encrypt(metadata, payload);
    const b = await sender.encrypt(metadata, payload);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    expect(() => sender.setKey({ ...a, kid: 1n } as never)).toThrow(NonceReuseError);
  });

  it('decrypts frames from the old and the new key while a rotation settles', async () => {
    const suite = cipherSuite(1);
    const sender = new SFrameSender();
    const receiver = new SFrameReceiver();
    const oldKey = await deriveSFrameKey(suite, 10n, baseKey(1));
    const newKey = await deriveSFrameKey(suite, 11n, baseKey(2));
    receiver.addKey(oldKey);
    receiver.addKey(newKey);
    sender.setKey(oldKey);
    const late = await sender.encrypt(metadata, payload);
    sender.setKey(newKey);
    const fresh = await sender.encrypt(metadata, payload);
    expect(await receiver.decrypt(fresh, metadata)).toMatchObject({ kid: 11n, ctr: 0n });
    expect(await receiver.decrypt(late, metadata)).toMatchObject({ kid: 10n, ctr: 0n });
    receiver.removeKey(10n);
    expect(await receiver.decrypt(late, metadata)).toBe('unknown_key');
  });
});
