// Where a peer's server events go. While a socket holds the peer they go
// straight out. While the peer is away (its socket dropped; the room keeps its
// place for the grace period) the E2EE boxes addressed to it wait here: the
// resume reply rebuilds the call's state (participants, producers, announced
// keys) but not messages, so a sender key sent meanwhile would otherwise be
// lost and its sender's frames would stay undecryptable until the next
// rotation. The queue is bounded; the oldest are dropped first and counted.
import type { ServerEventName, ServerEventOf } from '@parley/shared';
import { limits } from './limits.js';

export type Notify = <K extends ServerEventName>(event: K, payload: ServerEventOf<K>) => void;

/** A socket's hold on a peer. Its identity matters: a resume hands the peer to a new link. */
export type PeerLink = {
  readonly notify: Notify;
  /** Another socket took the peer over: this one must let go of it for good. */
  readonly detach: () => void;
  /** Bytes written to this socket that have not left the machine yet (0 if unknown): back-pressure for chat. */
  readonly backlogBytes?: () => number;
};

/** What the resume reply cannot carry, and so is kept while the peer is away. */
const keptWhileAway: ReadonlySet<ServerEventName> = new Set<ServerEventName>(['e2eeRelayed']);

type State =
  | { kind: 'attached'; link: PeerLink }
  /** No socket: keep what the resume reply cannot carry. */
  | { kind: 'away' }
  /** A resume reply was built from the call's state as of now: keep everything until it is sent. */
  | { kind: 'resuming'; link: PeerLink };

export class Outbox {
  #state: State;
  #queue: { event: ServerEventName; deliver: (notify: Notify) => void }[] = [];
  #dropped = 0;

  constructor(link: PeerLink) {
    this.#state = { kind: 'attached', link };
  }

  get link(): PeerLink | undefined {
    return this.#state.kind === 'away' ? undefined : this.#state.link;
  }

  send<K extends ServerEventName>(event: K, payload: ServerEventOf<K>): void {
    const state = this.#state;
    if (state.kind === 'attached') return state.link.notify(event, payload);
    // Anything else the away peer misses is part of the state its resume reply carries.
    // (Boxes are kept one event each, so the bound counts boxes.)
    if (state.kind === 'away' && !keptWhileAway.has(event)) return;
    this.#queue.push({ event, deliver: (notify) => notify(event, payload) });
    if (this.#queue.length > limits.outboxPerPeer) {
      this.#queue.shift();
      this.#dropped++;
    }
  }

  away(): void {
    this.#state = { kind: 'away' };
    // Dropped between a resume and its reply: the next resume reply carries the rest again.
    this.#queue = this.#queue.filter(({ event }) => keptWhileAway.has(event));
  }

  /**
   * `link` takes the peer over; events wait until `attach(link)`, after the
   * resume reply is sent. The link that held it is told to let go, so it can
   * neither act as the peer nor, when it times out later, suspend it.
   */
  resuming(link: PeerLink): void {
    const previous = this.link;
    this.#state = { kind: 'resuming', link };
    if (previous && previous !== link) previous.detach();
  }

  /**
   * Delivers what waited, in order, then sends straight out. Returns how many
   * were dropped for want of room, or undefined if `link` is no longer the
   * one resuming (a later resume, or a drop, took the peer since).
   */
  attach(link: PeerLink): number | undefined {
    if (this.#state.kind !== 'resuming' || this.#state.link !== link) return undefined;
    for (const { deliver } of this.#queue.splice(0)) deliver(link.notify);
    this.#state = { kind: 'attached', link };
    const dropped = this.#dropped;
    this.#dropped = 0;
    return dropped;
  }
}
