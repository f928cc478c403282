// A joined call: the mediasoup-client Device, one send and one receive
// transport, what we send (LocalMedia), what we receive (RemoteMedia), and
// the end-to-end encryption whose key agreement owns the call's one roster.
// The UI subscribes to snapshots (CallView) derived from them.
import type { CallChat } from '../chat/CallChat.js';
import { transportDiagnostics } from './candidateType.js';
import { Device } from 'mediasoup-client';
import type { Admission, Diagnostics, Participant, RemoteProducer, ServerEventOf } from '@parley/shared';
import { RequestError, type SignalingClient } from '../signaling/SignalingClient.js';
import { CallEncryption } from '../e2ee/CallEncryption.js';
import { exposeDiagnostics } from '../testing/diagnosticsHook.js';
import { deriveView, initialView, type CallView, type MemberDetails } from './callView.js';
import { CallTransports } from './CallTransports.js';
import { enterCall, type CallTarget, type JoinProgress } from './joinHelpers.js';
import { LeftCallError, type LeftReason } from './LeftCallError.js';
import { LocalMedia, type LocalStart } from './LocalMedia.js';
import { Undo } from './Undo.js';
import { HostActions } from './HostActions.js';
import { RemoteMedia, type Quality } from './RemoteMedia.js';

export { LeftCallError, type LeftReason };
export type { CallTarget, JoinProgress, LocalStart };
export type { CallView, RemoteParticipant } from './callView.js';

type Listener = () => void;

export class CallSession {
  readonly #listeners = new Set<Listener>();
  readonly #unsubscribe: (() => void)[] = [];
  /** What the server says of each member beyond the roster (hand, identity, permissions); shown only for roster members. */
  readonly #details = new Map<string, MemberDetails>();
  readonly local: LocalMedia;
  readonly #remote: RemoteMedia;
  readonly #host: HostActions;
  #view: CallView;
  #closed = false;
  /** Gets us back into this call after a server restart; the server sends fresh ones. */
  #rejoinTicket: string;
  /** Settles when the transports are usable: after a media restart, once the new ones exist. */
  #mediaReady: Promise<void> = Promise.resolve();

  private constructor(
    private readonly signaling: SignalingClient,
    private readonly transports: CallTransports,
    private readonly joined: Admission,
    private readonly roomId: string,
    private readonly displayName: string,
    private readonly encryption: CallEncryption,
  ) {
    this.#rejoinTicket = joined.rejoinTicket;
    this.#host = new HostActions(signaling);
    this.local = new LocalMedia(
      signaling,
      transports.send,
      () => this.#refresh(),
      (sender, kind) => encryption.protectSender(sender, kind),
      (sending) => encryption.keys?.handle({ type: 'sending', sending }),
    );
    this.#remote = new RemoteMedia(
      signaling,
      transports.device,
      transports.recv,
      (receiver, kind, peerId) => encryption.protectReceiver(receiver, kind, peerId),
      () => this.#refresh(),
    );
    this.#view = initialView(joined, signaling.updateAvailable, encryption.view, this.local.state);
  }

  /** Joins (a room, or a meeting link's call), waiting for its host and in the lobby when need be (`progress` is told). */
  static async join(
    signaling: SignalingClient,
    target: CallTarget,
    displayName: string,
    local: LocalStart,
    progress: JoinProgress,
  ): Promise<CallSession> {
    const undo = new Undo();
    // Leaving the call is closing our socket: the server then drops our place at once.
    undo.add(() => signaling.close());
    try {
      // Events can arrive while the device and transports are still being set
      // up (someone starts their camera just after we are admitted): listen
      // from the start and hold them until the session exists.
      let ready: CallSession | undefined = undefined;
      const early: ((session: CallSession) => void)[] = [];
      const held = (apply: (session: CallSession) => void) => (ready ? apply(ready) : early.push(apply));
      const subscriptions = CallSession.#subscribe(signaling, held);
      undo.add(() => subscriptions.forEach((unsubscribe) => unsubscribe()));
      // Refuses to go on without end-to-end encryption (unless a test build switched it off).
      let onEncryptionChange: () => void = () => undefined;
      const encryption = await CallEncryption.create(() => onEncryptionChange());
      undo.add(() => encryption.close());

      const { joined, roomId } = await enterCall(signaling, target, displayName, progress);
      const device = await Device.factory();
      await device.load({ routerRtpCapabilities: joined.routerRtpCapabilities });
      const transports = await CallTransports.create({
        signaling,
        device,
        iceServers: joined.iceServers,
        insertableStreams: encryption.needsInsertableStreams,
      });
      undo.add(() => transports.close());
      const session = new CallSession(signaling, transports, joined, roomId, displayName, encryption);
      undo.add(() => session.close());
      session.#unsubscribe.push(
        ...subscriptions,
        signaling.onReconnect(() => void session.#resume()),
      );
      onEncryptionChange = () => session.#refresh();
      await encryption.start({
        signaling,
        self: { peerId: joined.peerId, slot: joined.keySlot, accountId: joined.accountId },
        roomId,
        onReceivedKey: (peerId) => session.#remote.requestKeyFrames(peerId),
        maxFileBytes: joined.maxFileBytes,
      });
      for (const participant of joined.participants) session.#memberEvent(participant);
      session.#update({ activeSpeaker: joined.activeSpeaker });
      ready = session;
      for (const apply of early.splice(0)) apply(session);
      if (__PARLEY_TEST_BUILD__) exposeDiagnostics(session);

      session.local.devices = local.devices;
      // Guests of a sensitive call send nothing until a host allows it: their camera is let go at once.
      for (const track of local.tracks) {
        if (!joined.permissions.speak) track.stop();
        else if (track.kind === 'audio') await session.local.publish(track, 'microphone', !local.microphoneOn);
        else if (local.cameraOn) await session.local.publish(track, 'camera');
        else track.stop();
      }
      await Promise.all(joined.producers.map((producer) => session.#consume(producer)));
      return session;
    } catch (error) {
      undo.run();
      throw error;
    }
  }

  /**
   * The server restarted and forgot the call: join it again on the same
   * socket with our rejoin ticket (the call is re-created under its id if we
   * are the first back; we need not knock), sending the same microphone and
   * camera. `old` is closed, all but the socket and those tracks.
   */
  static rejoin(old: CallSession, progress: JoinProgress): Promise<CallSession> {
    const state = old.local.state;
    const tracks = old.local.releaseTracks();
    old.#close({ keepSocket: true });
    const target = { kind: 'room' as const, roomId: old.roomId, rejoinTicket: old.#rejoinTicket };
    const local = { tracks, microphoneOn: !state.micMuted, cameraOn: !state.cameraOff, devices: state.devices };
    return CallSession.join(old.signaling, target, old.displayName, local, progress);
  }

  get chat(): CallChat | undefined {
    return this.encryption.chat;
  }

  /** What a host may do to others in the call (the server checks the right to each). */
  get host(): HostActions {
    return this.#host;
  }

  get view(): CallView {
    return this.#view;
  }

  get peerId(): string {
    return this.joined.peerId;
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async raiseHand(raised: boolean): Promise<void> {
    await this.signaling.request('raiseHand', { raised });
  }

  /** Each member's connection as we receive it (packet loss and jitter since the last call). */
  connectionQuality(): Promise<Map<string, Quality>> {
    return this.#remote.quality();
  }

  async setLocked(locked: boolean): Promise<void> {
    await this.signaling.request('lockRoom', { locked });
    this.#update({ locked });
  }

  /** Asks for the simulcast layer that fits a tile `width` CSS pixels wide. */
  preferLayerFor(consumerId: string, width: number): void {
    this.#remote.preferLayerFor(consumerId, width);
  }

  /** Marks a participant's identity key as verified (after comparing emoji); accepts changed keys so verified. */
  async markVerified(peerId: string): Promise<void> {
    await this.encryption.markVerified(peerId);
  }

  /** Transport states and RTP statistics, for the connection indicator (and test builds' diagnostics). */
  async diagnostics(): Promise<Diagnostics> {
    return {
      ...(await transportDiagnostics(this.transports.send, this.transports.recv)),
      inbound: await this.#remote.inboundStats(),
      outbound: await this.local.outboundStats(),
    };
  }

  /** Hangs up: our media, the transports, the socket, and every key (page and worker). Idempotent. */
  close(): void {
    this.#close({ keepSocket: false });
  }

  #close({ keepSocket }: { keepSocket: boolean }): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    this.encryption.close();
    this.local.close();
    this.#remote.close();
    this.transports.close();
    if (!keepSocket) this.signaling.close();
    this.#refresh();
  }

  /** Back on a new socket: reclaim our place; the server's state is the truth for what we missed. */
  async #resume(): Promise<void> {
    try {
      const state = await this.signaling.request('resume', {
        roomId: this.roomId,
        peerId: this.joined.peerId,
        resumeToken: this.joined.resumeToken,
      });
      this.joined.resumeToken = state.resumeToken;
      this.#rejoinTicket = state.rejoinTicket;
      this.#update({ restarting: false });
      // Members who left meanwhile count as leaves (keys rotate); new ones as joins.
      this.encryption.keys?.handle({ type: 'resynced', participants: state.participants });
      this.#details.clear();
      for (const participant of state.participants) this.#details.set(participant.peerId, detailsOf(participant));
      const live = new Set(state.producers.map((p) => p.producerId));
      this.#remote.drop(({ producerId }) => !live.has(producerId));
      await Promise.all(state.producers.map((producer) => this.#consume(producer)));
      this.#update({ isHost: state.isHost, activeSpeaker: state.activeSpeaker });
    } catch (error) {
      // The server does not know the call: it restarted (the page joins again with our ticket).
      if (error instanceof RequestError && error.code === 'not_found') return this.#update({ rejoin: true });
      // Our place is gone (the grace period ran out, or the call ended).
      this.#update({ left: 'room_closed' });
      this.close();
    }
  }

  /**
   * The server's media worker died and the call moved to a live one: new
   * transports, our tracks sent again, everyone's consumed again. The key
   * agreement and the roster are untouched (the keys never left this page and
   * its worker), so nobody has to verify anyone again.
   */
  async #mediaRestarted({ producers }: ServerEventOf<'mediaRestarted'>): Promise<void> {
    const renewal = this.#mediaReady.then(async () => {
      this.#remote.drop(() => true); // their consumers died with the worker
      await this.transports.renew();
      this.#remote.transport = this.transports.recv;
      await this.local.moveTo(this.transports.send);
    });
    // Later consumes wait for the new transports; a failed renewal ends the call below.
    this.#mediaReady = renewal.catch(() => undefined);
    try {
      await renewal;
    } catch {
      if (this.#closed) return;
      this.#update({ left: 'room_closed' });
      return this.close();
    }
    await Promise.all(producers.map((producer) => this.#consume(producer)));
  }

  async #consume(producer: RemoteProducer): Promise<void> {
    await this.#mediaReady;
    // Only members of the roster everyone sees: media from anyone else is never shown (nor decryptable).
    if (!this.encryption.members.some((m) => m.peerId === producer.peerId)) return;
    try {
      await this.#remote.consume(producer);
    } catch {
      // Counted and shown; the stream is offered again when the page reconnects.
      if (!this.#closed) this.#update({ receiveFailures: this.#view.receiveFailures + 1 });
    }
  }

  #memberEvent(participant: Participant): void {
    if (participant.peerId === this.joined.peerId) return this.#selfUpdated(participant);
    this.#details.set(participant.peerId, detailsOf(participant));
    this.encryption.keys?.memberJoined(participant);
  }

  /** The server says something about us: host rights, our hand, what we may send. */
  #selfUpdated(participant: Participant): void {
    const revoked = {
      speak: this.#view.permissions.speak && !participant.permissions.speak,
      share: this.#view.permissions.share && !participant.permissions.share,
    };
    // The server already closed what we may no longer send; let it go here too.
    if (revoked.speak) this.local.dropClosed(['microphone', 'camera']);
    if (revoked.share) this.local.dropClosed(['screen']);
    this.#update({
      isHost: participant.isHost,
      handRaised: participant.handRaised ?? false,
      permissions: participant.permissions,
    });
  }

  #refresh(): void {
    this.#update({});
  }

  #update(change: Partial<CallView>): void {
    this.#view = deriveView(
      { ...this.#view, ...change },
      this.encryption.members,
      this.#details,
      this.#remote,
      this.local.state,
      this.encryption.view,
      this.signaling.updateAvailable,
    );
    for (const listener of this.#listeners) listener();
  }

  /** Wires every server event of a call to the session (held until it exists); returns the unsubscribes. */
  static #subscribe(signaling: SignalingClient, held: (apply: (session: CallSession) => void) => void) {
    return [
      signaling.on('participantJoined', (p) => held((s) => s.#memberEvent(p))),
      signaling.on('participantUpdated', (p) => held((s) => s.#memberEvent(p))),
      signaling.on('peerLeft', ({ peerId }) =>
        held((s) => {
          s.encryption.keys?.handle({ type: 'memberLeft', peerId });
          s.#details.delete(peerId);
          s.#remote.drop((entry) => entry.peerId === peerId);
        }),
      ),
      signaling.on('e2eeAnnounced', ({ peerId, ...announcement }) =>
        held((s) => s.encryption.keys?.announced(peerId, announcement)),
      ),
      signaling.on('e2eeRelayed', ({ boxes }) =>
        held((s) => {
          for (const { from, box } of boxes) s.encryption.keys?.handle({ type: 'boxReceived', from, box });
        }),
      ),
      signaling.on('roomLocked', ({ locked }) => held((s) => s.#update({ locked }))),
      signaling.on('activeSpeaker', ({ peerId }) => held((s) => s.#update({ activeSpeaker: peerId }))),
      signaling.on('serverInfo', () => held((s) => s.#refresh())),
      signaling.on('lobbyChanged', ({ waiting }) => held((s) => s.#update({ lobby: waiting }))),
      signaling.on('leftCall', ({ reason }) => held((s) => (s.#update({ left: reason }), s.close()))),
      signaling.on('producerAdded', (producer) => held((s) => void s.#consume(producer))),
      signaling.on('producerClosed', ({ producerId }) =>
        held((s) => s.#remote.drop((entry) => entry.producerId === producerId)),
      ),
      signaling.on('producerPaused', ({ producerId, paused }) =>
        held((s) => s.#remote.producerPaused(producerId, paused)),
      ),
      signaling.on('mutedByHost', ({ producerId }) => held((s) => s.local.pausedByHost(producerId))),
      signaling.on('mediaRestarted', (event) => held((s) => void s.#mediaRestarted(event))),
      signaling.on('rejoinTicket', ({ ticket }) => held((s) => (s.#rejoinTicket = ticket))),
      signaling.on('serverRestarting', () => held((s) => s.#update({ restarting: true }))),
      signaling.on('callEnding', ({ endsInSeconds }) =>
        held((s) => s.#update({ endingAt: Date.now() + endsInSeconds * 1000 })),
      ),
      signaling.on('callContinues', () => held((s) => s.#update({ endingAt: undefined }))),
    ];
  }
}

function detailsOf(participant: Participant): MemberDetails {
  return {
    handRaised: participant.handRaised ?? false,
    identity: participant.identity,
    permissions: participant.permissions,
  };
}
