import type { Server } from 'socket.io';
import type { ClientToServerEvents, Identity, ServerToClientEvents } from '@parley/shared';
import type { LinkGrant, MeetingLinks } from '../links/index.js';
import type { RoomRegistry } from '../rooms/index.js';
import { SignalingSession } from './SignalingSession.js';

/** What the handshake learned, from the session or a meeting link; never from a request. */
export type SocketData = {
  /** An account's id, or a guest's (derived from their browser's token and the link: stable across reconnects). */
  userId: string;
  /** Accounts: the session the socket lives as long as. Guests have none. */
  sessionId: string | undefined;
  identity: Identity;
  /** Guests: the meeting link that let them in, and their address's key for knock limits (memory only). */
  guest?: { link: LinkGrant; addressKey: string };
};

export type ParleyIo = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export function attachSignaling(io: ParleyIo, rooms: RoomRegistry, links: MeetingLinks): void {
  io.on('connection', (socket) => new SignalingSession(socket, rooms, links));
}
