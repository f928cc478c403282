// Encrypts our outgoing frames (every kind, every track) under our current
// sender key. Fail closed: with no key yet, `encrypt` returns undefined and
// the caller drops the frame; nothing is ever passed on in clear.
import type { Bytes } from '../sframe/bytes.js';
import { deriveSFrameKey } from '../sframe/keySchedule.js';
import { SFrameSender } from '../sframe/SFrameSender.js';
import { kidFor } from './kid.js';
import { clearPrefixLength, suiteFor, type MediaKind } from './mediaFrames.js';

/** After this many frames under one key the sender asks for a ratchet, so counters stay within 2 bytes. */
export const ratchetAfterFrames = 0xf000n;

type CurrentKey = { slot: number; epoch: number; senders: Record<MediaKind, SFrameSender> };

export class MediaEncryptor {
  #current: CurrentKey | undefined;

  get epoch(): number | undefined {
    return this.#current?.epoch;
  }

  /** Switches to a new key. An older epoch arriving late (keys derive asynchronously) is ignored. */
  async setKey(slot: number, epoch: number, baseKey: Bytes): Promise<void> {
    const kid = kidFor(slot, epoch);
    const [audio, video] = await Promise.all([
      deriveSFrameKey(suiteFor.audio, kid, baseKey),
      deriveSFrameKey(suiteFor.video, kid, baseKey),
    ]);
    if (this.#current && this.#current.slot === slot && this.#current.epoch >= epoch) return;
    const senders = { audio: new SFrameSender(), video: new SFrameSender() };
    senders.audio.setKey(audio);
    senders.video.setKey(video);
    this.#current = { slot, epoch, senders };
  }

  /** Forgets the current key (derived, non-extractable keys: dropping them is all there is). */
  wipe(): void {
    this.#current = undefined;
  }

  /** Whether the current key has carried enough frames that it should be ratcheted. */
  get wantsRatchet(): boolean {
    const current = this.#current;
    if (!current) return false;
    return current.senders.audio.used >= ratchetAfterFrames || current.senders.video.used >= ratchetAfterFrames;
  }

  /** clear codec bytes ‖ SFrame(header ‖ ciphertext ‖ tag), or undefined when there is no key (drop the frame). */
  async encrypt(kind: MediaKind, frame: Bytes): Promise<Bytes | undefined> {
    const current = this.#current;
    if (!current) return undefined;
    const clear = clearPrefixLength(kind, frame);
    return current.senders[kind].encryptAfterMetadata(frame.subarray(0, clear), frame.subarray(clear));
  }
}
