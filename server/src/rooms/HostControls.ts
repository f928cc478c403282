// What hosts may do to a call and to the people in it: admit or deny those
// waiting, lock, mute, remove, appoint another host, end the call. Every
// action first checks, against the roster, that the requester is a host
// still in the call.
import type { Admission } from '@parley/shared';
import { NotFoundError } from '../errors.js';
import { createLogger } from '../logging/index.js';
import type { Peer } from './Peer.js';
import type { RoomMedia } from './RoomMedia.js';
import type { Roster } from './Roster.js';

const log = createLogger('rooms.HostControls');

/** What host controls need from their room. */
export type HostedRoom = {
  readonly roster: Roster;
  readonly media: RoomMedia;
  /** Moves a peer into the call proper and tells everyone. */
  enter(peer: Peer): Admission;
  leave(peer: Peer): void;
  close(): void;
};

export class HostControls {
  #locked = false;

  constructor(private readonly room: HostedRoom) {}

  get locked(): boolean {
    return this.#locked;
  }

  admit(host: Peer, peerId: string): void {
    const { roster } = this.room;
    roster.assertHost(host);
    const guest = roster.waiting.get(peerId);
    if (!guest) throw new NotFoundError('waiting participant');
    roster.waiting.delete(peerId);
    guest.notify('admitted', this.room.enter(guest));
    roster.notifyLobby();
  }

  deny(host: Peer, peerId: string): void {
    const { roster } = this.room;
    roster.assertHost(host);
    const guest = roster.waiting.get(peerId);
    if (!guest) throw new NotFoundError('waiting participant');
    roster.waiting.delete(peerId);
    guest.notify('leftCall', { reason: 'denied' });
    roster.notifyLobby();
  }

  removePeer(host: Peer, peerId: string): void {
    const { roster } = this.room;
    roster.assertHost(host);
    const target = roster.admitted.get(peerId);
    if (!target || target === host) throw new NotFoundError('participant');
    target.notify('leftCall', { reason: 'removed' });
    this.room.leave(target);
  }

  lock(host: Peer, locked: boolean): void {
    const { roster } = this.room;
    roster.assertHost(host);
    this.#locked = locked;
    roster.broadcast('roomLocked', { locked });
  }

  endCall(host: Peer): void {
    const { roster } = this.room;
    roster.assertHost(host);
    for (const peer of [...roster.admitted.values(), ...roster.waiting.values()])
      peer.notify('leftCall', { reason: 'ended_by_host' });
    this.room.close();
  }

  mute(host: Peer, peerId: string): void {
    const { roster, media } = this.room;
    roster.assertHost(host);
    const target = roster.admitted.get(peerId);
    if (!target) throw new NotFoundError('participant');
    for (const producer of target.producers) {
      if (producer.appData.source !== 'microphone' || producer.paused) continue;
      media.setPaused(target, producer.id, true).then(
        () => {
          target.mutedByHost.add(producer.id);
          target.notify('mutedByHost', { producerId: producer.id });
        },
        (error: unknown) => log.warn({ err: error }, 'could not pause a producer for a host mute'),
      );
    }
  }

  appointHost(host: Peer, peerId: string): void {
    const { roster } = this.room;
    roster.assertHost(host);
    const target = roster.admitted.get(peerId);
    if (!target) throw new NotFoundError('participant');
    roster.setHostUser(target.userId, true);
    for (const peer of roster.admittedOf(target.userId)) roster.broadcast('participantUpdated', roster.describe(peer));
    roster.notifyLobby();
  }
}
