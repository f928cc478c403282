// One socket's conversation with the server. Every inbound request is
// validated against its schema in @parley/shared before anything happens; an
// invalid or out-of-order request gets an error reply and changes nothing.
import type { Socket } from 'socket.io';
import {
  clientRequests,
  type ClientRequestName,
  type ClientToServerEvents,
  type Reply,
  type RequestOf,
  type ResponseOf,
  type ServerToClientEvents,
} from '@parley/shared';
import { ClientError, toWireError } from '../errors.js';
import { createLogger, errorSummary } from '../logging/index.js';
import { LinkUnusableError, type MeetingLinks } from '../links/index.js';
import {
  limits,
  Peer,
  peerRateKindOf,
  requestCost,
  type PeerLink,
  type RejoinGrant,
  type Room,
  type RoomRegistry,
} from '../rooms/index.js';
import type { SocketData } from './attachSignaling.js';
import { gatherRelayedBoxes } from './relayedBoxes.js';
import { RequestErrorLog } from './RequestErrorLog.js';

const log = createLogger('signaling.SignalingSession');

export type ParleySocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** A reply, and what must happen right after it is sent (events that must not overtake it). */
class ReplyFirst<T> {
  constructor(
    readonly data: T,
    readonly afterReply: () => void,
  ) {}
}

type Handlers = {
  [K in ClientRequestName]: (request: RequestOf<K>) => Promise<ResponseOf<K> | ReplyFirst<ResponseOf<K>>>;
};

export class SignalingSession {
  #membership: { room: Room; peer: Peer } | undefined;
  readonly #errors = new RequestErrorLog(log);

  /** Stops waiting for a meeting link's call to start (this socket waits for at most one). */
  #stopWaiting: (() => void) | undefined;

  constructor(
    private readonly socket: ParleySocket,
    private readonly rooms: RoomRegistry,
    private readonly links: MeetingLinks,
  ) {
    const handlers: Handlers = {
      createRoom: (request) => this.#createRoom(request),
      joinLink: (request) => this.#joinLink(request),
      linkInfo: async (request) => {
        const link = await this.links.verify(request.linkId, request.secret);
        return { profile: link.profile, started: this.rooms.linkRoom(link.id) !== undefined };
      },
      allowMedia: (request) =>
        this.#joined(async ({ room, peer }) => (room.host.allowMedia(peer, request.peerId, request), {})),
      join: (request) => this.#join(request),
      resume: (request) => this.#resume(request),
      admit: (request) => this.#joined(async ({ room, peer }) => (room.host.admit(peer, request.peerId), {})),
      deny: (request) => this.#joined(async ({ room, peer }) => (room.host.deny(peer, request.peerId), {})),
      removePeer: (request) => this.#joined(async ({ room, peer }) => (room.host.removePeer(peer, request.peerId), {})),
      lockRoom: (request) => this.#joined(async ({ room, peer }) => (room.host.lock(peer, request.locked), {})),
      endCall: () => this.#joined(async ({ room, peer }) => (room.host.endCall(peer), {})),
      muteParticipant: (request) => this.#joined(async ({ room, peer }) => (room.host.mute(peer, request.peerId), {})),
      raiseHand: (request) => this.#joined(async ({ room, peer }) => (room.raiseHand(peer, request.raised), {})),
      lowerHand: (request) => this.#joined(async ({ room, peer }) => (room.host.lowerHand(peer, request.peerId), {})),
      appointHost: (request) =>
        this.#joined(async ({ room, peer }) => (room.host.appointHost(peer, request.peerId), {})),
      pauseProducer: (request) =>
        this.#joined(async ({ room, peer }) => (await room.setProducerPaused(peer, request.producerId, true), {})),
      resumeProducer: (request) =>
        this.#joined(async ({ room, peer }) => (await room.setProducerPaused(peer, request.producerId, false), {})),
      closeProducer: (request) => this.#joined(async ({ peer }) => (peer.producer(request.producerId).close(), {})),
      setPreferredLayers: (request) => this.#joined(({ room, peer }) => room.media.setPreferredLayers(peer, request)),
      restartIce: (request) => this.#joined(({ room, peer }) => room.media.restartIce(peer, request)),
      createTransport: (request) => this.#joined(({ room, peer }) => room.media.createTransport(peer, request)),
      connectTransport: (request) => this.#joined(({ room, peer }) => room.media.connectTransport(peer, request)),
      produce: (request) => this.#joined(({ room, peer }) => room.produce(peer, request)),
      consume: (request) => this.#joined(({ room, peer }) => room.media.consume(peer, request)),
      resumeConsumer: (request) => this.#joined(({ room, peer }) => room.media.resumeConsumer(peer, request)),
      requestKeyFrame: (request) => this.#joined(({ room, peer }) => room.media.requestKeyFrame(peer, request)),
      announceE2ee: (request) => this.#joined(({ room, peer }) => room.e2ee.announce(peer, request)),
      relayE2ee: (request) => this.#joined(async ({ room, peer }) => room.e2ee.relay(peer, request)),
      relayChat: (request) => this.#joined(async ({ room, peer }) => room.chat.relay(peer, request.envelope)),
    };
    for (const name of Object.keys(clientRequests) as ClientRequestName[]) this.#register(name, handlers[name]);
    // A client that hangs up closes its socket itself: it leaves at once. Any
    // other disconnect may be the network: keep the place for a while.
    // (A server-side disconnect is a revoked session: it leaves at once too.)
    socket.on('disconnect', (reason) => {
      // socket.io's reason ("ping timeout", "transport close", …): why a participant dropped.
      if (this.#membership) log.debug({ reason }, 'a joined socket closed');
      if (reason === 'client namespace disconnect' || reason === 'server namespace disconnect') this.leave();
      else this.close();
    });
  }

  leave(): void {
    this.#stopWaiting?.();
    const membership = this.#membership;
    this.#membership = undefined;
    membership?.room.leave(membership.peer);
  }

  /** The socket is gone: the peer keeps its place for a grace period, to resume on a new socket. */
  close(): void {
    this.#stopWaiting?.();
    const membership = this.#membership;
    this.#membership = undefined;
    membership?.room.suspend(membership.peer);
  }

  #register<K extends ClientRequestName>(name: K, handle: Handlers[K]): void {
    const schema = clientRequests[name].request;
    // socket.io's typed `on` cannot express "one of these names" generically.
    const listen = this.socket.on.bind(this.socket) as (event: string, listener: (...args: unknown[]) => void) => void;
    listen(name, (...args: unknown[]) => {
      // socket.io puts the acknowledgement last. Every request expects a reply; one without is ignored.
      const ack = args.at(-1);
      if (typeof ack !== 'function') return;
      const reply = ack as (reply: Reply<ResponseOf<K>>) => void;
      if (args.length !== 2) {
        reply({
          ok: false,
          error: { code: 'invalid_message', message: `invalid ${name}: a request carries one payload` },
        });
        return;
      }
      const parsed = schema.safeParse(args[0]);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
        reply({
          ok: false,
          error: {
            code: 'invalid_message',
            message: `invalid ${name}${where}: ${issue?.message ?? 'bad input'}`.slice(0, 300),
          },
        });
        return;
      }
      // An async function runs synchronously up to its first await: the charge
      // and the handler's own reservations happen in the tick the request came.
      const run = async () => {
        const request = parsed.data as RequestOf<K>;
        const others = Math.max(0, (this.#membership?.room.peerCount ?? 1) - 1);
        this.#charge(name, requestCost(name, request, others));
        return handle(request);
      };
      run().then(
        (outcome) => {
          if (!(outcome instanceof ReplyFirst)) return reply({ ok: true, data: outcome });
          reply({ ok: true, data: outcome.data });
          outcome.afterReply();
        },
        (error: unknown) => {
          this.#errors.report(name, error);
          reply({ ok: false, error: toWireError(error) });
        },
      );
    });
  }

  /** Charged before the request does anything, in the same tick it arrived (see limits.ts). */
  #charge(name: ClientRequestName, cost: number): void {
    const kind = peerRateKindOf(name);
    if (kind && this.#membership) this.#membership.room.charge(this.#membership.peer, kind, cost);
  }

  async #createRoom(request: RequestOf<'createRoom'>): Promise<ResponseOf<'createRoom'>> {
    this.#assertAccount();
    const maxParticipants = request.profile === 'sensitive' ? (request.maxParticipants ?? 10) : limits.peersPerRoom;
    const room = await this.rooms.create(this.socket.data.userId, { profile: request.profile, maxParticipants });
    return { roomId: room.id };
  }

  /**
   * By a room's id: accounts only (guests come through a meeting link), or
   * anyone back after a server restart with a rejoin ticket for this call.
   */
  async #join(request: RequestOf<'join'>): Promise<ResponseOf<'join'>> {
    const grant = this.#grantFor(request);
    if (!grant) this.#assertAccount();
    this.#assertNotInCall();
    this.rooms.assertOpen();
    const room = grant ? await this.rooms.rejoin(grant) : this.rooms.get(request.roomId);
    const { guest } = this.socket.data;
    const viaLink = guest ? { id: guest.link.id, singleUse: guest.link.singleUse } : undefined;
    return this.#enter(room, request.displayName, viaLink, grant);
  }

  /** The ticket's grant, if it is valid and for this call, this account and (for a guest) this link. */
  #grantFor(request: RequestOf<'join'>): RejoinGrant | undefined {
    const grant = this.rooms.honour(request.rejoinTicket, request.roomId, this.socket.data.userId);
    if (!grant) return undefined;
    const { guest } = this.socket.data;
    if (guest && grant.linkId !== guest.link.id) return undefined;
    return grant;
  }

  /**
   * A meeting link's call: its owner starts it; anyone else knocks once it
   * runs, or waits to be told (`callStarted`) and asks again.
   */
  async #joinLink(request: RequestOf<'joinLink'>): Promise<ResponseOf<'joinLink'>> {
    this.#assertNotInCall();
    this.rooms.assertOpen();
    const { guest, userId } = this.socket.data;
    // A guest's socket holds the link it came with; it cannot wander to another.
    if (guest && guest.link.id !== request.linkId) throw new LinkUnusableError();
    const link = await this.links.verify(request.linkId, request.secret);
    let room = this.rooms.linkRoom(link.id);
    if (!room) {
      if (guest || userId !== link.ownerId) {
        this.#stopWaiting?.();
        this.#stopWaiting = this.rooms.waitForHost(link.id, () => {
          this.#stopWaiting = undefined;
          this.socket.emit('callStarted', { linkId: link.id });
        });
        return { status: 'waitingForHost' };
      }
      room = await this.rooms.create(userId, { profile: link.profile, maxParticipants: link.maxParticipants }, link.id);
    }
    this.links
      .touch(link.id)
      .catch((error: unknown) => log.warn({ err: errorSummary(error) }, 'could not extend a meeting link'));
    const response = this.#enter(room, request.displayName, { id: link.id, singleUse: link.singleUse });
    return { ...response, roomId: room.id };
  }

  #enter(
    room: Room,
    displayName: string,
    viaLink: { id: string; singleUse: boolean } | undefined,
    grant?: RejoinGrant,
  ) {
    const { userId, identity, guest } = this.socket.data;
    const peer = new Peer({ userId, identity, viaLink, addressKey: guest?.addressKey }, displayName, this.#link);
    const response = room.join(peer, grant);
    this.#membership = { room, peer };
    return response;
  }

  #assertNotInCall(): void {
    // A peer that was removed, denied or whose room ended may knock again.
    if (this.#membership && !this.#membership.room.has(this.#membership.peer)) this.#membership = undefined;
    if (this.#membership) throw new ClientError('already_joined', 'already in a call');
  }

  #assertAccount(): void {
    if (this.socket.data.guest)
      throw new ClientError('not_allowed', 'Guests join through their meeting link; they cannot start calls.');
  }

  async #resume(request: RequestOf<'resume'>): Promise<ReplyFirst<ResponseOf<'resume'>>> {
    if (this.#membership) throw new ClientError('already_joined', 'already in a call');
    const room = this.rooms.get(request.roomId);
    const { peer, admission } = room.resume(this.socket.data.userId, request.peerId, request.resumeToken, this.#link);
    this.#membership = { room, peer };
    // Boxes kept while the socket was away refer to the participants in the reply: they follow it.
    return new ReplyFirst(admission, () => room.attached(peer, this.#link));
  }

  /** This socket's hold on its peer. */
  readonly #link: PeerLink = {
    notify: gatherRelayedBoxes((event, payload) => {
      const emit = this.socket.emit.bind(this.socket) as (event: string, payload: unknown) => void;
      emit(event, payload);
    }),
    // A resume on another socket took our peer: forget it (our requests now
    // get not_joined, our disconnect suspends nothing) and hang up, since a
    // socket whose client reconnected elsewhere has nothing left to do.
    backlogBytes: () => socketBacklogBytes(this.socket),
    detach: () => {
      this.#membership = undefined;
      log.debug('a resume on another socket took over this socket’s peer');
      this.socket.disconnect(true);
    },
  };

  async #joined<T>(action: (membership: { room: Room; peer: Peer }) => Promise<T>): Promise<T> {
    if (!this.#membership || !this.#membership.room.has(this.#membership.peer)) {
      throw new ClientError('not_joined', 'join a call first');
    }
    return action(this.#membership);
  }
}

/**
 * Bytes queued on a socket and not yet handed to the network: engine.io's
 * write buffer (packets waiting for the transport) and the WebSocket's own
 * buffer. Neither is in socket.io's typed surface, hence the narrow reads.
 */
function socketBacklogBytes(socket: ParleySocket): number {
  const conn = socket.conn as unknown as {
    writeBuffer?: { data?: unknown }[];
    transport?: { socket?: { bufferedAmount?: unknown } };
  };
  let bytes = 0;
  for (const packet of conn.writeBuffer ?? []) bytes += typeof packet.data === 'string' ? packet.data.length : 0;
  const buffered = conn.transport?.socket?.bufferedAmount;
  return bytes + (typeof buffered === 'number' ? buffered : 0);
}
