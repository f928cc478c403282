// What a room is given from outside the call: how media reaches browsers,
// and hooks into the rest of the server.
import type { ChatEnvelope } from '@parley/shared';
import type { types } from 'mediasoup';
import type { RouterGroup } from '../sfu/RouterGroup.js';
import type { RoomTimings } from './limits.js';
import type { RejoinTickets } from './RejoinTickets.js';
import type { ProducerAppData } from './Peer.js';
import type { Quota } from './rateLimit.js';

export type MediaNetwork = {
  /** For each admission: TURN relays with fresh credentials, if the operator configured one. */
  iceServers: () => { urls: string[]; username?: string; credential?: string }[];
  listenIp: string;
  announcedAddress: string | undefined;
  minPort: number;
  maxPort: number;
};

/** What a room needs from outside the call. */
export type RoomHooks = {
  /** Records a device's public identity key under its account. */
  rememberIdentityKey(userId: string, publicKey: string): Promise<void>;
  /** A single-use meeting link admitted its person: end it. */
  spendLink?: (linkId: string) => void;
  /** Test-only media tap (PARLEY_TEST_MEDIA_TAP): sees every new producer. */
  /** Test-only chat tap (PARLEY_TEST_MEDIA_TAP): sees every envelope relayed, as relayed. */
  onChatRelayed?: (from: string, envelope: ChatEnvelope) => void;
  onProducer?: (router: types.Router, producer: types.Producer<ProducerAppData>) => void;
};

/** What every room of a server shares: the network, the hooks, timings and per-user quotas across rooms. */
export type RoomContext = {
  network: MediaNetwork;
  hooks: RoomHooks;
  timings: RoomTimings;
  /** People in one call, admitted and waiting (PARLEY_MAX_CALL_SIZE; `limits.peersPerRoom` by default). */
  maxCallSize: number;
  /** The largest file relayed in a call, in bytes (PARLEY_MAX_FILE_MB). */
  maxFileBytes: number;
  /** Consumers a media worker carries before a call spreads onto another (PARLEY_CONSUMERS_PER_WORKER). */
  consumersPerWorker: number;
  /** Media transports per user, across all their calls (each binds ports from the media range). */
  transportsPerUser: Quota;
  /** Rejoin tickets, for coming back after a server restart. */
  tickets: RejoinTickets;
  /** New routers for a call, starting on a live media worker: for calls whose worker died (MediaRecovery). */
  newRouters: () => Promise<RouterGroup>;
};
