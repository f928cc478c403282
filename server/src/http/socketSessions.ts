// A socket lives exactly as long as the session it was opened with.
// Protects: calls against a session that has ended (logout, revocation,
// password change, deletion, expiry) keeping its sockets, and so its place
// in a call; and a person in a long call against being logged out as idle.
// Assumes: the handshake has put the session's id in socket.data
// (requireSession), and periodic maintenance purges idle and expired
// sessions, which emits 'ended' for them.
import type { Sessions } from '../auth/sessions.js';
import { createLogger, errorSummary } from '../logging/index.js';
import type { ParleyIo } from '../signaling/index.js';

const log = createLogger('http.socketSessions');

/** Binds sockets to their sessions; returns the function that unbinds them. */
export function bindSocketsToSessions(io: ParleyIo, sessions: Sessions): () => void {
  const onEnded = (ended: string[]) => {
    const gone = new Set(ended);
    for (const socket of io.sockets.sockets.values())
      if (socket.data.sessionId !== undefined && gone.has(socket.data.sessionId)) socket.disconnect(true);
  };
  sessions.on('ended', onEnded);
  io.on('connection', (socket) => {
    // Every message is activity; Sessions writes it down at most once an hour,
    // and the message does not wait for that write.
    const sessionId = socket.data.sessionId;
    if (sessionId === undefined) return; // a guest: no session to keep alive
    socket.use((_event, next) => {
      sessions
        .recordActivity(sessionId)
        .catch((error: unknown) => log.warn({ err: errorSummary(error) }, 'could not record session activity'));
      next();
    });
  });
  return () => sessions.off('ended', onEnded);
}
