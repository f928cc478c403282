// What hosts may do to a call and to the people in it: admit or deny those
// waiting, lock, mute, remove, appoint another host, let guests speak, end
// the call. Every action first checks, against the roster, that the
// requester is a host still in the call. Knocks are limited per person, and
// for guests also per address and per meeting link; a single-use link
// admits one person.
import type { Admission, Permissions } from '@parley/shared';
import { assertMayHost, type CallRules } from './CallRules.js';
import { ClientError, NotFoundError, RateLimitError } from '../errors.js';
import { createLogger } from '../logging/index.js';
import { limits, userRates } from './limits.js';
import type { Peer } from './Peer.js';
import { RateLimiter } from './rateLimit.js';
import type { RoomMedia } from './RoomMedia.js';
import type { Roster } from './Roster.js';

const log = createLogger('rooms.HostControls');

/** What host controls need from their room. */
export type HostedRoom = {
  readonly roster: Roster;
  readonly media: RoomMedia;
  readonly rules: CallRules;
  /** A single-use meeting link admitted its person: it ends (the room's hooks delete it). */
  spendLink(linkId: string): void;
  /** Moves a peer into the call proper and tells everyone. */
  enter(peer: Peer): Admission;
  leave(peer: Peer): void;
  close(): void;
};

export class HostControls {
  #locked = false;
  /** Knocks per user on this call; guests' also per address and per link. */
  readonly #knocks = new RateLimiter<string>();
  readonly #guestKnocks = new RateLimiter<string>();
  readonly #linkKnocks = new RateLimiter<string>();
  /** Single-use links that already admitted someone in this call. */
  readonly #spentLinks = new Set<string>();
  /** Denials per user on this call; at `limits.deniesBeforeBlock` they are blocked. */
  readonly #denials = new Map<string, number>();
  readonly #blocked = new Set<string>();

  constructor(private readonly room: HostedRoom) {}

  /**
   * Someone who is not a host asks to come in: they wait in the lobby, unless
   * the call is locked, they knock too often (each knock is shown to every
   * host), or hosts have already turned them away twice.
   */
  knock(peer: Peer): void {
    const { roster } = this.room;
    if (this.#blocked.has(peer.userId))
      throw new ClientError('blocked', 'The hosts turned you away from this call twice; you cannot knock again.');
    if (this.#locked) throw new ClientError('room_locked', 'The host has locked this call.');
    if (peer.viaLink && this.#spentLinks.has(peer.viaLink.id)) throw spentLink();
    if (!this.#knocks.tryTake(peer.userId, userRates.knock))
      throw new RateLimitError('knocks on this call', userRates.knock);
    if (peer.addressKey && !this.#guestKnocks.tryTake(peer.addressKey, userRates.guestKnockPerAddress))
      throw new RateLimitError('guest knocks from your network on this call', userRates.guestKnockPerAddress);
    if (peer.viaLink && !this.#linkKnocks.tryTake(peer.viaLink.id, userRates.linkKnock))
      throw new RateLimitError('knocks through this meeting link', userRates.linkKnock);
    roster.waiting.set(peer.id, peer);
    roster.notifyLobby();
  }

  admit(host: Peer, peerId: string): void {
    const { roster } = this.room;
    roster.assertHost(host);
    const guest = roster.waiting.get(peerId);
    if (!guest) throw new NotFoundError('waiting participant');
    const link = guest.viaLink?.singleUse ? guest.viaLink.id : undefined;
    if (link !== undefined && this.#spentLinks.has(link)) throw spentLink();
    roster.waiting.delete(peerId);
    guest.notify('admitted', this.room.enter(guest));
    if (link !== undefined) {
      this.#spentLinks.add(link);
      this.room.spendLink(link);
      // Anyone else waiting on that link came too late: it admits one person.
      for (const other of [...roster.waiting.values()]) {
        if (other.viaLink?.id !== link) continue;
        roster.waiting.delete(other.id);
        other.notify('leftCall', { reason: 'link_used' });
      }
    }
    roster.notifyLobby();
  }

  /** Sensitive calls: let a guest use camera and microphone, share a screen, or take it back. */
  allowMedia(host: Peer, peerId: string, permissions: Permissions): void {
    this.room.rules.allowMedia(host, peerId, permissions);
  }

  deny(host: Peer, peerId: string): void {
    const { roster } = this.room;
    roster.assertHost(host);
    const guest = roster.waiting.get(peerId);
    if (!guest) throw new NotFoundError('waiting participant');
    roster.waiting.delete(peerId);
    guest.notify('leftCall', { reason: 'denied' });
    const denials = (this.#denials.get(guest.userId) ?? 0) + 1;
    this.#denials.set(guest.userId, denials);
    if (denials >= limits.deniesBeforeBlock) {
      // Blocked by account, not by peer: all their devices waiting now go too.
      this.#blocked.add(guest.userId);
      for (const other of [...roster.waiting.values()]) {
        if (other.userId !== guest.userId) continue;
        roster.waiting.delete(other.id);
        other.notify('leftCall', { reason: 'denied' });
      }
    }
    roster.notifyLobby();
  }

  /**
   * Removal also ends the person's host rights for the rest of the call: a
   * removed co-host who came straight back as a host, past lobby and lock,
   * could remove whoever removed them. The organiser can be removed by no one
   * but themselves (from another device) and always stays a host.
   */
  removePeer(host: Peer, peerId: string): void {
    const { roster } = this.room;
    roster.assertHost(host);
    const target = roster.admitted.get(peerId);
    if (!target || target === host) throw new NotFoundError('participant');
    const organiser = roster.organiserId;
    if (target.userId === organiser && host.userId !== organiser)
      throw new ClientError('not_host', 'Nobody but the organiser can remove the organiser of this call.');
    target.notify('leftCall', { reason: 'removed' });
    this.room.leave(target);
    if (target.userId !== organiser && roster.isHostUser(target.userId)) this.#setHost(target.userId, false);
    this.room.rules.checkHosts();
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
        // The owner closed or paused it meanwhile (a race, not a fault): nothing to mute.
        (error: unknown) => log.debug({ error: String(error) }, 'a host mute found nothing to pause'),
      );
    }
  }

  /** Lowers someone's raised hand (a host gave them the floor). */
  lowerHand(host: Peer, peerId: string): void {
    const { roster } = this.room;
    roster.assertHost(host);
    const target = roster.admitted.get(peerId);
    if (!target) throw new NotFoundError('participant');
    setHandRaised(roster, target, false);
  }

  appointHost(host: Peer, peerId: string): void {
    const { roster } = this.room;
    roster.assertHost(host);
    const target = roster.admitted.get(peerId);
    if (!target) throw new NotFoundError('participant');
    assertMayHost(target);
    this.#setHost(target.userId, true);
  }

  /** Host rights are a user's: every device of theirs in the call gains or loses them, and everyone is told. */
  #setHost(userId: string, host: boolean): void {
    const { roster } = this.room;
    roster.setHostUser(userId, host);
    for (const peer of roster.admittedOf(userId)) roster.broadcast('participantUpdated', roster.describe(peer));
    // New hosts need the lobby's current state; former ones simply stop hearing of it.
    if (host) roster.notifyLobby();
  }
}

/** A raised or lowered hand, told to everyone in the call (the owner too). */
export function setHandRaised(roster: Roster, peer: Peer, raised: boolean): void {
  if (peer.handRaised === raised) return;
  peer.handRaised = raised;
  roster.broadcast('participantUpdated', roster.describe(peer));
}

function spentLink(): ClientError {
  return new ClientError('link_unusable', 'This single-use meeting link has already let someone in.');
}
