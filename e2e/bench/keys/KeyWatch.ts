// Watches what every headless participant's key agreement does (the keys it
// installs to send under, the keys of others it is given, the boxes it
// sends) and answers "since when does every remaining sender send under a
// new key that every receiver holds?" at the moment it becomes true, from
// the events themselves rather than by polling. Timestamps are
// performance.now() in this one process, so they compare across participants.
import type { AgreementAction } from '@parley/shared/e2ee/agreement';
import type { HeadlessParticipant } from '../../support/HeadlessParticipant.js';

type KeyEvent =
  { kind: 'install'; peer: string; epoch: number } | { kind: 'receive'; holder: string; sender: string; epoch: number };

/** Something to wait for; told every event after the state is updated. */
interface Condition {
  done(): boolean;
  /** What is still missing, for the error when it times out. */
  describe(): string;
  onEvent(event: KeyEvent): void;
}

export type Traffic = { boxes: number; boxBytes: number };

export class KeyWatch {
  /** Each participant's current send epoch. */
  readonly #current = new Map<string, number>();
  /** holder → sender → epochs held. */
  readonly #held = new Map<string, Map<string, Set<number>>>();
  readonly #waits = new Set<{ condition: Condition; resolve: (at: number) => void }>();
  readonly traffic: Traffic = { boxes: 0, boxBytes: 0 };
  lastBoxAt = 0;

  /** Starts watching `participant` (before it joins: its first key counts). */
  watch(participant: HeadlessParticipant): () => void {
    return participant.observe((action, at) => this.#record(participant, action, at));
  }

  current(peer: string): number {
    return this.#current.get(peer) ?? -1;
  }

  holds(holder: string, sender: string, epoch: number): boolean {
    return this.#held.get(holder)?.get(sender)?.has(epoch) ?? false;
  }

  /** Resolves with the time every sender in `senders` installed a key after `after` that every one of `receivers` holds. */
  keysEverywhere(senders: string[], receivers: string[], after: Map<string, number>, timeoutMs: number) {
    return this.#wait(new KeysEverywhere(this, senders, receivers, after), timeoutMs);
  }

  /** Resolves with the time `holder` holds the current key of every one of `senders`. */
  holderHasCurrent(holder: string, senders: string[], timeoutMs: number) {
    return this.#wait(new HolderHasCurrent(this, holder, senders), timeoutMs);
  }

  #wait(condition: Condition, timeoutMs: number): Promise<number> {
    if (condition.done()) return Promise.resolve(performance.now());
    return new Promise((resolve, reject) => {
      const entry = {
        condition,
        resolve: (at: number) => {
          clearTimeout(timer);
          resolve(at);
        },
      };
      const timer = setTimeout(() => {
        this.#waits.delete(entry);
        reject(new Error(`keys did not reach everyone within ${timeoutMs} ms: ${condition.describe()}`));
      }, timeoutMs);
      this.#waits.add(entry);
    });
  }

  #record(participant: HeadlessParticipant, action: AgreementAction, at: number): void {
    const self = participant.peerId;
    if (!self) return;
    let event: KeyEvent;
    switch (action.type) {
      case 'send':
        this.traffic.boxes++;
        this.traffic.boxBytes += action.box.length;
        this.lastBoxAt = at;
        return;
      case 'setSendKey':
        this.#current.set(self, action.epoch);
        event = { kind: 'install', peer: self, epoch: action.epoch };
        break;
      case 'setReceiveKey': {
        const bySender = this.#held.get(self) ?? new Map<string, Set<number>>();
        this.#held.set(self, bySender);
        const epochs = bySender.get(action.peerId) ?? new Set<number>();
        bySender.set(action.peerId, epochs);
        epochs.add(action.epoch);
        event = { kind: 'receive', holder: self, sender: action.peerId, epoch: action.epoch };
        break;
      }
      case 'forgetMember':
        this.#held.get(self)?.delete(action.peerId);
        return;
      default:
        return;
    }
    for (const wait of [...this.#waits]) {
      wait.condition.onEvent(event);
      if (!wait.condition.done()) continue;
      this.#waits.delete(wait);
      wait.resolve(at);
    }
  }
}

/** Every sender switched to a key newer than `after`, and every receiver holds that exact key. */
class KeysEverywhere implements Condition {
  readonly #target = new Map<string, number>();
  readonly #missing = new Map<string, Set<string>>();
  readonly #senders: Set<string>;

  constructor(
    private readonly watch: KeyWatch,
    senders: string[],
    private readonly receivers: string[],
    private readonly after: Map<string, number>,
  ) {
    this.#senders = new Set(senders);
    for (const sender of senders) {
      const epoch = watch.current(sender);
      if (epoch > (after.get(sender) ?? -1)) this.#switched(sender, epoch);
    }
  }

  done(): boolean {
    for (const sender of this.#senders) if (this.#missing.get(sender)?.size !== 0) return false;
    return true;
  }

  describe(): string {
    const waiting = [...this.#senders].filter((s) => this.#missing.get(s)?.size !== 0);
    return `${waiting.length} of ${this.#senders.size} senders not done: ${waiting
      .slice(0, 3)
      .map(
        (s) =>
          `${s.slice(0, 8)} at ${this.#target.get(s) ?? 'no new key'} (${this.#missing.get(s)?.size ?? '?'} without it)`,
      )
      .join(', ')}`;
  }

  onEvent(event: KeyEvent): void {
    if (event.kind === 'install') {
      if (this.#senders.has(event.peer) && event.epoch > (this.after.get(event.peer) ?? -1))
        this.#switched(event.peer, event.epoch);
    } else if (this.#target.get(event.sender) === event.epoch) this.#missing.get(event.sender)?.delete(event.holder);
  }

  #switched(sender: string, epoch: number): void {
    this.#target.set(sender, epoch);
    const missing = this.receivers.filter((r) => r !== sender && !this.watch.holds(r, sender, epoch));
    this.#missing.set(sender, new Set(missing));
  }
}

/** One participant holds the key every one of `senders` sends under now. */
class HolderHasCurrent implements Condition {
  readonly #missing: Set<string>;
  readonly #senders: Set<string>;

  constructor(
    private readonly watch: KeyWatch,
    private readonly holder: string,
    senders: string[],
  ) {
    this.#senders = new Set(senders);
    this.#missing = new Set(senders.filter((s) => !watch.holds(holder, s, watch.current(s))));
  }

  done(): boolean {
    return this.#missing.size === 0;
  }

  describe(): string {
    return `${this.holder.slice(0, 8)} lacks the current key of ${this.#missing.size} senders`;
  }

  onEvent(event: KeyEvent): void {
    if (event.kind === 'install' && this.#senders.has(event.peer)) {
      if (this.watch.holds(this.holder, event.peer, event.epoch)) this.#missing.delete(event.peer);
      else this.#missing.add(event.peer);
    } else if (event.kind === 'receive' && event.holder === this.holder && this.#senders.has(event.sender)) {
      if (event.epoch === this.watch.current(event.sender)) this.#missing.delete(event.sender);
    }
  }
}
