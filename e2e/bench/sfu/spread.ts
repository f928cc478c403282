// bench:sfu's multi-worker run: one call (one VP8 and one Opus producer,
// SFrame ciphertext) whose consumers are placed exactly as Parley places a
// call's receivers (RouterGroup: the first worker until it carries its
// share, then a router on another worker, fed through a pipe), grown step by
// step, with a pool of 1 and then 2 workers. Each step reports every worker's
// CPU and the loss at a counting UDP sink; the call "sustains" a step when
// loss stays under the limit and no worker passes the CPU limit.
import { createSocket } from 'node:dgram';
import type { types } from 'mediasoup';
import { RouterGroup, WorkerPool } from '../../../server/src/sfu/index.js';
import { cpuSeconds } from '../../support/processCpu.js';
import { round } from '../report/stats.js';
import { RtpSender } from './rtpSender.js';

export type SpreadStep = {
  workers: number;
  consumers: number;
  /** Routers the call uses at this step. */
  routers: number;
  workerCpuPercent: number[];
  lossPercent: number;
  forwardedPacketsPerSecond: number;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function measureSpread(options: {
  workers: number;
  steps: number[];
  frames: { video: Uint8Array[]; audio: Uint8Array[] };
  secondsPerStep: number;
  consumersPerWorker: number;
  lossLimitPercent: number;
  cpuLimitPercent: number;
  onStep: (step: SpreadStep) => void;
}): Promise<{ steps: SpreadStep[]; sustained: number }> {
  const pool = await WorkerPool.create(options.workers);
  const group = new RouterGroup(await pool.createRouter(), pool, options.consumersPerWorker);
  const sink = createSocket({ type: 'udp4', recvBufferSize: 32 * 1024 * 1024 });
  let received = 0;
  sink.on('message', () => received++);
  await new Promise<void>((resolve) => sink.bind(0, '127.0.0.1', resolve));
  const ingress = await group.main.createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: true, comedia: true });
  const producers: types.Producer[] = [
    await ingress.produce({
      kind: 'video',
      rtpParameters: {
        codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }],
        encodings: [{ ssrc: 1111 }],
      },
    }),
    await ingress.produce({
      kind: 'audio',
      rtpParameters: {
        codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
        encodings: [{ ssrc: 2222 }],
      },
    }),
  ];
  const sender = new RtpSender(ingress.tuple.localPort);
  sender.add({ ssrc: 1111, payloadType: 101, clockRate: 90000, fps: 30, frames: options.frames.video, vp8: true });
  sender.add({ ssrc: 2222, payloadType: 100, clockRate: 48000, fps: 50, frames: options.frames.audio, vp8: false });
  const steps: SpreadStep[] = [];
  let consumers = 0;
  let sustained = 0;
  try {
    for (const target of options.steps) {
      for (; consumers < target; consumers++) {
        const router = await group.forReceiving();
        const egress = await router.createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: true, comedia: false });
        await egress.connect({ ip: '127.0.0.1', port: sink.address().port });
        for (const producer of producers) {
          await group.bring(producer.id, router);
          await egress.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
        }
      }
      sender.resume();
      await sleep(1500); // consumers wait for a keyframe
      const pids = pool.workerPids;
      const start = { at: performance.now(), cpu: pids.map(cpuSeconds), sent: sender.packetsSent, received };
      await sleep(options.secondsPerStep * 1000);
      const elapsed = (performance.now() - start.at) / 1000;
      const got = received - start.received;
      const expected = (sender.packetsSent - start.sent) * consumers;
      sender.pause();
      await sleep(300);
      const step: SpreadStep = {
        workers: options.workers,
        consumers,
        routers: group.routers.length,
        workerCpuPercent: pids.map((pid, i) => round(((cpuSeconds(pid) - (start.cpu[i] ?? 0)) / elapsed) * 100, 1)),
        lossPercent: round(Math.max(0, (1 - got / Math.max(1, expected)) * 100), 2),
        forwardedPacketsPerSecond: Math.round(got / elapsed),
      };
      steps.push(step);
      options.onStep(step);
      if (
        step.lossPercent >= options.lossLimitPercent ||
        step.workerCpuPercent.some((c) => c >= options.cpuLimitPercent)
      )
        break;
      sustained = consumers;
    }
  } finally {
    sender.close();
    sink.close();
    group.close();
    pool.close();
  }
  return { steps, sustained };
}
