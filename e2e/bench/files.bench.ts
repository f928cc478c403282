// npm run bench:files — a file through the server between two browsers
// (Chromium sends, Firefox receives, end-to-end encrypted chunks over the
// signaling socket), and what it does to the call they are in: decoded
// video fps and the video jitter-buffer delay at the receiver, measured over
// the same length of time before and during the transfer. Asserts only that
// it measured; the numbers go to docs/benchmarks.md.
// Settings: BENCH_FILE_MB (50), BENCH_WINDOW_S (10, the baseline window).
import { afterAll, expect, it } from 'vitest';
import type { Diagnostics } from '@parley/shared';
import { launchChromium, launchFirefox, type TestBrowser, type TestPage } from '../support/browsers.js';
import { decodingVideos, joinCall, roomLink } from '../support/call.js';
import { dropFile, openChat, receivedDigest } from '../support/chat.js';
import { startServer, type RunningServer } from '../support/startServer.js';
import { waitFor } from '../support/waitFor.js';
import { environment } from './report/environment.js';
import { round } from './report/stats.js';
import { progress, writeReport } from './report/writeReport.js';

const fileMb = Number(process.env.BENCH_FILE_MB ?? 50);
const windowS = Number(process.env.BENCH_WINDOW_S ?? 10);

let server: RunningServer | undefined;
const browsers: TestBrowser[] = [];
afterAll(async () => {
  await Promise.all(browsers.map((b) => b.close()));
  await server?.stop();
});

type Sample = { at: number; stats: Diagnostics | undefined };
const sample = async (page: TestPage): Promise<Sample> => ({
  at: performance.now(),
  stats: await page.evaluate(async () => (window.parleyDiagnostics ? await window.parleyDiagnostics() : undefined)),
});
function media(a: Sample, b: Sample): { fps: number; jitterMs: number } {
  const video = (s: Sample) => s.stats?.inbound.filter((i) => i.kind === 'video') ?? [];
  const sum = (s: Sample, pick: (i: Diagnostics['inbound'][number]) => number) =>
    video(s).reduce((t, i) => t + pick(i), 0);
  const delta = (pick: (i: Diagnostics['inbound'][number]) => number) => sum(b, pick) - sum(a, pick);
  const seconds = (b.at - a.at) / 1000;
  return {
    fps: round(delta((i) => i.framesDecoded) / seconds, 1),
    jitterMs: round(
      (delta((i) => i.jitterBufferDelay) /
        Math.max(
          1,
          delta((i) => i.jitterBufferEmittedCount),
        )) *
        1000,
      1,
    ),
  };
}

it('measures file throughput through the server and its effect on a concurrent call', async () => {
  server = await startServer({ PARLEY_LOG_LEVEL: 'warn' });
  const trust = { trustedOrigin: server.baseUrl };
  const chromium = await launchChromium(trust);
  const firefox = await launchFirefox(trust);
  browsers.push(chromium, firefox);
  const sender = await joinCall(chromium, server.baseUrl, `${server.baseUrl}/call`, 'Sender');
  const receiver = await joinCall(firefox, server.baseUrl, await roomLink(sender), 'Receiver');
  await sender.clickButton('Admit Receiver');
  await waitFor(
    () => decodingVideos(receiver),
    (n) => n >= 1,
    60_000,
  );
  await waitFor(
    () => decodingVideos(sender),
    (n) => n >= 1,
    60_000,
  );
  await openChat(sender);
  await openChat(receiver);
  await new Promise((resolve) => setTimeout(resolve, 3000)); // past the first keyframes and layer switches

  progress('files', `baseline: ${windowS} s of the call without a transfer`);
  const before = await sample(receiver);
  await new Promise((resolve) => setTimeout(resolve, windowS * 1000));
  const baseline = media(before, await sample(receiver));

  progress('files', `sending ${fileMb} MB from Chromium to Firefox`);
  const name = 'bench.bin';
  const start = await sample(receiver);
  const sent = await dropFile(sender, name, fileMb * 1024 * 1024);
  const digest = await waitFor(
    () => receivedDigest(receiver, name),
    (d) => d !== undefined,
    600_000,
    100,
  );
  const end = await sample(receiver);
  expect(digest).toBe(sent);
  const seconds = (end.at - start.at) / 1000;
  const during = media(start, end);
  const mbPerSecond = round(fileMb / seconds, 2);

  writeReport({
    name: 'files',
    summary: [
      `${fileMb} MB, Chromium → server → Firefox, end-to-end encrypted over the signaling socket: ${round(seconds, 1)} s, ${mbPerSecond} MB/s (${round(mbPerSecond * 8, 1)} Mbit/s).`,
      `Receiver's decoded video: ${baseline.fps} fps before, ${during.fps} fps during; jitter-buffer delay ${baseline.jitterMs} ms before, ${during.jitterMs} ms during.`,
    ],
    parameters: { fileMb, windowS, chunkBytes: 32 * 1024, chunksInFlight: 8 },
    environment: environment({ chromium: chromium.version, firefox: firefox.version }),
    tables: [
      {
        title: 'File transfer and the call around it (receiver: Firefox)',
        columns: ['phase', 'seconds', 'MB/s', 'decoded fps', 'jitter-buffer ms'],
        rows: [
          ['call only', windowS, '–', baseline.fps, baseline.jitterMs],
          [`call + ${fileMb} MB file`, round(seconds, 1), mbPerSecond, during.fps, during.jitterMs],
        ],
      },
    ],
    charts: [
      {
        title: 'The call while a file goes through',
        unit: '',
        labels: ['decoded fps', 'jitter-buffer ms'],
        series: [
          { name: 'call only', values: [baseline.fps, baseline.jitterMs] },
          { name: 'during the transfer', values: [during.fps, during.jitterMs] },
        ],
      },
    ],
    data: { baseline, during, seconds, mbPerSecond },
  });
  expect(seconds).toBeGreaterThan(0);
});
