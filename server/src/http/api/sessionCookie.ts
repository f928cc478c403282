import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { parse } from 'hono/utils/cookie';

export const sessionCookieName = 'parley_session';

export type CookiePolicy = { secure: boolean; maxAgeSeconds: number };

export function setSessionCookie(c: Context, token: string, policy: CookiePolicy): void {
  setCookie(c, sessionCookieName, token, {
    httpOnly: true,
    sameSite: 'Strict',
    secure: policy.secure,
    path: '/',
    maxAge: policy.maxAgeSeconds,
  });
}

export function clearSessionCookie(c: Context, policy: CookiePolicy): void {
  deleteCookie(c, sessionCookieName, { path: '/', secure: policy.secure, httpOnly: true, sameSite: 'Strict' });
}

export function sessionTokenFrom(c: Context): string | undefined {
  return getCookie(c, sessionCookieName);
}

/** The session token in a raw Cookie header (the socket.io handshake has no Hono context). */
export function sessionTokenFromHeader(cookieHeader: string | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  return parse(cookieHeader, sessionCookieName)[sessionCookieName];
}
