// Who is in a call: the admitted peers, the lobby, and which users are hosts.
// The one list every part of a room reads; no other part keeps its own, so
// "is this peer still here, and may it do that?" has one answer.
import type { Participant, ServerEventName, ServerEventOf } from '@parley/shared';
import { ClientError } from '../errors.js';
import { describeParticipant } from './describe.js';
import type { Peer } from './Peer.js';

export class Roster {
  /** Peers in the call proper. */
  readonly admitted = new Map<string, Peer>();
  /** Peers waiting for a host to let them in. */
  readonly waiting = new Map<string, Peer>();
  /** Users (not peers) who are hosts: the organiser, and whoever a host appoints. */
  readonly #hostUserIds: Set<string>;

  constructor(
    /** The user who created the room. */
    readonly organiserId: string,
  ) {
    this.#hostUserIds = new Set([organiserId]);
  }

  get size(): number {
    return this.admitted.size + this.waiting.size;
  }

  isHostUser(userId: string): boolean {
    return this.#hostUserIds.has(userId);
  }

  isHost(peer: Peer): boolean {
    return this.#hostUserIds.has(peer.userId);
  }

  /** Host rights belong to a user: every peer of theirs, present or later, has them. The organiser's are fixed. */
  setHostUser(userId: string, host: boolean): void {
    if (host) this.#hostUserIds.add(userId);
    else if (userId !== this.organiserId) this.#hostUserIds.delete(userId);
  }

  isAdmitted(peer: Peer): boolean {
    return this.admitted.get(peer.id) === peer;
  }

  /** In the call or in the lobby. */
  has(peer: Peer): boolean {
    return this.isAdmitted(peer) || this.waiting.get(peer.id) === peer;
  }

  /** Admitted peers other than `peer`. */
  others(peer: Peer): Peer[] {
    return [...this.admitted.values()].filter((other) => other !== peer);
  }

  /** Admitted peers of one user (a person may be in a call from several devices). */
  admittedOf(userId: string): Peer[] {
    return [...this.admitted.values()].filter((peer) => peer.userId === userId);
  }

  /** To every admitted peer except `except`. */
  broadcast<K extends ServerEventName>(event: K, payload: ServerEventOf<K>, except?: Peer): void {
    for (const peer of this.admitted.values()) if (peer !== except) peer.notify(event, payload);
  }

  describe(peer: Peer): Participant {
    return describeParticipant(peer, this.isHost(peer));
  }

  /** Hosts see who is waiting. */
  notifyLobby(): void {
    const waiting = [...this.waiting.values()].map((p) => ({
      peerId: p.id,
      displayName: p.displayName,
      identity: p.identity,
    }));
    for (const peer of this.admitted.values()) if (this.isHost(peer)) peer.notify('lobbyChanged', { waiting });
  }

  assertAdmitted(peer: Peer): void {
    if (!this.isAdmitted(peer)) throw new ClientError('not_admitted', 'Wait until a host lets you in.');
  }

  assertHost(peer: Peer): void {
    if (!this.isAdmitted(peer) || !this.isHost(peer)) throw new ClientError('not_host', 'Only a host can do that.');
  }
}
