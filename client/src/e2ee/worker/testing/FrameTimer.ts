// TEST BUILDS ONLY: where a frame's time goes inside the E2EE worker, for
// bench:call. Per stream, the time each frame spends in the transform (from
// arriving to being passed on: the latency E2EE adds) and the wait between
// frames (the stream read); per WebCrypto operation, each call's duration,
// by wrapping SubtleCrypto's methods in this worker. Nothing here sees keys
// or frame content, only clocks and sizes.
import type { FrameTimings, TimingSummary } from '@parley/shared/e2ee/testing';
import type { StreamStatus } from '@parley/shared/e2ee';

/** Samples kept per series; a 30 s benchmark window at 60 fps stays well below. */
const maxSamples = 50_000;

class Series {
  readonly samples: number[] = [];
  add(ms: number): void {
    if (this.samples.length < maxSamples) this.samples.push(ms);
  }
  summary(): TimingSummary {
    const sorted = [...this.samples].sort((a, b) => a - b);
    const at = (q: number) => (sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0) * 1000;
    const mean = sorted.length ? (sorted.reduce((t, v) => t + v, 0) / sorted.length) * 1000 : 0;
    const r = (us: number) => Math.round(us * 10) / 10;
    return { count: sorted.length, meanUs: r(mean), p50Us: r(at(0.5)), p95Us: r(at(0.95)), maxUs: r(at(1)) };
  }
}

type StreamSeries = {
  status: StreamStatus;
  inTransform: Series;
  betweenFrames: Series;
  bytes: number;
  lastOut: number | undefined;
};

export class FrameTimer {
  #streams = new Map<string, StreamSeries>();
  #crypto = new Map<string, Series>();
  #since = performance.now();

  constructor() {
    this.#wrapSubtle();
  }

  /** A frame of this stream arrived; returns the function to call when it is passed on (or dropped). */
  frameArrived(status: StreamStatus, bytes: number): () => void {
    const start = performance.now();
    let stream = this.#streams.get(status.streamId);
    if (!stream) {
      stream = { status, inTransform: new Series(), betweenFrames: new Series(), bytes: 0, lastOut: undefined };
      this.#streams.set(status.streamId, stream);
    }
    const series = stream;
    if (series.lastOut !== undefined) series.betweenFrames.add(start - series.lastOut);
    series.bytes += bytes;
    return () => {
      const end = performance.now();
      series.inTransform.add(end - start);
      series.lastOut = end;
    };
  }

  report(requestId: number, reset: boolean): FrameTimings {
    const result: FrameTimings = {
      type: 'frameTimingsResult',
      requestId,
      clockUs: clockGranularityUs(),
      seconds: Math.round(performance.now() - this.#since) / 1000,
      streams: [...this.#streams.values()].map((s) => ({
        streamId: s.status.streamId,
        direction: s.status.direction,
        kind: s.status.kind,
        bytesMean: Math.round(s.bytes / Math.max(1, s.inTransform.samples.length)),
        inTransform: s.inTransform.summary(),
        betweenFrames: s.betweenFrames.summary(),
      })),
      crypto: [...this.#crypto.entries()].map(([operation, calls]) => ({ operation, calls: calls.summary() })),
    };
    if (reset) {
      this.#streams = new Map();
      this.#crypto = new Map();
      this.#since = performance.now();
    }
    return result;
  }

  #wrapSubtle(): void {
    const subtle = Object.getPrototypeOf(crypto.subtle) as Record<string, unknown>;
    const record = (operation: string, ms: number) => this.#record(operation, ms);
    for (const method of ['encrypt', 'decrypt', 'sign'] as const) {
      const original = subtle[method] as (this: SubtleCrypto, ...args: unknown[]) => Promise<unknown>;
      subtle[method] = function (this: SubtleCrypto, ...args: unknown[]) {
        const algorithm = args[0];
        const name = typeof algorithm === 'string' ? algorithm : (algorithm as { name?: string }).name;
        const start = performance.now();
        const done = () => record(`${name ?? '?'} ${method}`, performance.now() - start);
        const result = original.apply(this, args);
        result.then(done, done);
        return result;
      };
    }
  }

  #record(operation: string, ms: number): void {
    let series = this.#crypto.get(operation);
    if (!series) this.#crypto.set(operation, (series = new Series()));
    series.add(ms);
  }
}

/** The smallest step performance.now() takes here, µs. */
function clockGranularityUs(): number {
  let smallest = Infinity;
  for (let i = 0; i < 20; i++) {
    const a = performance.now();
    let b = performance.now();
    while (b === a) b = performance.now();
    smallest = Math.min(smallest, b - a);
  }
  return Math.round(smallest * 1000 * 10) / 10;
}
