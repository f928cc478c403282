import type { ServerEventOf } from '@parley/shared';

export type LeftReason = ServerEventOf<'leftCall'>['reason'];

export class LeftCallError extends Error {
  constructor(readonly reason: LeftReason) {
    super(`left the call: ${reason}`);
    this.name = 'LeftCallError';
  }
}
