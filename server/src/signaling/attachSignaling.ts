import type { Server } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '@parley/shared';
import type { RoomRegistry } from '../rooms/index.js';
import { SignalingSession } from './SignalingSession.js';

export type ParleyIo = Server<ClientToServerEvents, ServerToClientEvents>;

export function attachSignaling(io: ParleyIo, rooms: RoomRegistry): void {
  io.on('connection', (socket) => new SignalingSession(socket, rooms));
}
