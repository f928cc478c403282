export { Room } from './Room.js';
export type { MediaNetwork, RoomHooks } from './RoomOptions.js';
export { Peer, type Notify } from './Peer.js';
export { RoomRegistry } from './RoomRegistry.js';
export { defaultRoomTimings, limits, type RoomTimings } from './limits.js';
