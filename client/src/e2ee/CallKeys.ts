// The key exchange of one call. Each participant:
//  - makes a per-call X25519 key pair and announces its public half, signed
//    with its device identity key (Ed25519) over the room and peer id;
//  - checks everyone else's announcement signature before trusting it;
//  - sends its own SFrame sender key to each participant in a libsodium box
//    (X25519 + XSalsa20-Poly1305) that the server relays but cannot open;
//  - on a join, ratchets its key forward and gives the newcomer only the
//    ratcheted one (others follow the ratchet by themselves);
//  - on a leave, makes a fresh random key, sends it to those who remain,
//    and switches once they confirm receipt (or after `switchTimeoutMs`).
// Protects: sender keys, from the server and from anyone who left.
// Assumes: the server relays faithfully or not at all (it can delay or drop,
// which shows as "waiting for key"; it cannot forge: boxes authenticate).
import { announcementContext, KeyMessageSchema, ratchetKey, randomBaseKey, type KeyMessage } from '@parley/shared/e2ee';
import type { E2eeAnnouncement } from '@parley/shared';
import type { SignalingClient } from '../signaling/SignalingClient.js';
import type { E2eeMedia } from './E2eeMedia.js';
import type { IdentityStore, KeyTrust, DeviceIdentity } from './IdentityStore.js';
import { b64, unb64, type Sodium } from './sodium.js';
import { recordMilestone } from './testHooks.js';

/** How long a new key waits for receipts before it is used anyway. */
export const switchTimeoutMs = 1500;
/** At most one forced rekey per this long, however many alarms. */
const rekeyCooldownMs = 10_000;

export type RemoteKeys = {
  peerId: string;
  accountId: string;
  slot: number;
  identityKey: Uint8Array;
  callKey: Uint8Array;
  trust: KeyTrust;
  verified: boolean;
  /** We hold a key of theirs. */
  receiving: boolean;
};

type Bytes = Uint8Array<ArrayBuffer>;

export class CallKeys {
  readonly #peers = new Map<string, RemoteKeys>();
  readonly #earlyBoxes = new Map<string, string[]>();
  readonly #pendingNewcomers = new Set<string>();
  readonly #acks = new Map<number, { waiting: Set<string>; done: () => void }>();
  #queue: Promise<void> = Promise.resolve();
  #epoch = 0;
  #key: Bytes = randomBaseKey();
  #shared = false;
  #flushScheduled = false;
  #lastForcedRekey = -Infinity;
  #closed = false;

  private constructor(
    private readonly sodium: Sodium,
    private readonly identities: IdentityStore,
    private readonly device: DeviceIdentity,
    private readonly callKeys: { publicKey: Uint8Array; privateKey: Uint8Array },
    private readonly signaling: SignalingClient,
    private readonly media: E2eeMedia,
    private readonly me: { peerId: string; slot: number },
    private readonly roomId: string,
    private readonly onChange: () => void,
    /** A key of this peer arrived: ask for a keyframe so their picture starts now. */
    private readonly onReceiveKey: (peerId: string) => void,
  ) {}

  static async start(options: {
    sodium: Sodium;
    identities: IdentityStore;
    signaling: SignalingClient;
    media: E2eeMedia;
    self: { peerId: string; slot: number };
    roomId: string;
    onChange: () => void;
    onReceiveKey: (peerId: string) => void;
  }): Promise<CallKeys> {
    const { sodium } = options;
    const device = await options.identities.device();
    const pair = sodium.crypto_box_keypair();
    const keys = new CallKeys(
      sodium,
      options.identities,
      device,
      { publicKey: pair.publicKey, privateKey: pair.privateKey },
      options.signaling,
      options.media,
      options.self,
      options.roomId,
      options.onChange,
      options.onReceiveKey,
    );
    options.media.setSendKey(options.self.slot, 0, keys.#key);
    await options.signaling.request('announceE2ee', keys.#announcement());
    return keys;
  }

  get ownKeys(): { identityKey: Uint8Array; callKey: Uint8Array } {
    return { identityKey: this.device.publicKey, callKey: this.callKeys.publicKey };
  }

  get peers(): RemoteKeys[] {
    return [...this.#peers.values()];
  }

  get sendEpoch(): number {
    return this.#epoch;
  }

  /** Someone's announcement (from the admission or later): checked, remembered, then given our key. */
  async addPeer(peer: { peerId: string; accountId: string; keySlot: number }, announcement: E2eeAnnouncement) {
    if (this.#closed || peer.peerId === this.me.peerId) return;
    const identityKey = unb64(this.sodium, announcement.identityKey);
    const callKey = unb64(this.sodium, announcement.callKey);
    const signed = announcementContext(this.roomId, peer.peerId, callKey);
    if (!this.sodium.crypto_sign_verify_detached(unb64(this.sodium, announcement.signature), signed, identityKey)) {
      return; // not signed by the key it claims: never trusted, never given a key
    }
    const known = this.#peers.get(peer.peerId);
    if (known && this.sodium.memcmp(known.callKey, callKey)) return; // the same announcement again
    const trust = await this.identities.observe(peer.accountId, identityKey);
    const verified = await this.identities.isVerified(peer.accountId, identityKey);
    this.#peers.set(peer.peerId, {
      peerId: peer.peerId,
      accountId: peer.accountId,
      slot: peer.keySlot,
      identityKey,
      callKey,
      trust,
      verified,
      receiving: false,
    });
    this.onChange();
    for (const box of this.#earlyBoxes.get(peer.peerId)?.splice(0) ?? []) this.receiveBox(peer.peerId, box);
    this.#pendingNewcomers.add(peer.peerId);
    this.#scheduleNewcomerFlush();
  }

  async markVerified(peerId: string): Promise<void> {
    const peer = this.#peers.get(peerId);
    if (!peer) return;
    await this.identities.markVerified(peer.accountId, peer.identityKey);
    peer.verified = true;
    this.onChange();
  }

  /** Someone left or was removed: forget their keys and move to a key they never had. */
  peerLeft(peerId: string): void {
    if (!this.#peers.delete(peerId)) return;
    recordMilestone('peer left');
    this.#pendingNewcomers.delete(peerId);
    this.media.removePeer(peerId);
    for (const pending of this.#acks.values()) {
      pending.waiting.delete(peerId);
      if (pending.waiting.size === 0) pending.done();
    }
    this.onChange();
    this.#enqueue(() => this.#rotate());
  }

  /** Our key carried many frames: ratchet (everyone follows by themselves). */
  ratchet(): void {
    this.#enqueue(async () => this.#switchTo(this.#epoch + 1, await ratchetKey(this.#key)));
  }

  /** Frames from `peerId` fail suspiciously often: ask them for a fresh key. */
  requestRekeyFrom(peerId: string): void {
    const peer = this.#peers.get(peerId);
    if (peer) this.#send(peer, { t: 'rekey' });
  }

  receiveBox(from: string, box: string): void {
    const peer = this.#peers.get(from);
    if (!peer) {
      // The box overtook the announcement it depends on; keep a few.
      const early = this.#earlyBoxes.get(from) ?? [];
      if (early.length < 8) early.push(box);
      this.#earlyBoxes.set(from, early);
      return;
    }
    const message = this.#open(peer, box);
    if (!message) return; // a box that does not open came from someone without the key: ignored
    switch (message.t) {
      case 'key': {
        const key = unb64(this.sodium, message.key) as Bytes;
        this.media.setReceiveKey(peer.peerId, peer.slot, message.epoch, key);
        this.sodium.memzero(key);
        if (!peer.receiving) {
          peer.receiving = true;
          this.onChange();
        }
        this.#send(peer, { t: 'ack', epoch: message.epoch });
        this.onReceiveKey(peer.peerId);
        return;
      }
      case 'ack': {
        const pending = this.#acks.get(message.epoch);
        pending?.waiting.delete(peer.peerId);
        if (pending && pending.waiting.size === 0) pending.done();
        return;
      }
      case 'rekey':
        if (performance.now() - this.#lastForcedRekey < rekeyCooldownMs) return;
        this.#lastForcedRekey = performance.now();
        this.#enqueue(() => this.#rotate());
        return;
      default:
        return assertUnreachable(message);
    }
  }

  close(): void {
    this.#closed = true;
    this.sodium.memzero(this.#key);
    this.sodium.memzero(this.callKeys.privateKey);
    for (const pending of this.#acks.values()) pending.done();
  }

  #announcement(): E2eeAnnouncement {
    const context = announcementContext(this.roomId, this.me.peerId, this.callKeys.publicKey);
    return {
      identityKey: b64(this.sodium, this.device.publicKey),
      callKey: b64(this.sodium, this.callKeys.publicKey),
      signature: b64(this.sodium, this.sodium.crypto_sign_detached(context, this.device.privateKey)),
    };
  }

  #scheduleNewcomerFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    // Newcomers who arrive together share one ratchet step.
    setTimeout(() => {
      this.#flushScheduled = false;
      this.#enqueue(() => this.#welcome());
    }, 0);
  }

  /** Gives newcomers our key, ratcheted first if anyone already had it, so they cannot read the past. */
  async #welcome(): Promise<void> {
    const newcomers = [...this.#pendingNewcomers].flatMap((id) => this.#peers.get(id) ?? []);
    this.#pendingNewcomers.clear();
    if (newcomers.length === 0) return;
    if (this.#shared) await this.#switchTo(this.#epoch + 1, await ratchetKey(this.#key));
    for (const peer of newcomers) this.#sendKey(peer);
    this.#shared = true;
  }

  /** A fresh random key for those present, used once they have it (or after the timeout). */
  async #rotate(): Promise<void> {
    if (this.#closed) return;
    const epoch = this.#epoch + 1;
    const key = randomBaseKey();
    const recipients = [...this.#peers.values()];
    recordMilestone(`rotation ${epoch} sent`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, switchTimeoutMs);
      const done = () => (clearTimeout(timer), resolve());
      this.#acks.set(epoch, { waiting: new Set(recipients.map((p) => p.peerId)), done });
      for (const peer of recipients) this.#send(peer, { t: 'key', epoch, key: b64(this.sodium, key) });
      if (recipients.length === 0) done();
    });
    const unacknowledged = this.#acks.get(epoch)?.waiting.size ?? 0;
    this.#acks.delete(epoch);
    recordMilestone(`rotation ${epoch}: ${recipients.length - unacknowledged}/${recipients.length} acknowledged`);
    await this.#switchTo(epoch, key);
  }

  async #switchTo(epoch: number, key: Bytes): Promise<void> {
    if (this.#closed) return;
    this.sodium.memzero(this.#key);
    this.#epoch = epoch;
    this.#key = key;
    this.media.setSendKey(this.me.slot, epoch, key);
  }

  #sendKey(peer: RemoteKeys): void {
    this.#send(peer, { t: 'key', epoch: this.#epoch, key: b64(this.sodium, this.#key) });
  }

  #send(peer: RemoteKeys, message: KeyMessage): void {
    const nonce = this.sodium.randombytes_buf(this.sodium.crypto_box_NONCEBYTES);
    const plain = new TextEncoder().encode(JSON.stringify(message));
    const sealed = this.sodium.crypto_box_easy(plain, nonce, peer.callKey, this.callKeys.privateKey);
    this.sodium.memzero(plain);
    const box = new Uint8Array(nonce.length + sealed.length);
    box.set(nonce);
    box.set(sealed, nonce.length);
    // A lost box shows up as "waiting for key" on their side; the next rotation retries.
    this.signaling.request('relayE2ee', { to: peer.peerId, box: b64(this.sodium, box) }).catch(() => undefined);
  }

  #open(peer: RemoteKeys, box: string): KeyMessage | undefined {
    try {
      const bytes = unb64(this.sodium, box);
      const nonce = bytes.subarray(0, this.sodium.crypto_box_NONCEBYTES);
      const sealed = bytes.subarray(this.sodium.crypto_box_NONCEBYTES);
      const plain = this.sodium.crypto_box_open_easy(sealed, nonce, peer.callKey, this.callKeys.privateKey);
      const parsed = KeyMessageSchema.safeParse(JSON.parse(new TextDecoder().decode(plain)));
      this.sodium.memzero(plain);
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined; // forged, damaged or not for us
    }
  }

  #enqueue(task: () => Promise<void>): void {
    this.#queue = this.#queue.then(task).catch(() => undefined); // a failed step must not block later ones
  }
}

function assertUnreachable(value: never): never {
  throw new Error(`unexpected key message ${JSON.stringify(value)}`);
}
