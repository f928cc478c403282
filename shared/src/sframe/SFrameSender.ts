import type { Bytes } from './bytes.js';
import { encryptFrame, encryptFrameAfterMetadata } from './frame.js';
import type { SFrameKey } from './keySchedule.js';

export class NonceReuseError extends Error {
  override name = 'NonceReuseError';
}

const maxCounter = (1n << 64n) - 1n;

/**
 * Encrypts one sender's frames under its current key. The counter only moves
 * forward and is reset only with a new key, so a (key, nonce) pair is never
 * used twice; running out of counters is an error, never a wrap-around.
 */
export class SFrameSender {
  #key: SFrameKey | undefined;
  #next = 0n;

  /** Switches to a new key (new KID); counting starts again for it. */
  setKey(key: SFrameKey): void {
    if (this.#key && key.kid === this.#key.kid) throw new NonceReuseError('a new key needs a new KID');
    this.#key = key;
    this.#next = 0n;
  }

  /** Frames encrypted under the current key. */
  get used(): bigint {
    return this.#next;
  }

  get hasKey(): boolean {
    return this.#key !== undefined;
  }

  /** The SFrame, or an error: never the payload in clear (fail closed). */
  async encrypt(metadata: Bytes, payload: Bytes): Promise<Bytes> {
    return encryptFrame(...this.#take(), metadata, payload);
  }

  /** metadata ‖ SFrame in one buffer (see encryptFrameAfterMetadata). */
  async encryptAfterMetadata(metadata: Bytes, payload: Bytes): Promise<Bytes> {
    return encryptFrameAfterMetadata(...this.#take(), metadata, payload);
  }

  /** The key and a counter never used with it (fail closed: no key, or no counters left, throws). */
  #take(): [SFrameKey, bigint] {
    const key = this.#key;
    if (!key) throw new Error('no SFrame key yet');
    if (this.#next > maxCounter) throw new NonceReuseError('counter exhausted for this key; rekey');
    return [key, this.#next++];
  }
}
