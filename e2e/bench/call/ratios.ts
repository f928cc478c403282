// bench:call's headline: E2EE on (and pass-through) ÷ off, computed per round
// (each round runs every mode back to back, so drift cancels) and reported as
// the median with its spread over rounds, against the targets of issue 18.
import { round } from '../report/stats.js';

type Result = { cpuPercent: number; decodedFps: number; jitterBufferMs: number };
type Phase = { mode: string; round: number; participants: Result[] };

const sum = (phase: Phase, pick: (p: Result) => number) => phase.participants.reduce((t, p) => t + pick(p), 0);
const mean = (phase: Phase, pick: (p: Result) => number) => sum(phase, pick) / Math.max(1, phase.participants.length);

/** One ratio per round in which both modes ran. */
export function roundRatios(phases: Phase[], mode: string, pick: (phase: Phase) => number): number[] {
  const rounds = [...new Set(phases.map((p) => p.round))];
  return rounds.flatMap((r) => {
    const a = phases.find((p) => p.round === r && p.mode === mode);
    const b = phases.find((p) => p.round === r && p.mode === 'off');
    return a && b && pick(b) > 0 ? [pick(a) / pick(b)] : [];
  });
}

function describe(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor((sorted.length - 1) / 2)] ?? NaN;
  return `${round(median, 3)} (${round(sorted[0] ?? NaN, 3)}–${round(sorted.at(-1) ?? NaN, 3)}, n=${sorted.length})`;
}

export const metricsOf = {
  cpu: (phase: Phase) => sum(phase, (p) => p.cpuPercent),
  fps: (phase: Phase) => mean(phase, (p) => p.decodedFps),
  jitter: (phase: Phase) => mean(phase, (p) => p.jitterBufferMs),
};

/** Summary lines: per compared mode, CPU, decoded fps and jitter-buffer delay ÷ off. */
export function ratioLines(phases: Phase[], modes: string[]): string[] {
  if (!modes.includes('off')) return [];
  return modes
    .filter((m) => m !== 'off')
    .map(
      (mode) =>
        `${mode} ÷ off per round, median (min–max): CPU ${describe(roundRatios(phases, mode, metricsOf.cpu))} [target ≤ 1.15], decoded fps ${describe(roundRatios(phases, mode, metricsOf.fps))} [target ≥ 0.95; 4 people ≥ 0.85], jitter-buffer delay ${describe(roundRatios(phases, mode, metricsOf.jitter))} [target ≤ 1.5]`,
    );
}
