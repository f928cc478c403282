// TEST BUILDS ONLY: messages the browser tests and benchmarks exchange with
// the E2EE worker. Production code never imports this module, and a test
// checks that none of it reaches the production bundle.
import { z } from 'zod';
import { MediaKindSchema, PeerIdSchema } from '../workerMessages.js';

const ProbeFrame = z.object({ kind: MediaKindSchema, data: z.instanceof(Uint8Array) });

export const TestPageToWorkerSchema = z.discriminatedUnion('type', [
  /** How many of these frames any key the worker holds decrypts (a dry run that changes nothing). */
  z.object({ type: z.literal('probe'), requestId: z.number().int(), frames: z.array(ProbeFrame).max(10_000) }),
  /** From now on, give this participant's streams a wrong key. */
  z.object({ type: z.literal('scrambleKeys'), peerId: PeerIdSchema }),
  /** From now on, frames pass the transforms unchanged (the cost of the transform machinery alone). */
  z.object({ type: z.literal('passThrough') }),
]);
export type TestPageToWorker = z.infer<typeof TestPageToWorkerSchema>;

export const ProbeResultSchema = z.object({
  type: z.literal('probeResult'),
  requestId: z.number().int(),
  decrypted: z.number().int(),
  failed: z.number().int(),
});
export type ProbeResult = z.infer<typeof ProbeResultSchema>;
