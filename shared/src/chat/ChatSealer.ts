// Seals our chat messages and file chunks under our current sender key (the
// one the key agreement installs for media: `setSendKey`). A private message
// also needs the pair secret with its recipient; without it (their keys are
// not accepted) nothing is sealed — fail closed.
import { chatWireVersion, type ChatContent, type ChatEnvelope, type ChatRecipient } from '../protocol/chatWire.js';
import { associatedData, type EnvelopeHeader } from './associatedData.js';
import { toBase64Url } from './base64url.js';
import { chatNonce, everyoneChatKey, privateChatKey } from './chatKeys.js';

export type PairSecrets = (peerId: string) => Uint8Array | undefined;

export class ChatKeyMissingError extends Error {
  constructor(what: string) {
    super(`no key to seal a chat message: ${what}`);
    this.name = 'ChatKeyMissingError';
  }
}

export class ChatSealer {
  #seq = 0;
  #epoch: number | undefined;
  #baseKey: Uint8Array | undefined;
  #everyone: Promise<CryptoKey> | undefined;
  readonly #private = new Map<string, Promise<CryptoKey>>();

  constructor(
    readonly self: string,
    private readonly pairSecrets: PairSecrets,
  ) {}

  /** The key agreement moved our sender key on (join ratchet, rotation after a leave, start of sending). */
  setKey(epoch: number, baseKey: Uint8Array): void {
    this.#baseKey?.fill(0);
    this.#epoch = epoch;
    this.#baseKey = new Uint8Array(baseKey);
    this.#everyone = undefined;
    this.#private.clear();
  }

  get epoch(): number | undefined {
    return this.#epoch;
  }

  /** A text, file offer or cancellation, to everyone or one participant. */
  async sealContent(to: ChatRecipient, content: ChatContent): Promise<ChatEnvelope> {
    return this.#seal({ to, kind: 'message' }, new TextEncoder().encode(JSON.stringify(content)));
  }

  /** One chunk of a file we offered; `last` marks the end (a receiver refuses a file that ends without it). */
  async sealChunk(
    to: ChatRecipient,
    file: { id: string; index: number; last: boolean },
    bytes: Uint8Array,
  ): Promise<ChatEnvelope> {
    return this.#seal({ to, kind: 'chunk', file: { ...file } }, bytes);
  }

  /** Zeroes our key; nothing can be sealed afterwards. */
  close(): void {
    this.#baseKey?.fill(0);
    this.#baseKey = undefined;
    this.#epoch = undefined;
    this.#everyone = undefined;
    this.#private.clear();
  }

  async #seal(part: Pick<EnvelopeHeader, 'to' | 'kind' | 'file'>, plain: Uint8Array): Promise<ChatEnvelope> {
    // Everything that decides the nonce and key is taken before the first await.
    const epoch = this.#epoch;
    const baseKey = this.#baseKey;
    if (epoch === undefined || !baseKey) throw new ChatKeyMissingError('we have no sender key yet');
    const key = this.#keyFor(part.to, baseKey);
    const header: EnvelopeHeader = { v: chatWireVersion, ...part, epoch, seq: ++this.#seq };
    if (!header.file) delete header.file;
    const sealed = await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv: chatNonce(header.seq), additionalData: associatedData(this.self, header) },
      await key,
      new Uint8Array(plain),
    );
    return { ...header, ct: toBase64Url(new Uint8Array(sealed)) };
  }

  #keyFor(to: ChatRecipient, baseKey: Uint8Array): Promise<CryptoKey> {
    if (to === '*') return (this.#everyone ??= everyoneChatKey(baseKey));
    let key = this.#private.get(to);
    if (!key) {
      if (to === this.self) throw new ChatKeyMissingError('a private message to oneself');
      const secret = this.pairSecrets(to);
      if (!secret) throw new ChatKeyMissingError('their keys are not accepted');
      key = privateChatKey(baseKey, secret).finally(() => secret.fill(0));
      this.#private.set(to, key);
    }
    return key;
  }
}
