// bench:call's view inside the E2EE worker (test builds measure it, see
// client/src/e2ee/worker/testing/FrameTimer.ts): how long each frame spends
// in the encode-side and decode-side transforms — the latency E2EE adds —
// per frame kind, and how long each WebCrypto call takes.
import type { FrameTimings } from '@parley/shared/e2ee/testing';
import type { TestPage } from '../../support/browsers.js';
import type { Table } from '../report/writeReport.js';
import { round } from '../report/stats.js';

/** Reads (and with `reset`, restarts) the worker's timings; undefined with E2EE off (no worker). */
export const frameTimings = (page: TestPage, reset: boolean) =>
  page.evaluateWith(async (r) => (window.parleyE2ee ? await window.parleyE2ee.frameTimings(r) : undefined), reset);

export type TimedPhase = { mode: string; round: number; timings: (FrameTimings | undefined)[] };

type Key = `${'send' | 'receive'} ${'audio' | 'video'}`;
const keys: Key[] = ['send video', 'receive video', 'send audio', 'receive audio'];

/** Frame-weighted mean µs per frame of every matching stream of one phase, or undefined. */
function meanOf(timings: (FrameTimings | undefined)[], key: Key, pick: 'inTransform' | 'betweenFrames') {
  let frames = 0;
  let total = 0;
  for (const t of timings)
    for (const s of t?.streams ?? [])
      if (`${s.direction} ${s.kind}` === key) {
        frames += s[pick].count;
        total += s[pick].count * s[pick].meanUs;
      }
  return frames ? total / frames : undefined;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? (sorted[Math.floor((sorted.length - 1) / 2)] ?? NaN) : NaN;
};
const spread = (values: number[]) =>
  values.length
    ? `${round(median(values), 1)} (${round(Math.min(...values), 1)}–${round(Math.max(...values), 1)})`
    : '–';

/** Added latency per frame (µs in the transform), median over phases with min–max, per mode. */
export function latencyTable(phases: TimedPhase[], modes: string[]): Table {
  const timed = modes.filter((m) => phases.some((p) => p.mode === m && p.timings.some(Boolean)));
  return {
    title: 'added latency per frame inside the E2EE worker, µs (median of rounds, min–max)',
    columns: ['stream', ...timed.map((m) => `E2EE ${m}`)],
    rows: keys.map((key) => [
      key,
      ...timed.map((mode) =>
        spread(
          phases
            .filter((p) => p.mode === mode)
            .map((p) => meanOf(p.timings, key, 'inTransform'))
            .filter((v): v is number => v !== undefined),
        ),
      ),
    ]),
  };
}

/** Per stream and per WebCrypto operation, every phase: the raw breakdown. */
export function breakdownTable(phases: TimedPhase[]): Table {
  const rows: (string | number)[][] = [];
  for (const phase of phases)
    phase.timings.forEach((t, participant) => {
      for (const s of t?.streams ?? [])
        rows.push([
          phase.round,
          phase.mode,
          participant + 1,
          `${s.direction} ${s.kind}`,
          s.bytesMean,
          s.inTransform.count,
          s.inTransform.meanUs,
          s.inTransform.p50Us,
          s.inTransform.p95Us,
          s.betweenFrames.meanUs,
        ]);
      for (const c of t?.crypto ?? [])
        rows.push([
          phase.round,
          phase.mode,
          participant + 1,
          `WebCrypto ${c.operation}`,
          '',
          c.calls.count,
          c.calls.meanUs,
          c.calls.p50Us,
          c.calls.p95Us,
          '',
        ]);
    });
  const clock = phases.flatMap((p) => p.timings.map((t) => t?.clockUs ?? 0)).find((c) => c > 0);
  return {
    title: `inside the worker, per stream and per WebCrypto call (µs; worker clock step ${clock ?? '?'} µs, so means over many frames, not single values, are meaningful)`,
    columns: [
      'round',
      'E2EE',
      'participant',
      'what',
      'bytes/frame',
      'frames or calls',
      'mean',
      'p50',
      'p95',
      'wait for next',
    ],
    rows,
  };
}

/** One line for the summary: the headline added latency with E2EE on. */
export function latencySummary(phases: TimedPhase[]): string {
  const of = (mode: string, key: Key) =>
    median(
      phases
        .filter((p) => p.mode === mode)
        .map((p) => meanOf(p.timings, key, 'inTransform'))
        .filter((v): v is number => v !== undefined),
    );
  const fmt = (mode: string) =>
    `video encode ${round(of(mode, 'send video'), 0)} µs, decode ${round(of(mode, 'receive video'), 0)} µs; audio encode ${round(of(mode, 'send audio'), 0)} µs, decode ${round(of(mode, 'receive audio'), 0)} µs`;
  return `added latency per frame (in the worker, mean): E2EE on ${fmt('on')}${phases.some((p) => p.mode === 'pass-through') ? `; pass-through ${fmt('pass-through')}` : ''}`;
}
