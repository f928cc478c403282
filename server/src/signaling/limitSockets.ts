// How many sockets one session and one account may hold open. Each socket can
// join a call and bind ports from the media range through its transports, so
// one logged-in user must not open them without bound. Refused in the
// handshake, with a fixed code the page understands, like 'unauthenticated'.
import { limits, Quota } from '../rooms/index.js';
import type { ParleySocket } from './SignalingSession.js';

type Middleware = (socket: ParleySocket, next: (error?: Error) => void) => void;

/** socket.io middleware; runs after the session check has set `socket.data`. */
export function limitSockets(): Middleware {
  const perSession = new Quota(limits.socketsPerSession, 'open connections per session');
  const perUser = new Quota(limits.socketsPerUser, 'open connections per account');
  const perGuestAddress = new Quota(limits.guestSocketsPerAddress, 'guest connections per network');
  return (socket, next) => {
    // Accounts per session and per account; guests per guest and per address (they have no session).
    const { sessionId, userId, guest } = socket.data;
    const holds: { quota: Quota; key: string }[] = [
      ...(sessionId !== undefined ? [{ quota: perSession, key: sessionId }] : []),
      { quota: perUser, key: userId },
      ...(guest ? [{ quota: perGuestAddress, key: guest.addressKey }] : []),
    ];
    const releases: (() => void)[] = [];
    for (const { quota, key } of holds) {
      try {
        releases.push(quota.reserve(key));
      } catch {
        for (const undo of releases) undo();
        return next(refusal());
      }
    }
    const release = () => releases.forEach((undo) => undo());
    // The connection, not the socket: if it closes before the handshake ends,
    // socket.io drops the socket without a 'disconnect' event.
    socket.conn.once('close', release);
    socket.once('disconnect', release);
    if (socket.conn.readyState !== 'open') release();
    next();
  };
}

function refusal(): Error & { data: { message: string } } {
  return Object.assign(new Error('limit_reached'), {
    data: { message: 'Too many open connections for this account: close another tab or device first.' },
  });
}
