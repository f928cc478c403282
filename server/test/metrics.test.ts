// /metrics: Prometheus's text format with counts only, refused through the
// public proxy; and TURN credentials minted for each admission.
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { turnPassword } from '../src/turn/index.js';
import type { ParleyServer } from '../src/ParleyServer.js';
import { callHelpers } from './support/calls.js';
import { startTestServer } from './support/startTestServer.js';
import { post } from './support/users.js';

const turnSecret = 'metrics-test-secret-shared-with-the-relay';

/** GET from a chosen local address (127.0.0.2 plays the proxy). */
function get(
  port: number,
  path: string,
  localAddress: string,
): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, localAddress }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, type: String(response.headers['content-type']), body }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** One sample's value: `name{labels} value`. */
function sample(body: string, series: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('/metrics and per-admission TURN credentials', () => {
  let server: ParleyServer;
  let baseUrl = '';
  const calls = callHelpers(() => baseUrl);

  beforeAll(async () => {
    ({ server, baseUrl } = await startTestServer({
      PARLEY_TRUSTED_PROXIES: '127.0.0.2',
      PARLEY_TURN_URLS: 'turn:203.0.113.7:3478?transport=udp',
      PARLEY_TURN_SECRET: turnSecret,
    }));
  });
  afterAll(async () => {
    calls.closeAll();
    await server?.close();
  });

  it('gives each admitted person TURN credentials of their own, minted from the shared secret', async () => {
    const { host, roomId } = await calls.hostRoom();
    const guest = await calls.admitted(roomId, host);
    const servers = (
      guest.admission as unknown as { iceServers: { urls: string[]; username: string; credential: string }[] }
    ).iceServers;
    expect(servers).toHaveLength(1);
    const [relay] = servers;
    expect(relay?.urls).toEqual(['turn:203.0.113.7:3478?transport=udp']);
    const [expiry] = (relay?.username ?? '').split(':');
    expect(Number(expiry) - Date.now() / 1000).toBeGreaterThan(11 * 3600);
    expect(relay?.credential).toBe(turnPassword(turnSecret, relay?.username ?? ''));
    expect(JSON.stringify(servers)).not.toContain(turnSecret);
  });

  it('serves counts only, in Prometheus text format, to a direct request', async () => {
    const { host, roomId, hostUser } = await calls.hostRoom();
    const guest = await calls.admitted(roomId, host);
    await calls.knock(roomId, host);
    const refused = await post(baseUrl, '/api/login', { username: hostUser.username, password: 'not the password' });
    expect(refused.status).toBe(401);

    const { status, type, body } = await get(server.port, '/metrics', '127.0.0.1');
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(sample(body, 'parley_rooms')).toBe(2);
    expect(sample(body, 'parley_participants')).toBe(4);
    expect(sample(body, 'parley_lobby_waiting')).toBe(1);
    expect(sample(body, 'parley_media_workers')).toBe(1);
    expect(sample(body, 'parley_media_worker_cpu_seconds_total{worker="0"}')).toBeGreaterThan(0);
    expect(sample(body, 'parley_login_failures_total{step="password",reason="invalid_credentials"}')).toBe(1);
    expect(sample(body, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    // Nobody is named: no username, room id, peer id, display name or address.
    for (const secret of [hostUser.username, guest.user.username, roomId, guest.peerId, 'Guest', 'Host', '127.0.0.1'])
      expect(body).not.toContain(secret);
  });

  it('answers 404 to a request relayed by the trusted (public) proxy', async () => {
    const relayed = await get(server.port, '/metrics', '127.0.0.2');
    expect(relayed.status).toBe(404);
    expect(relayed.body).not.toContain('parley_');
  });
});
