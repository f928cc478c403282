// The session cookie. HttpOnly and SameSite=Strict always. When Parley is
// reached over HTTPS it is also Secure and named with the __Host- prefix,
// which browsers accept only from a secure page, for Path=/ and with no
// Domain: a sibling subdomain or a plain-HTTP man in the middle cannot plant
// or overwrite it (session fixation). Over plain HTTP the prefix would make
// browsers drop the cookie, so it is left off there.
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { parse } from 'hono/utils/cookie';

const baseName = 'parley_session';

export type CookiePolicy = { https: boolean; maxAgeSeconds: number };

/** The cookie's full name under a policy: __Host-parley_session over HTTPS, parley_session otherwise. */
export function sessionCookieName(policy: Pick<CookiePolicy, 'https'>): string {
  return policy.https ? `__Host-${baseName}` : baseName;
}

const prefixOf = (policy: Pick<CookiePolicy, 'https'>) => (policy.https ? 'host' : undefined);

export function setSessionCookie(c: Context, token: string, policy: CookiePolicy): void {
  setCookie(c, baseName, token, {
    httpOnly: true,
    sameSite: 'Strict',
    secure: policy.https,
    path: '/',
    maxAge: policy.maxAgeSeconds,
    prefix: prefixOf(policy),
  });
}

export function clearSessionCookie(c: Context, policy: CookiePolicy): void {
  deleteCookie(c, baseName, {
    path: '/',
    secure: policy.https,
    httpOnly: true,
    sameSite: 'Strict',
    prefix: prefixOf(policy),
  });
}

export function sessionTokenFrom(c: Context, policy: CookiePolicy): string | undefined {
  return getCookie(c, baseName, prefixOf(policy));
}

/** The session token in a raw Cookie header (the socket.io handshake has no Hono context). */
export function sessionTokenFromHeader(
  cookieHeader: string | undefined,
  policy: Pick<CookiePolicy, 'https'>,
): string | undefined {
  if (!cookieHeader) return undefined;
  const name = sessionCookieName(policy);
  return parse(cookieHeader, name)[name];
}
