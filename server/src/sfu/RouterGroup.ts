// A call's routers: the one it started on, and the routers on other workers
// its receivers spill onto when the call's consumers would pass what one
// worker should carry (mediasoup advises about 500). Everything is sent to
// the first router; a producer is piped (mediasoup's pipeToRouter) to another
// router the first time someone receiving there consumes it, and its pipe
// closes with it. So a call can use every core, and a small call stays on
// one worker with no pipes at all.
import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import { createLogger } from '../logging/index.js';
import { loadOf, workerOf } from './WorkerLoad.js';
import type { WorkerPool } from './WorkerPool.js';

const log = createLogger('sfu.RouterGroup');

/** mediasoup's advice for one worker (its documentation, "Scalability"). */
export const defaultConsumersPerWorker = 500;

export type RouterGroupEvents = {
  /** The worker of one of the call's routers died. */
  workerclose: [];
};

export class RouterGroup extends EventEmitter<RouterGroupEvents> {
  /** The routers receivers spilled onto, by id. */
  readonly #others = new Map<string, types.Router>();
  /** Producers piped to another router: `${producerId} ${routerId}` → done. */
  readonly #pipes = new Map<string, Promise<void>>();
  /** Placements run one at a time, so two at once cannot both open a router on the same worker. */
  #placing: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(
    readonly main: types.Router,
    private readonly pool: Pick<WorkerPool, 'createRouter'>,
    private readonly consumersPerWorker = defaultConsumersPerWorker,
  ) {
    super();
    main.on('workerclose', () => this.emit('workerclose'));
  }

  /** Every router of the call, the first one first. */
  get routers(): types.Router[] {
    return [this.main, ...this.#others.values()];
  }

  router(id: string): types.Router | undefined {
    return id === this.main.id ? this.main : this.#others.get(id);
  }

  /**
   * Where a new receive transport goes: the call's router on the least-loaded
   * worker, while that worker is under its share; else a new router on a
   * worker the call does not use yet, if one is lighter.
   */
  forReceiving(): Promise<types.Router> {
    const placed = this.#placing.then(() => this.#place());
    this.#placing = placed.catch(() => undefined);
    return placed;
  }

  /** Makes `producerId` (sent to the first router) consumable on `router`. */
  async bring(producerId: string, router: types.Router): Promise<void> {
    if (router === this.main) return;
    const key = `${producerId} ${router.id}`;
    let pipe = this.#pipes.get(key);
    if (!pipe) {
      pipe = this.main.pipeToRouter({ producerId, router }).then(({ pipeProducer }) => {
        // Closed when the producer closes (mediasoup closes the pipe with it).
        pipeProducer?.observer.once('close', () => this.#pipes.delete(key));
      });
      this.#pipes.set(key, pipe);
      pipe.catch(() => this.#pipes.delete(key));
    }
    return pipe;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const router of this.routers) router.close();
    this.#others.clear();
  }

  async #place(): Promise<types.Router> {
    const lightest = this.routers.sort((a, b) => consumersOn(a) - consumersOn(b))[0] ?? this.main;
    if (consumersOn(lightest) < this.consumersPerWorker || this.#closed) return lightest;
    const used = new Set(this.routers.flatMap((router) => workerOf(router) ?? []));
    const router = await this.pool.createRouter({ avoid: used });
    const worker = workerOf(router);
    if (this.#closed || !worker || used.has(worker) || consumersOn(router) >= consumersOn(lightest)) {
      router.close(); // no lighter worker to spread onto
      return lightest;
    }
    this.#others.set(router.id, router);
    router.on('workerclose', () => this.emit('workerclose'));
    log.info({ routers: this.#others.size + 1 }, 'a call spreads over another media worker');
    return router;
  }
}

function consumersOn(router: types.Router): number {
  const worker = workerOf(router);
  return worker ? loadOf(worker).consumers : 0;
}
