import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyServer } from '../src/ParleyServer.js';
import { startTestServer } from './support/startTestServer.js';

describe('HTTP', () => {
  let server: ParleyServer;
  let baseUrl: string;
  beforeAll(async () => {
    ({ server, baseUrl } = await startTestServer());
  });
  afterAll(() => server.close());

  it('reports health with the number of media workers', async () => {
    const response = await fetch(`${baseUrl}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', mediaWorkers: 1 });
  });

  it('serves the client with a CSP that allows no third-party origin', async () => {
    const response = await fetch(`${baseUrl}/`);
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/https?:|wss?:|\*/);
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('falls back to index.html for client routes and refuses other methods', async () => {
    expect((await fetch(`${baseUrl}/some/route`)).status).toBe(200);
    expect((await fetch(`${baseUrl}/`, { method: 'POST' })).status).toBe(405);
  });
});
