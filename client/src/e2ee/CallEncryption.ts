// End-to-end encryption of one call, as the call page sees it: the worker
// (E2eeMedia), the key agreement (CallKeys) and a view for the UI — the lock
// state of every stream, verification, warnings. Always on in production;
// test builds can switch it off or to pass-through for control runs and
// benchmarks, and the UI then says so loudly.
import { CallChat } from '../chat/CallChat.js';
import type { MediaKind, StreamStatus } from '@parley/shared/e2ee';
import { loadSodium, type Sodium, type VerificationEmoji } from '@parley/shared/e2ee/agreement';
import type { SignalingClient } from '../signaling/SignalingClient.js';
import { installE2eeTestHooks, keepsKeysAfterCall, testingE2eeMode } from '../testing/e2eeTestHooks.js';
import { hoardingChatKeys } from '../testing/chatKeyHoard.js';
import { CallKeys, type KeyAlert, type KeyedMember } from './CallKeys.js';
import { E2eeMedia, transformApi } from './E2eeMedia.js';
import { IdentityStore } from './IdentityStore.js';

export class E2eeUnavailableError extends Error {
  override name = 'E2eeUnavailableError';
}

export type StreamLock = 'encrypted' | 'waiting' | 'failing' | 'keys-changed';

export type PeerSecurity = {
  trust: 'new' | 'known' | 'changed' | undefined;
  verified: boolean;
  emoji: VerificationEmoji[];
  lock: StreamLock;
};

export type E2eeMode = 'on' | 'off-for-testing' | 'pass-through-for-testing';

export type E2eeView = {
  mode: E2eeMode;
  sending: 'encrypting' | 'waiting';
  securityCode: string;
  peers: Record<string, PeerSecurity>;
  /** Frames from these participants fail to decrypt right now. */
  failing: string[];
  /** Members whose keys (or account) changed mid-call: nothing is sent to them until resolved. */
  keyAlerts: KeyAlert[];
};

export class CallEncryption {
  #keys: CallKeys | undefined;
  #chat: CallChat | undefined;
  #view: E2eeView;
  readonly #failing = new Map<string, number>();
  readonly #unsubscribe: (() => void)[] = [];

  private constructor(
    private readonly sodium: Sodium,
    readonly mode: E2eeMode,
    readonly media: E2eeMedia | undefined,
    private readonly onChange: () => void,
  ) {
    this.#view = { mode, sending: 'waiting', securityCode: '', peers: {}, failing: [], keyAlerts: [] };
    if (!media) return;
    this.#unsubscribe.push(
      media.onStatus(() => this.#refresh()),
      media.on((event) => {
        switch (event.type) {
          case 'wantsRatchet':
            return this.#keys?.handle({ type: 'wantsRatchet' });
          case 'keyMissing':
            return this.#keys?.handle({ type: 'keyMissing', peerId: event.peerId });
          case 'keyInUse':
            return; // for benchmarks and tests (test builds listen to the worker themselves)
          case 'decryptFailures':
            this.#failing.set(event.peerId, performance.now());
            if (event.suspicious) this.#keys?.handle({ type: 'forgerySuspected', peerId: event.peerId });
            return this.#refresh();
          default:
            return assertUnreachable(event);
        }
      }),
    );
  }

  /** Throws when this browser cannot encrypt (never falls back to clear). */
  static async create(onChange: () => void): Promise<CallEncryption> {
    const mode: E2eeMode = __PARLEY_TEST_BUILD__ ? testingE2eeMode() : 'on';
    const api = transformApi();
    if (mode !== 'off-for-testing' && !api)
      throw new E2eeUnavailableError(
        'This browser cannot encrypt calls end to end. Use a current Chrome, Edge or Firefox.',
      );
    const media = mode === 'off-for-testing' || !api ? undefined : new E2eeMedia(api);
    const encryption = new CallEncryption(await loadSodium(), mode, media, onChange);
    if (__PARLEY_TEST_BUILD__) installE2eeTestHooks(encryption);
    return encryption;
  }

  /** Whether transports must be created with `encodedInsertableStreams` (the older Chromium API). */
  get needsInsertableStreams(): boolean {
    return this.media?.api === 'encoded-streams';
  }

  get view(): E2eeView {
    return this.#view;
  }

  /** The call's chat (once the key agreement started); closed with the call. */
  get chat(): CallChat | undefined {
    return this.#chat;
  }

  get keys(): CallKeys | undefined {
    return this.#keys;
  }

  /** The call's roster (empty until the key agreement starts). */
  get members(): KeyedMember[] {
    return this.#keys?.members ?? [];
  }

  async start(options: {
    signaling: SignalingClient;
    self: { peerId: string; slot: number; accountId: string };
    roomId: string;
    onReceivedKey: (peerId: string) => void;
    /** The largest file the server relays (from the admission). */
    maxFileBytes: number;
  }): Promise<CallKeys> {
    const { maxFileBytes, ...rest } = options;
    // Chat keys follow the agreement's from its first action on.
    const chat = new CallChat(options.signaling, options.self.peerId, () => this.#keys, maxFileBytes);
    this.#chat = chat;
    this.#keys = await CallKeys.start({
      sodium: this.sodium,
      identities: new IdentityStore(this.sodium),
      media: this.media,
      onChange: () => this.#refresh(),
      // A test build can play a modified client that keeps every chat key it is given.
      chat: __PARLEY_TEST_BUILD__ && keepsKeysAfterCall() ? hoardingChatKeys(chat) : chat,
      ...rest,
    });
    this.#refresh();
    return this.#keys;
  }

  protectSender(sender: RTCRtpSender, kind: MediaKind): void {
    this.media?.protectSender(sender, kind);
  }

  protectReceiver(receiver: RTCRtpReceiver, kind: MediaKind, peerId: string): void {
    this.media?.protectReceiver(receiver, kind, peerId);
  }

  async markVerified(peerId: string): Promise<void> {
    await this.#keys?.markVerified(peerId);
  }

  /** Ends the key agreement and wipes every key, in this page and in the worker. Idempotent. */
  close(): void {
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    this.#chat?.close();
    this.#keys?.close();
    // A test build can play a modified client that ignores the wipe (and keeps the worker's keys).
    if (__PARLEY_TEST_BUILD__ && keepsKeysAfterCall()) return;
    this.media?.close();
  }

  #refresh(): void {
    const keys = this.#keys;
    const statuses = this.media?.statuses ?? [];
    const now = performance.now();
    const failing = (peerId: string) => now - (this.#failing.get(peerId) ?? -Infinity) < failureShownMs;
    const peers: Record<string, PeerSecurity> = {};
    for (const member of keys?.members ?? []) {
      const streams = statuses.filter((s) => s.direction === 'receive' && s.peerId === member.peerId);
      peers[member.peerId] = {
        trust: member.trust,
        verified: member.verified,
        emoji: member.emoji,
        lock:
          member.status === 'changed'
            ? 'keys-changed'
            : failing(member.peerId)
              ? 'failing'
              : lockOf(streams, member.status === 'keyed'),
      };
    }
    const sends = statuses.filter((s) => s.direction === 'send');
    this.#view = {
      mode: this.mode,
      sending:
        this.mode !== 'on' || (sends.length > 0 && sends.every((s) => s.state === 'encrypting'))
          ? 'encrypting'
          : 'waiting',
      securityCode: keys?.securityCode ?? '',
      peers,
      failing: [...this.#failing.keys()].filter(failing),
      keyAlerts: [...(keys?.alerts ?? [])],
    };
    this.onChange();
  }
}

/** How long a decryption failure keeps a participant's lock showing "cannot decrypt". */
const failureShownMs = 3000;

/**
 * Encrypted when every stream of theirs decrypts (or, sending nothing, when
 * their keys are accepted: a listener hands out no key until it sends).
 */
function lockOf(streams: StreamStatus[], keyed: boolean): StreamLock {
  if (streams.length === 0) return keyed ? 'encrypted' : 'waiting';
  return streams.every((s) => s.state === 'decrypting') ? 'encrypted' : 'waiting';
}

function assertUnreachable(value: never): never {
  throw new Error(`unexpected E2EE event ${JSON.stringify(value)}`);
}
