// A call without browsers: N key agreement machines with real libsodium
// crypto, a server that keeps the roster and relays messages (each one after
// a delay, in order per sender and receiver, as one socket each would), and a
// virtual clock. Tests drive joins, leaves and delays and then inspect what
// every participant holds; it records when each sender used each key.
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
  /** The key this person sends under now. */
  sendKey: { epoch: number; key: Bytes } | undefined;
  /** Every key this person ever used to send, with when. */
  used: { epoch: number; key: Bytes; from: number; until: number }[];
  /** Keys of others this person holds: sender peer id → epoch → key. */
  received: Map<string, Map<number, Bytes>>;
  alerts: { alert: string; peerId: string }[];
  boxesSent: number;
};

type Delivery = { at: number; to: string; event: Event };

export class CallSimulation {
  now = 0;
  readonly people = new Map<string, SimPerson>();
  readonly #byPeer = new Map<string, SimPerson>();
  #queue: Delivery[] = [];
  readonly #lastAt = new Map<string, number>();
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

  /** `name` is admitted: everyone is told, the newcomer learns the roster, then announces its keys. */
  join(name: string): SimPerson {
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
      used: [],
      received: new Map(),
      alerts: [],
      boxesSent: 0,
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
    return person;
  }

  leave(name: string): void {
    const person = this.person(name);
    if (person.leftAt !== undefined) return;
    person.leftAt = this.now;
    this.#closeUse(person);
    for (const other of this.present)
      this.#enqueue(other.participant.peerId, { type: 'memberLeft', peerId: person.participant.peerId });
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
        if (!person || person.leftAt !== undefined) continue;
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
        if (sender !== receiver && !this.canDecrypt(receiver.name, sender.name) && this.#knows(receiver, sender))
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

  #knows(receiver: SimPerson, sender: SimPerson): boolean {
    return receiver.machine.members.some((m) => m.peerId === sender.participant.peerId && m.status === 'keyed');
  }

  #quiet(): boolean {
    return this.present.every((r) => this.present.every((s) => r === s || this.canDecrypt(r.name, s.name)));
  }

  #enqueue(to: string, event: Event): void {
    const at = Math.max(this.now + (this.delay?.(to) ?? this.options.latencyMs ?? 10), this.#lastAt.get(to) ?? 0);
    this.#lastAt.set(to, at);
    this.#queue.push({ at, to, event });
  }

  #closeUse(person: SimPerson): void {
    const last = person.used.at(-1);
    if (last && last.until === Infinity) last.until = this.now;
  }

  #apply(person: SimPerson, actions: AgreementAction[]): void {
    for (const action of actions) {
      switch (action.type) {
        case 'send': {
          const target = this.#byPeer.get(action.to);
          if (!target || target.leftAt !== undefined) break; // the server relays only to those present
          person.boxesSent++;
          this.relayed++;
          this.#enqueue(action.to, { type: 'boxReceived', from: person.participant.peerId, box: action.box });
          break;
        }
        case 'setSendKey':
          this.#closeUse(person);
          person.sendKey = { epoch: action.epoch, key: action.key };
          person.used.push({ epoch: action.epoch, key: action.key, from: this.now, until: Infinity });
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
