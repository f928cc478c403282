// Short-lived, in-memory state between two steps of a flow: a registration
// waiting for its first TOTP code, a login waiting for its second factor.
// Nothing half-done is written to the database; it expires or is taken once.
import { randomBytes } from 'node:crypto';

export class PendingStore<T> {
  readonly #entries = new Map<string, { value: T; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Stores `value` under a fresh 256-bit id. */
  put(value: T): string {
    this.#sweep();
    if (this.#entries.size >= this.maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    const id = randomBytes(32).toString('base64url');
    this.#entries.set(id, { value, expiresAt: this.now() + this.ttlMs });
    return id;
  }

  get(id: string): T | undefined {
    const entry = this.#entries.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.#entries.delete(id);
      return undefined;
    }
    return entry.value;
  }

  delete(id: string): void {
    this.#entries.delete(id);
  }

  #sweep(): void {
    const now = this.now();
    for (const [id, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(id);
  }
}
