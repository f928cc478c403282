// Per-user and per-peer limits against a real server, with parallel requests
// (the normal case for an attacker): exactly the allowance succeeds, the rest
// get limit_reached with a clear message, and nothing is done for them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyServer } from '../src/ParleyServer.js';
import { limits, peerRates, userRates } from '../src/rooms/limits.js';
import type { Rate } from '../src/rooms/rateLimit.js';
import { anotherSession, callHelpers, sleep, type Reply } from './support/calls.js';
import { connectSocket, type TestSocket } from './support/startTestServer.js';
import { startTestServer } from './support/startTestServer.js';

const uuid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

describe('limits', () => {
  let server: ParleyServer;
  let baseUrl = '';
  const call = callHelpers(() => baseUrl);
  const { request } = call;

  beforeAll(async () => {
    ({ server, baseUrl } = await startTestServer());
  });
  afterAll(async () => {
    call.closeAll();
    await server.close();
  });

  /** Sends `count` requests at once; returns the replies and how long they took. */
  const burst = async (count: number, send: (i: number) => Promise<Reply>) => {
    const started = performance.now();
    const replies = await Promise.all(Array.from({ length: count }, (_, i) => send(i)));
    return { replies, elapsedMs: performance.now() - started };
  };
  /** A bucket lets through its capacity, plus what it refilled while the burst was under way. */
  const expectBucket = (passed: number, rate: Rate, elapsedMs: number, usedBefore = 0) => {
    expect(passed).toBeGreaterThanOrEqual(rate.capacity - usedBefore);
    expect(passed).toBeLessThanOrEqual(rate.capacity - usedBefore + Math.ceil((rate.perSecond * elapsedMs) / 1000));
  };
  const refused = (replies: Reply[]) => replies.filter((reply) => reply.error?.code === 'limit_reached');

  it('lets one user hold at most 5 open calls: 50 parallel creations, exactly 5; a closed call frees its slot', async () => {
    const socket = await call.connect();
    const { replies } = await burst(50, () => request(socket, 'createRoom', {}));
    const created = replies.filter((reply) => reply.ok);
    expect(created).toHaveLength(limits.openRoomsPerUser);
    expect(refused(replies)).toHaveLength(50 - limits.openRoomsPerUser);
    expect(refused(replies)[0]?.error?.message).toMatch(/at most 5 open calls/);

    const roomId = String(created[0]?.data?.roomId);
    expect(await request(socket, 'join', { roomId, displayName: 'Me' })).toMatchObject({ ok: true });
    expect(await request(socket, 'endCall', {})).toMatchObject({ ok: true });
    expect(await request(socket, 'createRoom', {})).toMatchObject({ ok: true });
    expect(await request(socket, 'createRoom', {})).toMatchObject({ error: { code: 'limit_reached' } });
  });

  it('refuses sockets beyond 4 per session and 10 per user in the handshake', async () => {
    const { user, socket: first } = await call.connectUser();
    const attempt = (cookie: string) =>
      connectSocket(baseUrl, cookie).then(
        (socket) => (call.sockets.push(socket), socket),
        (error: Error) => error,
      );
    const sameSession = await Promise.all(Array.from({ length: 5 }, () => attempt(user.cookie)));
    const refusedSockets = sameSession.filter((s): s is Error => s instanceof Error);
    expect(refusedSockets).toHaveLength(2); // 4 with `first`
    expect(refusedSockets[0]?.message).toBe('limit_reached');

    const second = await anotherSession(baseUrl, user, 0);
    const third = await anotherSession(baseUrl, user, 1);
    const more = await Promise.all([
      ...Array.from({ length: 4 }, () => attempt(second)),
      ...Array.from({ length: 4 }, () => attempt(third)),
    ]);
    expect(more.filter((s) => s instanceof Error)).toHaveLength(2); // 10 for the user

    // A closed socket frees its place.
    const gone = new Promise((resolve) => first.once('disconnect', resolve));
    first.close();
    await gone;
    await sleep(100);
    expect(await attempt(third)).not.toBeInstanceOf(Error);
  });

  it('rate-limits knocks per person and call', async () => {
    const { roomId } = await call.hostRoom();
    const { user } = await call.connectUser();
    const second = await anotherSession(baseUrl, user, 0);
    const sockets: TestSocket[] = [];
    for (let i = 0; i < 4; i++) sockets.push(await call.connectAs(i < 3 ? user.cookie : second));
    const knocks = await Promise.all(sockets.map((s) => request(s, 'join', { roomId, displayName: 'Knocker' })));
    expect(knocks.filter((reply) => reply.ok)).toHaveLength(4);
    // Hang up two, knock from two fresh sockets at once: one knock is left.
    for (const socket of sockets.slice(0, 2)) socket.close();
    const fresh = [await call.connectAs(second), await call.connectAs(second)];
    const again = await Promise.all(fresh.map((s) => request(s, 'join', { roomId, displayName: 'Knocker' })));
    expect(again.filter((reply) => reply.ok)).toHaveLength(userRates.knock.capacity - 4);
    expect(refused(again)[0]?.error?.message).toMatch(/too many knocks/);
  });

  it('turns away all devices of a person denied twice, and refuses their next knock', async () => {
    const { host, roomId } = await call.hostRoom();
    // Denied twice: the second denial turns away all their devices and they cannot knock again.
    const { user: pest, socket: pestSocket } = await call.connectUser();
    const pestDevice = await call.connectAs(pest.cookie);
    const waitingNow = () => request(pestSocket, 'join', { roomId, displayName: 'Pest' });
    const firstKnock = await waitingNow();
    expect(await request(host, 'deny', { peerId: String(firstKnock.data?.peerId) })).toMatchObject({ ok: true });
    const secondKnock = await waitingNow();
    const otherDeviceKnock = await request(pestDevice, 'join', { roomId, displayName: 'Pest' });
    expect(otherDeviceKnock).toMatchObject({ ok: true, data: { status: 'waiting' } });
    const denials = [pestSocket, pestDevice].map((socket) => call.collect(socket, 'leftCall'));
    expect(await request(host, 'deny', { peerId: String(secondKnock.data?.peerId) })).toMatchObject({ ok: true });
    const thirdKnock = await request(pestSocket, 'join', { roomId, displayName: 'Pest' });
    expect(thirdKnock).toMatchObject({ ok: false, error: { code: 'blocked' } });
    expect(thirdKnock.error?.message).toMatch(/turned you away/);
    await sleep(100);
    expect(denials).toEqual([[{ reason: 'denied' }], [{ reason: 'denied' }]]);
    expect(await request(pestDevice, 'join', { roomId, displayName: 'Pest' })).toMatchObject({
      error: { code: 'blocked' },
    });
    // Nobody else is affected.
    await call.knock(roomId, host);
  });

  it('rate-limits E2EE relay per peer, with a bucket that grows with the call', async () => {
    const { host, roomId } = await call.hostRoom();
    const member = await call.admitted(roomId, host);
    const delivered = call.collect(member.guest, 'e2eeRelayed');
    const { replies, elapsedMs } = await burst(150, (i) =>
      request(host, 'relayE2ee', { boxes: [{ to: member.peerId, box: `box${i}` }] }),
    );
    const passed = replies.filter((reply) => reply.ok).length;
    expectBucket(passed, peerRates.relay.rate(1), elapsedMs);
    expect(refused(replies)).toHaveLength(150 - passed);
    expect(refused(replies)[0]?.error?.message).toMatch(/too many E2EE messages/);
    await sleep(200);
    expect(delivered.flatMap((event) => (event as { boxes: unknown[] }).boxes)).toHaveLength(passed);
  });

  it('charges a batch of boxes per box, and refuses a batch the bucket cannot pay for whole', async () => {
    const { host, roomId } = await call.hostRoom();
    const member = await call.admitted(roomId, host);
    const delivered = call.collect(member.guest, 'e2eeRelayed');
    const capacity = peerRates.relay.rate(1).capacity;
    const batch = (n: number, tag: string) =>
      Array.from({ length: n }, (_, i) => ({ to: member.peerId, box: `${tag}${i}` }));
    expect(await request(host, 'relayE2ee', { boxes: batch(capacity - 10, 'a') })).toMatchObject({
      ok: true,
      data: { undelivered: [] },
    });
    // 20 more do not fit into the 10 left: none of them is relayed.
    const over = await request(host, 'relayE2ee', { boxes: batch(20, 'b') });
    expect(over.error?.code).toBe('limit_reached');
    await sleep(200);
    expect(delivered.flatMap((event) => (event as { boxes: unknown[] }).boxes)).toHaveLength(capacity - 10);
    // A box for someone not in the call (or for oneself) comes back undelivered; the others go.
    const stranger = uuid(7);
    const mixed = await request(host, 'relayE2ee', {
      boxes: [{ to: stranger, box: 'c0' }, ...batch(1, 'c')],
    });
    expect(mixed).toMatchObject({ ok: true, data: { undelivered: [stranger] } });
  });

  it('caps transports per peer and per user before asking the media worker', async () => {
    const { host, roomId, hostUser } = await call.hostRoom();
    const devices = [host];
    for (let i = 0; i < 3; i++) {
      const device = await call.connectAs(hostUser.cookie);
      expect(await request(device, 'join', { roomId, displayName: `Host ${i}` })).toMatchObject({ ok: true });
      devices.push(device);
    }
    const perDevice = await Promise.all(
      devices.map((device) =>
        Promise.all(Array.from({ length: 6 }, () => request(device, 'createTransport', { direction: 'recv' }))),
      ),
    );
    for (const replies of perDevice) expect(replies.filter((r) => r.ok).length).toBeLessThanOrEqual(4);
    expect(perDevice.flat().filter((r) => r.ok)).toHaveLength(limits.transportsPerUser);
    expect(refused(perDevice.flat())).toHaveLength(24 - limits.transportsPerUser);
  });

  it('rate-limits requests that reach the media worker or are told to everyone', async () => {
    const { host, roomId } = await call.hostRoom();
    await call.admitted(roomId, host);
    const cases = [
      { kind: 'keyFrame', send: (i: number) => request(host, 'requestKeyFrame', { consumerId: uuid(i) }) },
      { kind: 'transportControl', send: (i: number) => request(host, 'restartIce', { transportId: uuid(i) }) },
      { kind: 'producerControl', send: (i: number) => request(host, 'pauseProducer', { producerId: uuid(i) }) },
      {
        kind: 'consumerControl',
        send: (i: number) => request(host, 'setPreferredLayers', { consumerId: uuid(i), spatialLayer: 0 }),
      },
      // Admitting the member cost no host action: admissions are bounded by knocks.
      { kind: 'hostAction', send: (i: number) => request(host, 'lockRoom', { locked: i % 2 === 0 }) },
    ] as const;
    for (const { kind, send } of cases) {
      const rate = peerRates[kind].rate(1);
      const { replies, elapsedMs } = await burst(rate.capacity + 30, send);
      // Refused or not, each request was charged before anything was looked up.
      const charged = replies.filter((reply) => reply.error?.code !== 'limit_reached').length;
      expectBucket(charged, rate, elapsedMs);
      expect(refused(replies)[0]?.error?.message).toMatch(new RegExp(`too many ${peerRates[kind].what}`));
    }
  });
});
