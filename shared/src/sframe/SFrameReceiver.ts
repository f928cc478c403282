import type { Bytes } from './bytes.js';
import { decryptFrame, type Decrypted, type DecryptFailure } from './frame.js';
import type { SFrameKey } from './keySchedule.js';
import { ReplayWindow } from './ReplayWindow.js';

/**
 * Decrypts frames from any number of senders, by KID. Keeps a replay window
 * per KID; a frame that fails any check is reported and dropped.
 */
export class SFrameReceiver {
  readonly #keys = new Map<bigint, { key: SFrameKey; window: ReplayWindow }>();

  addKey(key: SFrameKey): void {
    this.#keys.set(key.kid, { key, window: new ReplayWindow() });
  }

  removeKey(kid: bigint): void {
    this.#keys.delete(kid);
  }

  async decrypt(frame: Bytes, metadata: Bytes): Promise<Decrypted | DecryptFailure> {
    let entry: { key: SFrameKey; window: ReplayWindow } | undefined;
    const result = await decryptFrame(
      (kid) => {
        entry = this.#keys.get(kid);
        return entry?.key;
      },
      frame,
      metadata,
    );
    if (typeof result === 'string' || !entry) return result;
    if (!entry.window.accepts(result.ctr)) return 'replayed';
    entry.window.mark(result.ctr);
    return result;
  }
}
