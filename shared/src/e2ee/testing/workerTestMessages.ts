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
  /** Per-frame timings measured inside the worker since the last reset (and reset them if asked). */
  z.object({ type: z.literal('frameTimings'), requestId: z.number().int(), reset: z.boolean() }),
]);
export type TestPageToWorker = z.infer<typeof TestPageToWorkerSchema>;

export const ProbeResultSchema = z.object({
  type: z.literal('probeResult'),
  requestId: z.number().int(),
  decrypted: z.number().int(),
  failed: z.number().int(),
});
export type ProbeResult = z.infer<typeof ProbeResultSchema>;

/** Microseconds; quantiles over the frames (or calls) seen, `count` of them. */
export const TimingSummarySchema = z.object({
  count: z.number().int(),
  meanUs: z.number(),
  p50Us: z.number(),
  p95Us: z.number(),
  maxUs: z.number(),
});
export type TimingSummary = z.infer<typeof TimingSummarySchema>;

/**
 * Where a frame's time goes inside the worker. Per stream: `inTransform`, from
 * the transform receiving the frame to passing it on (the latency E2EE adds
 * to that frame); `betweenFrames`, from one frame passed on to the next one
 * received (the stream read: how long the worker waited for work). Per
 * WebCrypto operation (every stream together): each call's duration.
 */
export const FrameTimingsSchema = z.object({
  type: z.literal('frameTimingsResult'),
  requestId: z.number().int(),
  /** performance.now() granularity seen in this worker, µs (browsers coarsen clocks outside cross-origin isolation). */
  clockUs: z.number(),
  seconds: z.number(),
  streams: z.array(
    z.object({
      streamId: z.string(),
      direction: z.enum(['send', 'receive']),
      kind: MediaKindSchema,
      bytesMean: z.number(),
      inTransform: TimingSummarySchema,
      betweenFrames: TimingSummarySchema,
    }),
  ),
  crypto: z.array(z.object({ operation: z.string(), calls: TimingSummarySchema })),
});
export type FrameTimings = z.infer<typeof FrameTimingsSchema>;
