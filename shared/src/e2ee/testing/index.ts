// TEST BUILDS ONLY (see workerTestMessages.ts and pageHooks.ts).
export * from './workerTestMessages.js';
export type * from './pageHooks.js';
