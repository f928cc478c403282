// The operator's metrics port, against a real server: off unless configured,
// counts what a call holds while it lasts, and is back at zero once everyone
// has gone (what the load benchmark's leak check relies on).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerCounts as Metrics } from '../src/http/index.js';
import type { ParleyServer } from '../src/ParleyServer.js';
import { callHelpers, sleep } from './support/calls.js';
import { startTestServer } from './support/startTestServer.js';

describe('metrics', () => {
  let server: ParleyServer;
  let baseUrl = '';
  const call = callHelpers(() => baseUrl);

  beforeAll(async () => {
    ({ server, baseUrl } = await startTestServer({ PARLEY_METRICS_PORT: '0' }));
  });
  afterAll(async () => {
    call.closeAll();
    await server.close();
  });

  const metrics = async () => (await (await fetch(`http://127.0.0.1:${server.metricsPort}/metrics`)).json()) as Metrics;

  it('is off unless configured', async () => {
    const plain = await startTestServer();
    try {
      expect(plain.server.metricsPort).toBeUndefined();
    } finally {
      await plain.server.close();
    }
  });

  it('counts a call while it lasts and nothing once it is over', async () => {
    const before = await metrics();
    const { host, roomId } = await call.hostRoom();
    const member = await call.admitted(roomId, host);
    expect((await call.request(member.guest, 'createTransport', { direction: 'send' })).ok).toBe(true);
    const during = await metrics();
    expect(during).toMatchObject({ rooms: before.rooms + 1, peers: before.peers + 2, transports: 1, mediaWorkers: 1 });
    expect(during.sockets).toBeGreaterThanOrEqual(2);
    expect(during.openFds).toBeGreaterThan(0);
    expect(during.rssBytes).toBeGreaterThan(during.heapUsedBytes);
    host.close();
    member.guest.close();
    await sleep(300);
    expect(await metrics()).toMatchObject({
      rooms: 0,
      peers: 0,
      transports: 0,
      producers: 0,
      consumers: 0,
      sockets: 0,
    });
    expect((await fetch(`http://127.0.0.1:${server.metricsPort}/other`)).status).toBe(404);
  });
});
