/**
 * Per-key replay protection for received frames (RFC 9605 §7.2 leaves the
 * policy to us): a counter is accepted once, and only if it is newer than
 * `size` counters behind the highest seen, so reordering within the window is
 * fine and replays or stale frames are refused. Mark a counter only after its
 * frame authenticated, so forged frames cannot poison the window.
 */
export class ReplayWindow {
  #highest = -1n;
  readonly #seen = new Set<bigint>();

  constructor(private readonly size = 128) {}

  accepts(ctr: bigint): boolean {
    if (ctr > this.#highest) return true;
    return ctr > this.#highest - BigInt(this.size) && !this.#seen.has(ctr);
  }

  mark(ctr: bigint): void {
    this.#seen.add(ctr);
    if (ctr > this.#highest) {
      this.#highest = ctr;
      const oldest = ctr - BigInt(this.size);
      for (const seen of this.#seen) if (seen <= oldest) this.#seen.delete(seen);
    }
  }
}
