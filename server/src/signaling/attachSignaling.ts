import type { Server } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '@parley/shared';
import type { RoomRegistry } from '../rooms/index.js';
import { SignalingSession } from './SignalingSession.js';

/** What the handshake learned: set from the session, never from the client. */
export type SocketData = { userId: string; sessionId: string };

export type ParleyIo = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export function attachSignaling(io: ParleyIo, rooms: RoomRegistry): void {
  io.on('connection', (socket) => new SignalingSession(socket, rooms));
}
