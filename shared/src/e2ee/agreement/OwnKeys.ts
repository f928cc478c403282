// Our own sender key in one call, and who is given it when: the half of the
// key agreement that decides when our key moves on (a newcomer arrives,
// someone leaves, we start sending again, someone suspects forgery) and
// which members receive which of our epochs. The roster and the boxes are
// KeyAgreement's; this class only reads the members it is handed.
//
// Protects: what we send. Rules —
//  - only a member who sends media hands out a sender key: a listener's key
//    encrypts nothing, so nobody needs it; when the listener starts sending
//    it moves to a fresh random key and gives it to every keyed member at
//    once (a key from before could be held by someone who left meanwhile);
//  - a newcomer gets only a key no frame before their arrival used: our key
//    ratcheted, or the pending rotation's unused key;
//  - a leaver triggers a fresh random key for those who remain, used once
//    they all acknowledge it (or after `switchTimeoutMs`); leaves within
//    `leaveCoalesceMs` of the first share one rotation, and a leave before
//    the switch discards the pending key (the leaver had it) but not the
//    first leaver's deadline: a key a leaver holds is never used past
//    `leaveCoalesceMs + switchTimeoutMs` after they left, however many
//    leave meanwhile.
import type { Bytes } from '../../sframe/bytes.js';
import type { KeyMessageBody } from '../keyMessages.js';
import type { AgreementCrypto } from './AgreementCrypto.js';
import type { Member } from './Member.js';

export type AgreementTiming = {
  /** How long a new key waits for receipts before it is used anyway. */
  switchTimeoutMs: number;
  /** Leaves within this long of the first share one rotation. */
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
  leaveCoalesceMs: 150,
  keyRequestIntervalMs: 2000,
  keyAnswerIntervalMs: 1000,
  rekeyCooldownMs: 10_000,
};

export type OwnKey = { epoch: number; key: Bytes };
type Rotation = OwnKey & { waiting: Set<string>; deadline: number };

/** What OwnKeys needs from the machine that owns it. */
export type OwnKeysPort = {
  now(): number;
  /** The members who may be given our key now (keyed, keys unchanged). */
  keyed(): Iterable<Member>;
  send(member: Member, body: KeyMessageBody): void;
  /** Our send key changed (the worker encrypts under it from now on). */
  installed(epoch: number, key: Bytes): void;
  changed(): void;
};

export class OwnKeys {
  #current: OwnKey;
  #pending: Rotation | undefined;
  #rotateAt: number | undefined;
  /** The latest our current key may still be used: set by the first leaver who holds it. */
  #retireBy: number | undefined;
  #welcomeAt: number | undefined;
  readonly #newcomers = new Set<Member>();
  #lastEpoch = 0;
  #sending = false;
  #lastForcedRekeyAt = -Infinity;

  constructor(
    private readonly crypto: AgreementCrypto,
    private readonly timing: AgreementTiming,
    private readonly port: OwnKeysPort,
  ) {
    this.#current = { epoch: 0, key: crypto.randomKey() };
  }

  get epoch(): number {
    return this.#current.epoch;
  }

  /** Whether we send media, and so hand out our key. */
  get sending(): boolean {
    return this.#sending;
  }

  get nextWakeAt(): number | undefined {
    const times = [this.#rotateAt, this.#welcomeAt, this.#pending?.deadline].filter((t) => t !== undefined);
    return times.length > 0 ? Math.min(...times) : undefined;
  }

  /** Our first key, for the worker; given to nobody until we send. */
  start(): void {
    this.port.installed(this.#current.epoch, this.#current.key.slice());
  }

  setSending(sending: boolean): void {
    if (sending === this.#sending) return;
    this.#sending = sending;
    this.#newcomers.clear();
    this.#welcomeAt = undefined;
    this.#rotateAt = undefined;
    if (!sending) return; // a pending rotation still switches; nothing new is handed out
    // Our key may be one a member who left since still holds: a fresh one, in use at once.
    this.#discardPending();
    this.#retireBy = undefined;
    const key = this.#install(this.#nextEpoch(), this.crypto.randomKey());
    for (const member of this.port.keyed()) {
      member.firstEpoch ??= key.epoch;
      this.#sendKey(member, key);
    }
    this.port.changed();
  }

  /** A member's keys were accepted: they get our key (ratcheted, or the pending one) at the next tick. */
  welcome(member: Member): void {
    if (!this.#sending) return;
    this.#newcomers.add(member);
    this.#welcomeAt ??= this.port.now();
  }

  /** A member left: if they held any key of ours, those who remain move to a fresh one. */
  left(member: Member): void {
    this.#newcomers.delete(member);
    if (member.firstEpoch === undefined) return; // never held a key of ours
    this.#discardPending(); // they had it: it must never be used
    if (!this.#sending) return;
    const now = this.port.now();
    this.#rotateAt ??= now + this.timing.leaveCoalesceMs;
    this.#retireBy ??= now + this.timing.leaveCoalesceMs + this.timing.switchTimeoutMs;
  }

  /** A member gets nothing more from us (their keys changed): stop waiting for them. */
  excluded(member: Member): void {
    this.#newcomers.delete(member);
    this.#pending?.waiting.delete(member.peerId);
    this.#switchIfAcknowledged();
  }

  acknowledged(member: Member, epoch: number): void {
    if (this.#pending?.epoch !== epoch) return;
    this.#pending.waiting.delete(member.peerId);
    this.#switchIfAcknowledged();
  }

  /** Someone sees our frames fail suspiciously often: a fresh key, at most once per cooldown. */
  rekeyRequested(): void {
    const now = this.port.now();
    if (!this.#sending || now - this.#lastForcedRekeyAt < this.timing.rekeyCooldownMs) return;
    this.#lastForcedRekeyAt = now;
    this.#rotateAt ??= now;
  }

  /** Our key carried so many frames that its counters should start over. */
  ratchet(): void {
    if (!this.#pending && this.#rotateAt === undefined)
      this.#install(this.#nextEpoch(), this.crypto.ratchet(this.#current.key));
  }

  /** Our current and pending keys, as far as this member was entitled to them from their arrival on. */
  giveCurrentKeys(member: Member): void {
    const first = member.firstEpoch;
    if (first === undefined) return;
    if (this.#current.epoch >= first) this.#sendKey(member, this.#current);
    if (this.#pending && this.#pending.epoch >= first) this.#sendKey(member, this.#pending);
  }

  runDue(): void {
    const now = this.port.now();
    // A rotation first: newcomers then get its unused key instead of a ratchet.
    if (this.#rotateAt !== undefined && this.#rotateAt <= now) this.#rotate();
    if (this.#welcomeAt !== undefined && this.#welcomeAt <= now) this.#welcomeNewcomers();
    if (this.#pending && this.#pending.deadline <= now) this.#switchToPending();
  }

  close(): void {
    this.crypto.wipe(this.#current.key);
    this.#discardPending();
  }

  /** Newcomers get a key no frame before their arrival used: the pending rotation's, or our key ratcheted now. */
  #welcomeNewcomers(): void {
    this.#welcomeAt = undefined;
    const newcomers = [...this.#newcomers].filter((m) => m.status === 'keyed');
    this.#newcomers.clear();
    if (newcomers.length === 0 || !this.#sending) return;
    const key = this.#pending ?? this.#install(this.#nextEpoch(), this.crypto.ratchet(this.#current.key));
    for (const member of newcomers) {
      member.firstEpoch = key.epoch;
      this.#sendKey(member, key);
    }
    this.port.changed();
  }

  /** A fresh random key for everyone keyed, used once they all acknowledge it (or at the deadline). */
  #rotate(): void {
    this.#rotateAt = undefined;
    this.#lastForcedRekeyAt = this.port.now();
    this.#discardPending();
    const recipients = [...this.port.keyed()];
    const rotation: Rotation = {
      epoch: this.#nextEpoch(),
      key: this.crypto.randomKey(),
      waiting: new Set(recipients.map((m) => m.peerId)),
      // A rotation that replaces one a leaver saw keeps the first one's deadline.
      deadline: Math.min(this.port.now() + this.timing.switchTimeoutMs, this.#retireBy ?? Infinity),
    };
    this.#pending = rotation;
    this.#newcomers.clear(); // everyone keyed gets the rotation's key now
    for (const member of recipients) {
      member.firstEpoch ??= rotation.epoch;
      this.#sendKey(member, rotation);
    }
    this.port.changed();
    this.#switchIfAcknowledged();
  }

  #discardPending(): void {
    if (this.#pending) this.crypto.wipe(this.#pending.key);
    this.#pending = undefined;
  }

  #switchIfAcknowledged(): void {
    if (this.#pending && this.#pending.waiting.size === 0) this.#switchToPending();
  }

  #switchToPending(): void {
    const pending = this.#pending;
    if (!pending) return;
    this.#pending = undefined;
    this.#retireBy = undefined; // a fresh key no leaver saw
    this.#install(pending.epoch, pending.key);
  }

  #install(epoch: number, key: Bytes): OwnKey {
    this.crypto.wipe(this.#current.key);
    this.#current = { epoch, key };
    this.port.installed(epoch, key.slice());
    return this.#current;
  }

  #nextEpoch(): number {
    this.#lastEpoch = Math.max(this.#lastEpoch, this.#current.epoch, this.#pending?.epoch ?? 0) + 1;
    return this.#lastEpoch;
  }

  #sendKey(member: Member, key: OwnKey): void {
    this.port.send(member, { t: 'key', epoch: key.epoch, key: this.crypto.encodeKey(key.key) });
  }
}
