// Every ceiling and rate a client meets, in one place (docs/architecture.md
// and docs/protocol.md quote these numbers). A logged-in client is not
// trusted to be kind: nothing it sends may grow server state, database
// writes or media-worker calls without bound.
import type { ClientRequestName, RequestOf } from '@parley/shared';
import type { Rate } from './rateLimit.js';

/** What one peer, room, user or session may hold at once. */
export const limits = {
  transportsPerPeer: 4,
  producersPerPeer: 4,
  consumersPerPeer: 200,
  peersPerRoom: 50,
  /** E2EE boxes kept for a peer whose socket dropped, until it resumes (oldest dropped first). */
  outboxPerPeer: 256,
  /** Each open call holds a mediasoup router; a call frees its slot when it closes. */
  openRoomsPerUser: 5,
  /** Each transport binds a UDP and a TCP port from the media range, across all the user's calls. */
  transportsPerUser: 12,
  /** Sockets: a browser tab holds one; a reconnecting tab briefly two. */
  socketsPerSession: 4,
  socketsPerUser: 10,
  /** Guests have no session: their sockets are counted per network address (a school shares one). */
  guestSocketsPerAddress: 60,
  /** Denials after which a person may not knock on that call again. */
  deniesBeforeBlock: 2,
  /** Sockets waiting for a meeting link's call to start. */
  waitingForHostPerLink: 200,
} as const;

/** The largest file relayed, in MB, unless the operator says otherwise (PARLEY_MAX_FILE_MB). */
export const defaultMaxFileMb = 100;

/** A chat recipient whose socket has this many bytes still to send gets no more file chunks until it drains. */
export const chatBacklogBytes = 1024 * 1024;

/**
 * Rates per peer, by kind of request. `others` is the number of other
 * participants in the call, for the kinds whose legitimate volume grows
 * with the call.
 */
export const peerRates = {
  /**
   * relayE2ee, per box (a request carries up to 256). When k people leave at once, every remaining sender rotates k
   * times: to each of the n − k − 1 others, a key and an acknowledgement of
   * theirs, 2k (n − k − 1) boxes, at most 1,200 in a 50-person call (k = 24).
   * Joining a full call costs 2 × 49 = 98. The bucket holds 64 + 32 per other
   * participant (1,632 in a 50-person call, 96 for two people) and refills
   * 8 + 4 per other a second (204/s, 12/s): a join or leave every second
   * needs 98/s. Sized by the call's largest size in the last minute (see
   * Room.charge), since the rotations after a mass departure come after it.
   */
  relay: { what: 'E2EE messages', rate: (others) => ({ capacity: 64 + 32 * others, perSecond: 8 + 4 * others }) },
  /**
   * requestKeyFrame: a receiver asks once per video stream of a sender whose
   * key it just got. Joining a full call: up to 2 × 49 = 98 at once (camera
   * and screen); the bucket holds 212 and refills 100/s in a 50-person call.
   * Deliberately below the worst case of a mass departure: a receiver already
   * decoding a stream needs no keyframe for a new key, and each refused
   * request is a keyframe the sender does not have to send to everyone.
   */
  keyFrame: { what: 'keyframe requests', rate: (others) => ({ capacity: 16 + 4 * others, perSecond: 2 + 2 * others }) },
  /** setPreferredLayers and resumeConsumer: once per stream received, on joining and as tiles resize. */
  consumerControl: { what: 'requests about received streams', rate: () => ({ capacity: 400, perSecond: 50 }) },
  /** connectTransport and restartIce: once per transport, again after a network change. */
  transportControl: { what: 'transport requests', rate: () => ({ capacity: 12, perSecond: 0.2 }) },
  /** produce, closeProducer, pauseProducer, resumeProducer, raiseHand: a person's clicks; each is told to everyone. */
  producerControl: { what: 'changes to your streams', rate: () => ({ capacity: 20, perSecond: 2 }) },
  /**
   * relayChat, in KiB delivered: an envelope costs its size (at least 1 KiB)
   * times the people it goes to, so one sender's files cost the server the
   * same egress whatever the size of the call: 32 MiB/s and an 8 MiB burst.
   * A 20 MB file to one person takes under a second of it; to 49 people the
   * same file is relayed at 0.65 MiB/s to each.
   */
  chat: {
    what: 'chat and file data',
    rate: () => ({ capacity: 8192, perSecond: 32_768 }),
  },
  /** relayChat messages (texts, file offers, cancellations): a person typing, and a few files at once. */
  chatMessages: { what: 'chat messages', rate: () => ({ capacity: 30, perSecond: 3 }) },
  /** deny, removePeer, lockRoom, muteParticipant, appointHost, lowerHand, endCall: a host's clicks. */
  hostAction: { what: 'host actions', rate: () => ({ capacity: 60, perSecond: 2 }) },
} satisfies Record<string, { what: string; rate: (others: number) => Rate }>;

export type PeerRateKind = keyof typeof peerRates;

/** Rates per user, for what is not tied to one peer. */
export const userRates = {
  /** Knocking on one call (entering its lobby): a person whose socket dropped knocks again. */
  knock: { capacity: 5, perSecond: 1 / 30 },
  /** Creating calls: each costs a mediasoup router. */
  createRoom: { capacity: 10, perSecond: 1 / 6 },
  /** Guests knocking from one address on one call (a school behind one NAT: a class at once, then slowly). */
  guestKnockPerAddress: { capacity: 30, perSecond: 1 / 10 },
  /** Knocks through one meeting link, whoever they come from (each is shown to every host). */
  linkKnock: { capacity: 60, perSecond: 1 / 5 },
} satisfies Record<string, Rate>;

/**
 * How each request is bounded. Every request is listed, so a new one fails to
 * compile until someone decides: a per-peer rate, or why it needs none.
 */
export const requestBounds = {
  createRoom: 'per user: open calls and a creation rate (RoomRegistry)',
  join: 'per user: a knock rate and a block after denials (HostControls)',
  resume: 'no state: compares a 256-bit token',
  // A host letting a town hall in admits hundreds at once; each admission takes one waiting knock.
  admit: 'per knock: admits one waiting peer, and knocks are rate-limited per user (HostControls)',
  deny: 'hostAction',
  removePeer: 'hostAction',
  lockRoom: 'hostAction',
  endCall: 'hostAction',
  muteParticipant: 'hostAction',
  appointHost: 'hostAction',
  allowMedia: 'hostAction',
  joinLink: 'per user, address and link: knock rates and a block after denials (HostControls)',
  linkInfo: 'no state: one database read, bounded by the socket limits',
  pauseProducer: 'producerControl',
  raiseHand: 'producerControl',
  lowerHand: 'hostAction',
  resumeProducer: 'producerControl',
  closeProducer: 'producerControl',
  produce: 'producerControl',
  setPreferredLayers: 'consumerControl',
  resumeConsumer: 'consumerControl',
  restartIce: 'transportControl',
  connectTransport: 'transportControl',
  createTransport: 'capped: per peer and per user, and transports only close with their peer',
  consume: 'capped: per peer, and consumers only come and go with producers',
  requestKeyFrame: 'keyFrame',
  announceE2ee: 'once per peer (E2eeRelay)',
  relayE2ee: 'relay',
  relayChat: 'chat',
} as const satisfies Record<ClientRequestName, PeerRateKind | `${string}: ${string}` | `once ${string}`>;

/** Rates a request's handler charges besides its own bound in `requestBounds` (ChatRelay: a text's own allowance). */
export const handlerCharges = { chatMessages: ['relayChat'] } as const satisfies Partial<
  Record<PeerRateKind, readonly ClientRequestName[]>
>;

/**
 * Tokens a request takes from its bucket: one, one per box for a batch of
 * E2EE boxes, or a chat envelope's KiB times the people it goes to (one,
 * or the `others` in the call).
 */
export function requestCost<K extends ClientRequestName>(name: K, request: RequestOf<K>, others: number): number {
  if (name === 'relayE2ee') return (request as RequestOf<'relayE2ee'>).boxes.length;
  if (name !== 'relayChat') return 1;
  const { envelope } = request as RequestOf<'relayChat'>;
  return Math.max(1, Math.ceil(envelope.ct.length / 1024)) * (envelope.to === '*' ? Math.max(1, others) : 1);
}

/** The per-peer rate kind of a request, if it has one. */
export function peerRateKindOf(name: ClientRequestName): PeerRateKind | undefined {
  const bound: string = requestBounds[name];
  return isPeerRateKind(bound) ? bound : undefined;
}

function isPeerRateKind(value: string): value is PeerRateKind {
  return Object.hasOwn(peerRates, value);
}

/** How long rooms and dropped peers are kept. Injectable so tests need not wait 20 s. */
export type RoomTimings = {
  /** Sensitive calls: how long a call goes on without any host before it ends for everyone. */
  noHostGraceMs: number;
  /** How long a peer whose socket dropped keeps its place (and its media) in the call. */
  reconnectGraceMs: number;
  /** A room nobody enters closes after this long. */
  unusedRoomMs: number;
};

export const defaultRoomTimings: RoomTimings = {
  noHostGraceMs: 60_000,
  reconnectGraceMs: 20_000,
  unusedRoomMs: 10 * 60_000,
};
