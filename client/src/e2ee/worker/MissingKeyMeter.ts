// Notices when a participant's frames keep arriving under a key we do not
// hold: a key box was lost (a dropped socket) or the sender moved on further
// than we can follow on our own (muted through several joins). The page then
// asks that participant for its current key. Reports are rate-limited.

/** Frames without a key, in a row, before we say so: a key box just in flight is no reason to ask. */
const framesBeforeReport = 10;
const reportEveryMs = 1000;

export class MissingKeyMeter {
  readonly #missing = new Map<string, { count: number; lastReport: number }>();

  /** Records a frame we had no key for; true when the page should be told now. */
  missing(peerId: string, now: number): boolean {
    const entry = this.#missing.get(peerId) ?? { count: 0, lastReport: -Infinity };
    entry.count++;
    this.#missing.set(peerId, entry);
    if (entry.count < framesBeforeReport || now - entry.lastReport < reportEveryMs) return false;
    entry.lastReport = now;
    return true;
  }

  /** A frame decrypted: the key is there. */
  decrypted(peerId: string): void {
    const entry = this.#missing.get(peerId);
    if (entry) entry.count = 0;
  }

  forget(peerId: string): void {
    this.#missing.delete(peerId);
  }
}
