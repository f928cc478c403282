// The size of a call is the operator's choice (PARLEY_MAX_CALL_SIZE, 50 by
// default): the next person to knock is refused with a message naming the
// limit, and admitting a crowd costs the host no host actions (each
// admission takes one waiting knock, and knocks are limited per person).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/index.js';
import type { ParleyServer } from '../src/ParleyServer.js';
import { limits, peerRates } from '../src/rooms/limits.js';
import { callHelpers } from './support/calls.js';
import { startTestServer } from './support/startTestServer.js';

describe('the configured call size', () => {
  let server: ParleyServer;
  let baseUrl = '';
  const call = callHelpers(() => baseUrl);
  const size = 3;

  beforeAll(async () => {
    ({ server, baseUrl } = await startTestServer({ PARLEY_MAX_CALL_SIZE: String(size) }));
  });
  afterAll(async () => {
    call.closeAll();
    await server.close();
  });

  it('defaults to limits.peersPerRoom and refuses what is not a size (and likewise consumers per worker)', () => {
    expect(loadConfig({}).calls.maxSize).toBe(limits.peersPerRoom);
    expect(loadConfig({ PARLEY_MAX_CALL_SIZE: '1000' }).calls.maxSize).toBe(1000);
    for (const bad of ['1', '1001', 'many', '2.5'])
      expect(() => loadConfig({ PARLEY_MAX_CALL_SIZE: bad }), bad).toThrow(/PARLEY_MAX_CALL_SIZE/);
    // How many consumers a media worker carries before a call spreads onto another (mediasoup advises ~500).
    expect(loadConfig({}).calls.consumersPerWorker).toBe(500);
    expect(loadConfig({ PARLEY_CONSUMERS_PER_WORKER: '40' }).calls.consumersPerWorker).toBe(40);
    expect(() => loadConfig({ PARLEY_CONSUMERS_PER_WORKER: '0' })).toThrow(/PARLEY_CONSUMERS_PER_WORKER/);
  });

  it('lets in as many people as configured, waiting ones included, and refuses the next with the limit named', async () => {
    const { host, roomId } = await call.hostRoom();
    await call.admitted(roomId, host);
    await call.knock(roomId, host); // waiting in the lobby: counts too
    const { socket: late } = await call.connectUser();
    const refused = await call.request(late, 'join', { roomId, displayName: 'Late' });
    expect(refused.error?.code).toBe('limit_reached');
    expect(refused.error?.message).toMatch(new RegExp(`at most ${size} participants per room`));
  });

  it('admits more people than a burst of host actions allows', async () => {
    const { server: big, baseUrl: bigUrl } = await startTestServer({ PARLEY_MAX_CALL_SIZE: '80' });
    const crowd = callHelpers(() => bigUrl);
    try {
      const { host, roomId } = await crowd.hostRoom();
      const knocks = [];
      for (let i = 0; i < peerRates.hostAction.rate().capacity + 5; i++) knocks.push(await crowd.knock(roomId, host));
      const replies = await Promise.all(knocks.map(({ peerId }) => crowd.request(host, 'admit', { peerId })));
      expect(replies.filter((reply) => !reply.ok)).toEqual([]);
    } finally {
      crowd.closeAll();
      await big.close();
    }
    // Signs up a crowd one by one (argon2 each): 12 s alone, more beside browser tests.
  }, 60_000);
});
