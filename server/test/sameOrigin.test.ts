// State-changing API requests and socket handshakes must come from a page of
// ours: the whole origin (scheme, host, port), not the host alone, so a page
// served over plain HTTP (say, by a man in the middle) cannot act for an
// HTTPS deployment, nor the other way round.
import { afterEach, describe, expect, it } from 'vitest';
import type { ParleyServer } from '../src/ParleyServer.js';
import { connectSocket, startTestServer } from './support/startTestServer.js';
import { registerUser } from './support/users.js';

describe('same-origin checks compare the scheme too', () => {
  let server: ParleyServer | undefined;
  afterEach(() => server?.close());
  const start = async (env: Record<string, string>) => {
    const started = await startTestServer(env);
    server = started.server;
    return { baseUrl: started.baseUrl, host: `127.0.0.1:${started.server.port}` };
  };
  /** The API's answer to a state-changing request from `origin`: 403 when refused as cross-site. */
  const apiStatus = async (baseUrl: string, origin: string, headers: Record<string, string> = {}) =>
    (
      await fetch(`${baseUrl}/api/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: origin, ...headers },
        body: JSON.stringify({ username: 'nobody', password: 'a guess at it' }),
      })
    ).status;
  /** Whether a socket handshake from `origin` is let in, with the session of someone who signed up on `page`. */
  const socketAccepted = async (
    baseUrl: string,
    page: string,
    origin: string,
    headers: Record<string, string> = {},
  ) => {
    const { cookie } = await registerUser(baseUrl, { origin: page, headers });
    try {
      (await connectSocket(baseUrl, cookie, origin, undefined, headers)).close();
      return true;
    } catch {
      return false; // refused: the test looks at which
    }
  };

  it('refuses https:// pages on a plain-HTTP server', async () => {
    const { baseUrl, host } = await start({ PARLEY_HTTPS: 'false' });
    expect(await apiStatus(baseUrl, `https://${host}`)).toBe(403);
    expect(await apiStatus(baseUrl, `http://${host}`)).toBe(401);
    expect(await socketAccepted(baseUrl, `http://${host}`, `https://${host}`)).toBe(false);
    expect(await socketAccepted(baseUrl, `http://${host}`, `http://${host}`)).toBe(true);
  });

  it('refuses http:// pages when Parley is served over HTTPS', async () => {
    const { baseUrl, host } = await start({ PARLEY_HTTPS: 'true' });
    expect(await apiStatus(baseUrl, `http://${host}`)).toBe(403);
    expect(await apiStatus(baseUrl, `https://${host}`)).toBe(401);
    expect(await socketAccepted(baseUrl, `https://${host}`, `http://${host}`)).toBe(false);
    expect(await socketAccepted(baseUrl, `https://${host}`, `https://${host}`)).toBe(true);
  });

  it('believes X-Forwarded-Proto from a trusted proxy only', async () => {
    const trusted = await start({ PARLEY_TRUSTED_PROXIES: '127.0.0.1' });
    const viaTls = { 'X-Forwarded-Proto': 'https' };
    expect(await apiStatus(trusted.baseUrl, `https://${trusted.host}`, viaTls)).toBe(401);
    expect(await apiStatus(trusted.baseUrl, `http://${trusted.host}`, viaTls)).toBe(403);
    const tls = `https://${trusted.host}`;
    expect(await socketAccepted(trusted.baseUrl, tls, tls, viaTls)).toBe(true);
    expect(await socketAccepted(trusted.baseUrl, tls, `http://${trusted.host}`, viaTls)).toBe(false);
    await server?.close();

    const untrusted = await start({ PARLEY_TRUSTED_PROXIES: '' });
    expect(await apiStatus(untrusted.baseUrl, `https://${untrusted.host}`, viaTls)).toBe(403);
    expect(
      await socketAccepted(untrusted.baseUrl, `http://${untrusted.host}`, `https://${untrusted.host}`, viaTls),
    ).toBe(false);
  });
});
