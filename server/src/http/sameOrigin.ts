// Same-origin checks for state-changing API requests and socket handshakes.
// Protects: a user's session cookie against being ridden by another site's
// page (cross-site request forgery, cross-site WebSocket hijacking).
// Against: a page on another site, or on our host under the other scheme
// (a plain-HTTP page injected by a man in the middle must not act for an
// HTTPS deployment).
// Assumes: browsers always send Origin on WebSocket and cross-site requests;
// the Host header reaches us as the browser sent it (a proxy passes it on);
// Deployment says honestly whether Parley is reached over HTTPS and through
// which proxies.
import type { IncomingMessage } from 'node:http';
import { fromTrustedProxy, type ProxyTrust } from './clientAddress.js';

/** How Parley is reached: over HTTPS or not (PARLEY_HTTPS), and through which reverse proxies. */
export type Deployment = { https: boolean; proxies: ProxyTrust };

/**
 * The scheme pages of ours are served over: https when PARLEY_HTTPS says so,
 * or when a trusted proxy says, in X-Forwarded-Proto, that the browser spoke
 * TLS to it; http otherwise. With several proxies the first value is the one
 * that faced the browser (as Express reads it).
 */
export function requestScheme(request: IncomingMessage, deployment: Deployment): 'https' | 'http' {
  if (deployment.https) return 'https';
  if (!fromTrustedProxy(request, deployment.proxies)) return 'http';
  const forwarded = request.headers['x-forwarded-proto'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim().toLowerCase();
  return first === 'https' ? 'https' : 'http';
}

/** True when the request's Origin is exactly ours: scheme, host and port. */
export function isSameOrigin(request: IncomingMessage, deployment: Deployment): boolean {
  const origin = request.headers.origin;
  const host = request.headers.host;
  if (!origin || !host) return false;
  try {
    // Through URL, so default ports and letter case compare as browsers mean them.
    return new URL(origin).origin === new URL(`${requestScheme(request, deployment)}://${host}`).origin;
  } catch {
    return false; // an unparsable Origin or Host is not our origin
  }
}
