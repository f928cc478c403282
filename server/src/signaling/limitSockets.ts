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
  return (socket, next) => {
    let releaseSession: () => void;
    let releaseUser: () => void;
    try {
      releaseSession = perSession.reserve(socket.data.sessionId);
    } catch {
      return next(refusal());
    }
    try {
      releaseUser = perUser.reserve(socket.data.userId);
    } catch {
      releaseSession();
      return next(refusal());
    }
    const release = () => {
      releaseSession();
      releaseUser();
    };
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
