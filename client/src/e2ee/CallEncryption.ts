// End-to-end encryption of one call, as the call page sees it: the worker
// (E2eeMedia), the key exchange (CallKeys), and a view for the UI — the lock
// state of every stream, verification, warnings. Always on; the only way off
// is a test/benchmark switch that the UI announces loudly.
import type { MediaKind, StreamStatus } from '@parley/shared/e2ee';
import type { E2eeAnnouncement } from '@parley/shared';
import type { SignalingClient } from '../signaling/SignalingClient.js';
import { CallKeys } from './CallKeys.js';
import { E2eeMedia, transformApi } from './E2eeMedia.js';
import { IdentityStore } from './IdentityStore.js';
import { callSecurityCode, pairwiseEmoji } from './securityCode.js';
import { loadSodium, type Sodium } from './sodium.js';
import { exposeE2eeTestHooks, recordKeyInUse } from './testHooks.js';

const testSwitch = 'parley.testing.e2ee';

/**
 * Test and benchmark switch only, `localStorage['parley.testing.e2ee']`:
 * 'off' (no transforms at all) or 'pass-through' (transforms that copy
 * frames without encrypting, to measure the transform machinery alone).
 * Anything else, or nothing: end-to-end encrypted.
 */
export function testingMode(): 'off' | 'pass-through' | undefined {
  const value = globalThis.localStorage?.getItem(testSwitch);
  return value === 'off' || value === 'pass-through' ? value : undefined;
}

export class E2eeUnavailableError extends Error {
  override name = 'E2eeUnavailableError';
}

export type StreamLock = 'encrypted' | 'waiting' | 'failing';

export type PeerSecurity = {
  trust: 'new' | 'known' | 'changed';
  verified: boolean;
  emoji: string[];
  lock: StreamLock;
};

export type E2eeView =
  | { mode: 'off-for-testing' | 'pass-through-for-testing' }
  | {
      mode: 'on';
      sending: 'encrypting' | 'waiting';
      securityCode: string;
      peers: Record<string, PeerSecurity>;
      /** Frames from these participants fail to decrypt right now. */
      alerts: string[];
    };

export class CallEncryption {
  #keys: CallKeys | undefined;
  #passThrough = false;
  #accountId = '';
  #view: E2eeView = { mode: 'on', sending: 'waiting', securityCode: '', peers: {}, alerts: [] };
  readonly #failing = new Map<string, number>();

  private constructor(
    private readonly sodium: Sodium,
    readonly media: E2eeMedia,
    private readonly onChange: () => void,
  ) {
    media.onStatus(() => this.#refresh());
    media.on((event) => {
      switch (event.type) {
        case 'wantsRatchet':
          return this.#keys?.ratchet();
        case 'keyInUse':
          return recordKeyInUse(event);
        case 'decryptFailures':
          this.#failing.set(event.peerId, performance.now());
          if (event.suspicious) this.#keys?.requestRekeyFrom(event.peerId);
          return this.#refresh();
        default:
          return assertUnreachable(event);
      }
    });
  }

  /** Undefined when switched off for testing; throws when this browser cannot encrypt (never fall back to clear). */
  static async create(onChange: () => void): Promise<CallEncryption | undefined> {
    const testing = testingMode();
    if (testing === 'off') return undefined;
    const api = transformApi();
    if (!api)
      throw new E2eeUnavailableError(
        'This browser cannot encrypt calls end to end. Use a current Chrome, Edge or Firefox.',
      );
    const encryption = new CallEncryption(await loadSodium(), new E2eeMedia(api), onChange);
    exposeE2eeTestHooks(encryption.media);
    if (testing === 'pass-through') {
      encryption.media.passThrough();
      encryption.#passThrough = true;
    }
    return encryption;
  }

  /** Whether transports must be created with `encodedInsertableStreams` (the older Chromium API). */
  get needsInsertableStreams(): boolean {
    return this.media.api === 'encoded-streams';
  }

  get view(): E2eeView {
    return this.#view;
  }

  async start(options: {
    signaling: SignalingClient;
    self: { peerId: string; slot: number; accountId: string };
    roomId: string;
    onReceiveKey: (peerId: string) => void;
  }): Promise<void> {
    this.#accountId = options.self.accountId;
    this.#keys = await CallKeys.start({
      sodium: this.sodium,
      identities: new IdentityStore(this.sodium),
      media: this.media,
      onChange: () => this.#keysChanged(),
      ...options,
    });
    this.#keysChanged();
  }

  protectSender(sender: RTCRtpSender, kind: MediaKind): void {
    this.media.protectSender(sender, kind);
  }

  protectReceiver(receiver: RTCRtpReceiver, kind: MediaKind, peerId: string): void {
    this.media.protectReceiver(receiver, kind, peerId);
  }

  addPeer(peer: { peerId: string; accountId: string; keySlot: number }, announcement: E2eeAnnouncement): void {
    void this.#keys?.addPeer(peer, announcement);
  }

  receiveBox(from: string, box: string): void {
    this.#keys?.receiveBox(from, box);
  }

  peerLeft(peerId: string): void {
    this.#keys?.peerLeft(peerId);
  }

  async markVerified(peerId: string): Promise<void> {
    await this.#keys?.markVerified(peerId);
  }

  /** Ends the call's key exchange. The worker, and the keys it holds, go with the page. */
  close(): void {
    this.#keys?.close();
  }

  /** The security code and emoji: recomputed when keys change, not on every status report. */
  #verification = { securityCode: '', emoji: new Map<string, string[]>() };

  #keysChanged(): void {
    const keys = this.#keys;
    if (!keys) return;
    const self = { accountId: this.#accountId, ...keys.ownKeys };
    this.#verification = {
      securityCode: callSecurityCode(this.sodium, [self, ...keys.peers]),
      emoji: new Map(keys.peers.map((peer) => [peer.peerId, pairwiseEmoji(this.sodium, self, peer)])),
    };
    this.#refresh();
  }

  #refresh(): void {
    if (this.#passThrough) {
      this.#view = { mode: 'pass-through-for-testing' };
      return this.onChange();
    }
    const keys = this.#keys;
    if (!keys) return;
    const statuses = this.media.statuses;
    const now = performance.now();
    const failing = (peerId: string) => now - (this.#failing.get(peerId) ?? -Infinity) < failureShownMs;
    const peers: Record<string, PeerSecurity> = {};
    for (const peer of keys.peers) {
      const streams = statuses.filter((s) => s.direction === 'receive' && s.peerId === peer.peerId);
      peers[peer.peerId] = {
        trust: peer.trust,
        verified: peer.verified,
        emoji: this.#verification.emoji.get(peer.peerId) ?? [],
        lock: failing(peer.peerId) ? 'failing' : lockOf(streams, peer.receiving),
      };
    }
    const sends = statuses.filter((s) => s.direction === 'send');
    this.#view = {
      mode: 'on',
      sending: sends.length > 0 && sends.every((s) => s.state === 'encrypting') ? 'encrypting' : 'waiting',
      securityCode: this.#verification.securityCode,
      peers,
      alerts: [...this.#failing.keys()].filter(failing),
    };
    this.onChange();
  }
}

/** How long a decryption failure keeps a participant's lock showing "cannot decrypt". */
const failureShownMs = 3000;

/** Encrypted when every stream of theirs decrypts (or, sending nothing, when we hold their key). */
function lockOf(streams: StreamStatus[], haveTheirKey: boolean): StreamLock {
  if (streams.length === 0) return haveTheirKey ? 'encrypted' : 'waiting';
  return streams.every((s) => s.state === 'decrypting') ? 'encrypted' : 'waiting';
}

function assertUnreachable(value: never): never {
  throw new Error(`unexpected E2EE event ${JSON.stringify(value)}`);
}
