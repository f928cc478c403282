// Sends one file, chunk by chunk: reads a 32 KiB slice of the File only when
// it is about to be sealed, keeps at most `chatLimits.chunksInFlight` chunks
// unacknowledged, and when the server refuses one (busy: a receiver has not
// drained; limit_reached: our byte allowance) waits and sends again from
// that chunk — re-sealed under a new sequence number, since later messages
// may have been accepted meanwhile. Memory: at most the window of chunks.
import { chatLimits, chunkCount, type ChatEnvelope, type ChatRecipient } from '@parley/shared';
import type { ChatSealer } from '@parley/shared/chat';

export type Relay = (envelope: ChatEnvelope) => Promise<void>;

const retryDelayMs = 100;
/** Refusals in a row before the transfer fails (about a minute of a receiver not reading). */
const maxRetries = 600;

export class OutgoingFile {
  sent = 0;
  /** How long to wait after a refusal before sending again. */
  retryDelay = retryDelayMs;
  #cancelled = false;

  constructor(
    readonly id: string,
    readonly file: File,
    readonly to: ChatRecipient,
    private readonly sealer: ChatSealer,
    private readonly relay: Relay,
    private readonly progress: () => void,
  ) {}

  get chunks(): number {
    return chunkCount(this.file.size);
  }

  cancel(): void {
    this.#cancelled = true;
  }

  get cancelled(): boolean {
    return this.#cancelled;
  }

  /** Resolves when every chunk was relayed; rejects if a chunk keeps failing for another reason, or on cancel. */
  async send(): Promise<void> {
    const chunks = this.chunks;
    let confirmed = 0;
    let retries = 0;
    while (confirmed < chunks) {
      // Sealing and handing to the socket run one chunk after another, so chunks leave in order.
      const acks: Promise<unknown>[] = [];
      let chain = Promise.resolve();
      for (let index = confirmed; index < Math.min(chunks, confirmed + chatLimits.chunksInFlight); index++) {
        const sending = chain.then(() => this.#sendChunk(index));
        chain = sending.then(
          () => undefined,
          () => undefined,
        );
        acks.push(sending);
      }
      const results = await Promise.allSettled(acks);
      for (const result of results) {
        if (result.status === 'rejected') break;
        confirmed++;
      }
      this.sent = Math.min(this.file.size, confirmed * chatLimits.chunkBytes);
      this.progress();
      if (this.#cancelled) throw new TransferCancelled();
      const failure = results.find((r) => r.status === 'rejected');
      if (failure && (!isRetryable(failure.reason) || ++retries > maxRetries)) throw failure.reason;
      if (!failure) retries = 0;
      else await new Promise((resolve) => setTimeout(resolve, this.retryDelay));
    }
  }

  async #sendChunk(index: number): Promise<void> {
    if (this.#cancelled) throw new TransferCancelled();
    const start = index * chatLimits.chunkBytes;
    const bytes = new Uint8Array(await this.file.slice(start, start + chatLimits.chunkBytes).arrayBuffer());
    const envelope = await this.sealer.sealChunk(
      this.to,
      { id: this.id, index, last: index === this.chunks - 1 },
      bytes,
    );
    bytes.fill(0);
    await this.relay(envelope);
  }
}

export class TransferCancelled extends Error {
  constructor() {
    super('the transfer was cancelled');
    this.name = 'TransferCancelled';
  }
}

/** Refusals that mean "not now": a receiver still draining, our allowance, or the chunks after one of those. */
function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === 'busy' || code === 'limit_reached' || code === 'invalid_message';
}
