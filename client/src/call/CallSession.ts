// A joined call: the mediasoup-client Device, one send and one receive
// transport, our producers and the consumers of everyone else's media.
// The UI subscribes to snapshots of the remote participants.
import { Device, type types } from 'mediasoup-client';
import {
  RtpCapabilitiesSchema,
  type Diagnostics,
  type InboundStat,
  type MediaSource,
  type Participant,
  type RemoteProducer,
} from '@parley/shared';
import type { SignalingClient } from '../signaling/SignalingClient.js';
import { CallEncryption, type E2eeView } from '../e2ee/CallEncryption.js';
import { LocalMedia, type LocalState } from './LocalMedia.js';

export type RemoteParticipant = {
  peerId: string;
  displayName: string;
  isHost: boolean;
  /** Their microphone is paused (by them or a host). */
  audioMuted: boolean;
  tracks: { source: MediaSource; track: MediaStreamTrack; consumerId: string }[];
};

import { LeftCallError, type LeftReason } from './LeftCallError.js';
import { admission, createTransport } from './joinHelpers.js';

export { LeftCallError, type LeftReason };

/** What the call page shows; a new object whenever anything in it changes. */
export type CallView = {
  participants: RemoteParticipant[];
  /** People waiting to be let in (hosts only). */
  lobby: { peerId: string; displayName: string }[];
  isHost: boolean;
  locked: boolean;
  local: LocalState;
  /** The peer mediasoup's observer last named the dominant speaker. */
  activeSpeaker: string | undefined;
  /** The server offers a newer client: the page should suggest reloading. */
  updateAvailable: boolean;
  /** Set when we are out of the call: removed, or the host ended it. */
  left: LeftReason | undefined;
  /** End-to-end encryption: lock states, security code, verification. */
  e2ee: E2eeView;
};

type Listener = () => void;

export class CallSession {
  readonly #consumers = new Map<string, { consumer: types.Consumer; peerId: string; source: MediaSource }>();
  readonly #listeners = new Set<Listener>();
  readonly #people = new Map<string, Participant>();
  readonly #pausedProducers = new Set<string>();
  readonly #local: LocalMedia;
  #view: CallView;
  #closed = false;

  private constructor(
    private readonly signaling: SignalingClient,
    private readonly device: Device,
    private readonly sendTransport: types.Transport,
    private readonly recvTransport: types.Transport,
    readonly peerId: string,
    isHost: boolean,
    private readonly roomId: string,
    private resumeToken: string,
    private readonly encryption: CallEncryption | undefined,
  ) {
    this.#local = new LocalMedia(
      signaling,
      sendTransport,
      () => this.#update({ local: this.#local.state }),
      encryption ? (sender, kind) => encryption.protectSender(sender, kind) : undefined,
    );
    this.#view = {
      participants: [],
      lobby: [],
      isHost,
      locked: false,
      local: this.#local.state,
      activeSpeaker: undefined,
      updateAvailable: signaling.updateAvailable,
      left: undefined,
      e2ee: encryption?.view ?? { mode: 'off-for-testing' },
    };
  }

  /** Joins, waiting in the lobby first when the room asks for it (`onWaiting` is told). */
  static async join(
    signaling: SignalingClient,
    request: { roomId: string; displayName: string },
    local: MediaStream,
    onWaiting: () => void,
  ): Promise<CallSession> {
    // Events can arrive while the device and transports are still being set
    // up (someone starts their camera just after we are admitted): listen
    // from the start and hold them until the session exists.
    let ready: CallSession | undefined = undefined;
    const early: ((session: CallSession) => void)[] = [];
    const whenReady = (apply: (session: CallSession) => void) => (ready ? apply(ready) : early.push(apply));
    const known = (participant: Participant) =>
      whenReady((session) => {
        if (participant.peerId === session.peerId) session.#update({ isHost: participant.isHost });
        else session.#people.set(participant.peerId, participant);
        session.#publish();
      });
    signaling.on('participantJoined', known);
    signaling.on('participantUpdated', known);
    signaling.on('roomLocked', ({ locked }) => whenReady((s) => s.#update({ locked })));
    signaling.on('activeSpeaker', ({ peerId }) => whenReady((s) => s.#update({ activeSpeaker: peerId })));
    signaling.on('serverInfo', () => whenReady((s) => s.#update({ updateAvailable: signaling.updateAvailable })));
    signaling.on('mutedByHost', ({ producerId }) => whenReady((s) => s.#local.pausedByHost(producerId)));
    signaling.on('producerPaused', ({ producerId, paused }) =>
      whenReady((s) => {
        if (paused) s.#pausedProducers.add(producerId);
        else s.#pausedProducers.delete(producerId);
        s.#publish();
      }),
    );
    signaling.on('lobbyChanged', ({ waiting }) => whenReady((s) => s.#update({ lobby: waiting })));
    signaling.on('leftCall', ({ reason }) => whenReady((s) => (s.#update({ left: reason }), s.close())));
    signaling.on('producerAdded', (producer) => whenReady((s) => void s.#consume(producer)));
    signaling.on('producerClosed', ({ producerId }) =>
      whenReady((s) => s.#dropConsumersOf((c) => c.producerId === producerId)),
    );
    signaling.on('peerLeft', ({ peerId }) =>
      whenReady((s) => (s.encryption?.peerLeft(peerId), s.#dropConsumersOf((_, owner) => owner === peerId))),
    );
    signaling.on('e2eeAnnounced', ({ peerId, ...announcement }) =>
      whenReady((s) => {
        const participant = s.#people.get(peerId);
        if (participant) s.encryption?.addPeer(participant, announcement);
      }),
    );
    signaling.on('e2eeRelayed', ({ from, box }) => whenReady((s) => s.encryption?.receiveBox(from, box)));
    // Refuses to go on without end-to-end encryption (unless switched off for a test).
    let onEncryptionChange: () => void = () => undefined;
    const encryption = await CallEncryption.create(() => onEncryptionChange());

    const reply = await signaling.request('join', request);
    const joined = reply.status === 'admitted' ? reply : (onWaiting(), await admission(signaling));
    const device = await Device.factory();
    await device.load({ routerRtpCapabilities: joined.routerRtpCapabilities });
    const insertable = encryption?.needsInsertableStreams ?? false;
    const sendTransport = await createTransport(signaling, device, 'send', joined.iceServers, insertable);
    const recvTransport = await createTransport(signaling, device, 'recv', joined.iceServers, insertable);
    const session = new CallSession(
      signaling,
      device,
      sendTransport,
      recvTransport,
      joined.peerId,
      joined.isHost,
      request.roomId,
      joined.resumeToken,
      encryption,
    );
    signaling.onReconnect(() => void session.#resume());
    for (const participant of joined.participants) session.#people.set(participant.peerId, participant);
    session.#update({ activeSpeaker: joined.activeSpeaker });
    if (encryption) {
      onEncryptionChange = () => session.#update({ e2ee: encryption.view });
      await encryption.start({
        signaling,
        self: { peerId: joined.peerId, slot: joined.keySlot, accountId: joined.accountId },
        roomId: request.roomId,
        onReceiveKey: (peerId) => session.#requestKeyFrames(peerId),
      });
      for (const participant of joined.participants)
        if (participant.e2ee) encryption.addPeer(participant, participant.e2ee);
    }
    ready = session;
    for (const apply of early.splice(0)) apply(session);

    for (const track of local.getTracks())
      await session.#local.publish(track, track.kind === 'audio' ? 'microphone' : 'camera');
    await Promise.all(joined.producers.map((producer) => session.#consume(producer)));
    return session;
  }

  get view(): CallView {
    return this.#view;
  }

  async admit(peerId: string): Promise<void> {
    await this.signaling.request('admit', { peerId });
  }

  async deny(peerId: string): Promise<void> {
    await this.signaling.request('deny', { peerId });
  }

  get media(): LocalMedia {
    return this.#local;
  }

  readonly #preferredLayers = new Map<string, number>();

  /** Asks for the simulcast layer that fits a tile `width` CSS pixels wide. */
  preferLayerFor(consumerId: string, width: number): void {
    const layer = width < 240 ? 0 : width < 480 ? 1 : 2;
    if (this.#preferredLayers.get(consumerId) === layer) return;
    this.#preferredLayers.set(consumerId, layer);
    // A failure only means a sharper or blurrier picture than ideal.
    this.signaling.request('setPreferredLayers', { consumerId, spatialLayer: layer }).catch(() => undefined);
  }

  /** Host controls. */
  async muteParticipant(peerId: string): Promise<void> {
    await this.signaling.request('muteParticipant', { peerId });
  }

  async remove(peerId: string): Promise<void> {
    await this.signaling.request('removePeer', { peerId });
  }

  async makeHost(peerId: string): Promise<void> {
    await this.signaling.request('appointHost', { peerId });
  }

  async setLocked(locked: boolean): Promise<void> {
    await this.signaling.request('lockRoom', { locked });
    this.#update({ locked });
  }

  /** After we get someone's key: their next keyframe lets the picture start at once. */
  #requestKeyFrames(peerId: string): void {
    for (const { consumer, peerId: owner } of this.#consumers.values()) {
      if (owner !== peerId || consumer.kind !== 'video') continue;
      // Without it the picture starts at their next regular keyframe instead.
      this.signaling.request('requestKeyFrame', { consumerId: consumer.id }).catch(() => undefined);
    }
  }

  /** Marks a participant's identity key as verified (after comparing emoji). */
  async markVerified(peerId: string): Promise<void> {
    await this.encryption?.markVerified(peerId);
  }

  async endCall(): Promise<void> {
    await this.signaling.request('endCall', {});
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Transport states and inbound RTP statistics, for the connection indicator and for tests. */
  async diagnostics(): Promise<Diagnostics> {
    return {
      transports: { send: this.sendTransport.connectionState, recv: this.recvTransport.connectionState },
      inbound: await this.#inboundStats(),
      outbound: await this.#local.outboundStats(),
    };
  }

  async #inboundStats(): Promise<InboundStat[]> {
    const rows: InboundStat[] = [];
    for (const { consumer } of this.#consumers.values()) {
      const report = await consumer.getStats();
      for (const stat of report.values()) {
        if (stat.type !== 'inbound-rtp') continue;
        rows.push({
          kind: consumer.kind,
          framesDecoded: Number(stat.framesDecoded ?? 0),
          audioLevel: Number(stat.audioLevel ?? 0),
          bytesReceived: Number(stat.bytesReceived ?? 0),
          jitterBufferDelay: Number(stat.jitterBufferDelay ?? 0),
          jitterBufferEmittedCount: Number(stat.jitterBufferEmittedCount ?? 0),
        });
      }
    }
    return rows;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.encryption?.close();
    this.#local.close();
    this.sendTransport.close();
    this.recvTransport.close();
    this.signaling.close();
    this.#consumers.clear();
    this.#publish();
  }

  /** Back on a new socket: reclaim our place, then catch up on what changed meanwhile. */
  async #resume(): Promise<void> {
    try {
      const state = await this.signaling.request('resume', {
        roomId: this.roomId,
        peerId: this.peerId,
        resumeToken: this.resumeToken,
      });
      this.resumeToken = state.resumeToken;
      this.#people.clear();
      for (const participant of state.participants) {
        this.#people.set(participant.peerId, participant);
        if (participant.e2ee) this.encryption?.addPeer(participant, participant.e2ee);
      }
      const live = new Set(state.producers.map((p) => p.producerId));
      this.#dropConsumersOf((consumer) => !live.has(consumer.producerId));
      const have = new Set([...this.#consumers.values()].map((entry) => entry.consumer.producerId));
      await Promise.all(state.producers.filter((p) => !have.has(p.producerId)).map((p) => this.#consume(p)));
      this.#update({ isHost: state.isHost, activeSpeaker: state.activeSpeaker });
    } catch {
      // Our place is gone (the grace period ran out, or the call ended).
      this.#update({ left: 'room_closed' });
      this.close();
    }
  }

  async #consume(producer: RemoteProducer): Promise<void> {
    if (this.#closed) return;
    const offer = await this.signaling.request('consume', {
      transportId: this.recvTransport.id,
      producerId: producer.producerId,
      rtpCapabilities: RtpCapabilitiesSchema.parse(this.device.recvRtpCapabilities),
    });
    const consumer = await this.recvTransport.consume({
      id: offer.consumerId,
      producerId: offer.producerId,
      kind: offer.kind,
      rtpParameters: offer.rtpParameters,
      ...(this.encryption
        ? {
            onRtpReceiver: (receiver: RTCRtpReceiver) =>
              this.encryption?.protectReceiver(receiver, offer.kind, producer.peerId),
          }
        : {}),
    });
    this.#consumers.set(consumer.id, { consumer, peerId: producer.peerId, source: producer.source });
    await this.signaling.request('resumeConsumer', { consumerId: consumer.id });
    this.#publish();
  }

  #dropConsumersOf(match: (consumer: types.Consumer, peerId: string) => boolean): void {
    for (const [id, entry] of this.#consumers) {
      if (!match(entry.consumer, entry.peerId)) continue;
      entry.consumer.close();
      this.#consumers.delete(id);
    }
    this.#publish();
  }

  #publish(): void {
    const byPeer = new Map<string, RemoteParticipant>();
    for (const { consumer, peerId, source } of this.#consumers.values()) {
      const person = this.#people.get(peerId);
      const participant = byPeer.get(peerId) ?? {
        peerId,
        displayName: person?.displayName ?? 'Guest',
        isHost: person?.isHost ?? false,
        audioMuted: false,
        tracks: [],
      };
      if (consumer.kind === 'audio' && this.#pausedProducers.has(consumer.producerId)) participant.audioMuted = true;
      participant.tracks.push({ source, track: consumer.track, consumerId: consumer.id });
      byPeer.set(peerId, participant);
    }
    this.#update({ participants: [...byPeer.values()] });
  }

  #update(change: Partial<CallView>): void {
    this.#view = { ...this.#view, ...change };
    for (const listener of this.#listeners) listener();
  }
}
