// One file on its way to us: the offer said how many bytes in how many
// chunks; every chunk must come from the offer's sender, to the offer's
// recipient, in order, with the last-chunk flag exactly on the last one and
// the byte count adding up. Chunk positions are bound into each chunk's AEAD
// (associatedData.ts), so a file the server cut short, spliced or re-ordered
// is refused rather than saved as a shorter or different file.
import type { ChatContent, ChatRecipient } from '../protocol/chatWire.js';

export type FileOffer = Extract<ChatContent, { t: 'fileOffer' }>;

export type ChunkVerdict =
  | { status: 'more'; received: number }
  | { status: 'complete'; received: number }
  | { status: 'refused'; reason: 'wrong-sender' | 'out-of-order' | 'truncated' | 'too-long' | 'finished' };

export class IncomingFile {
  #next = 0;
  #received = 0;
  #done = false;

  constructor(
    readonly from: string,
    readonly to: ChatRecipient,
    readonly offer: FileOffer,
  ) {}

  get received(): number {
    return this.#received;
  }

  get complete(): boolean {
    return this.#done;
  }

  /** Checks a chunk that opened (authentic) against the offer; only `more` and `complete` may be kept. */
  accept(from: string, to: ChatRecipient, file: { index: number; last: boolean }, length: number): ChunkVerdict {
    if (this.#done) return { status: 'refused', reason: 'finished' };
    if (from !== this.from || to !== this.to) return { status: 'refused', reason: 'wrong-sender' };
    if (file.index !== this.#next) return { status: 'refused', reason: 'out-of-order' };
    const isLast = file.index === this.offer.chunks - 1;
    if (file.last !== isLast) return { status: 'refused', reason: file.last ? 'truncated' : 'too-long' };
    const received = this.#received + length;
    if (received > this.offer.size) return { status: 'refused', reason: 'too-long' };
    if (isLast && received !== this.offer.size) return { status: 'refused', reason: 'truncated' };
    this.#next++;
    this.#received = received;
    if (isLast) this.#done = true;
    return { status: isLast ? 'complete' : 'more', received };
  }
}
