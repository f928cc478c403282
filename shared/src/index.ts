// @parley/shared: the protocol. Every message that crosses a boundary is a zod
// schema here, one per direction; types come from z.infer.
export * from './errors/index.js';
export * from './protocol/index.js';
export * from './links/index.js';
export type * from './diagnostics.js';
export * from './auth/index.js';
export * from './version.js';
