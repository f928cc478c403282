// One mediasoup worker (a C++ subprocess) per core. A worker that dies is
// logged and replaced; the routers it hosted close with it and their owners
// hear about it through the router's 'workerclose' event (rooms then move to
// a live worker: rooms/MediaRecovery.ts). New routers go to the least-loaded
// worker (WorkerLoad); a router asked for while no worker is alive waits for
// the replacement.
import { EventEmitter } from 'node:events';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { createLogger } from '../logging/index.js';
import { mediaCodecs } from './mediaCodecs.js';
import { lighter, loadOf, trackLoad } from './WorkerLoad.js';

const log = createLogger('sfu.WorkerPool');

const replaceRetryMs = 1000;
/** How long `createRouter` waits for a replacement when every worker is dead. */
const waitForWorkerMs = 10_000;

export type WorkerPoolEvents = {
  workerdied: [pid: number];
  workerreplaced: [pid: number];
};

export class WorkerPool extends EventEmitter<WorkerPoolEvents> {
  readonly #workers: types.Worker[] = [];
  #closed = false;

  private constructor(private readonly size: number) {
    super();
  }

  static async create(size: number): Promise<WorkerPool> {
    const pool = new WorkerPool(size);
    try {
      for (let i = 0; i < size; i++) await pool.#spawn();
    } catch (error) {
      pool.close();
      throw error;
    }
    log.info({ workers: size, mediasoupVersion: mediasoup.version }, 'media workers ready');
    return pool;
  }

  get workerPids(): number[] {
    return this.#workers.map((worker) => worker.pid);
  }

  /** CPU seconds (user + system) each live worker has used, in pool order. */
  async cpuSeconds(): Promise<number[]> {
    const usage = await Promise.all(
      // A worker that dies while we ask has no usage to report: it counts as 0 until replaced.
      this.#workers.map((worker) => worker.getResourceUsage().catch(() => undefined)),
    );
    return usage.map((u) => (u ? (u.ru_utime + u.ru_stime) / 1000 : 0));
  }

  /**
   * A new router on the least-loaded live worker (a new call, a call
   * spreading out, or one whose worker died); waits a while for a
   * replacement if none is alive.
   */
  async createRouter(options: { avoid?: ReadonlySet<types.Worker> } = {}): Promise<types.Router> {
    const worker = this.leastLoaded(options.avoid) ?? (await this.#nextReplacement());
    return worker.createRouter({ mediaCodecs });
  }

  /**
   * The live worker with the fewest consumers, not one of `avoid` unless
   * there is no other. A worker that has died is marked closed before its
   * routers hear of it (and before it leaves our list, on 'died'): skipped.
   */
  leastLoaded(avoid: ReadonlySet<types.Worker> = new Set()): types.Worker | undefined {
    const live = this.#workers.filter((worker) => !worker.closed);
    const candidates = live.filter((worker) => !avoid.has(worker));
    return [...(candidates.length > 0 ? candidates : live)].sort((a, b) => lighter(loadOf(a), loadOf(b)))[0];
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const worker of this.#workers.splice(0)) worker.close();
  }

  #nextReplacement(): Promise<types.Worker> {
    if (this.#closed) return Promise.reject(new Error('the media workers are shut down'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('workerreplaced', onReplaced);
        reject(new Error('no media worker is running'));
      }, waitForWorkerMs);
      const onReplaced = () => {
        const worker = this.leastLoaded();
        if (!worker) return;
        clearTimeout(timer);
        this.off('workerreplaced', onReplaced);
        resolve(worker);
      };
      this.on('workerreplaced', onReplaced);
    });
  }

  async #spawn(): Promise<void> {
    const worker = await mediasoup.createWorker({ logLevel: 'warn' });
    if (this.#closed) {
      worker.close();
      return;
    }
    worker.on('died', () => this.#onDied(worker));
    trackLoad(worker);
    this.#workers.push(worker);
  }

  #onDied(worker: types.Worker): void {
    const index = this.#workers.indexOf(worker);
    if (index !== -1) this.#workers.splice(index, 1);
    log.error({ pid: worker.pid }, 'media worker died; replacing it');
    this.emit('workerdied', worker.pid);
    void this.#replace();
  }

  async #replace(): Promise<void> {
    while (!this.#closed && this.#workers.length < this.size) {
      try {
        await this.#spawn();
        const replacement = this.#workers.at(-1);
        if (replacement) this.emit('workerreplaced', replacement.pid);
      } catch (error) {
        log.error({ err: error }, 'could not start a replacement media worker; retrying');
        await new Promise((resolve) => setTimeout(resolve, replaceRetryMs));
      }
    }
  }
}
