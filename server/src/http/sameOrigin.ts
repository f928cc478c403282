import type { IncomingMessage } from 'node:http';

/**
 * True when the request's Origin names the host it was sent to. Browsers always
 * send Origin on WebSocket and cross-site requests, so a page on another site
 * cannot ride a user's cookie into our socket.
 */
export function isSameOrigin(request: IncomingMessage): boolean {
  const origin = request.headers.origin;
  const host = request.headers.host;
  if (!origin || !host) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false; // an unparsable Origin is not our origin
  }
}
