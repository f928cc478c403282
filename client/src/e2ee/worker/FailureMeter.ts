// Counts decryption failures per sender (RFC 9605 §4.5 asks for forgery
// limits). Every frame carries a 128-bit GCM tag, so an honest path almost
// never fails: many failures in a short time are an attack or a broken
// sender, not noise. Reports are rate-limited so a flood of bad frames cannot
// flood the page.
const windowMs = 10_000;
/** Authentication failures per sender per window above which we alarm and rekey. */
export const suspiciousFailures = 50;
const reportEveryMs = 1000;

export class FailureMeter {
  readonly #times = new Map<string, number[]>();
  readonly #lastReport = new Map<string, number>();
  readonly #unreported = new Map<string, number>();

  /** Records a failure; returns what to report now, if anything. */
  record(peerId: string, now: number): { count: number; suspicious: boolean } | undefined {
    const recent = (this.#times.get(peerId) ?? []).filter((t) => now - t < windowMs);
    recent.push(now);
    this.#times.set(peerId, recent);
    const unreported = (this.#unreported.get(peerId) ?? 0) + 1;
    const last = this.#lastReport.get(peerId) ?? -Infinity;
    if (now - last < reportEveryMs) {
      this.#unreported.set(peerId, unreported);
      return undefined;
    }
    this.#lastReport.set(peerId, now);
    this.#unreported.set(peerId, 0);
    return { count: unreported, suspicious: recent.length > suspiciousFailures };
  }

  forget(peerId: string): void {
    this.#times.delete(peerId);
    this.#lastReport.delete(peerId);
    this.#unreported.delete(peerId);
  }
}
