// A call: one mediasoup router and the peers in it. Rooms live in memory only
// and close when the last peer leaves; nothing about a call is written down.
import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import {
  RtpCapabilitiesSchema,
  RtpParametersSchema,
  type Admission,
  type RequestOf,
  type ResponseOf,
} from '@parley/shared';
import { ClientError, LimitError, NotFoundError } from '../errors.js';
import { createLogger } from '../logging/index.js';
import { limits, type RoomTimings } from './limits.js';
import type { Notify, Peer, ProducerAppData } from './Peer.js';
import type { MediaNetwork, RoomHooks } from './RoomOptions.js';
import { describeParticipant, describeProducer, describeProducers } from './describe.js';

const log = createLogger('rooms.Room');

export type RoomEvents = { close: [] };

export class Room extends EventEmitter<RoomEvents> {
  /** Peers in the call proper. */
  readonly #peers = new Map<string, Peer>();
  /** Peers waiting for a host to let them in. */
  readonly #lobby = new Map<string, Peer>();
  /** Users (not peers) who are hosts: the creator, and whoever a host appoints. */
  readonly #hostUserIds: Set<string>;
  #locked = false;
  #closed = false;
  #unusedTimer: NodeJS.Timeout | undefined;
  readonly #speakerObserver: Promise<types.ActiveSpeakerObserver>;
  #activeSpeaker: string | undefined;
  /** Peers whose socket dropped, with the timer that removes them. */
  readonly #suspended = new Map<string, NodeJS.Timeout>();

  constructor(
    readonly id: string,
    private readonly router: types.Router,
    private readonly network: MediaNetwork,
    hostUserId: string,
    private readonly hooks: RoomHooks,
    private readonly timings: RoomTimings,
  ) {
    super();
    this.#hostUserIds = new Set([hostUserId]);
    router.on('workerclose', () => {
      log.warn('media worker of a room died; closing the room');
      this.close();
    });
    this.#unusedTimer = setTimeout(() => this.close(), timings.unusedRoomMs);
    this.#unusedTimer.unref();
    this.#speakerObserver = router.createActiveSpeakerObserver({ interval: 300 });
    this.#speakerObserver.then(
      (observer) =>
        observer.on('dominantspeaker', ({ producer }) => {
          const peerId = (producer.appData as Partial<ProducerAppData>).peerId;
          if (!peerId) return;
          this.#activeSpeaker = peerId;
          for (const peer of this.#peers.values()) peer.notify('activeSpeaker', { peerId });
        }),
      (error: unknown) => log.warn({ err: error }, 'no active speaker observer for this room'),
    );
  }

  get peerCount(): number {
    return this.#peers.size;
  }

  /** Whether `peer` is still part of this room (in the call or in the lobby). */
  has(peer: Peer): boolean {
    return this.#peers.get(peer.id) === peer || this.#lobby.get(peer.id) === peer;
  }

  /** Hosts come straight in; everyone else waits in the lobby, unless the room is locked. */
  join(peer: Peer): ResponseOf<'join'> {
    if (this.#closed) throw new NotFoundError('room');
    if (this.#peers.size + this.#lobby.size >= limits.peersPerRoom) {
      throw new LimitError('participants per room', limits.peersPerRoom);
    }
    if (this.#hostUserIds.has(peer.userId)) return { status: 'admitted', ...this.#admit(peer) };
    if (this.#locked) throw new ClientError('room_locked', 'The host has locked this call.');
    this.#lobby.set(peer.id, peer);
    this.#notifyLobby();
    return { status: 'waiting', peerId: peer.id };
  }

  admit(host: Peer, peerId: string): void {
    this.#assertHost(host);
    const guest = this.#lobby.get(peerId);
    if (!guest) throw new NotFoundError('waiting participant');
    this.#lobby.delete(peerId);
    guest.notify('admitted', this.#admit(guest));
    this.#notifyLobby();
  }

  deny(host: Peer, peerId: string): void {
    this.#assertHost(host);
    const guest = this.#lobby.get(peerId);
    if (!guest) throw new NotFoundError('waiting participant');
    this.#lobby.delete(peerId);
    guest.notify('leftCall', { reason: 'denied' });
    this.#notifyLobby();
  }

  removePeer(host: Peer, peerId: string): void {
    this.#assertHost(host);
    const target = this.#peers.get(peerId);
    if (!target || target === host) throw new NotFoundError('participant');
    target.notify('leftCall', { reason: 'removed' });
    this.leave(target);
  }

  lock(host: Peer, locked: boolean): void {
    this.#assertHost(host);
    this.#locked = locked;
    for (const peer of this.#peers.values()) peer.notify('roomLocked', { locked });
  }

  endCall(host: Peer): void {
    this.#assertHost(host);
    for (const peer of [...this.#peers.values(), ...this.#lobby.values()])
      peer.notify('leftCall', { reason: 'ended_by_host' });
    this.close();
  }

  mute(host: Peer, peerId: string): void {
    this.#assertHost(host);
    const target = this.#peers.get(peerId);
    if (!target) throw new NotFoundError('participant');
    for (const producer of target.producers) {
      if (producer.appData.source !== 'microphone' || producer.paused) continue;
      this.#setPaused(target, producer.id, true).then(
        () => {
          target.mutedByHost.add(producer.id);
          target.notify('mutedByHost', { producerId: producer.id });
        },
        (error: unknown) => log.warn({ err: error }, 'could not pause a producer for a host mute'),
      );
    }
  }

  appointHost(host: Peer, peerId: string): void {
    this.#assertHost(host);
    const target = this.#peers.get(peerId);
    if (!target) throw new NotFoundError('participant');
    this.#hostUserIds.add(target.userId);
    target.isHost = true;
    const updated = describeParticipant(target);
    for (const peer of this.#peers.values()) peer.notify('participantUpdated', updated);
    this.#notifyLobby();
  }

  /** Pauses or resumes one of `peer`'s own producers and tells everyone. */
  async setProducerPaused(peer: Peer, producerId: string, paused: boolean): Promise<void> {
    this.#assertAdmitted(peer);
    await this.#setPaused(peer, producerId, paused);
    if (!paused) peer.mutedByHost.delete(producerId);
  }

  async #setPaused(owner: Peer, producerId: string, paused: boolean): Promise<void> {
    const producer = owner.producer(producerId);
    if (paused) await producer.pause();
    else await producer.resume();
    for (const peer of this.#peers.values()) peer.notify('producerPaused', { producerId, paused });
  }

  /** The socket dropped: keep the peer for a grace period so it can resume. Lobby peers just leave. */
  suspend(peer: Peer): void {
    if (this.#peers.get(peer.id) !== peer) return this.leave(peer);
    clearTimeout(this.#suspended.get(peer.id));
    const timer = setTimeout(() => this.leave(peer), this.timings.reconnectGraceMs);
    timer.unref();
    this.#suspended.set(peer.id, timer);
  }

  /** A reconnected socket takes back its peer: same user, right token, still in the call. */
  resume(userId: string, peerId: string, resumeToken: string, notify: Notify): { peer: Peer; admission: Admission } {
    const peer = this.#peers.get(peerId);
    if (!peer || peer.userId !== userId || !peer.ownsResumeToken(resumeToken))
      throw new NotFoundError('your place in this call');
    clearTimeout(this.#suspended.get(peerId));
    this.#suspended.delete(peerId);
    peer.rebind(notify);
    // A host's mute sent to the dead socket was lost with it: say it again.
    for (const producerId of peer.mutedByHost) peer.notify('mutedByHost', { producerId });
    const others = [...this.#peers.values()].filter((other) => other !== peer);
    return { peer, admission: this.#describeFor(peer, others) };
  }

  leave(peer: Peer): void {
    clearTimeout(this.#suspended.get(peer.id));
    this.#suspended.delete(peer.id);
    if (this.#lobby.delete(peer.id)) {
      this.#notifyLobby();
      return;
    }
    if (!this.#peers.delete(peer.id)) return;
    peer.close();
    for (const other of this.#peers.values()) other.notify('peerLeft', { peerId: peer.id });
    if (this.#peers.size === 0) {
      for (const waiting of this.#lobby.values()) waiting.notify('leftCall', { reason: 'room_closed' });
      this.close();
    }
  }

  async createTransport(peer: Peer): Promise<ResponseOf<'createTransport'>> {
    this.#assertAdmitted(peer);
    const portRange = { min: this.network.minPort, max: this.network.maxPort };
    const listen = { ip: this.network.listenIp, announcedAddress: this.network.announcedAddress, portRange };
    const transport = await this.router.createWebRtcTransport({
      listenInfos: [
        { protocol: 'udp', ...listen },
        { protocol: 'tcp', ...listen },
      ],
      preferUdp: true,
    });
    peer.addTransport(transport);
    return {
      transportId: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
    };
  }

  async connectTransport(peer: Peer, request: RequestOf<'connectTransport'>): Promise<ResponseOf<'connectTransport'>> {
    await peer.transport(request.transportId).connect({ dtlsParameters: request.dtlsParameters });
    return {};
  }

  async produce(peer: Peer, request: RequestOf<'produce'>): Promise<ResponseOf<'produce'>> {
    this.#assertAdmitted(peer);
    peer.assertCanProduce();
    const transport = peer.transport(request.transportId);
    const appData: ProducerAppData = { peerId: peer.id, source: request.source };
    const producer = await transport.produce({ kind: request.kind, rtpParameters: request.rtpParameters, appData });
    peer.addProducer(producer);
    this.hooks.onProducer?.(this.router, producer);
    if (request.source === 'microphone') {
      await (await this.#speakerObserver).addProducer({ producerId: producer.id });
    }
    const announcement = describeProducer(producer);
    for (const other of this.#peers.values()) if (other !== peer) other.notify('producerAdded', announcement);
    return { producerId: producer.id };
  }

  async consume(peer: Peer, request: RequestOf<'consume'>): Promise<ResponseOf<'consume'>> {
    this.#assertAdmitted(peer);
    peer.assertCanConsume();
    const transport = peer.transport(request.transportId);
    const producer = this.#findProducer(request.producerId);
    if (producer.appData.peerId === peer.id)
      throw new ClientError('invalid_message', 'cannot consume your own producer');
    if (!this.router.canConsume({ producerId: producer.id, rtpCapabilities: request.rtpCapabilities })) {
      throw new ClientError('media_error', 'your browser cannot receive this stream');
    }
    // Created paused: the client resumes once its consumer exists, so the
    // keyframe it needs is not sent before it can be decoded.
    const consumer = await transport.consume({
      producerId: producer.id,
      rtpCapabilities: request.rtpCapabilities,
      paused: true,
    });
    peer.addConsumer(consumer);
    return {
      consumerId: consumer.id,
      producerId: producer.id,
      kind: consumer.kind,
      rtpParameters: RtpParametersSchema.parse(consumer.rtpParameters),
    };
  }

  async setPreferredLayers(
    peer: Peer,
    request: RequestOf<'setPreferredLayers'>,
  ): Promise<ResponseOf<'setPreferredLayers'>> {
    const consumer = peer.consumer(request.consumerId);
    if (consumer.type === 'simulcast') await consumer.setPreferredLayers({ spatialLayer: request.spatialLayer });
    return {};
  }

  async restartIce(peer: Peer, request: RequestOf<'restartIce'>): Promise<ResponseOf<'restartIce'>> {
    this.#assertAdmitted(peer);
    return { iceParameters: await peer.transport(request.transportId).restartIce() };
  }

  async resumeConsumer(peer: Peer, request: RequestOf<'resumeConsumer'>): Promise<ResponseOf<'resumeConsumer'>> {
    await peer.consumer(request.consumerId).resume();
    return {};
  }

  async requestKeyFrame(peer: Peer, request: RequestOf<'requestKeyFrame'>): Promise<ResponseOf<'requestKeyFrame'>> {
    const consumer = peer.consumer(request.consumerId);
    if (consumer.kind === 'video') await consumer.requestKeyFrame();
    return {};
  }

  /**
   * E2EE keys: public keys only, relayed as they are. Receivers check the
   * signature themselves; the server records the identity key for the account.
   */
  async announceE2ee(peer: Peer, announcement: RequestOf<'announceE2ee'>): Promise<ResponseOf<'announceE2ee'>> {
    this.#assertAdmitted(peer);
    await this.hooks.rememberIdentityKey(peer.userId, announcement.identityKey);
    const { identityKey, callKey, signature } = announcement;
    peer.e2ee = { identityKey, callKey, signature };
    for (const other of this.#peers.values())
      if (other !== peer) other.notify('e2eeAnnounced', { ...peer.e2ee, peerId: peer.id });
    return {};
  }

  /** An opaque box for one participant (sender keys, receipts): the server cannot open it. */
  relayE2ee(peer: Peer, request: RequestOf<'relayE2ee'>): ResponseOf<'relayE2ee'> {
    this.#assertAdmitted(peer);
    const target = this.#peers.get(request.to);
    if (!target || target === peer) throw new NotFoundError('participant');
    target.notify('e2eeRelayed', { from: peer.id, box: request.box });
    return {};
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#unusedTimer);
    for (const timer of this.#suspended.values()) clearTimeout(timer);
    for (const peer of this.#peers.values()) peer.close();
    this.#peers.clear();
    this.#lobby.clear();
    this.router.close();
    this.emit('close');
  }

  #admit(peer: Peer): Admission {
    clearTimeout(this.#unusedTimer);
    peer.isHost = this.#hostUserIds.has(peer.userId);
    const others = [...this.#peers.values()];
    const taken = new Set(others.map((other) => other.keySlot));
    let slot = 0;
    while (taken.has(slot)) slot++;
    peer.keySlot = slot;
    this.#peers.set(peer.id, peer);
    const joined = describeParticipant(peer);
    for (const other of others) other.notify('participantJoined', joined);
    return this.#describeFor(peer, others);
  }

  #describeFor(peer: Peer, others: Peer[]): Admission {
    return {
      peerId: peer.id,
      isHost: peer.isHost,
      accountId: peer.userId,
      keySlot: peer.keySlot,
      // mediasoup types codec parameters loosely; our schema is the contract.
      routerRtpCapabilities: RtpCapabilitiesSchema.parse(this.router.rtpCapabilities),
      producers: others.flatMap(describeProducers),
      participants: others.map(describeParticipant),
      activeSpeaker: this.#activeSpeaker && this.#peers.has(this.#activeSpeaker) ? this.#activeSpeaker : undefined,
      resumeToken: peer.resumeToken,
      iceServers: this.network.iceServers,
    };
  }

  #notifyLobby(): void {
    const waiting = [...this.#lobby.values()].map((p) => ({ peerId: p.id, displayName: p.displayName }));
    for (const peer of this.#peers.values()) if (peer.isHost) peer.notify('lobbyChanged', { waiting });
  }

  #assertHost(peer: Peer): void {
    if (this.#peers.get(peer.id) !== peer || !peer.isHost)
      throw new ClientError('not_host', 'Only a host can do that.');
  }

  #assertAdmitted(peer: Peer): void {
    if (this.#peers.get(peer.id) !== peer) throw new ClientError('not_admitted', 'Wait until a host lets you in.');
  }

  #findProducer(producerId: string): types.Producer<ProducerAppData> {
    for (const peer of this.#peers.values()) {
      for (const producer of peer.producers) if (producer.id === producerId) return producer;
    }
    throw new NotFoundError('producer');
  }
}
