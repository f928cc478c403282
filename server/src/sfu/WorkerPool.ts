// One mediasoup worker (a C++ subprocess) per core. A worker that dies is
// logged and replaced; the routers it hosted close with it and their owners
// hear about it through the router's 'workerclose' event.
import { EventEmitter } from 'node:events';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { createLogger } from '../logging/index.js';
import { mediaCodecs } from './mediaCodecs.js';

const log = createLogger('sfu.WorkerPool');

const replaceRetryMs = 1000;

export type WorkerPoolEvents = {
  workerdied: [pid: number];
  workerreplaced: [pid: number];
};

export class WorkerPool extends EventEmitter<WorkerPoolEvents> {
  readonly #workers: types.Worker[] = [];
  #next = 0;
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

  /** A new router on the next live worker, round-robin. */
  async createRouter(): Promise<types.Router> {
    if (this.#workers.length === 0) throw new Error('no media worker is running');
    const worker = this.#workers[this.#next++ % this.#workers.length];
    if (!worker) throw new Error('no media worker is running');
    return worker.createRouter({ mediaCodecs });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const worker of this.#workers.splice(0)) worker.close();
  }

  async #spawn(): Promise<void> {
    const worker = await mediasoup.createWorker({ logLevel: 'warn' });
    if (this.#closed) {
      worker.close();
      return;
    }
    worker.on('died', () => this.#onDied(worker));
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
