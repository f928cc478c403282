// Runs the call's key agreement (the state machine in @parley/shared) in the
// browser: feeds it what signaling and the E2EE worker report, carries out
// what it asks (relay a box, hand a key to the worker), wakes it when a timer
// is due, and remembers identity keys per account (trust on first use).
// Protects: sender keys (see KeyAgreement). Assumes: the worker is ours and
// the server may drop, delay, replay or invent messages.
import type { E2eeAnnouncement, Participant } from '@parley/shared';
import {
  callSecurityCode,
  createAgreementCrypto,
  KeyAgreement,
  pairwiseEmoji,
  relayBatches,
  type AgreementAction,
  type AgreementAlert,
  type AgreementInput,
  type MemberView,
  type Sodium,
  type VerificationEmoji,
} from '@parley/shared/e2ee/agreement';
import type { SignalingClient } from '../signaling/SignalingClient.js';
import type { E2eeMedia } from './E2eeMedia.js';
import type { IdentityStore, KeyTrust } from './IdentityStore.js';

type Input = AgreementInput extends infer I ? (I extends AgreementInput ? Omit<I, 'now'> : never) : never;

/** A member as the call page shows them: the roster entry, plus what this device remembers of their key. */
export type KeyedMember = MemberView & {
  trust: KeyTrust | undefined;
  verified: boolean;
  /** Seven emoji to compare with them (from their accepted keys, or the changed ones while those await verification). */
  emoji: VerificationEmoji[];
};

export type KeyAlert = { alert: AgreementAlert; peerId: string };

/** Where chat keys come from: the same sender keys as media (copies; the caller's are zeroed after). */
export type ChatKeySink = {
  setSendKey(epoch: number, key: Uint8Array): void;
  setReceiveKey(peerId: string, epoch: number, key: Uint8Array): void;
  forget(peerId: string): void;
};

export class CallKeys {
  readonly #machine: KeyAgreement;
  readonly #trust = new Map<string, { identityKey: Uint8Array; trust: KeyTrust; verified: boolean }>();
  readonly #alerts: KeyAlert[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #outgoing: AgreementAction[] = [];
  #securityCode = '';
  #closed = false;
  /** Boxes the server did not take (the socket was down): the agreement recovers through key requests. */
  relayFailures = 0;
  /** Whether we send media, and whether we have chatted: either makes us hand out our key. */
  #mediaSending = false;
  #chatSending = false;
  /** Chat keys follow ours and everyone's; set before the first action so it sees epoch 0 too. */
  chat: ChatKeySink | undefined;

  private constructor(
    private readonly sodium: Sodium,
    private readonly identities: IdentityStore,
    private readonly signaling: SignalingClient,
    private readonly media: E2eeMedia | undefined,
    readonly self: { peerId: string; slot: number; accountId: string },
    private readonly onChange: () => void,
    private readonly onReceivedKey: (peerId: string) => void,
    machine: (keys: CallKeys) => KeyAgreement,
  ) {
    this.#machine = machine(this);
  }

  /** Makes this call's keys, announces them, and starts handing our key to whoever the roster lists. */
  static async start(options: {
    sodium: Sodium;
    identities: IdentityStore;
    signaling: SignalingClient;
    /** Undefined only in a test build's "E2EE off" mode: keys are agreed but no frame is transformed. */
    media: E2eeMedia | undefined;
    self: { peerId: string; slot: number; accountId: string };
    roomId: string;
    onChange: () => void;
    onReceivedKey: (peerId: string) => void;
    chat?: ChatKeySink;
  }): Promise<CallKeys> {
    const identity = await options.identities.device();
    const crypto = createAgreementCrypto(options.sodium, {
      roomId: options.roomId,
      peerId: options.self.peerId,
      identity,
    });
    const keys = new CallKeys(
      options.sodium,
      options.identities,
      options.signaling,
      options.media,
      options.self,
      options.onChange,
      options.onReceivedKey,
      () => new KeyAgreement(options.self, crypto),
    );
    keys.chat = options.chat;
    keys.#apply(keys.#machine.start());
    try {
      await options.signaling.request('announceE2ee', crypto.announcement);
    } catch (error) {
      keys.close();
      throw error;
    }
    return keys;
  }

  /** The roster, in order of arrival, with what this device knows of each member's key. */
  get members(): KeyedMember[] {
    const self = { accountId: this.self.accountId, ...this.#machine.ownKeys };
    return this.#machine.members.map((member) => {
      const remembered = this.#trust.get(member.peerId);
      const shown = member.changedKeys ?? member.keys;
      const current = remembered && member.keys && same(remembered.identityKey, member.keys.identityKey);
      return {
        ...member,
        trust: current ? remembered.trust : undefined,
        verified: current ? remembered.verified : false,
        emoji: shown ? pairwiseEmoji(this.sodium, self, { accountId: member.accountId, ...shown }) : [],
      };
    });
  }

  /** Who receives our key: exactly the listed members whose keys are accepted and unchanged. */
  get recipients(): string[] {
    return this.#machine.recipients;
  }

  get securityCode(): string {
    return this.#securityCode;
  }

  get alerts(): readonly KeyAlert[] {
    return this.#alerts;
  }

  get sendEpoch(): number {
    return this.#machine.sendEpoch;
  }

  handle(input: Input): void {
    if (this.#closed) return;
    if (input.type === 'sending') {
      this.#mediaSending = input.sending;
      input = { type: 'sending', sending: this.#mediaSending || this.#chatSending };
    }
    if (input.type === 'memberLeft') performance.mark('parley.e2ee.member-left', { detail: { peerId: input.peerId } });
    this.#apply(this.#machine.handle({ ...input, now: performance.now() } as AgreementInput));
  }

  /**
   * We are about to seal our first chat message: a chat is sealed under our
   * sender key, so from now on we hand it out like a sender of media (a
   * fresh key, to everyone present).
   */
  chatting(): void {
    if (this.#chatSending) return;
    this.#chatSending = true;
    this.handle({ type: 'sending', sending: this.#mediaSending });
  }

  /** The secret only we and this member share (private chat), if their keys are accepted. */
  pairSecret(peerId: string): Uint8Array | undefined {
    return this.#closed ? undefined : this.#machine.pairSecret(peerId);
  }

  memberJoined(participant: Participant): void {
    this.handle({ type: 'memberJoined', participant });
  }

  announced(peerId: string, announcement: E2eeAnnouncement): void {
    this.handle({ type: 'announced', peerId, announcement });
  }

  /** After comparing emoji with them: this identity key really is theirs (and, if it changed, accept it). */
  async markVerified(peerId: string): Promise<void> {
    const member = this.#machine.members.find((m) => m.peerId === peerId);
    const keys = member?.changedKeys ?? member?.keys;
    if (!member || !keys) return;
    await this.identities.markVerified(member.accountId, keys.identityKey);
    if (member.changedKeys) {
      this.#alerts.splice(0, this.#alerts.length, ...this.#alerts.filter((a) => a.peerId !== peerId));
      this.handle({ type: 'changedKeysVerified', peerId });
    }
    this.#trust.set(peerId, { identityKey: keys.identityKey, trust: 'known', verified: true });
    this.#changed();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#machine.close();
  }

  #apply(actions: AgreementAction[]): void {
    for (const action of actions) {
      switch (action.type) {
        case 'send':
          this.#relay(action);
          break;
        case 'setSendKey':
          performance.mark('parley.e2ee.send-key', { detail: { epoch: action.epoch } });
          this.media?.setSendKey(this.self.slot, action.epoch, action.key);
          this.chat?.setSendKey(action.epoch, action.key);
          action.key.fill(0);
          break;
        case 'setReceiveKey':
          this.media?.setReceiveKey(action.peerId, action.slot, action.epoch, action.key);
          this.chat?.setReceiveKey(action.peerId, action.epoch, action.key);
          action.key.fill(0);
          break;
        case 'forgetMember':
          this.media?.removePeer(action.peerId);
          this.chat?.forget(action.peerId);
          this.#trust.delete(action.peerId);
          break;
        case 'receivedKey':
          this.onReceivedKey(action.peerId);
          break;
        case 'alert':
          this.#alerts.push({ alert: action.alert, peerId: action.peerId });
          break;
        case 'changed':
          this.#changed();
          break;
        default:
          return assertUnreachable(action);
      }
    }
    this.#schedule();
  }

  /**
   * Boxes go out together, in as few requests as the relay's limits allow:
   * those of one event, and those of events handled in the same task (a
   * receipt for each of many keys that arrived at once).
   */
  #relay(send: AgreementAction): void {
    if (this.#outgoing.push(send) > 1) return;
    queueMicrotask(() => {
      for (const boxes of relayBatches(this.#outgoing.splice(0)))
        this.signaling.request('relayE2ee', { boxes }).catch(() => {
          // Counted; the receiver notices the missing key and asks for it again.
          this.relayFailures += boxes.length;
        });
    });
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    const wake = this.#machine.nextWakeAt;
    if (wake === undefined || this.#closed) return;
    this.#timer = setTimeout(() => this.handle({ type: 'tick' }), Math.max(0, wake - performance.now()));
  }

  #changed(): void {
    const self = { accountId: this.self.accountId, ...this.#machine.ownKeys };
    const members = this.#machine.members;
    const keyed = members.flatMap((m) => (m.keys ? [{ accountId: m.accountId, ...m.keys }] : []));
    this.#securityCode = callSecurityCode(this.sodium, [self, ...keyed]);
    for (const member of members) void this.#observe(member);
    this.onChange();
  }

  /** Trust on first use: what this device remembers of the member's identity key. */
  async #observe(member: MemberView): Promise<void> {
    const keys = member.keys;
    const known = this.#trust.get(member.peerId);
    if (!keys || (known && same(known.identityKey, keys.identityKey))) return;
    this.#trust.set(member.peerId, { identityKey: keys.identityKey, trust: 'new', verified: false });
    const trust = await this.identities.observe(member.accountId, keys.identityKey);
    const verified = await this.identities.isVerified(member.accountId, keys.identityKey);
    if (this.#closed) return;
    this.#trust.set(member.peerId, { identityKey: keys.identityKey, trust, verified });
    this.onChange();
  }
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

function assertUnreachable(value: never): never {
  throw new Error(`unexpected key agreement action ${JSON.stringify(value)}`);
}
