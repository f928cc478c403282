// A call bigger than one media worker, against real mediasoup workers: new
// calls go to the least-loaded worker, receivers spill onto another worker
// once the first carries its share of consumers, and consumers of one
// producer on two workers (one through a pipe) both receive its media.
import { createSocket, type Socket } from 'node:dgram';
import type { types } from 'mediasoup';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOf, RouterGroup, workerOf, WorkerPool } from '../src/sfu/index.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const opus = { mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 } as const;

/** A UDP sink that counts what a PlainTransport consumer sends it. */
async function sink(): Promise<{ socket: Socket; port: number; count: () => number }> {
  const socket = createSocket('udp4');
  let received = 0;
  socket.on('message', () => received++);
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { socket, port: socket.address().port, count: () => received };
}

/** A consumer of `producer` on a new PlainTransport of `router`, sending to a sink. */
async function receiver(group: RouterGroup, router: types.Router, producer: types.Producer) {
  const out = await sink();
  await group.bring(producer.id, router);
  const transport = await router.createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: true, comedia: false });
  await transport.connect({ ip: '127.0.0.1', port: out.port });
  await transport.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
  return out;
}

describe('a call over several media workers', () => {
  let pool: WorkerPool | undefined;
  const sockets: Socket[] = [];
  afterEach(() => {
    pool?.close();
    for (const socket of sockets.splice(0)) socket.close();
  });

  it('puts a new call on the least-loaded worker', async () => {
    pool = await WorkerPool.create(2);
    const first = await pool.createRouter();
    const second = await pool.createRouter();
    expect(workerOf(second)).not.toBe(workerOf(first)); // idle workers share new calls
    // Load the first worker with consumers: the next two calls go to the other one.
    const producer = await (
      await first.createPlainTransport({ listenIp: '127.0.0.1', comedia: true })
    ).produce({
      kind: 'audio',
      rtpParameters: { codecs: [opus], encodings: [{ ssrc: 1 }] },
    });
    const egress = await first.createPlainTransport({ listenIp: '127.0.0.1', comedia: true });
    for (let i = 0; i < 3; i++)
      await egress.consume({ producerId: producer.id, rtpCapabilities: first.rtpCapabilities });
    const worker = workerOf(first);
    expect(worker && loadOf(worker).consumers).toBe(3);
    expect(workerOf(await pool.createRouter())).toBe(workerOf(second));
    expect(workerOf(await pool.createRouter())).toBe(workerOf(second));
  });

  it('spreads receivers onto a second worker past its share, and both receive one producer’s media', async () => {
    pool = await WorkerPool.create(2);
    const group = new RouterGroup(await pool.createRouter(), pool, 1);
    const ingress = await group.main.createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: true, comedia: true });
    const producer = await ingress.produce({
      kind: 'audio',
      rtpParameters: { codecs: [opus], encodings: [{ ssrc: 7 }] },
    });

    const near = await group.forReceiving();
    expect(near).toBe(group.main); // nobody receives yet: stay on one worker
    const a = await receiver(group, near, producer);
    const far = await group.forReceiving();
    expect(far).not.toBe(group.main);
    expect(workerOf(far)).not.toBe(workerOf(group.main));
    const b = await receiver(group, far, producer);
    sockets.push(a.socket, b.socket);
    expect(await group.forReceiving()).toBe(far); // both full: no third worker to go to
    expect(group.routers).toHaveLength(2);

    // Plain Opus RTP into the producer.
    const sender = createSocket('udp4');
    sockets.push(sender);
    for (let seq = 0; seq < 50; seq++) {
      const packet = Buffer.alloc(12 + 3);
      packet[0] = 0x80;
      packet[1] = opus.payloadType;
      packet.writeUInt16BE(seq, 2);
      packet.writeUInt32BE(seq * 960, 4);
      packet.writeUInt32BE(7, 8);
      packet.set([0xf8, 0xff, 0xfe], 12);
      sender.send(packet, ingress.tuple.localPort, '127.0.0.1');
      await sleep(5);
    }
    await sleep(300);
    expect(a.count()).toBeGreaterThan(40);
    expect(b.count()).toBeGreaterThan(40);

    // The producer goes: its pipe goes with it, and the far router's consumer closes.
    producer.close();
    await sleep(100);
    const farWorker = workerOf(far);
    expect(farWorker && loadOf(farWorker).consumers).toBe(0);
  });
});
