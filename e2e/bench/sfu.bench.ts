// npm run bench:sfu — what end-to-end encryption costs the server, and how
// many consumers one mediasoup worker sustains. Real frames (captured from
// Chromium's fake camera and microphone through Parley's media tap) are sent
// by a synthetic RTP sender into a PlainTransport, either as they are or as
// real SFrame ciphertext (Parley's MediaEncryptor), and forwarded to a
// growing number of consumers (PlainTransports into a counting UDP sink).
// At each step both payloads are measured one after the other (A B, then
// B A at the next step), so machine drift cancels. It stops at packet loss, CPU saturation or the cap.
// Then the multi-worker run (sfu/spread.ts): one call's consumers placed as
// Parley places them (RouterGroup), with 1 and with 2 workers.
// Settings: BENCH_MAX_CONSUMERS (1000), BENCH_SECONDS per step and payload (4),
// BENCH_WORKERS (1,2), BENCH_MAX_SPREAD (1700: consumers in the multi-worker run).
import { createSocket } from 'node:dgram';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { afterAll, expect, it } from 'vitest';
import { MediaEncryptor, randomBaseKey } from '@parley/shared/e2ee';
import { mediaCodecs } from '../../server/src/sfu/mediaCodecs.js';
import { cpuSeconds } from '../support/processCpu.js';
import { environment } from './report/environment.js';
import { round } from './report/stats.js';
import { progress, writeReport } from './report/writeReport.js';
import { captureFrames } from './sfu/captureFrames.js';
import { RtpSender } from './sfu/rtpSender.js';
import { measureSpread, type SpreadStep } from './sfu/spread.js';
import { defaultConsumersPerWorker } from '../../server/src/sfu/index.js';

const parameters = {
  steps: [1, 10, 25, 50, 100, 200, 300, 400, 500, 700, 1000].filter(
    (n) => n <= Number(process.env.BENCH_MAX_CONSUMERS ?? 1000),
  ),
  secondsPerStep: Number(process.env.BENCH_SECONDS ?? 4),
  lossLimitPercent: 1,
  cpuLimitPercent: 90,
  videoFps: 30,
  audioFps: 50,
  spread: {
    workers: (process.env.BENCH_WORKERS ?? '1,2').split(',').map(Number),
    steps: [100, 300, 500, 700, 900, 1100, 1300, 1500, 1700].filter(
      (n) => n <= Number(process.env.BENCH_MAX_SPREAD ?? 1700),
    ),
    consumersPerWorker: defaultConsumersPerWorker,
  },
};

type Payload = 'codec frames' | 'SFrame ciphertext';
type StepResult = {
  consumers: number;
  payload: Payload;
  workerCpuPercent: number;
  /** Worker CPU per forwarded stream (each consumer forwards one video and one audio stream). */
  cpuPercentPerStream: number;
  /** Worker CPU time per forwarded packet. */
  cpuUsPerPacket: number;
  lossPercent: number;
  forwardedPacketsPerSecond: number;
  sentKbps: number;
};

let worker: types.Worker | undefined;
afterAll(() => worker?.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One router fed by one sender, with consumers added step by step, counted by one UDP sink. */
async function pipeline(frames: { video: Uint8Array[]; audio: Uint8Array[] }) {
  if (!worker) throw new Error('no worker');
  const router = await worker.createRouter({ mediaCodecs });
  const ingress = await router.createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: true, comedia: true });
  const video = await ingress.produce({
    kind: 'video',
    rtpParameters: {
      codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }],
      encodings: [{ ssrc: 1111 }],
    },
  });
  const audio = await ingress.produce({
    kind: 'audio',
    rtpParameters: {
      codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
      encodings: [{ ssrc: 2222 }],
    },
  });
  const sink = createSocket({ type: 'udp4', recvBufferSize: 32 * 1024 * 1024 });
  let received = 0;
  sink.on('message', () => received++);
  await new Promise<void>((resolve) => sink.bind(0, '127.0.0.1', resolve));
  const sinkPort = sink.address().port;
  let consumers = 0;
  const sender = new RtpSender(ingress.tuple.localPort);
  sender.add({
    ssrc: 1111,
    payloadType: 101,
    clockRate: 90000,
    fps: parameters.videoFps,
    frames: frames.video,
    vp8: true,
  });
  sender.add({
    ssrc: 2222,
    payloadType: 100,
    clockRate: 48000,
    fps: parameters.audioFps,
    frames: frames.audio,
    vp8: false,
  });
  return {
    async growTo(count: number) {
      for (; consumers < count; consumers++) {
        const egress = await router.createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: true, comedia: false });
        await egress.connect({ ip: '127.0.0.1', port: sinkPort });
        for (const producer of [video, audio])
          await egress.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
      }
    },
    async measure(seconds: number) {
      sender.resume();
      await sleep(1500); // consumers wait for a keyframe; let them all start
      const pid = worker?.pid ?? 0;
      const start = {
        at: performance.now(),
        cpu: cpuSeconds(pid),
        sent: sender.packetsSent,
        bytes: sender.bytesSent,
        received,
      };
      await sleep(seconds * 1000);
      const elapsed = (performance.now() - start.at) / 1000;
      const cpu = cpuSeconds(pid) - start.cpu;
      const sent = sender.packetsSent - start.sent;
      const bytes = sender.bytesSent - start.bytes;
      const got = received - start.received;
      sender.pause();
      await sleep(300);
      const expected = sent * consumers;
      return {
        workerCpuPercent: round((cpu / elapsed) * 100, 1),
        cpuPercentPerStream: round(((cpu / elapsed) * 100) / (2 * consumers), 3),
        cpuUsPerPacket: round((cpu * 1e6) / Math.max(1, got), 2),
        lossPercent: round(Math.max(0, (1 - got / Math.max(1, expected)) * 100), 2),
        forwardedPacketsPerSecond: Math.round(got / elapsed),
        sentKbps: round((bytes * 8) / elapsed / 1000, 1),
      };
    },
    close() {
      sender.close();
      sink.close();
      router.close();
    },
  };
}

it('measures worker CPU per forwarded stream and consumers per worker, codec frames vs SFrame ciphertext', async () => {
  progress('sfu', 'capturing real VP8 and Opus frames from Chromium through the media tap…');
  const captured = await captureFrames(8);
  expect(captured.video.length).toBe(30);
  expect(captured.audio.length).toBeGreaterThan(50);
  const encryptor = new MediaEncryptor();
  await encryptor.setKey(1, 0, randomBaseKey());
  const encrypt = async (kind: 'audio' | 'video', list: Uint8Array<ArrayBuffer>[]) =>
    Promise.all(list.map(async (f) => (await encryptor.encrypt(kind, f)) ?? new Uint8Array(0)));
  const payloads: Record<Payload, { video: Uint8Array[]; audio: Uint8Array[] }> = {
    'codec frames': captured,
    'SFrame ciphertext': {
      video: await encrypt('video', captured.video),
      audio: await encrypt('audio', captured.audio),
    },
  };
  progress(
    'sfu',
    `${captured.video.length} video and ${captured.audio.length} audio frames; starting a mediasoup worker`,
  );

  worker = await mediasoup.createWorker({ logLevel: 'warn' });
  const pipes = {
    'codec frames': await pipeline(payloads['codec frames']),
    'SFrame ciphertext': await pipeline(payloads['SFrame ciphertext']),
  };
  const results: StepResult[] = [];
  let sustained = 0;
  for (const [step, consumers] of parameters.steps.entries()) {
    let ok = true;
    // Which payload goes first alternates, so neither always runs on a warmer (or busier) machine.
    const order = ['codec frames', 'SFrame ciphertext'] as const;
    for (const payload of step % 2 === 0 ? order : [...order].reverse()) {
      await pipes[payload].growTo(consumers);
      const measured = await pipes[payload].measure(parameters.secondsPerStep);
      results.push({ consumers, payload, ...measured });
      progress(
        'sfu',
        `${consumers} consumers, ${payload}: worker ${measured.workerCpuPercent} % CPU, loss ${measured.lossPercent} %`,
      );
      if (
        measured.lossPercent >= parameters.lossLimitPercent ||
        measured.workerCpuPercent >= parameters.cpuLimitPercent
      )
        ok = false;
    }
    if (!ok) break;
    sustained = consumers;
  }
  for (const pipe of Object.values(pipes)) pipe.close();
  worker?.close();
  worker = undefined;

  const spread: { workers: number; steps: SpreadStep[]; sustained: number }[] = [];
  for (const workers of parameters.spread.workers) {
    progress('sfu', `one call over ${workers} worker(s), SFrame ciphertext, consumers placed by RouterGroup…`);
    const run = await measureSpread({
      workers,
      steps: parameters.spread.steps,
      frames: payloads['SFrame ciphertext'],
      secondsPerStep: parameters.secondsPerStep,
      consumersPerWorker: parameters.spread.consumersPerWorker,
      lossLimitPercent: parameters.lossLimitPercent,
      cpuLimitPercent: parameters.cpuLimitPercent,
      onStep: (step) =>
        progress(
          'sfu',
          `${workers} worker(s), ${step.consumers} consumers on ${step.routers} router(s): worker CPU ${step.workerCpuPercent.join(' / ')} %, loss ${step.lossPercent} %`,
        ),
    });
    spread.push({ workers, ...run });
  }

  const ofPayload = (payload: Payload) => results.filter((r) => r.payload === payload);
  const steps = [...new Set(results.map((r) => r.consumers))];
  const perPacket = (payload: Payload) => {
    const values = ofPayload(payload)
      .filter((r) => r.consumers >= 10)
      .map((r) => r.cpuUsPerPacket)
      .sort((a, b) => a - b);
    return values[Math.floor(values.length / 2)] ?? NaN;
  };
  const ratio = round(perPacket('SFrame ciphertext') / perPacket('codec frames'), 3);
  const summary = [
    `one mediasoup worker sustained ${sustained} consumers (each one video + one audio stream) with < ${parameters.lossLimitPercent} % loss and < ${parameters.cpuLimitPercent} % CPU${sustained === parameters.steps.at(-1) ? ' (the cap of this run, not a limit found)' : ''}`,
    `worker CPU per forwarded packet, median over steps ≥ 10 consumers: ${perPacket('codec frames')} µs with codec frames, ${perPacket('SFrame ciphertext')} µs with SFrame ciphertext (ratio ${ratio})`,
    `the sender, the sink and the worker share this machine's ${environment().machine.cores} cores: loss can come from the sink before the worker`,
    ...spread.map(
      (run) =>
        `one call over ${run.workers} worker(s) (receivers spread past ${parameters.spread.consumersPerWorker} consumers per worker): sustained ${run.sustained} consumers${run.sustained === parameters.spread.steps.at(-1) ? ' (the cap of this run)' : ''}`,
    ),
  ];
  writeReport({
    name: 'sfu',
    summary,
    parameters,
    environment: environment({ capturedFrom: captured.browser }),
    tables: [
      {
        title: 'one call over several workers (SFrame ciphertext)',
        columns: ['workers', 'consumers', 'routers', 'CPU % per worker', 'loss %', 'forwarded pkt/s'],
        rows: spread.flatMap((run) =>
          run.steps.map((step) => [
            run.workers,
            step.consumers,
            step.routers,
            step.workerCpuPercent.join(' / '),
            step.lossPercent,
            step.forwardedPacketsPerSecond,
          ]),
        ),
      },
      {
        title: 'per step',
        columns: [
          'consumers',
          'payload',
          'worker CPU %',
          'CPU % per stream',
          'CPU µs per packet',
          'loss %',
          'forwarded pkt/s',
          'sent kbps',
        ],
        rows: results.map((r) => [
          r.consumers,
          r.payload,
          r.workerCpuPercent,
          r.cpuPercentPerStream,
          r.cpuUsPerPacket,
          r.lossPercent,
          r.forwardedPacketsPerSecond,
          r.sentKbps,
        ]),
      },
    ],
    charts: [
      ...spread.map((run) => ({
        title: `one call over ${run.workers} worker(s): CPU of each worker by number of consumers`,
        unit: '% of one core',
        labels: run.steps.map((step) => String(step.consumers)),
        series: Array.from({ length: run.workers }, (_, w) => ({
          name: `worker ${w + 1}`,
          values: run.steps.map((step) => step.workerCpuPercent[w] ?? NaN),
        })),
      })),
      {
        title: 'mediasoup worker CPU by number of consumers',
        unit: '% of one core',
        labels: steps.map(String),
        series: (['codec frames', 'SFrame ciphertext'] as const).map((payload) => ({
          name: payload,
          values: steps.map((n) => ofPayload(payload).find((r) => r.consumers === n)?.workerCpuPercent ?? NaN),
        })),
      },
    ],
    data: { results, sustained, spread },
  });
  expect(results.length).toBeGreaterThan(0);
}, 600_000);
