// A call without browsers: N key agreement machines with real libsodium
// crypto, a server that keeps the roster and relays messages (each one after
// a delay, in order per sender and receiver, as one socket each would), and a
// virtual clock. Tests drive joins, leaves, mutes and delays and then inspect
// what every participant holds; it records when each sender used each key
// (a key is used while it is installed and its owner sends).
import { randomUUID } from 'node:crypto';
import type { Participant } from '../../src/protocol/index.js';
import { maxRatchetSteps, ratchetKey } from '../../src/e2ee/index.js';
import {
  createAgreementCrypto,
  KeyAgreement,
  type AgreementAction,
  type AgreementInput,
  type AgreementTiming,
  type Sodium,
} from '../../src/e2ee/agreement/index.js';

type Bytes = Uint8Array<ArrayBuffer>;
type Event = AgreementInput extends infer I ? (I extends AgreementInput ? Omit<I, 'now'> : never) : never;

export type SimPerson = {
  name: string;
  participant: Participant;
  machine: KeyAgreement;
  joinedAt: number;
  leftAt: number | undefined;
  /** The key this person sends under now (when `sending`). */
  sendKey: { epoch: number; key: Bytes } | undefined;
  /** Whether this person sends media (a listener, or muted, does not). */
  sending: boolean;
  /** Every key this person ever sent frames under, with when. */
  used: { epoch: number; key: Bytes; from: number; until: number }[];
  /** Keys of others this person holds: sender peer id → epoch → key. */
  received: Map<string, Map<number, Bytes>>;
  alerts: { alert: string; peerId: string }[];
  boxesSent: number;
  /** When this person's socket was down (they hear of no leave meanwhile). */
  outages: { from: number; until: number }[];
};

type Delivery = { at: number; to: string; event: Event };

export class CallSimulation {
  now = 0;
  readonly people = new Map<string, SimPerson>();
  readonly #byPeer = new Map<string, SimPerson>();
  #queue: Delivery[] = [];
  readonly #lastAt = new Map<string, number>();
  /** Peers whose signaling socket is down: what is sent to or by them is lost (media still flows). */
  readonly #cut = new Set<string>();
  /** Relayed messages (boxes) so far. */
  relayed = 0;
  /** When set, decides the delay of each message (else `latencyMs`). */
  delay: ((to: string) => number) | undefined;

  constructor(
    private readonly sodium: Sodium,
    private readonly options: { roomId?: string; latencyMs?: number; timing?: Partial<AgreementTiming> } = {},
  ) {}

  get present(): SimPerson[] {
    return [...this.people.values()].filter((p) => p.leftAt === undefined);
  }

  person(name: string): SimPerson {
    const person = this.people.get(name);
    if (!person) throw new Error(`no ${name} in the simulation`);
    return person;
  }

  /** `name` is admitted: everyone is told, the newcomer learns the roster, then announces its keys (and sends, unless a listener). */
  join(name: string, options: { sending?: boolean } = {}): SimPerson {
    const taken = new Set(this.present.map((p) => p.participant.keySlot));
    let slot = 0;
    while (taken.has(slot)) slot++;
    const peerId = randomUUID();
    const identity = this.sodium.crypto_sign_keypair();
    const crypto = createAgreementCrypto(this.sodium, {
      roomId: this.options.roomId ?? 'room-simulated-0001',
      peerId,
      identity: { publicKey: identity.publicKey, privateKey: identity.privateKey },
    });
    const participant: Participant = {
      peerId,
      displayName: name,
      identity: { kind: 'account', username: name.toLowerCase() },
      isHost: false,
      accountId: randomUUID(),
      keySlot: slot,
      permissions: { speak: true, share: true },
    };
    const machine = new KeyAgreement({ peerId, accountId: participant.accountId, slot }, crypto, this.options.timing);
    const person: SimPerson = {
      name,
      participant,
      machine,
      joinedAt: this.now,
      leftAt: undefined,
      sendKey: undefined,
      sending: false,
      used: [],
      received: new Map(),
      alerts: [],
      boxesSent: 0,
      outages: [],
    };
    const others = this.present;
    this.people.set(name, person);
    this.#byPeer.set(peerId, person);
    for (const other of others)
      this.#enqueue(other.participant.peerId, { type: 'memberJoined', participant: { ...participant } });
    for (const other of others) this.#enqueue(peerId, { type: 'memberJoined', participant: { ...other.participant } });
    this.#apply(person, machine.start());
    participant.e2ee = crypto.announcement;
    for (const other of others)
      this.#enqueue(other.participant.peerId, { type: 'announced', peerId, announcement: crypto.announcement });
    if (options.sending ?? true) this.setSending(name, true);
    return person;
  }

  /** `name` starts or stops sending media (unmutes, or mutes everything), as its driver would say. */
  setSending(name: string, sending: boolean): void {
    const person = this.person(name);
    if (person.sending === sending) return;
    person.sending = sending;
    if (!sending) this.#closeUse(person);
    this.tell(name, { type: 'sending', sending });
    // Frames go out under whatever key is installed now, fresh or not.
    if (sending && person.used.at(-1)?.until !== Infinity) this.#openUse(person);
  }

  leave(name: string): void {
    const person = this.person(name);
    if (person.leftAt !== undefined) return;
    person.leftAt = this.now;
    this.#closeUse(person);
    for (const other of this.present)
      this.#enqueue(other.participant.peerId, { type: 'memberLeft', peerId: person.participant.peerId });
  }

  /** `name`'s socket drops: every message to or from it is lost until `resume` (the worst case: no outbox). */
  cut(name: string): void {
    const person = this.person(name);
    if (this.#cut.has(person.participant.peerId)) return;
    this.#cut.add(person.participant.peerId);
    person.outages.push({ from: this.now, until: Infinity });
  }

  /** `name` reconnects and resumes: it is told the roster as the server sees it now. */
  resume(name: string): void {
    const person = this.person(name);
    if (!this.#cut.delete(person.participant.peerId)) return;
    const outage = person.outages.at(-1);
    if (outage) outage.until = this.now;
    const participants = this.present.filter((p) => p !== person).map((p) => ({ ...p.participant }));
    this.tell(name, { type: 'resynced', participants });
  }

  /** Hands `event` to `name` now, as the server or its worker would. */
  tell(name: string, event: Event): void {
    const person = this.person(name);
    this.#apply(person, person.machine.handle({ ...event, now: this.now } as AgreementInput));
  }

  /** Runs the clock until nothing is queued or due, or `limitMs` passed; frames are "sent" every `frameEveryMs`. */
  settle(limitMs = 30_000, frameEveryMs = 100): void {
    const end = this.now + limitMs;
    let nextFrames = this.now;
    while (this.now <= end) {
      if (this.now >= nextFrames) {
        this.sendFrames();
        nextFrames = this.now + frameEveryMs;
      }
      const due = this.#queue.filter((d) => d.at <= this.now);
      this.#queue = this.#queue.filter((d) => d.at > this.now);
      for (const delivery of due) {
        const person = this.#byPeer.get(delivery.to);
        if (!person || person.leftAt !== undefined || this.#cut.has(delivery.to)) continue;
        this.#apply(person, person.machine.handle({ ...delivery.event, now: this.now } as AgreementInput));
      }
      for (const person of this.present) {
        const wake = person.machine.nextWakeAt;
        if (wake !== undefined && wake <= this.now)
          this.#apply(person, person.machine.handle({ type: 'tick', now: this.now }));
      }
      const wakes = this.present.map((p) => p.machine.nextWakeAt).filter((t) => t !== undefined);
      const next = Math.min(...this.#queue.map((d) => d.at), ...wakes, nextFrames);
      if (this.#queue.length === 0 && wakes.length === 0 && this.#quiet()) return;
      this.now = Math.max(this.now + 1, Math.min(next, end + 1));
    }
  }

  /** Each sender "sends a frame"; a receiver who cannot decrypt it tells its machine, as the worker would. */
  sendFrames(): void {
    for (const receiver of this.present)
      for (const sender of this.present)
        if (
          sender !== receiver &&
          sender.sending &&
          !this.canDecrypt(receiver.name, sender.name) &&
          this.#knows(receiver, sender)
        )
          this.#apply(
            receiver,
            receiver.machine.handle({ type: 'keyMissing', peerId: sender.participant.peerId, now: this.now }),
          );
  }

  /** Whether `receiver` can decrypt what `sender` sends now: the same key, or a few ratchet steps on from one held. */
  canDecrypt(receiver: string, sender: string): boolean {
    const from = this.person(sender);
    const held = this.person(receiver).received.get(from.participant.peerId);
    const current = from.sendKey;
    if (!held || !current) return false;
    for (let back = 0; back <= maxRatchetSteps; back++) {
      let key = held.get(current.epoch - back);
      if (!key) continue;
      for (let step = 0; step < back; step++) key = ratchetKey(key);
      if (equal(key, current.key)) return true;
    }
    return false;
  }

  /** Every key `holder` has or could derive by ratcheting from `sender`'s keys it was given. */
  derivable(holder: string, sender: string, steps = 16): Bytes[] {
    const keys: Bytes[] = [];
    for (const key of this.person(holder).received.get(this.person(sender).participant.peerId)?.values() ?? []) {
      let next = key;
      keys.push(next);
      for (let i = 0; i < steps; i++) keys.push((next = ratchetKey(next)));
    }
    return keys;
  }

  /**
   * Keys someone holds (or can ratchet to) that a sender used while they were
   * absent: before they came, or more than `graceMs` after the sender could
   * know they left (when they left, or, if the sender's socket dropped before
   * the news reached it, when it resumed). Empty when the key agreement kept
   * its promise.
   */
  keyLeaks(graceMs: number): string[] {
    const leaks: string[] = [];
    const everyone = [...this.people.values()];
    for (const holder of everyone)
      for (const sender of everyone) {
        if (holder === sender) continue;
        const keys = this.derivable(holder.name, sender.name);
        for (const use of sender.used) {
          if (!keys.some((key) => equal(key, use.key))) continue;
          if (use.from < holder.joinedAt)
            leaks.push(`${holder.name} holds a key ${sender.name} used at ${use.from}, before they came`);
          if (holder.leftAt === undefined) continue;
          const left = holder.leftAt;
          // A socket that dropped before the leave reached it hears of it only on resume.
          const learned = sender.outages.find((o) => o.from <= left + graceMs && left < o.until)?.until ?? left;
          if (use.until > learned + graceMs)
            leaks.push(`${holder.name} holds a key ${sender.name} used until ${use.until}, after they left at ${left}`);
        }
      }
    return leaks;
  }

  /** Pairs of present people where the receiver cannot decrypt the sender (who sends). */
  undecryptable(): string[] {
    return this.present.flatMap((receiver) =>
      this.present
        .filter((sender) => sender !== receiver && sender.sending && !this.canDecrypt(receiver.name, sender.name))
        .map((sender) => `${receiver.name} cannot decrypt ${sender.name}`),
    );
  }

  #knows(receiver: SimPerson, sender: SimPerson): boolean {
    return receiver.machine.members.some((m) => m.peerId === sender.participant.peerId && m.status === 'keyed');
  }

  /** Everyone present decrypts everyone present who sends. */
  #quiet(): boolean {
    return this.present.every((r) =>
      this.present.every((s) => r === s || !s.sending || this.canDecrypt(r.name, s.name)),
    );
  }

  #enqueue(to: string, event: Event): void {
    if (this.#cut.has(to)) return; // lost with the dead socket; the resume's roster makes up for it
    const at = Math.max(this.now + (this.delay?.(to) ?? this.options.latencyMs ?? 10), this.#lastAt.get(to) ?? 0);
    this.#lastAt.set(to, at);
    this.#queue.push({ at, to, event });
  }

  #closeUse(person: SimPerson): void {
    const last = person.used.at(-1);
    if (last && last.until === Infinity) last.until = this.now;
  }

  #openUse(person: SimPerson): void {
    const key = person.sendKey;
    if (key) person.used.push({ epoch: key.epoch, key: key.key, from: this.now, until: Infinity });
  }

  #apply(person: SimPerson, actions: AgreementAction[]): void {
    for (const action of actions) {
      switch (action.type) {
        case 'send': {
          const target = this.#byPeer.get(action.to);
          if (!target || target.leftAt !== undefined) break; // the server relays only to those present
          if (this.#cut.has(person.participant.peerId)) break; // lost with the dead socket
          person.boxesSent++;
          this.relayed++;
          this.#enqueue(action.to, { type: 'boxReceived', from: person.participant.peerId, box: action.box });
          break;
        }
        case 'setSendKey':
          this.#closeUse(person);
          person.sendKey = { epoch: action.epoch, key: action.key };
          if (person.sending && person.leftAt === undefined) this.#openUse(person);
          break;
        case 'setReceiveKey': {
          const keys = person.received.get(action.peerId) ?? new Map<number, Bytes>();
          keys.set(action.epoch, action.key);
          person.received.set(action.peerId, keys);
          break;
        }
        case 'forgetMember':
          person.received.delete(action.peerId);
          break;
        case 'alert':
          person.alerts.push({ alert: action.alert, peerId: action.peerId });
          break;
        case 'receivedKey':
        case 'changed':
          break;
      }
    }
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
