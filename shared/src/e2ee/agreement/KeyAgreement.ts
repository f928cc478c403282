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
//  - when our key moves on and who gets which of our keys (newcomers,
//    leavers, starting to send) is OwnKeys' part: see there;
//  - boxes carry per-pair sequence numbers: replayed or re-ordered boxes are
//    refused; a member's key for an epoch we hold is never replaced;
//  - a member who misses key changes (muted through several joins, a dropped
//    socket) asks for our current key, which we give only if it is one they
//    were entitled to from their arrival on.
// Assumes: the server may drop, delay, replay or invent messages (it cannot
// forge boxes or signatures); the roster it reports is what each person
// sees, and the security code lets people notice when those differ.
import type { E2eeAnnouncement, Participant } from '../../protocol/index.js';
import type { KeyMessage, KeyMessageBody } from '../keyMessages.js';
import { sameKeys, type AgreementCrypto, type PeerKeys } from './AgreementCrypto.js';
import { Member, type MemberView } from './Member.js';
import type { AgreementAction, AgreementAlert, AgreementInput } from './messages.js';
import { defaultTiming, OwnKeys, type AgreementTiming } from './OwnKeys.js';

export { defaultTiming, type AgreementTiming } from './OwnKeys.js';

/** Boxes the machine refused, by reason: for diagnostics and tests. */
export type AgreementCounters = { replayedBoxes: number; unreadableBoxes: number; strangerBoxes: number };

export class KeyAgreement {
  readonly #members = new Map<string, Member>();
  readonly #timing: AgreementTiming;
  readonly #own: OwnKeys;
  readonly counters: AgreementCounters = { replayedBoxes: 0, unreadableBoxes: 0, strangerBoxes: 0 };
  #now = 0;
  #out: AgreementAction[] = [];
  #changedQueued = false;
  #closed = false;

  constructor(
    readonly self: { peerId: string; accountId: string; slot: number },
    private readonly crypto: AgreementCrypto,
    timing: Partial<AgreementTiming> = {},
  ) {
    this.#timing = { ...defaultTiming, ...timing };
    this.#own = new OwnKeys(crypto, this.#timing, {
      now: () => this.#now,
      keyed: () => this.#keyed(),
      send: (member, body) => this.#send(member, body),
      installed: (epoch, key) => this.#out.push({ type: 'setSendKey', epoch, key }),
      changed: () => this.#changed(),
    });
  }

  /** The first actions: our epoch-0 key for the worker (announce `crypto.announcement` alongside). */
  start(): AgreementAction[] {
    this.#own.start();
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
      case 'sending':
        this.#own.setSending(input.sending);
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
        this.#own.ratchet();
        break;
      case 'changedKeysVerified':
        this.#acceptChangedKeys(input.peerId);
        break;
      case 'tick':
        this.#own.runDue();
        break;
      default:
        return assertUnreachable(input);
    }
    return this.#flush();
  }

  /** When the driver should send a `tick` (undefined: nothing is waiting). */
  get nextWakeAt(): number | undefined {
    return this.#own.nextWakeAt;
  }

  /** The roster, in order of arrival. */
  get members(): MemberView[] {
    return [...this.#members.values()].map((member) => member.view());
  }

  /**
   * Who is given our keys while we send: always a subset of `members`, exactly
   * those whose keys are accepted and unchanged. (A listener gives its key to
   * nobody until it sends; then to exactly these.)
   */
  get recipients(): string[] {
    return [...this.#keyed()].map((m) => m.peerId);
  }

  /**
   * The pair secret with a member whose keys we accept (for private chat), or
   * undefined: unknown, not announced, or flagged as changed — fail closed.
   */
  pairSecret(peerId: string): Uint8Array | undefined {
    const member = this.#members.get(peerId);
    if (member?.status !== 'keyed' || !member.keys || this.#closed) return undefined;
    return this.crypto.pairSecret(member.keys);
  }

  get ownKeys(): PeerKeys {
    return this.crypto.ownKeys;
  }

  get sendEpoch(): number {
    return this.#own.epoch;
  }

  /** Whether we send media (the driver says so), and so hand out our key. */
  get sending(): boolean {
    return this.#own.sending;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#own.close();
    this.crypto.close();
  }

  *#keyed(): Iterable<Member> {
    for (const member of this.#members.values()) if (member.status === 'keyed') yield member;
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
    if (member.keys) this.crypto.forget(member.keys);
    this.#out.push({ type: 'forgetMember', peerId });
    this.#changed();
    this.#own.left(member);
  }

  /** After a socket resume: the server's roster is the truth; what we missed becomes joins and leaves. */
  #resync(participants: Participant[]): void {
    const present = new Set(participants.map((p) => p.peerId));
    for (const peerId of [...this.#members.keys()]) if (!present.has(peerId)) this.#remove(peerId);
    for (const participant of participants) this.#upsert(participant);
    // Boxes to and from us may have been lost with the old socket: offer ours again, ask for theirs.
    for (const member of this.#keyed()) {
      if (this.#own.sending) this.#own.giveCurrentKeys(member);
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
    this.#own.welcome(member);
    this.#changed();
    for (const box of member.takeEarlyBoxes()) this.#receiveBox(peerId, box);
  }

  #flag(member: Member, alert: AgreementAlert, changedKeys: PeerKeys | undefined): void {
    member.status = 'changed';
    member.changedKeys = changedKeys;
    this.#own.excluded(member);
    this.#alert(alert, member.peerId);
    this.#changed();
  }

  #acceptChangedKeys(peerId: string): void {
    const member = this.#members.get(peerId);
    if (!member?.changedKeys || member.status !== 'changed') return;
    if (member.keys) this.crypto.forget(member.keys);
    member.keys = member.changedKeys;
    member.changedKeys = undefined;
    member.status = 'keyed';
    member.resetChannel();
    this.#own.welcome(member);
    this.#changed();
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
        return this.#own.acknowledged(member, message.epoch);
      case 'rekey':
        if (keyed) this.#own.rekeyRequested();
        return;
      case 'keyRequest':
        if (!keyed || this.#now - member.lastAnswerAt < this.#timing.keyAnswerIntervalMs) return;
        member.lastAnswerAt = this.#now;
        return this.#own.giveCurrentKeys(member);
      default:
        return assertUnreachable(message);
    }
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
    if (this.#changedQueued) return;
    this.#changedQueued = true;
    this.#out.push({ type: 'changed' });
  }

  #flush(): AgreementAction[] {
    const out = this.#out;
    this.#out = [];
    this.#changedQueued = false;
    return out;
  }
}

function assertUnreachable(value: never): never {
  throw new Error(`unexpected key agreement input ${JSON.stringify(value)}`);
}
