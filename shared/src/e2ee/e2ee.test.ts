// Parley's layer on SFrame: clear codec bytes, per-kind suites and overhead,
// KIDs, the ratchet a receiver follows by itself, epochs kept across a key
// change, replay refusal, and that a wrong or unrelated key never yields a frame.
import { describe, expect, it } from 'vitest';
import { kidFor, parseKid, stepsAhead } from './kid.js';
import { MediaDecryptor } from './MediaDecryptor.js';
import { MediaEncryptor } from './MediaEncryptor.js';
import { clearPrefixLength } from './mediaFrames.js';
import { randomBaseKey, ratchetKey } from './ratchet.js';

const vp8Keyframe = () => {
  const frame = crypto.getRandomValues(new Uint8Array(1000));
  frame[0] = (frame[0] ?? 0) & 0xfe; // P bit 0: keyframe
  return frame;
};
const vp8Delta = () => {
  const frame = crypto.getRandomValues(new Uint8Array(300));
  frame[0] = (frame[0] ?? 0) | 1;
  return frame;
};
const opus = () => crypto.getRandomValues(new Uint8Array(80));

async function seal(encryptor: MediaEncryptor, kind: 'audio' | 'video', frame: Uint8Array<ArrayBuffer>) {
  const sealed = await encryptor.encrypt(kind, frame);
  if (!sealed) throw new Error('no key');
  return sealed;
}

describe('what stays in clear', () => {
  it('keeps 10 bytes of a VP8 keyframe, 3 of a delta frame and the Opus TOC byte, byte for byte', async () => {
    expect(clearPrefixLength('video', vp8Keyframe())).toBe(10);
    expect(clearPrefixLength('video', vp8Delta())).toBe(3);
    expect(clearPrefixLength('audio', opus())).toBe(1);
    const encryptor = new MediaEncryptor();
    await encryptor.setKey(1, 0, randomBaseKey());
    const key = vp8Keyframe();
    const sealed = await encryptor.encrypt('video', key);
    expect(sealed?.subarray(0, 10)).toEqual(key.subarray(0, 10));
    expect(sealed?.subarray(10, 30)).not.toEqual(key.subarray(10, 30));
  });
});

describe('overhead', () => {
  it('adds at most 20 bytes to a frame of either kind, up to the ratchet point', async () => {
    const encryptor = new MediaEncryptor();
    await encryptor.setKey(15, 7, randomBaseKey());
    let audioMax = 0;
    let videoMax = 0;
    for (let i = 0; i < 300; i++) {
      const a = opus();
      audioMax = Math.max(audioMax, ((await encryptor.encrypt('audio', a))?.length ?? 0) - a.length);
      const v = vp8Delta();
      videoMax = Math.max(videoMax, ((await encryptor.encrypt('video', v))?.length ?? 0) - v.length);
    }
    expect(audioMax).toBeLessThanOrEqual(20);
    expect(videoMax).toBeLessThanOrEqual(20);
  });
});

describe('fail closed', () => {
  it('gives nothing to send before there is a key', async () => {
    expect(await new MediaEncryptor().encrypt('audio', opus())).toBeUndefined();
  });

  it('never returns a frame under a wrong key, another sender’s slot, or tampered clear bytes', async () => {
    const key = randomBaseKey();
    const encryptor = new MediaEncryptor();
    await encryptor.setKey(2, 0, key);
    const sealed = await seal(encryptor, 'video', vp8Keyframe());
    const wrong = new MediaDecryptor(2);
    await wrong.setKey(0, randomBaseKey());
    expect(await wrong.decrypt('video', sealed)).toEqual({ ok: false, reason: 'authentication_failed' });
    const otherSlot = new MediaDecryptor(3);
    await otherSlot.setKey(0, key);
    expect(await otherSlot.decrypt('video', sealed)).toEqual({ ok: false, reason: 'wrong_sender' });
    const right = new MediaDecryptor(2);
    await right.setKey(0, key);
    const tampered = sealed.slice();
    tampered[5] = (tampered[5] ?? 0) ^ 1; // a clear byte: authenticated as metadata
    expect((await right.decrypt('video', tampered)).ok).toBe(false);
    expect((await right.decrypt('video', sealed)).ok).toBe(true);
    expect(await right.decrypt('video', sealed)).toEqual({ ok: false, reason: 'replayed' });
  });
});

describe('audio and video apart', () => {
  it('never decrypts an audio frame as video or the reverse, and never reuses a keystream across the two', async () => {
    const key = randomBaseKey();
    const encryptor = new MediaEncryptor();
    await encryptor.setKey(2, 0, key);
    // The first frame of each kind: both counters are 0. Under one key and salt they would share a nonce,
    // and ciphertext XOR plaintext (the keystream) would be the same for both.
    const frame = vp8Delta();
    const asVideo = await seal(encryptor, 'video', frame.slice());
    const asAudio = await seal(encryptor, 'audio', frame.slice());
    const headerLength = 2; // config byte, one KID byte, counter 0 inside the config byte
    const keystream = (sealed: Uint8Array, clear: number) =>
      frame.subarray(clear, clear + 64).map((byte, i) => byte ^ (sealed[clear + headerLength + i] ?? 0));
    expect(keystream(asAudio, 1)).not.toEqual(keystream(asVideo, 3));
    const receiver = new MediaDecryptor(2);
    await receiver.setKey(0, key);
    expect((await receiver.decrypt('audio', asVideo, { probe: true })).ok).toBe(false);
    expect((await receiver.decrypt('video', asAudio, { probe: true })).ok).toBe(false);
    expect((await receiver.decrypt('video', asVideo, { probe: true })).ok).toBe(true);
    expect((await receiver.decrypt('audio', asAudio, { probe: true })).ok).toBe(true);
  });
});

describe('key changes', () => {
  it('follows a sender’s ratchet without being told, and a newcomer given the ratcheted key cannot read the past', async () => {
    const key0 = randomBaseKey();
    const sender = new MediaEncryptor();
    await sender.setKey(1, 0, key0);
    const before = await seal(sender, 'audio', opus());
    const key1 = ratchetKey(key0);
    await sender.setKey(1, 1, key1);
    const after = await seal(sender, 'audio', opus());

    const old = new MediaDecryptor(1);
    await old.setKey(0, key0);
    expect((await old.decrypt('audio', before)).ok).toBe(true);
    const followed = await old.decrypt('audio', after);
    expect(followed).toMatchObject({ ok: true, epoch: 1, firstOfEpoch: true });

    const newcomer = new MediaDecryptor(1);
    await newcomer.setKey(1, key1);
    expect((await newcomer.decrypt('audio', after)).ok).toBe(true);
    expect((await newcomer.decrypt('audio', before)).ok).toBe(false);
  });

  it('keeps the previous epoch for frames still in flight after a fresh key, and never adopts a forged next epoch', async () => {
    const sender = new MediaEncryptor();
    await sender.setKey(4, 5, randomBaseKey().fill(1));
    const late = await seal(sender, 'video', vp8Delta());
    const fresh = randomBaseKey();
    await sender.setKey(4, 6, fresh);
    const current = await seal(sender, 'video', vp8Delta());

    const receiver = new MediaDecryptor(4);
    await receiver.setKey(5, randomBaseKey().fill(1));
    // Before the fresh key arrives, the next-epoch frame is not decryptable (and not a ratchet of epoch 5).
    expect(await receiver.decrypt('video', current)).toEqual({ ok: false, reason: 'unknown_key' });
    await receiver.setKey(6, fresh);
    expect((await receiver.decrypt('video', current)).ok).toBe(true);
    expect((await receiver.decrypt('video', late)).ok).toBe(true); // reordered across the switch
  });

  it('ignores a late, older key arriving after a newer one (keys derive asynchronously)', async () => {
    const encryptor = new MediaEncryptor();
    await Promise.all([encryptor.setKey(0, 3, randomBaseKey()), encryptor.setKey(0, 2, randomBaseKey())]);
    expect(encryptor.epoch).toBe(3);
  });

  it('keeps the key and replay window of an epoch it holds when the same key is delivered again (replayed key box)', async () => {
    const key = randomBaseKey();
    const sender = new MediaEncryptor();
    await sender.setKey(2, 3, key);
    const frame = await seal(sender, 'video', vp8Delta());
    const receiver = new MediaDecryptor(2);
    expect(await receiver.setKey(3, key)).toBe('added');
    expect((await receiver.decrypt('video', frame)).ok).toBe(true);
    // The server re-delivers the box that carried this key: the replay window must survive it.
    expect(await receiver.setKey(3, key.slice())).toBe('held');
    expect(await receiver.decrypt('video', frame)).toEqual({ ok: false, reason: 'replayed' });
    // A different key for an epoch it holds is refused, and the right key keeps working.
    expect(await receiver.setKey(3, randomBaseKey())).toBe('conflict');
    expect((await receiver.decrypt('video', await seal(sender, 'video', vp8Delta()))).ok).toBe(true);
  });

  it('keeps the replay window of an epoch it derived by following the ratchet when that key then arrives', async () => {
    const key0 = randomBaseKey();
    const sender = new MediaEncryptor();
    await sender.setKey(1, 0, key0);
    await sender.setKey(1, 1, ratchetKey(key0));
    const frame = await seal(sender, 'audio', opus());
    const receiver = new MediaDecryptor(1);
    await receiver.setKey(0, key0);
    expect((await receiver.decrypt('audio', frame)).ok).toBe(true); // followed the ratchet
    expect(await receiver.setKey(1, ratchetKey(key0))).toBe('held');
    expect(await receiver.decrypt('audio', frame)).toEqual({ ok: false, reason: 'replayed' });
  });

  it('ratchets exactly as HKDF-SHA256 in WebCrypto does (both ends must agree)', async () => {
    const key = randomBaseKey();
    const ikm = await crypto.subtle.importKey('raw', key, 'HKDF', false, ['deriveBits']);
    const info = new TextEncoder().encode('Parley 1 ratchet');
    const bits = await crypto.subtle.deriveBits(
      { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info },
      ikm,
      256,
    );
    expect(ratchetKey(key)).toEqual(new Uint8Array(bits));
  });

  it('packs slot and epoch into the KID', () => {
    expect(parseKid(kidFor(3, 17))).toEqual({ slot: 3, epochBits: 1 });
    expect(kidFor(0, 5)).toBeLessThan(8n); // fits the header's config byte
    expect(stepsAhead(15, 1)).toBe(2);
  });
});
