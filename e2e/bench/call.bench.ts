// npm run bench:call — N people (default 2: a call that leaves this 2-core
// machine idle enough to measure encryption rather than contention) in a
// call, each in their own headless Chromium, with E2EE on, pass-through
// (transforms that copy frames without SFrame) and off alternated in the same
// run (A B C A B C …) so that machine drift cancels out. Per participant: CPU
// time of their browser's processes, decoded frames per second, jitter-buffer
// delay, bytes sent and received, time from joining to the first decoded
// remote frame; inside the E2EE worker, the time each frame spends in the
// encode-side and decode-side transforms and each WebCrypto call; with E2EE
// on, the time from a leave to the new key being in use. Headline: the
// ratios E2EE on ÷ off, per round, with their spread.
// Settings: BENCH_PARTICIPANTS (2), BENCH_ROUNDS (5), BENCH_SECONDS (15),
// BENCH_MODES (on,pass-through,off).
import { afterAll, expect, it } from 'vitest';
import type { Diagnostics } from '@parley/shared';
import { launchChromium, type TestBrowser, type TestPage } from '../support/browsers.js';
import { registerViaApi } from '../support/accounts.js';
import { decodingVideos, joinCall, roomLink } from '../support/call.js';
import { findProcess, treeCpuSeconds } from '../support/processCpu.js';
import { startServer, type RunningServer } from '../support/startServer.js';
import { waitFor } from '../support/waitFor.js';
import { environment } from './report/environment.js';
import { round, summarize } from './report/stats.js';
import { progress, writeReport } from './report/writeReport.js';
import { breakdownTable, frameTimings, latencySummary, latencyTable, type TimedPhase } from './call/workerTimings.js';
import { ratioLines } from './call/ratios.js';

const parameters = {
  participants: Number(process.env.BENCH_PARTICIPANTS ?? 2),
  rounds: Number(process.env.BENCH_ROUNDS ?? 5),
  measureSeconds: Number(process.env.BENCH_SECONDS ?? 15),
  browser: 'chromium',
  /** Compared in this order every round; 'pass-through' adds transforms that copy frames without SFrame. */
  modes: (process.env.BENCH_MODES ?? 'on,pass-through,off').split(',') as Mode[],
};

type Mode = 'on' | 'off' | 'pass-through';
type ParticipantResult = {
  participant: number;
  cpuPercent: number;
  decodedFps: number;
  jitterBufferMs: number;
  sentKbps: number;
  receivedKbps: number;
  /** SFrame bytes this participant's sender added, as a bit rate (E2EE on only). */
  sframeKbps: number;
  joinToFirstFrameMs: number | undefined;
};
type Phase = TimedPhase & {
  mode: Mode;
  participants: ParticipantResult[];
  leaveToNewKeyMs: number | undefined;
};

let server: RunningServer | undefined;
const browsers: TestBrowser[] = [];
afterAll(async () => {
  await Promise.all(browsers.map((b) => b.close()));
  await server?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const diagnostics = (page: TestPage) =>
  page.evaluate(async () => (window.parleyDiagnostics ? await window.parleyDiagnostics() : undefined));
const sframeBytesSent = (page: TestPage) =>
  page.evaluate(() =>
    (window.parleyE2ee?.statuses() ?? [])
      .filter((s) => s.direction === 'send')
      .reduce((sum, s) => sum + s.overheadBytes, 0),
  );

type Sample = { at: number; cpu: number; stats: Diagnostics | undefined; sframe: number };

async function sample(page: TestPage, pid: number): Promise<Sample> {
  return {
    at: performance.now(),
    cpu: treeCpuSeconds(pid),
    stats: await diagnostics(page),
    sframe: await sframeBytesSent(page),
  };
}

function compare(a: Sample, b: Sample, remotes: number): Omit<ParticipantResult, 'participant' | 'joinToFirstFrameMs'> {
  const seconds = (b.at - a.at) / 1000;
  const sum = (s: Sample, pick: (d: Diagnostics) => number) => (s.stats ? pick(s.stats) : 0);
  const video = (d: Diagnostics) => d.inbound.filter((i) => i.kind === 'video');
  const frames = (d: Diagnostics) => video(d).reduce((t, i) => t + i.framesDecoded, 0);
  const jbDelay = (d: Diagnostics) => video(d).reduce((t, i) => t + i.jitterBufferDelay, 0);
  const jbCount = (d: Diagnostics) => video(d).reduce((t, i) => t + i.jitterBufferEmittedCount, 0);
  const received = (d: Diagnostics) => d.inbound.reduce((t, i) => t + i.bytesReceived, 0);
  const sent = (d: Diagnostics) => d.outbound.reduce((t, o) => t + o.bytesSent, 0);
  const delta = (pick: (d: Diagnostics) => number) => sum(b, pick) - sum(a, pick);
  return {
    cpuPercent: round(((b.cpu - a.cpu) / seconds) * 100, 1),
    decodedFps: round(delta(frames) / seconds / remotes, 1),
    jitterBufferMs: round((delta(jbDelay) / Math.max(1, delta(jbCount))) * 1000, 1),
    sentKbps: round((delta(sent) * 8) / seconds / 1000, 1),
    receivedKbps: round((delta(received) * 8) / seconds / 1000, 1),
    sframeKbps: round(((b.sframe - a.sframe) * 8) / seconds / 1000, 2),
  };
}

let signUps = 0;
/**
 * Each page a fresh account, said to sign up from an address of its own in
 * 198.18.0.0/15 (benchmark addresses, RFC 2544) through this process as a
 * trusted proxy: 5 rounds × 3 modes × N people exceed the per-address
 * sign-up throttle, which is not what is measured.
 */
const signUpFor = (running: RunningServer) => async (page: TestPage) => {
  const n = signUps++;
  await page.useSession(running.baseUrl, (await registerViaApi(running.baseUrl, `198.18.1.${n & 255}`)).cookie);
};

async function runPhase(mode: Mode, roundNo: number, running: RunningServer, pids: number[]): Promise<Phase> {
  progress('call', `round ${roundNo}, E2EE ${mode}: ${parameters.participants} people joining…`);
  const options = { ...(mode === 'on' ? {} : { e2ee: mode }), signUp: signUpFor(running) };
  const pages: TestPage[] = [];
  const joinMs: (number | undefined)[] = [undefined];
  const [first, ...rest] = browsers;
  if (!first) throw new Error('no browsers');
  const host = await joinCall(first, running.baseUrl, `${running.baseUrl}/call`, 'P1', options);
  pages.push(host);
  const link = await roomLink(host);
  // Everyone joins right after the previous person was let in; each page's
  // time to its first decoded remote frame is watched in parallel.
  const firstFrames: Promise<number | undefined>[] = [];
  for (const [index, browser] of rest.entries()) {
    const name = `P${index + 2}`;
    const started = performance.now();
    const page = await joinCall(browser, running.baseUrl, link, name, options);
    await host.clickButton(`Admit ${name}`);
    firstFrames.push(
      waitFor(
        () => decodingVideos(page),
        (n) => n >= 1,
        90_000,
      ).then(() => Math.round(performance.now() - started)),
    );
    pages.push(page);
  }
  joinMs.push(...(await Promise.all(firstFrames)));
  const remotes = parameters.participants - 1;
  for (const page of pages)
    await waitFor(
      () => decodingVideos(page),
      (n) => n >= remotes,
      90_000,
    );
  await sleep(3000); // let bandwidth estimation settle
  progress('call', `round ${roundNo}, E2EE ${mode}: measuring for ${parameters.measureSeconds} s…`);
  await Promise.all(pages.map((page) => frameTimings(page, true)));
  const before = await Promise.all(pages.map((page, i) => sample(page, pids[i] ?? 0)));
  await sleep(parameters.measureSeconds * 1000);
  const after = await Promise.all(pages.map((page, i) => sample(page, pids[i] ?? 0)));
  const timings = await Promise.all(pages.map((page) => frameTimings(page, false)));
  const participants = pages.map((_, i) => ({
    participant: i + 1,
    ...compare(before[i] as Sample, after[i] as Sample, remotes),
    joinToFirstFrameMs: joinMs[i],
  }));

  let leaveToNewKeyMs: number | undefined;
  // The last person hangs up (closing a page without it would keep their
  // place for the reconnection grace period, like a dropped network).
  const leaver = pages.pop();
  await leaver?.clickButton('Leave');
  await leaver?.close();
  if (mode === 'on') {
    // Each remaining page: from learning of the leave to sending under the new key.
    const delay = (page: TestPage) =>
      page.evaluate(() => {
        const hooks = window.parleyE2ee;
        const left = hooks
          ?.milestones()
          .filter((m) => m.what === 'member-left')
          .at(-1)?.at;
        const used = hooks?.keyEvents.find((e) => e.direction === 'send' && left !== undefined && e.at > left)?.at;
        return left !== undefined && used !== undefined ? used - left : -1;
      });
    const delays = await Promise.all(
      pages.map((page) =>
        waitFor(
          () => delay(page),
          (ms) => ms >= 0,
          20_000,
        ).catch(() => -1),
      ),
    );
    leaveToNewKeyMs = delays.every((ms) => ms >= 0) ? Math.round(Math.max(...delays)) : undefined;
  }
  await Promise.all(pages.map((page) => page.close()));
  return { mode, round: roundNo, participants, leaveToNewKeyMs, timings };
}

it('compares a call with E2EE on and off, alternating', async () => {
  server = await startServer({ PARLEY_LOG_LEVEL: 'warn', PARLEY_TRUSTED_PROXIES: '10.0.0.0/8' });
  const running = server;
  const pids: number[] = [];
  for (let i = 0; i < parameters.participants; i++) {
    const marker = `--parley-bench-participant=${process.pid}-${i}`;
    browsers.push(await launchChromium({ trustedOrigin: running.baseUrl, extraArgs: [marker] }));
    pids.push(findProcess(marker) ?? 0);
  }
  expect(pids.every((pid) => pid > 0)).toBe(true);
  const phases: Phase[] = [];
  for (let r = 1; r <= parameters.rounds; r++) {
    for (const mode of parameters.modes) phases.push(await runPhase(mode, r, running, pids));
  }

  const per = (mode: Mode, pick: (p: ParticipantResult) => number | undefined) =>
    phases
      .filter((p) => p.mode === mode)
      .flatMap((p) => p.participants.map(pick).filter((v): v is number => v !== undefined));
  const total = (mode: Mode, pick: (p: ParticipantResult) => number) =>
    summarize(phases.filter((p) => p.mode === mode).map((p) => p.participants.reduce((t, x) => t + pick(x), 0))).median;
  const metrics: [string, (p: ParticipantResult) => number | undefined][] = [
    ['CPU % of one core (browser processes)', (p) => p.cpuPercent],
    ['decoded frames/s per remote video', (p) => p.decodedFps],
    ['video jitter-buffer delay, ms', (p) => p.jitterBufferMs],
    ['sent, kbps', (p) => p.sentKbps],
    ['received, kbps', (p) => p.receivedKbps],
    ['SFrame bytes sent, kbps', (p) => p.sframeKbps],
    ['join → first remote frame, ms', (p) => p.joinToFirstFrameMs],
  ];
  const medians = (pick: (p: ParticipantResult) => number | undefined) =>
    parameters.modes.map((mode) => round(summarize(per(mode, pick)).median, 1));
  const rows = metrics.map(([name, pick]) => {
    const on = summarize(per('on', pick)).median;
    const off = summarize(per('off', pick)).median;
    return [name, ...medians(pick), off ? round(on / off, 3) : '–'];
  });
  const cpuRatio = round(total('on', (p) => p.cpuPercent) / total('off', (p) => p.cpuPercent), 3);
  const leaveKeys = phases.flatMap((p) => (p.leaveToNewKeyMs === undefined ? [] : [p.leaveToNewKeyMs]));
  const summary = [
    `${parameters.participants}-party call, ${parameters.rounds} rounds of E2EE on/off, ${parameters.measureSeconds} s each`,
    `CPU of all browsers, E2EE on ÷ off: ${cpuRatio} (median total ${round(
      total('on', (p) => p.cpuPercent),
      1,
    )} % vs ${round(
      total('off', (p) => p.cpuPercent),
      1,
    )} % of one core)`,
    `SFrame overhead: ${round(summarize(per('on', (p) => p.sframeKbps)).median, 2)} kbps per sender (${round((summarize(per('on', (p) => p.sframeKbps)).median / summarize(per('on', (p) => p.sentKbps)).median) * 100, 2)} % of what it sends)`,
    ...(parameters.modes.includes('pass-through')
      ? [
          `transforms without SFrame (pass-through) ÷ off: CPU ${round(total('pass-through', (p) => p.cpuPercent) / total('off', (p) => p.cpuPercent), 3)}, decoded fps ${round(summarize(per('pass-through', (p) => p.decodedFps)).median / summarize(per('off', (p) => p.decodedFps)).median, 3)}`,
        ]
      : []),
    ...ratioLines(phases, parameters.modes),
    latencySummary(phases),
    `leave → new key in use: ${leaveKeys.join(', ') || 'not measured'} ms`,
  ];
  writeReport({
    name: 'call',
    summary,
    parameters,
    environment: environment({ chromium: browsers[0]?.version ?? 'unknown' }),
    tables: [
      {
        title: 'median per participant, by mode',
        columns: ['metric', ...parameters.modes.map((m) => `E2EE ${m}`), 'on ÷ off'],
        rows,
      },
      latencyTable(phases, parameters.modes),
      {
        title: 'every phase and participant',
        columns: [
          'round',
          'E2EE',
          'participant',
          'CPU %',
          'fps',
          'jitter ms',
          'sent kbps',
          'recv kbps',
          'SFrame kbps',
          'join ms',
        ],
        rows: phases.flatMap((p) =>
          p.participants.map((x) => [
            p.round,
            p.mode,
            x.participant,
            x.cpuPercent,
            x.decodedFps,
            x.jitterBufferMs,
            x.sentKbps,
            x.receivedKbps,
            x.sframeKbps,
            x.joinToFirstFrameMs ?? '–',
          ]),
        ),
      },
      breakdownTable(phases),
    ],
    charts: [
      {
        title: 'per participant, median',
        unit: 'see label',
        labels: ['CPU %', 'decoded fps', 'jitter-buffer ms', 'sent kbps ÷ 10'],
        series: parameters.modes.map((mode) => ({
          name: `E2EE ${mode}`,
          values: [
            round(summarize(per(mode, (p) => p.cpuPercent)).median, 1),
            round(summarize(per(mode, (p) => p.decodedFps)).median, 1),
            round(summarize(per(mode, (p) => p.jitterBufferMs)).median, 1),
            round(summarize(per(mode, (p) => p.sentKbps)).median / 10, 1),
          ],
        })),
      },
    ],
    data: phases,
  });
  expect(phases.every((p) => p.participants.every((x) => x.decodedFps > 0))).toBe(true);
}, 600_000);
