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
    let confirmed = 0;
    let retries = 0;
    for (;;) {
      const from = confirmed;
      const failure = await this.#pass(from, () => {
        confirmed++;
        this.sent = Math.min(this.file.size, confirmed * chatLimits.chunkBytes);
        this.progress();
      });
      if (this.#cancelled) throw new TransferCancelled();
      if (failure === undefined) return;
      if (confirmed > from) retries = 0; // refusals in a row count, not refusals in all
      if (!isRetryable(failure.error) || ++retries > maxRetries) throw failure.error;
      await new Promise((resolve) => setTimeout(resolve, this.retryDelay));
    }
  }

  /**
   * Sends chunks from `from` on as a sliding window: each is sealed and handed
   * to the socket in order, and the next leaves as soon as the oldest is
   * acknowledged, so up to a window is always on its way (waiting for every
   * acknowledgement before sealing the next chunk kept one 32 KiB chunk per
   * round trip on the wire). Stops sending at the first refusal, lets the
   * rest settle (the server refuses what follows a refused chunk), and
   * returns it; undefined when every chunk was acknowledged or on cancel.
   */
  async #pass(from: number, confirmed: () => void): Promise<{ error: unknown } | undefined> {
    const inFlight: Promise<{ error: unknown } | undefined>[] = [];
    let failure: { error: unknown } | undefined;
    for (let next = from; ;) {
      while (!failure && !this.#cancelled && next < this.chunks && inFlight.length < chatLimits.chunksInFlight) {
        try {
          const envelope = await this.#sealChunk(next++);
          // Settled at once into a value: an early refusal is read in its turn, never left unhandled.
          inFlight.push(this.relay(envelope).then(noFailure, (error: unknown) => ({ error })));
        } catch (error) {
          failure = { error };
        }
      }
      const oldest = inFlight.shift();
      if (!oldest) return failure;
      const refused = await oldest;
      if (refused) failure ??= refused;
      else if (!failure) confirmed();
    }
  }

  async #sealChunk(index: number): Promise<ChatEnvelope> {
    if (this.#cancelled) throw new TransferCancelled();
    const start = index * chatLimits.chunkBytes;
    const bytes = new Uint8Array(await this.file.slice(start, start + chatLimits.chunkBytes).arrayBuffer());
    const envelope = await this.sealer.sealChunk(
      this.to,
      { id: this.id, index, last: index === this.chunks - 1 },
      bytes,
    );
    bytes.fill(0);
    return envelope;
  }
}

const noFailure = () => undefined;

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
