export { Room, type MediaNetwork } from './Room.js';
export { Peer, type Notify } from './Peer.js';
export { RoomRegistry } from './RoomRegistry.js';
export { limits } from './limits.js';
