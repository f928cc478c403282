// The key agreement of one call, as a state machine without I/O: events in
// (roster changes from the server, announcements, boxes, the worker's
// reports, a timer), actions out (boxes to relay, keys for the worker,
// alerts). It owns the call's one roster: the participant list, the tiles,
// the security code and the set of people who receive our key all derive
// from `members`, so nobody can hold our key without being on every screen.
//
// Protects: our sender keys. Rules it enforces —
//  - only members of the roster whose announcement checks out receive our
//    key; an announcement is accepted once per member: different keys (or a
//    different account or slot) for someone present stop all delivery to
//    them and raise an alert until the person verifies the new keys;
//  - a newcomer (the first included) gets only a key no frame before their
//    arrival used: we ratchet, or hand them the not-yet-used rotation key;
//  - a leaver triggers a fresh random key for those who remain, used once
//    they acknowledge it (or after `switchTimeoutMs`); leaves that come in
//    quick succession replace a pending rotation rather than queue behind it;
//  - boxes carry per-pair sequence numbers: replayed or re-ordered boxes are
//    refused; a member's key for an epoch we hold is never replaced;
//  - a member who misses key changes (muted through several joins, a dropped
//    socket) asks for our current key, which we give only if it is one they
//    were entitled to from their arrival on.
// Assumes: the server may drop, delay, replay or invent messages (it cannot
// forge boxes or signatures); the roster it reports is what each person
// sees, and the security code lets people notice when those differ.
import type { E2eeAnnouncement, Participant } from '../../protocol/index.js';
import type { Bytes } from '../../sframe/bytes.js';
import type { KeyMessage, KeyMessageBody } from '../keyMessages.js';
import { sameKeys, type AgreementCrypto, type PeerKeys } from './AgreementCrypto.js';
import { Member, type MemberView } from './Member.js';
import type { AgreementAction, AgreementAlert, AgreementInput } from './messages.js';

export type AgreementTiming = {
  /** How long a new key waits for receipts before it is used anyway. */
  switchTimeoutMs: number;
  /** Leaves within this long of each other share one rotation. */
  leaveCoalesceMs: number;
  /** At most one key request per member this often. */
  keyRequestIntervalMs: number;
  /** At most one answer to a member's key requests this often. */
  keyAnswerIntervalMs: number;
  /** At most one forced rekey (someone suspects forgery) this often. */
  rekeyCooldownMs: number;
};

export const defaultTiming: AgreementTiming = {
  switchTimeoutMs: 1500,
  leaveCoalesceMs: 0,
  keyRequestIntervalMs: 2000,
  keyAnswerIntervalMs: 1000,
  rekeyCooldownMs: 10_000,
};

/** Boxes the machine refused, by reason: for diagnostics and tests. */
export type AgreementCounters = { replayedBoxes: number; unreadableBoxes: number; strangerBoxes: number };

type OwnKey = { epoch: number; key: Bytes };
type Rotation = OwnKey & { waiting: Set<string>; deadline: number };

export class KeyAgreement {
  readonly #members = new Map<string, Member>();
  readonly #timing: AgreementTiming;
  readonly counters: AgreementCounters = { replayedBoxes: 0, unreadableBoxes: 0, strangerBoxes: 0 };
  #current: OwnKey;
  #pending: Rotation | undefined;
  #rotateAt: number | undefined;
  #welcomeAt: number | undefined;
  #lastEpoch = 0;
  #lastForcedRekeyAt = -Infinity;
  #now = 0;
  #out: AgreementAction[] = [];
  #closed = false;

  constructor(
    readonly self: { peerId: string; accountId: string; slot: number },
    private readonly crypto: AgreementCrypto,
    timing: Partial<AgreementTiming> = {},
  ) {
    this.#timing = { ...defaultTiming, ...timing };
    this.#current = { epoch: 0, key: crypto.randomKey() };
  }

  /** The first actions: our epoch-0 key for the worker (announce `crypto.announcement` alongside). */
  start(): AgreementAction[] {
    this.#out.push({ type: 'setSendKey', epoch: 0, key: this.#current.key.slice() });
    return this.#flush();
  }

  handle(input: AgreementInput): AgreementAction[] {
    if (this.#closed) return [];
    this.#now = input.now;
    switch (input.type) {
      case 'memberJoined':
      case 'memberUpdated':
        this.#upsert(input.participant);
        break;
      case 'memberLeft':
        this.#remove(input.peerId);
        break;
      case 'resynced':
        this.#resync(input.participants);
        break;
      case 'announced':
        this.#announced(input.peerId, input.announcement);
        break;
      case 'boxReceived':
        this.#receiveBox(input.from, input.box);
        break;
      case 'keyMissing':
        this.#requestKey(input.peerId);
        break;
      case 'forgerySuspected': {
        const member = this.#members.get(input.peerId);
        if (member?.status === 'keyed') this.#send(member, { t: 'rekey' });
        break;
      }
      case 'wantsRatchet':
        if (!this.#pending && this.#rotateAt === undefined)
          this.#install(this.#nextEpoch(), this.crypto.ratchet(this.#current.key));
        break;
      case 'changedKeysVerified':
        this.#acceptChangedKeys(input.peerId);
        break;
      case 'tick':
        this.#runDue();
        break;
      default:
        return assertUnreachable(input);
    }
    return this.#flush();
  }

  /** When the driver should send a `tick` (undefined: nothing is waiting). */
  get nextWakeAt(): number | undefined {
    const times = [this.#rotateAt, this.#welcomeAt, this.#pending?.deadline].filter((t) => t !== undefined);
    return times.length > 0 ? Math.min(...times) : undefined;
  }

  /** The roster, in order of arrival. */
  get members(): MemberView[] {
    return [...this.#members.values()].map((member) => member.view());
  }

  /** Who is given our keys: always a subset of `members`, exactly those whose keys are accepted and unchanged. */
  get recipients(): string[] {
    return [...this.#members.values()].filter((m) => m.status === 'keyed').map((m) => m.peerId);
  }

  get ownKeys(): PeerKeys {
    return this.crypto.ownKeys;
  }

  get sendEpoch(): number {
    return this.#current.epoch;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.crypto.wipe(this.#current.key);
    if (this.#pending) this.crypto.wipe(this.#pending.key);
    this.crypto.close();
  }

  // Roster.

  #upsert(participant: Participant): void {
    if (participant.peerId === this.self.peerId) return;
    let member = this.#members.get(participant.peerId);
    if (!member) {
      member = new Member(participant.peerId, participant.accountId, participant.keySlot, participant);
      this.#members.set(member.peerId, member);
    } else if (participant.accountId !== member.accountId || participant.keySlot !== member.slot) {
      // Account and slot are fixed at admission; the server has no honest reason to change them.
      this.#flag(member, 'identity-changed', undefined);
    }
    member.displayName = participant.displayName;
    member.isHost = participant.isHost;
    this.#changed();
    if (participant.e2ee) this.#announced(member.peerId, participant.e2ee);
  }

  #remove(peerId: string): void {
    const member = this.#members.get(peerId);
    if (!member) return;
    this.#members.delete(peerId);
    this.#out.push({ type: 'forgetMember', peerId });
    this.#changed();
    if (member.firstEpoch === undefined) return; // never held a key of ours
    // A pending key they were given must never be used: drop it now, rotate afresh.
    if (this.#pending) {
      this.crypto.wipe(this.#pending.key);
      this.#pending = undefined;
    }
    this.#rotateAt ??= this.#now + this.#timing.leaveCoalesceMs;
  }

  /** After a socket resume: the server's roster is the truth; what we missed becomes joins and leaves. */
  #resync(participants: Participant[]): void {
    const present = new Set(participants.map((p) => p.peerId));
    for (const peerId of [...this.#members.keys()]) if (!present.has(peerId)) this.#remove(peerId);
    for (const participant of participants) this.#upsert(participant);
    // Boxes to and from us may have been lost with the old socket: offer ours again, ask for theirs.
    for (const member of this.#members.values()) {
      if (member.status !== 'keyed') continue;
      this.#giveCurrentKeys(member);
      member.lastKeyRequestAt = this.#now;
      this.#send(member, { t: 'keyRequest' });
    }
  }

  // Announcements.

  #announced(peerId: string, announcement: E2eeAnnouncement): void {
    const member = this.#members.get(peerId);
    if (!member) return; // not in the roster: never given a key
    const keys = this.crypto.verify(peerId, announcement);
    if (!keys) {
      if (member.status === 'awaiting-keys') member.status = 'invalid';
      this.#alert('invalid-announcement', peerId);
      return this.#changed();
    }
    if (member.keys) {
      if (sameKeys(member.keys, keys)) return; // the same announcement again
      if (member.changedKeys && sameKeys(member.changedKeys, keys)) return;
      return this.#flag(member, 'keys-changed', keys);
    }
    if (member.status === 'changed') return; // its account or slot changed: nothing more until it rejoins
    member.keys = keys;
    member.status = 'keyed';
    this.#welcome(member);
    this.#changed();
    for (const box of member.takeEarlyBoxes()) this.#receiveBox(peerId, box);
  }

  #flag(member: Member, alert: AgreementAlert, changedKeys: PeerKeys | undefined): void {
    member.status = 'changed';
    member.changedKeys = changedKeys;
    member.awaitingWelcome = false;
    this.#pending?.waiting.delete(member.peerId);
    this.#alert(alert, member.peerId);
    this.#changed();
    this.#switchIfAcknowledged();
  }

  #acceptChangedKeys(peerId: string): void {
    const member = this.#members.get(peerId);
    if (!member?.changedKeys || member.status !== 'changed') return;
    member.keys = member.changedKeys;
    member.changedKeys = undefined;
    member.status = 'keyed';
    member.resetChannel();
    this.#welcome(member);
    this.#changed();
  }

  // Our keys.

  #welcome(member: Member): void {
    member.awaitingWelcome = true;
    this.#welcomeAt ??= this.#now;
  }

  #runDue(): void {
    const now = this.#now;
    // A rotation first: newcomers then get its unused key instead of a ratchet.
    if (this.#rotateAt !== undefined && this.#rotateAt <= now) this.#rotate();
    if (this.#welcomeAt !== undefined && this.#welcomeAt <= now) this.#welcomeNewcomers();
    if (this.#pending && this.#pending.deadline <= now) this.#switchToPending();
  }

  /** Newcomers get a key no frame before their arrival used: the pending rotation's, or our key ratcheted now. */
  #welcomeNewcomers(): void {
    this.#welcomeAt = undefined;
    const newcomers = [...this.#members.values()].filter((m) => m.awaitingWelcome && m.status === 'keyed');
    for (const member of this.#members.values()) member.awaitingWelcome = false;
    if (newcomers.length === 0) return;
    const key = this.#pending ?? this.#install(this.#nextEpoch(), this.crypto.ratchet(this.#current.key));
    for (const member of newcomers) {
      member.firstEpoch = key.epoch;
      this.#sendKey(member, key);
    }
    this.#changed();
  }

  /** A fresh random key for everyone keyed, used once they all acknowledge it (or at the deadline). */
  #rotate(): void {
    this.#rotateAt = undefined;
    this.#lastForcedRekeyAt = this.#now;
    if (this.#pending) this.crypto.wipe(this.#pending.key);
    const recipients = [...this.#members.values()].filter((m) => m.status === 'keyed');
    const rotation: Rotation = {
      epoch: this.#nextEpoch(),
      key: this.crypto.randomKey(),
      waiting: new Set(recipients.map((m) => m.peerId)),
      deadline: this.#now + this.#timing.switchTimeoutMs,
    };
    this.#pending = rotation;
    for (const member of recipients) {
      member.firstEpoch ??= rotation.epoch;
      member.awaitingWelcome = false;
      this.#sendKey(member, rotation);
    }
    this.#changed();
    this.#switchIfAcknowledged();
  }

  #switchIfAcknowledged(): void {
    if (this.#pending && this.#pending.waiting.size === 0) this.#switchToPending();
  }

  #switchToPending(): void {
    const pending = this.#pending;
    if (!pending) return;
    this.#pending = undefined;
    this.#install(pending.epoch, pending.key);
  }

  #install(epoch: number, key: Bytes): OwnKey {
    this.crypto.wipe(this.#current.key);
    this.#current = { epoch, key };
    this.#out.push({ type: 'setSendKey', epoch, key: key.slice() });
    return this.#current;
  }

  #nextEpoch(): number {
    this.#lastEpoch = Math.max(this.#lastEpoch, this.#current.epoch, this.#pending?.epoch ?? 0) + 1;
    return this.#lastEpoch;
  }

  /** Our current and pending keys, as far as this member was entitled to them from their arrival on. */
  #giveCurrentKeys(member: Member): void {
    const first = member.firstEpoch;
    if (first === undefined) return;
    if (this.#current.epoch >= first) this.#sendKey(member, this.#current);
    if (this.#pending && this.#pending.epoch >= first) this.#sendKey(member, this.#pending);
  }

  #requestKey(peerId: string): void {
    const member = this.#members.get(peerId);
    if (member?.status !== 'keyed') return;
    if (this.#now - member.lastKeyRequestAt < this.#timing.keyRequestIntervalMs) return;
    member.lastKeyRequestAt = this.#now;
    this.#send(member, { t: 'keyRequest' });
  }

  // Boxes.

  #receiveBox(from: string, box: string): void {
    const member = this.#members.get(from);
    if (!member) {
      this.counters.strangerBoxes++;
      return;
    }
    if (!member.keys) {
      // It overtook the announcement it depends on.
      if (member.status === 'awaiting-keys') member.keepEarlyBox(box);
      return;
    }
    const message = this.crypto.open(member.keys, box);
    if (!message) {
      this.counters.unreadableBoxes++;
      return;
    }
    if (message.seq <= member.seqIn) {
      this.counters.replayedBoxes++;
      return;
    }
    member.seqIn = message.seq;
    this.#receiveMessage(member, message);
  }

  #receiveMessage(member: Member, message: KeyMessage): void {
    // A member whose keys changed still speaks on the old, authenticated
    // channel; we take their keys but send them nothing.
    const keyed = member.status === 'keyed';
    switch (message.t) {
      case 'key': {
        const key = this.crypto.decodeKey(message.key);
        const seen = member.recordKey(message.epoch, this.crypto.fingerprint(key));
        if (seen === 'conflict') {
          this.crypto.wipe(key);
          return this.#alert('conflicting-key', member.peerId);
        }
        if (seen === 'new') {
          this.#out.push({
            type: 'setReceiveKey',
            peerId: member.peerId,
            slot: member.slot,
            epoch: message.epoch,
            key,
          });
          this.#out.push({ type: 'receivedKey', peerId: member.peerId });
          this.#changed();
        } else this.crypto.wipe(key);
        if (keyed) this.#send(member, { t: 'ack', epoch: message.epoch });
        return;
      }
      case 'ack':
        if (this.#pending?.epoch === message.epoch) {
          this.#pending.waiting.delete(member.peerId);
          this.#switchIfAcknowledged();
        }
        return;
      case 'rekey':
        if (!keyed || this.#now - this.#lastForcedRekeyAt < this.#timing.rekeyCooldownMs) return;
        this.#lastForcedRekeyAt = this.#now;
        this.#rotateAt ??= this.#now;
        return;
      case 'keyRequest':
        if (!keyed || this.#now - member.lastAnswerAt < this.#timing.keyAnswerIntervalMs) return;
        member.lastAnswerAt = this.#now;
        return this.#giveCurrentKeys(member);
      default:
        return assertUnreachable(message);
    }
  }

  #sendKey(member: Member, key: OwnKey): void {
    this.#send(member, { t: 'key', epoch: key.epoch, key: this.crypto.encodeKey(key.key) });
  }

  #send(member: Member, body: KeyMessageBody): void {
    if (!member.keys) return;
    const message = { ...body, seq: ++member.seqOut } as KeyMessage;
    this.#out.push({ type: 'send', to: member.peerId, box: this.crypto.seal(member.keys, message) });
  }

  #alert(alert: AgreementAlert, peerId: string): void {
    this.#out.push({ type: 'alert', alert, peerId });
  }

  #changed(): void {
    if (!this.#out.some((action) => action.type === 'changed')) this.#out.push({ type: 'changed' });
  }

  #flush(): AgreementAction[] {
    const out = this.#out;
    this.#out = [];
    return out;
  }
}

function assertUnreachable(value: never): never {
  throw new Error(`unexpected key agreement input ${JSON.stringify(value)}`);
}
