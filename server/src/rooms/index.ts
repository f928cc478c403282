export { Room } from './Room.js';
export type { MediaNetwork, RoomHooks } from './RoomOptions.js';
export { Peer } from './Peer.js';
export type { Notify, PeerLink } from './Outbox.js';
export { RoomRegistry, type RoomCounts } from './RoomRegistry.js';
export { RejoinTickets, type RejoinGrant } from './RejoinTickets.js';
export { defaultRoomTimings, limits, peerRateKindOf, requestCost, type RoomTimings } from './limits.js';
export { Quota, TokenBucket } from './rateLimit.js';
export { MediaRequestError } from './mediaErrors.js';
