// Headers on every HTTP response. The Content-Security-Policy allows our own
// origin only: no CDN, no font service, no analytics, no inline script.
import type { ServerResponse } from 'node:http';

const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "worker-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const securityHeaders: Readonly<Record<string, string>> = {
  'Content-Security-Policy': contentSecurityPolicy,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Permissions-Policy': 'camera=(self), microphone=(self), display-capture=(self), geolocation=(), payment=(), usb=()',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * Over HTTPS, browsers are also told to use nothing else for a year (HSTS).
 * No includeSubDomains: Parley cannot know what else runs under its parent
 * domain, and would break those sites' plain-HTTP pages. No preload either:
 * that is the operator's decision, and hard to undo.
 */
export function responseHeaders(policy: { https: boolean }): Readonly<Record<string, string>> {
  return policy.https ? { ...securityHeaders, 'Strict-Transport-Security': 'max-age=31536000' } : securityHeaders;
}

export function applySecurityHeaders(response: ServerResponse, policy: { https: boolean }): void {
  for (const [name, value] of Object.entries(responseHeaders(policy))) response.setHeader(name, value);
}
