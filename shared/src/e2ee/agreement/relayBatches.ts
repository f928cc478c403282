// A key agreement often sends many boxes at once (a new key for everyone in
// the call); they travel in as few relayE2ee requests as the limits allow,
// in their order, so a receiver's sequence numbers still only go up.
import { relayLimits } from '../../protocol/index.js';
import type { AgreementAction } from './messages.js';

export type RelayedBox = { to: string; box: string };

/** The `send` actions among `actions`, in order, cut into requests within `relayLimits`. */
export function relayBatches(actions: readonly AgreementAction[]): RelayedBox[][] {
  const batches: RelayedBox[][] = [];
  let batch: RelayedBox[] = [];
  let bytes = 0;
  for (const action of actions) {
    if (action.type !== 'send') continue;
    const size = action.to.length + action.box.length + 20; // JSON punctuation and names
    if (
      batch.length === relayLimits.boxesPerRequest ||
      (batch.length > 0 && bytes + size > relayLimits.bytesPerRequest)
    ) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push({ to: action.to, box: action.box });
    bytes += size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}
