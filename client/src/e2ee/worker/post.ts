import type { WorkerToPage } from '@parley/shared/e2ee';

/** The only way the worker talks to the page: typed messages, never keys. */
export function post(message: WorkerToPage): void {
  self.postMessage(message);
}
