// Opens other participants' chat messages and file chunks. Per sender it
// keeps the base keys the key agreement gave us (the last few epochs, and
// follows that sender's join ratchet a few steps like the media worker) and
// the highest sequence number it accepted.
//
// Protects against a server (or anyone on its path) that forges, replays,
// re-orders or redirects envelopes: the AEAD binds sender, recipient, epoch,
// sequence number and chunk position; a sequence number not above the last
// one accepted from that sender is refused; a private message opens only with
// the pair secret of its sender and us; an envelope under a key we were never
// given (sent after we were removed, or before we joined) does not open.
// Nothing of a failed envelope is passed on. Envelopes from one sender are
// opened in arrival order; one under a key that has not arrived yet (its box
// may trail it) waits for it, a bounded number and time.
import { maxRatchetSteps } from '../e2ee/MediaDecryptor.js';
import { ratchetKey } from '../e2ee/ratchet.js';
import { ChatContentSchema, type ChatContent, type ChatEnvelope } from '../protocol/chatWire.js';
import type { Bytes } from '../sframe/bytes.js';
import { associatedData } from './associatedData.js';
import { fromBase64Url } from './base64url.js';
import { chatNonce, everyoneChatKey, privateChatKey } from './chatKeys.js';
import type { PairSecrets } from './ChatSealer.js';

export type ChatRefusal =
  /** Its sequence number is not above the last one accepted from this sender (a replay or a re-order). */
  | 'replayed'
  /** For someone else (a private message redirected to us). */
  | 'not-for-us'
  /** Under a key we do not hold and were not given in time (sent before we joined, or after we left). */
  | 'no-key'
  /** The AEAD check failed: changed on the way, or sealed under another key. */
  | 'forged'
  /** Too many envelopes from this sender are waiting for a key. */
  | 'overflow';

export type Opened =
  | { ok: true; from: string; to: ChatEnvelope['to']; seq: number; kind: 'message'; content: ChatContent }
  | {
      ok: true;
      from: string;
      to: ChatEnvelope['to'];
      seq: number;
      kind: 'chunk';
      file: NonNullable<ChatEnvelope['file']>;
      bytes: Bytes;
    }
  | { ok: false; from: string; reason: ChatRefusal };

export const chatOpenerLimits = { epochsKept: 4, keyWaitMs: 3000, waitingPerSender: 256 } as const;

class Sender {
  readonly keys = new Map<number, Uint8Array>();
  lastSeq = 0;
  queue: Promise<unknown> = Promise.resolve();
  waiting = 0;
  gone = false;
  readonly keyWaiters = new Set<() => void>();
}

export class ChatOpener {
  readonly #senders = new Map<string, Sender>();
  #closed = false;

  constructor(
    readonly self: string,
    private readonly pairSecrets: PairSecrets,
    private readonly limits: { keyWaitMs: number } = chatOpenerLimits,
  ) {}

  /** A sender's key for an epoch, as the key agreement hands it over (`setReceiveKey`). */
  setKey(peerId: string, epoch: number, baseKey: Uint8Array): void {
    if (this.#closed) return;
    const sender = this.#sender(peerId);
    if (sender.keys.has(epoch)) return; // never replaced, like the worker
    sender.keys.set(epoch, new Uint8Array(baseKey));
    for (const old of [...sender.keys.keys()].sort((a, b) => a - b).slice(0, -chatOpenerLimits.epochsKept)) {
      sender.keys.get(old)?.fill(0);
      sender.keys.delete(old);
    }
    for (const wake of sender.keyWaiters) wake();
  }

  /** They left: their keys are zeroed and nothing more of theirs opens. */
  forget(peerId: string): void {
    const sender = this.#senders.get(peerId);
    if (!sender) return;
    for (const key of sender.keys.values()) key.fill(0);
    sender.keys.clear();
    sender.gone = true;
    for (const wake of sender.keyWaiters) wake();
    this.#senders.delete(peerId);
  }

  /** Opens envelopes from `from` in the order they are given. */
  open(from: string, envelope: ChatEnvelope): Promise<Opened> {
    const sender = this.#sender(from);
    if (sender.waiting >= chatOpenerLimits.waitingPerSender) return Promise.resolve(refuse(from, 'overflow'));
    sender.waiting++;
    const result = sender.queue.then(() => this.#open(sender, from, envelope));
    sender.queue = result.finally(() => sender.waiting--);
    return result;
  }

  close(): void {
    this.#closed = true;
    for (const peerId of [...this.#senders.keys()]) this.forget(peerId);
  }

  #sender(peerId: string): Sender {
    let sender = this.#senders.get(peerId);
    if (!sender) {
      sender = new Sender();
      this.#senders.set(peerId, sender);
    }
    return sender;
  }

  async #open(sender: Sender, from: string, envelope: ChatEnvelope): Promise<Opened> {
    if (this.#closed || this.#senders.get(from) !== sender) return refuse(from, 'no-key');
    if (envelope.to !== '*' && envelope.to !== this.self) return refuse(from, 'not-for-us');
    if (envelope.seq <= sender.lastSeq) return refuse(from, 'replayed');
    if ((envelope.kind === 'chunk') !== (envelope.file !== undefined)) return refuse(from, 'forged');
    const sealed = fromBase64Url(envelope.ct);
    if (!sealed) return refuse(from, 'forged');
    let plain = await this.#decrypt(sender, from, envelope, sealed);
    // Not under a key we hold (a ratchet guess is not holding): its box may trail it.
    if (typeof plain === 'string' && !this.#holdsOrFollows(sender, envelope.epoch)) {
      await this.#waitForKey(sender, envelope.epoch);
      plain = await this.#decrypt(sender, from, envelope, sealed);
    }
    // A guess along the ratchet that failed, and no key since: we were not given this key.
    if (plain === 'forged' && !sender.keys.has(envelope.epoch) && !this.#holdsOrFollows(sender, envelope.epoch))
      plain = 'no-key';
    if (typeof plain === 'string') return refuse(from, plain);
    // Re-checked: a later envelope cannot have been accepted meanwhile (one queue per sender), but be explicit.
    if (envelope.seq <= sender.lastSeq) return refuse(from, 'replayed');
    sender.lastSeq = envelope.seq;
    const base = { ok: true as const, from, to: envelope.to, seq: envelope.seq };
    if (envelope.kind === 'chunk' && envelope.file)
      return { ...base, kind: 'chunk', file: envelope.file, bytes: plain };
    try {
      const content = ChatContentSchema.safeParse(JSON.parse(new TextDecoder().decode(plain)));
      if (content.success) return { ...base, kind: 'message', content: content.data };
    } catch {
      // not JSON: authentic but malformed; refused below like any other bad content
    }
    return refuse(from, 'forged');
  }

  /** The plaintext, or why not. Tries the epoch's key, else the sender's join ratchet from an older one. */
  async #decrypt(
    sender: Sender,
    from: string,
    envelope: ChatEnvelope,
    sealed: Bytes,
  ): Promise<Bytes | 'no-key' | 'forged'> {
    const baseKey = this.#keyFor(sender, envelope.epoch);
    if (!baseKey) return 'no-key';
    let key: CryptoKey;
    if (envelope.to === '*') key = await everyoneChatKey(baseKey);
    else {
      const secret = this.pairSecrets(from);
      if (!secret) return 'no-key';
      key = await privateChatKey(baseKey, secret);
      secret.fill(0);
    }
    const { ct: _sealed, ...header } = envelope;
    try {
      const plain = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: chatNonce(envelope.seq), additionalData: associatedData(from, header) },
        key,
        sealed,
      );
      return new Uint8Array(plain);
    } catch {
      return 'forged'; // the tag did not check out: nothing of it is used
    }
  }

  #keyFor(sender: Sender, epoch: number): Uint8Array | undefined {
    const held = sender.keys.get(epoch);
    if (held) return held;
    // Follow the sender's join ratchet from the newest older epoch we hold.
    const older = [...sender.keys.keys()].filter((e) => e < epoch && epoch - e <= maxRatchetSteps);
    if (older.length === 0) return undefined;
    const start = Math.max(...older);
    let key = new Uint8Array(sender.keys.get(start) ?? []);
    for (let e = start; e < epoch; e++) {
      const next = ratchetKey(key);
      key.fill(0);
      key = next;
    }
    return key;
  }

  #holdsOrFollows(sender: Sender, epoch: number): boolean {
    return sender.keys.has(epoch) || [...sender.keys.keys()].some((e) => e > epoch);
  }

  #waitForKey(sender: Sender, epoch: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        sender.keyWaiters.delete(wake);
        resolve();
      };
      const wake = () => {
        if (sender.keys.has(epoch) || sender.gone) done();
      };
      const timer = setTimeout(done, this.limits.keyWaitMs);
      sender.keyWaiters.add(wake);
    });
  }
}

function refuse(from: string, reason: ChatRefusal): Opened {
  return { ok: false, from, reason };
}
