// How busy each mediasoup worker is, counted as mediasoup itself advises
// sizing them: by consumers (about 500 per worker), pipe consumers included.
// Counted from the workers' observer events, so every router, transport and
// consumer anyone creates on a worker is seen, and forgotten when it closes.
import type { types } from 'mediasoup';

export type Load = { consumers: number; routers: number };

const loads = new WeakMap<types.Worker, Load>();
const workers = new WeakMap<types.Router, types.Worker>();

/** Starts counting what `worker` hosts (once, right after it starts). */
export function trackLoad(worker: types.Worker): void {
  const load: Load = { consumers: 0, routers: 0 };
  loads.set(worker, load);
  worker.observer.on('newrouter', (router) => {
    workers.set(router, worker);
    load.routers++;
    router.observer.once('close', () => load.routers--);
    router.observer.on('newtransport', (transport) =>
      transport.observer.on('newconsumer', (consumer) => {
        load.consumers++;
        consumer.observer.once('close', () => load.consumers--);
      }),
    );
  });
}

export function loadOf(worker: types.Worker): Load {
  return loads.get(worker) ?? { consumers: 0, routers: 0 };
}

/** The worker a router lives on (routers made on a tracked worker). */
export function workerOf(router: types.Router): types.Worker | undefined {
  return workers.get(router);
}

/** Fewer consumers first; among equals, fewer routers (so idle workers share new rooms). */
export function lighter(a: Load, b: Load): number {
  return a.consumers - b.consumers || a.routers - b.routers;
}
