// Guests in server tests: a socket.io client with a meeting link and no
// account, as a guest's browser connects (its own browser token, and an
// address of its own through the trusted proxy header).
import { randomBytes } from 'node:crypto';
import { io } from 'socket.io-client';
import { clientVersion } from '@parley/shared';
import type { TestSocket } from './startTestServer.js';

export const guestToken = (): string => randomBytes(32).toString('base64url');

export function connectGuest(
  baseUrl: string,
  link: { id: string; secret: string },
  token = guestToken(),
  address = '10.9.0.1',
): Promise<TestSocket> {
  const socket: TestSocket = io(baseUrl, {
    transports: ['websocket'],
    auth: { clientVersion, link: { id: link.id, secret: link.secret }, guestToken: token },
    extraHeaders: { Origin: baseUrl, 'X-Forwarded-For': address },
    reconnection: false,
    forceNew: true,
  });
  return new Promise<TestSocket>((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}
