// A call: its mediasoup routers (RouterGroup) and the peers in it. Rooms live
// in memory only and close when the last peer leaves; nothing about a call is
// written down.
// This file is the call's lifecycle (join, leave, drop and resume, close);
// host controls, media and the E2EE relay are their own modules, all reading
// one roster.
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import {
  RtpCapabilitiesSchema,
  type Admission,
  type CallPolicy,
  type MediaSource,
  type RequestOf,
  type ResponseOf,
} from '@parley/shared';
import { LimitError, NotFoundError, RateLimitError } from '../errors.js';
import type { RouterGroup } from '../sfu/RouterGroup.js';
import { describeProducers } from './describe.js';
import { CallRules } from './CallRules.js';
import { ChatRelay } from './ChatRelay.js';
import { E2eeRelay } from './E2eeRelay.js';
import { HostControls, setHandRaised, type HostedRoom } from './HostControls.js';
import { peerRates, type PeerRateKind } from './limits.js';
import { MediaRecovery } from './MediaRecovery.js';
import { ticketRefreshMs, type RejoinGrant } from './RejoinTickets.js';
import type { PeerLink } from './Outbox.js';
import type { Peer } from './Peer.js';
import { RoomMedia } from './RoomMedia.js';
import type { RoomContext } from './RoomOptions.js';
import { Roster } from './Roster.js';

export type RoomEvents = { close: [] };

/** How long a call's size before a departure still counts for rate limits. */
const recentSizeMs = 60_000;

export class Room extends EventEmitter<RoomEvents> implements HostedRoom {
  readonly roster: Roster;
  #media: RoomMedia;
  readonly #recovery: MediaRecovery;
  readonly host: HostControls;
  readonly e2ee: E2eeRelay;
  readonly chat: ChatRelay;
  readonly rules: CallRules;
  #closed = false;
  #unusedTimer: NodeJS.Timeout | undefined;
  readonly #ticketTimer: NodeJS.Timeout;
  /** Peers whose socket dropped, with the timer that removes them. */
  readonly #suspended = new Map<string, NodeJS.Timeout>();
  /** The call's size before its latest departures, remembered a while (see `#recentSize`). */
  #peak = { size: 0, until: 0 };

  constructor(
    readonly id: string,
    routers: RouterGroup,
    organiserId: string,
    private readonly context: RoomContext,
    policy: CallPolicy = { profile: 'standard', maxParticipants: context.maxCallSize },
    /** The meeting link this call was started from, if any. */
    readonly linkId?: string,
  ) {
    super();
    this.roster = new Roster(organiserId);
    // A standard call holds as many as the operator allows (PARLEY_MAX_CALL_SIZE); a sensitive one its own limit, never more.
    const maxParticipants =
      policy.profile === 'sensitive' ? Math.min(policy.maxParticipants, context.maxCallSize) : context.maxCallSize;
    this.rules = new CallRules({ ...policy, maxParticipants }, this, context.timings);
    this.#media = new RoomMedia(routers, this.roster, context);
    this.host = new HostControls(this);
    this.e2ee = new E2eeRelay(this.roster, context.hooks);
    this.chat = new ChatRelay(this.roster, this.rules, this, context.maxFileBytes, context.hooks);
    this.#recovery = new MediaRecovery(this, context.newRouters);
    this.#recovery.watch(routers);
    this.#unusedTimer = setTimeout(() => this.close(), context.timings.unusedRoomMs);
    this.#unusedTimer.unref();
    // Tickets expire: everyone in the call gets a fresh one now and then.
    this.#ticketTimer = setInterval(() => {
      for (const peer of this.roster.admitted.values()) peer.notify('rejoinTicket', { ticket: this.ticketFor(peer) });
    }, ticketRefreshMs);
    this.#ticketTimer.unref();
  }

  /** The call's media: replaced when its worker dies (MediaRecovery). */
  get media(): RoomMedia {
    return this.#media;
  }

  /** Gets `peer` back into this call after a server restart (RejoinTickets). */
  ticketFor(peer: Peer): string {
    return this.context.tickets.issue({
      roomId: this.id,
      userId: peer.userId,
      host: this.roster.isHost(peer),
      organiserId: this.roster.organiserId,
      policy: this.rules.policy,
      linkId: this.linkId,
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** How many times this call moved to another media worker. */
  get mediaMoves(): number {
    return this.#recovery.moves;
  }

  /**
   * A media worker of the call died and `routers` start on a live one: every
   * peer's media objects are gone (those on other workers are closed with
   * the old routers); tell each to set up again. A peer away meanwhile hears
   * of it when it resumes (`attached`).
   */
  moveMedia(routers: RouterGroup): void {
    this.#media.close();
    this.#media = new RoomMedia(routers, this.roster, this.context);
    for (const peer of this.roster.admitted.values()) {
      peer.mediaLost();
      this.#tellMediaRestarted(peer);
    }
  }

  #tellMediaRestarted(peer: Peer): void {
    peer.notify('mediaRestarted', {
      routerRtpCapabilities: RtpCapabilitiesSchema.parse(this.#media.router.rtpCapabilities),
      producers: this.roster.others(peer).flatMap(describeProducers),
    });
  }

  get peerCount(): number {
    return this.roster.admitted.size;
  }

  /** Whether `peer` is still part of this room (in the call or in the lobby). */
  has(peer: Peer): boolean {
    return this.roster.has(peer);
  }

  /** Hosts come straight in; everyone else knocks (HostControls decides whether they may wait in the lobby). */
  join(peer: Peer, rejoin?: RejoinGrant): ResponseOf<'join'> {
    if (this.#closed) throw new NotFoundError('room');
    if (this.roster.size >= this.context.maxCallSize) {
      throw new LimitError('participants per room', this.context.maxCallSize);
    }
    this.rules.assertRoomFor();
    // Back after a server restart: a host let them in already, and a host is a host again.
    if (rejoin?.host) this.roster.setHostUser(peer.userId, true);
    peer.permissions = this.rules.permissionsFor(peer);
    if (rejoin || this.roster.isHost(peer)) return { status: 'admitted', ...this.enter(peer) };
    this.host.knock(peer);
    return { status: 'waiting', peerId: peer.id };
  }

  /**
   * Charges one request of `kind` to `peer`'s bucket, before the request does
   * anything, refused or not: a flood costs the flooder. Some rates grow with
   * the call, since legitimate key traffic does.
   */
  charge(peer: Peer, kind: PeerRateKind, cost = 1): void {
    const { what, rate } = peerRates[kind];
    const current = rate(Math.max(1, this.#recentSize() - 1));
    if (!peer.rates.tryTake(kind, current, cost)) throw new RateLimitError(what, current);
  }

  /**
   * The call's size for rates: its largest in the last minute. Key rotations
   * for a departure come after it, and after a mass departure there are many,
   * so the allowance must not shrink with the call the moment people leave.
   */
  #recentSize(): number {
    const current = this.roster.admitted.size;
    return performance.now() <= this.#peak.until ? Math.max(current, this.#peak.size) : current;
  }

  /** Pauses or resumes one of `peer`'s own producers and tells everyone. */
  /** A participant raises or lowers their own hand. */
  raiseHand(peer: Peer, raised: boolean): void {
    this.roster.assertAdmitted(peer);
    setHandRaised(this.roster, peer, raised);
  }

  /** Sends a new stream, if the call's rules let this peer send from that source. */
  async produce(peer: Peer, request: RequestOf<'produce'>): Promise<ResponseOf<'produce'>> {
    this.roster.assertAdmitted(peer);
    this.rules.assertMaySend(peer, request.source);
    return this.media.produce(peer, request);
  }

  async setProducerPaused(peer: Peer, producerId: string, paused: boolean): Promise<void> {
    this.roster.assertAdmitted(peer);
    if (!paused) this.rules.assertMaySend(peer, peer.producer(producerId).appData.source);
    await this.media.setPaused(peer, producerId, paused);
    if (!paused) peer.mutedByHost.delete(producerId);
  }

  /** The socket dropped: keep the peer for a grace period so it can resume. Lobby peers just leave. */
  suspend(peer: Peer): void {
    if (!this.roster.isAdmitted(peer)) return this.leave(peer);
    peer.suspend();
    clearTimeout(this.#suspended.get(peer.id));
    const timer = setTimeout(() => this.leave(peer), this.context.timings.reconnectGraceMs);
    timer.unref();
    this.#suspended.set(peer.id, timer);
  }

  /**
   * A reconnected socket takes back its peer: same user, right token, still in
   * the call. The reply is the call's state now; the peer's events wait from
   * now until the socket calls `attached(peer, link)` right after sending it.
   */
  resume(userId: string, peerId: string, resumeToken: string, link: PeerLink): { peer: Peer; admission: Admission } {
    const peer = this.roster.admitted.get(peerId);
    if (!peer || peer.userId !== userId || !peer.ownsResumeToken(resumeToken))
      throw new NotFoundError('your place in this call');
    clearTimeout(this.#suspended.get(peerId));
    this.#suspended.delete(peerId);
    peer.beginResume(link);
    return { peer, admission: this.#describeFor(peer) };
  }

  /** After the resume reply: `link` holds `peer` from now on; a media move it missed is told now. */
  attached(peer: Peer, link: PeerLink): void {
    if (peer.attach(link) && peer.takeMissedMediaMove() && this.roster.isAdmitted(peer)) this.#tellMediaRestarted(peer);
  }

  leave(peer: Peer): void {
    const { roster } = this;
    clearTimeout(this.#suspended.get(peer.id));
    this.#suspended.delete(peer.id);
    if (roster.waiting.get(peer.id) === peer) {
      roster.waiting.delete(peer.id);
      roster.notifyLobby();
      return;
    }
    if (!roster.isAdmitted(peer)) return;
    const now = performance.now();
    if (roster.admitted.size >= this.#peak.size || now > this.#peak.until)
      this.#peak = { size: roster.admitted.size, until: now + recentSizeMs };
    roster.admitted.delete(peer.id);
    peer.close();
    roster.broadcast('peerLeft', { peerId: peer.id });
    this.rules.checkHosts();
    if (roster.admitted.size === 0) {
      for (const waiting of roster.waiting.values()) waiting.notify('leftCall', { reason: 'room_closed' });
      this.close();
    }
  }

  /** Into the call proper: a key slot, and everyone is told. */
  enter(peer: Peer): Admission {
    clearTimeout(this.#unusedTimer);
    const others = [...this.roster.admitted.values()];
    const taken = new Set(others.map((other) => other.keySlot));
    let slot = 0;
    while (taken.has(slot)) slot++;
    peer.assignKeySlot(slot);
    this.roster.admitted.set(peer.id, peer);
    this.roster.broadcast('participantJoined', this.roster.describe(peer), peer);
    this.rules.checkHosts();
    return this.#describeFor(peer);
  }

  spendLink(linkId: string): void {
    this.context.hooks.spendLink?.(linkId);
  }

  /** Closes what `peer` sends from these sources (a host took the permission back). */
  closeProducers(peer: Peer, sources: MediaSource[]): void {
    for (const producer of [...peer.producers]) if (sources.includes(producer.appData.source)) producer.close();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.rules.close();
    clearTimeout(this.#unusedTimer);
    clearInterval(this.#ticketTimer);
    for (const timer of this.#suspended.values()) clearTimeout(timer);
    for (const peer of this.roster.admitted.values()) peer.close();
    this.roster.admitted.clear();
    this.roster.waiting.clear();
    this.media.close();
    this.emit('close');
  }

  #describeFor(peer: Peer): Admission {
    const others = this.roster.others(peer);
    return {
      peerId: peer.id,
      isHost: this.roster.isHost(peer),
      call: this.rules.policy,
      permissions: peer.permissions,
      accountId: peer.userId,
      keySlot: peer.keySlot,
      // mediasoup types codec parameters loosely; our schema is the contract.
      routerRtpCapabilities: RtpCapabilitiesSchema.parse(this.media.router.rtpCapabilities),
      producers: others.flatMap(describeProducers),
      participants: others.map((other) => this.roster.describe(other)),
      activeSpeaker: this.media.activeSpeaker,
      resumeToken: peer.resumeToken,
      rejoinTicket: this.ticketFor(peer),
      iceServers: this.context.network.iceServers(),
      maxFileBytes: this.context.maxFileBytes,
    };
  }
}
