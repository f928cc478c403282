// The call's chat and files on this page: seals what we send and opens what
// others send (shared/src/chat) under the same sender keys as media, which
// the key agreement hands it (ChatKeySink). Everything lives in this object
// and goes with it: leaving the call closes it, which zeroes its keys and
// drops every message and file from the page. Nothing from before we joined
// is ever shown: the server keeps nothing, and older keys are not ours.
import { chatLimits, type ChatContent, type ChatEnvelope, type ChatRecipient } from '@parley/shared';
import { ChatOpener, ChatSealer, IncomingFile, toBase64Url, type Opened } from '@parley/shared/chat';
import type { ChatKeySink, CallKeys } from '../e2ee/CallKeys.js';
import type { SignalingClient } from '../signaling/SignalingClient.js';
import { OutgoingFile, TransferCancelled } from './OutgoingFile.js';

export type ChatText = {
  kind: 'text';
  key: string;
  from: string;
  to: ChatRecipient;
  mine: boolean;
  at: number;
  text: string;
};
export type ChatFile = {
  kind: 'file';
  key: string;
  id: string;
  from: string;
  to: ChatRecipient;
  mine: boolean;
  at: number;
  name: string;
  type: string;
  size: number;
  transferred: number;
  state: 'sending' | 'receiving' | 'complete' | 'cancelled' | 'failed';
  problem?: string;
};
export type ChatEntry = ChatText | ChatFile;

export class FileTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`Files of up to ${Math.floor(maxBytes / (1024 * 1024))} MB can be sent in this call.`);
    this.name = 'FileTooLargeError';
  }
}

type Receiving = { check: IncomingFile; parts: Blob[]; blob?: Blob };

export class CallChat implements ChatKeySink {
  readonly #sealer: ChatSealer;
  readonly #opener: ChatOpener;
  #entries: ChatEntry[] = [];
  readonly #outgoing = new Map<string, OutgoingFile>();
  readonly #incoming = new Map<string, Receiving>();
  readonly #listeners = new Set<() => void>();
  readonly #unsubscribe: () => void;
  #unread = 0;
  #closed = false;
  /** Envelopes that did not open, by reason (forged, replayed, no key…): counted, never shown. */
  readonly refused = new Map<string, number>();

  constructor(
    private readonly signaling: SignalingClient,
    readonly self: string,
    private readonly keys: () => CallKeys | undefined,
    readonly maxFileBytes: number,
  ) {
    const pairSecret = (peerId: string) => this.keys()?.pairSecret(peerId);
    this.#sealer = new ChatSealer(self, pairSecret);
    this.#opener = new ChatOpener(self, pairSecret);
    this.#unsubscribe = signaling.on('chatRelayed', ({ from, envelope }) => void this.#receive(from, envelope));
  }

  get entries(): readonly ChatEntry[] {
    return this.#entries;
  }

  get unread(): number {
    return this.#unread;
  }

  markRead(): void {
    if (this.#unread === 0) return;
    this.#unread = 0;
    this.#changed();
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  // ChatKeySink: the key agreement's keys, copied (it zeroes its own).
  setSendKey(epoch: number, key: Uint8Array): void {
    this.#sealer.setKey(epoch, key);
  }
  setReceiveKey(peerId: string, epoch: number, key: Uint8Array): void {
    this.#opener.setKey(peerId, epoch, key);
  }
  forget(peerId: string): void {
    this.#opener.forget(peerId);
  }

  async sendText(to: ChatRecipient, text: string): Promise<void> {
    const trimmed = text.trim().slice(0, chatLimits.textChars);
    if (!trimmed) return;
    await this.#sendContent(to, { t: 'text', text: trimmed });
    this.#add({
      kind: 'text',
      key: crypto.randomUUID(),
      from: this.self,
      to,
      mine: true,
      at: Date.now(),
      text: trimmed,
    });
  }

  /** Offers `file` and streams it; progress shows in `entries`. Refuses at once past the server's limit. */
  async sendFile(to: ChatRecipient, file: File): Promise<void> {
    if (file.size > this.maxFileBytes) throw new FileTooLargeError(this.maxFileBytes);
    const active = [...this.#outgoing.values()].filter((t) => !t.cancelled).length;
    if (active >= chatLimits.filesInFlight)
      throw new Error(`At most ${chatLimits.filesInFlight} files can be sent at once: wait for one to finish.`);
    const id = toBase64Url(crypto.getRandomValues(new Uint8Array(16)));
    const transfer = new OutgoingFile(
      id,
      file,
      to,
      this.#sealer,
      (e) => this.#relay(e),
      () => this.#progress(id, transfer.sent),
    );
    const type = file.type.slice(0, 127);
    const name = file.name.slice(0, 255) || 'file';
    await this.#sendContent(to, { t: 'fileOffer', fileId: id, name, type, size: file.size, chunks: transfer.chunks });
    this.#outgoing.set(id, transfer);
    const entry: ChatFile = {
      kind: 'file',
      key: id,
      id,
      from: this.self,
      to,
      mine: true,
      at: Date.now(),
      name,
      type,
      size: file.size,
      transferred: 0,
      state: 'sending',
    };
    this.#add(entry);
    transfer
      .send()
      .then(
        () => this.#update(id, { state: 'complete', transferred: file.size }),
        (error: unknown) =>
          this.#update(
            id,
            error instanceof TransferCancelled ? { state: 'cancelled' } : { state: 'failed', problem: describe(error) },
          ),
      )
      .finally(() => this.#outgoing.delete(id));
  }

  /** Stops sending (and tells the receivers), or stops receiving and discards what arrived. */
  cancel(id: string): void {
    const outgoing = this.#outgoing.get(id);
    if (outgoing) {
      outgoing.cancel();
      this.#sendContent(outgoing.to, { t: 'fileCancel', fileId: id }).catch(() => {
        // The receivers notice the file never completes; our own entry says cancelled either way.
      });
      return;
    }
    if (this.#incoming.delete(id)) this.#update(id, { state: 'cancelled' });
  }

  /** A received file, whole, for the person to save (assembled from its chunks when they choose to). */
  fileBlob(id: string): Blob | undefined {
    const receiving = this.#incoming.get(id);
    if (!receiving?.check.complete) return undefined;
    receiving.blob ??= new Blob(receiving.parts, { type: safeType(receiving.check.offer.type) });
    receiving.parts = [];
    return receiving.blob;
  }

  /** Leaving: keys zeroed, transfers stopped, every message and file dropped from the page. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsubscribe();
    for (const transfer of this.#outgoing.values()) transfer.cancel();
    this.#outgoing.clear();
    this.#incoming.clear();
    this.#entries = [];
    this.#sealer.close();
    this.#opener.close();
    this.#changed();
    this.#listeners.clear();
  }

  async #sendContent(to: ChatRecipient, content: ChatContent): Promise<void> {
    this.keys()?.chatting();
    await this.#relay(await this.#sealer.sealContent(to, content));
  }

  async #relay(envelope: ChatEnvelope): Promise<void> {
    if (this.#closed) throw new TransferCancelled();
    await this.signaling.request('relayChat', { envelope });
  }

  async #receive(from: string, envelope: ChatEnvelope): Promise<void> {
    const opened = await this.#opener.open(from, envelope);
    if (this.#closed) return;
    if (!opened.ok) {
      this.refused.set(opened.reason, (this.refused.get(opened.reason) ?? 0) + 1);
      return;
    }
    if (opened.kind === 'chunk') return this.#chunk(opened);
    const content = opened.content;
    const base = { from, to: opened.to, mine: false, at: Date.now() };
    switch (content.t) {
      case 'text':
        this.#unread++;
        return this.#add({ kind: 'text', key: `${from}:${opened.seq}`, ...base, text: content.text });
      case 'fileOffer':
        if (this.#incoming.has(content.fileId)) return;
        this.#incoming.set(content.fileId, { check: new IncomingFile(from, opened.to, content), parts: [] });
        this.#unread++;
        return this.#add({
          kind: 'file',
          key: content.fileId,
          id: content.fileId,
          ...base,
          name: content.name,
          type: content.type,
          size: content.size,
          transferred: 0,
          state: 'receiving',
        });
      case 'fileCancel': {
        const receiving = this.#incoming.get(content.fileId);
        if (receiving?.check.from !== from || receiving.check.complete) return;
        this.#incoming.delete(content.fileId);
        return this.#update(content.fileId, { state: 'cancelled', problem: 'The sender cancelled it.' });
      }
      default:
        return assertUnreachable(content);
    }
  }

  #chunk(opened: Extract<Opened, { ok: true; kind: 'chunk' }>): void {
    const receiving = this.#incoming.get(opened.file.id);
    if (!receiving) return; // declined, or offered before we joined
    const verdict = receiving.check.accept(opened.from, opened.to, opened.file, opened.bytes.length);
    if (verdict.status === 'refused') {
      this.#incoming.delete(opened.file.id);
      return this.#update(opened.file.id, {
        state: 'failed',
        problem: `It arrived damaged (${verdict.reason}) and was discarded.`,
      });
    }
    // Each chunk becomes its own Blob at once, so the browser may keep it out of the JS heap (Chromium spills large blob data to disk).
    receiving.parts.push(new Blob([opened.bytes]));
    opened.bytes.fill(0);
    this.#update(
      opened.file.id,
      verdict.status === 'complete'
        ? { state: 'complete', transferred: verdict.received }
        : { transferred: verdict.received },
      verdict.status !== 'complete',
    );
  }

  #progress(id: string, transferred: number): void {
    this.#update(id, { transferred });
  }

  #add(entry: ChatEntry): void {
    if (this.#closed) return;
    this.#entries = [...this.#entries, entry];
    this.#changed();
  }

  /** Progress of large files is shown at most every 1 % to keep React renders few. */
  #update(id: string, change: Partial<ChatFile>, progressOnly = false): void {
    const index = this.#entries.findIndex((e) => e.kind === 'file' && e.id === id);
    const entry = this.#entries[index];
    if (!entry || entry.kind !== 'file') return;
    if (progressOnly && change.transferred !== undefined && entry.size > 0) {
      const step = Math.max(chatLimits.chunkBytes, entry.size / 100);
      if (Math.floor(change.transferred / step) === Math.floor(entry.transferred / step)) {
        entry.transferred = change.transferred;
        return;
      }
    }
    const entries = [...this.#entries];
    entries[index] = { ...entry, ...change };
    this.#entries = entries;
    this.#changed();
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }
}

/** A received type is shown as text and given to the Blob only if it looks like a MIME type. */
function safeType(type: string): string {
  return /^[\w.+-]+\/[\w.+-]+$/.test(type) ? type : 'application/octet-stream';
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : 'It could not be sent.';
}

function assertUnreachable(value: never): never {
  throw new Error(`unexpected chat content ${JSON.stringify(value)}`);
}
