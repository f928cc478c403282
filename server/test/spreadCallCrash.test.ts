// One media worker of a call spread over two is killed (SIGKILL, as a crash
// would), against a real server with a real pool of two mediasoup workers and
// a share of two consumers per worker, so a three-person call's receivers
// spill onto the second worker and some of its streams reach them through a
// pipe. Either worker may die: the one the call sends to, or the one its
// receivers spilled onto (which the call's first router does not hear of).
// Each time the call moves whole: every router it had closes (the one on the
// surviving worker too, so nothing of it is left half-alive), everyone is
// told, and what everyone then sends and receives again spreads over live
// workers, each receiver's stream piped from where it is sent. The server's
// mediasoup objects are watched from outside, with mediasoup's observer API.
// (That media flows through such pipes is routerGroup.test.ts; that browsers
// decode again after a move is e2e/worker-crash.test.ts.)
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyServer } from '../src/ParleyServer.js';
import { callHelpers, sleep } from './support/calls.js';
import { startTestServer, type TestSocket } from './support/startTestServer.js';

/** Every router, and what is on it, that mediasoup makes in this process (the server's, here). */
function watchMediasoup() {
  const routers = new Map<types.Router, types.Worker>();
  const consumers = new Map<types.Consumer, types.Router>();
  /** Producers fed through a pipe: `${producerId} ${routerId}`. */
  const piped = new Set<string>();
  mediasoup.observer.on('newworker', (worker) =>
    worker.observer.on('newrouter', (router) => {
      routers.set(router, worker);
      router.observer.on('newtransport', (transport) => {
        transport.observer.on('newconsumer', (consumer) => {
          if (transport.type === 'webrtc') consumers.set(consumer, router);
        });
        transport.observer.on('newproducer', (producer) => {
          if (transport.type === 'pipe') piped.add(`${producer.id} ${router.id}`);
        });
      });
    }),
  );
  const live = () => [...routers.keys()].filter((router) => !router.closed);
  return {
    live,
    workerOf: (router: types.Router) => routers.get(router),
    /** What participants receive now: consumers on WebRTC transports, with their router. */
    receiving: () => [...consumers].filter(([consumer]) => !consumer.closed),
    isPiped: (producerId: string, router: types.Router) => piped.has(`${producerId} ${router.id}`),
  };
}

const microphone = (ssrc: number) => ({
  kind: 'audio',
  source: 'microphone',
  rtpParameters: {
    codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2 }],
    encodings: [{ ssrc }],
  },
});

type Restarted = { producers: { producerId: string }[] };

describe('a media worker of a call spread over two dies', () => {
  const seen = watchMediasoup();
  let server: ParleyServer;
  let baseUrl = '';
  const call = callHelpers(() => baseUrl);
  const { request, next } = call;
  let people: { socket: TestSocket; rtpCapabilities: unknown }[] = [];

  beforeAll(async () => {
    ({ server, baseUrl } = await startTestServer({ PARLEY_MEDIA_WORKERS: '2', PARLEY_CONSUMERS_PER_WORKER: '2' }));
    const { host, roomId } = await call.hostRoom();
    const a = await call.admitted(roomId, host);
    const b = await call.admitted(roomId, host);
    // The router's capabilities stand in for a browser's (mediasoup-client derives a device's from them).
    const { routerRtpCapabilities } = a.admission as unknown as { routerRtpCapabilities: unknown };
    people = [host, a.guest, b.guest].map((socket) => ({ socket, rtpCapabilities: routerRtpCapabilities }));
  });
  afterAll(async () => {
    call.closeAll();
    await server.close();
  });

  /** Everyone sends a microphone and receives the two others', as a client does on joining and after a move. */
  const sendAndReceiveAll = async () => {
    const produced: string[] = [];
    for (const [index, { socket }] of people.entries()) {
      const send = await request(socket, 'createTransport', { direction: 'send' });
      const reply = await request(socket, 'produce', {
        transportId: String(send.data?.transportId),
        ...microphone(1000 + index),
      });
      expect(reply).toMatchObject({ ok: true });
      produced.push(String(reply.data?.producerId));
    }
    for (const [index, { socket, rtpCapabilities }] of people.entries()) {
      const recv = await request(socket, 'createTransport', { direction: 'recv' });
      for (const producerId of produced.filter((_, i) => i !== index))
        expect(
          await request(socket, 'consume', {
            transportId: String(recv.data?.transportId),
            producerId,
            rtpCapabilities,
          }),
        ).toMatchObject({ ok: true });
    }
    return produced;
  };

  /** The call is on two routers on two live workers; all six streams are received, through a pipe where needed. */
  const expectSpread = (produced: string[]) => {
    const routers = seen.live();
    expect(routers).toHaveLength(2);
    const workers = new Set(routers.map((router) => seen.workerOf(router)));
    expect(workers.size).toBe(2);
    for (const worker of workers) expect(worker?.closed).toBe(false);
    const receiving = seen.receiving();
    expect(receiving).toHaveLength(6);
    expect(new Set(receiving.map(([consumer]) => consumer.producerId))).toEqual(new Set(produced));
    const [first] = routers; // the call's first router: where everything is sent
    const far = receiving.filter(([, router]) => router !== first);
    expect(far.length).toBeGreaterThan(0);
    for (const [consumer, router] of far) expect(seen.isPiped(consumer.producerId, router)).toBe(true);
    return routers;
  };

  /** Kills `worker`; resolves with what each person was told (undefined: not told within 10 s). */
  const kill = async (worker: types.Worker | undefined) => {
    const told = people.map(({ socket }) =>
      Promise.race([next(socket, 'mediaRestarted') as Promise<Restarted>, sleep(10_000).then(() => undefined)]),
    );
    const replaced = new Promise((resolve) => server.workerPool.once('workerreplaced', resolve));
    process.kill(worker?.pid ?? -1, 'SIGKILL');
    const restarted = await Promise.all(told);
    await replaced;
    return restarted;
  };

  it.each([
    ['the worker its receivers spilled onto', 1],
    ['the worker it sends to', 0],
  ])('moves the call whole when %s dies, and it spreads again', async (_, which) => {
    // Everyone sends and receives: on joining, or as told after the previous move.
    const produced = await sendAndReceiveAll();
    const before = expectSpread(produced);
    const victim = seen.workerOf(before[which] as types.Router);
    const survivor = before.find((router) => seen.workerOf(router) !== victim);
    expect(survivor).toBeDefined();

    const told = await kill(victim);
    expect(told.every((restarted) => restarted !== undefined)).toBe(true);
    // Whole: the router on the surviving worker closed with the rest; nothing is received any more.
    for (const router of before) expect(router.closed).toBe(true);
    expect(survivor?.closed).toBe(true);
    expect(seen.receiving()).toHaveLength(0);
    for (const router of seen.live()) expect(seen.workerOf(router)).not.toBe(victim);
  });

  it('works as before after both moves', async () => {
    expectSpread(await sendAndReceiveAll());
  });
});
