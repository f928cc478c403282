// PARLEY_HTTPS: Parley is reached over HTTPS (usually through a TLS proxy).
// Then the session cookie is Secure and __Host- prefixed, and every response
// asks browsers to use HTTPS only (HSTS); over plain HTTP, neither.
import { afterEach, describe, expect, it } from 'vitest';
import type { ParleyServer } from '../src/ParleyServer.js';
import { connectSocket, startTestServer } from './support/startTestServer.js';
import { totpCode } from './support/users.js';

const password = 'violet tractor whispers under marmalade';

describe.each([
  { https: true, origin: (port: number) => `https://127.0.0.1:${port}`, cookieName: '__Host-parley_session' },
  { https: false, origin: (port: number) => `http://127.0.0.1:${port}`, cookieName: 'parley_session' },
])('served with PARLEY_HTTPS=$https', ({ https, origin: originOf, cookieName }) => {
  let server: ParleyServer | undefined;
  afterEach(() => server?.close());
  const start = async () => {
    const started = await startTestServer({ PARLEY_HTTPS: String(https) });
    server = started.server;
    return { baseUrl: started.baseUrl, origin: originOf(started.server.port) };
  };
  const post = (baseUrl: string, origin: string, path: string, body: unknown) =>
    fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: origin },
      body: JSON.stringify(body),
    });
  /** Signs up as a browser on that origin would, and returns the Set-Cookie line of the session. */
  const signUp = async (baseUrl: string, origin: string, username: string) => {
    const started = (await (await post(baseUrl, origin, '/api/register', { username, password })).json()) as {
      enrolmentId: string;
      totpSecret: string;
    };
    const confirmed = await post(baseUrl, origin, '/api/register/confirm', {
      enrolmentId: started.enrolmentId,
      code: await totpCode(started.totpSecret),
    });
    expect(confirmed.status).toBe(200);
    const [setCookie] = confirmed.headers.getSetCookie();
    return setCookie ?? '';
  };

  it(`names the session cookie ${cookieName}, ${https ? 'Secure, Path=/ and no Domain' : 'without Secure'}`, async () => {
    const { baseUrl, origin } = await start();
    const setCookie = await signUp(baseUrl, origin, `cookie${String(https)}`);
    expect(setCookie.startsWith(`${cookieName}=`)).toBe(true);
    const attributes = setCookie.split(';').map((a) => a.trim().toLowerCase());
    expect(attributes).toContain('path=/');
    expect(attributes).toContain('httponly');
    expect(attributes).toContain('samesite=strict');
    expect(attributes.some((a) => a.startsWith('domain'))).toBe(false);
    expect(attributes.includes('secure')).toBe(https);

    const cookie = setCookie.split(';')[0] ?? '';
    const account = await fetch(`${baseUrl}/api/account`, { headers: { Cookie: cookie } });
    expect(account.status).toBe(200);
    const socket = await connectSocket(baseUrl, cookie, origin);
    socket.close();
    if (https) {
      // The unprefixed name, as a subdomain or a plain-HTTP page could set it, is not the session.
      const unprefixed = cookie.replace('__Host-', '');
      expect((await fetch(`${baseUrl}/api/account`, { headers: { Cookie: unprefixed } })).status).toBe(401);
    }
  });

  it(`${https ? 'sends' : 'does not send'} Strict-Transport-Security on every response`, async () => {
    const { baseUrl, origin } = await start();
    const responses = [
      await fetch(`${baseUrl}/`),
      await fetch(`${baseUrl}/healthz`),
      await fetch(`${baseUrl}/assets/missing.js`),
      await fetch(`${baseUrl}/api/account`),
      await fetch(`${baseUrl}/api/no-such-endpoint`),
      await post(baseUrl, origin, '/api/login', { username: 'nobody', password: 'wrong' }),
      await fetch(`${baseUrl}/socket.io/?EIO=4&transport=polling`, { headers: { Origin: origin } }),
    ];
    for (const response of responses) {
      expect(response.headers.get('strict-transport-security'), response.url).toBe(https ? 'max-age=31536000' : null);
    }
  });
});
