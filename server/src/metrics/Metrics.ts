// Counts for operators, in Prometheus's text format (GET /metrics).
// Protects: the people using Parley. Only counts leave: no username, room
// id, peer id, display name or address is ever a value or a label. The only
// labels are a media worker's position in the pool and fixed words.
// Assumes: /metrics is reached from the operator's network, not through the
// public proxy (ParleyServer refuses it from a trusted proxy; Caddy answers
// 404 for it).
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { RoomCounts } from '../rooms/index.js';

/** Where the numbers come from, read when Prometheus scrapes. */
export type MetricsSources = {
  counts: () => Pick<RoomCounts, 'rooms' | 'participants' | 'waiting'>;
  workers: () => number;
  /** CPU seconds (user + system) each live media worker has used since it started. */
  workerCpu: () => Promise<number[]>;
};

export type LoginStep = 'password' | 'second_factor';

export class Metrics {
  readonly #registry = new Registry();
  readonly #loginFailures: Counter<'step' | 'reason'>;

  constructor(sources: MetricsSources) {
    const registers = [this.#registry];
    collectDefaultMetrics({ register: this.#registry });
    new Gauge({
      name: 'parley_rooms',
      help: 'Calls open now.',
      registers,
      collect() {
        this.set(sources.counts().rooms);
      },
    });
    new Gauge({
      name: 'parley_participants',
      help: 'People in calls now (admitted).',
      registers,
      collect() {
        this.set(sources.counts().participants);
      },
    });
    new Gauge({
      name: 'parley_lobby_waiting',
      help: 'People waiting in a lobby now.',
      registers,
      collect() {
        this.set(sources.counts().waiting);
      },
    });
    new Gauge({
      name: 'parley_media_workers',
      help: 'mediasoup workers running.',
      registers,
      collect() {
        this.set(sources.workers());
      },
    });
    new Counter({
      name: 'parley_media_worker_cpu_seconds_total',
      help: 'CPU time (user + system) used by each media worker; starts again from 0 when a worker is replaced.',
      labelNames: ['worker'],
      registers,
      async collect() {
        const seconds = await sources.workerCpu();
        this.reset();
        seconds.forEach((value, index) => this.inc({ worker: String(index) }, value));
      },
    });
    this.#loginFailures = new Counter({
      name: 'parley_login_failures_total',
      help: 'Refused login attempts, by step (password, second_factor) and reason (the error code).',
      labelNames: ['step', 'reason'],
      registers,
    });
  }

  loginFailed(step: LoginStep, reason: 'invalid_credentials' | 'throttled' | 'expired' | 'busy'): void {
    this.#loginFailures.inc({ step, reason });
  }

  get contentType(): string {
    return this.#registry.contentType;
  }

  render(): Promise<string> {
    return this.#registry.metrics();
  }
}
