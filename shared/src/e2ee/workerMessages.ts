// Messages between the page and the E2EE worker, per direction. The worker
// checks everything it receives with these schemas (a page script could be
// buggy; the worker holds the keys), and the page checks what comes back.
// Test-only messages (dry-run probes, wrong keys, pass-through) live in
// ./testing and exist only in test builds.
import { z } from 'zod';

const Key = z.instanceof(Uint8Array).refine((key) => key.length === 32, 'keys are 32 bytes');
export const PeerIdSchema = z.uuid();
const PeerId = PeerIdSchema;
const Slot = z.number().int().min(0).max(4095);
const Epoch = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31);
export const MediaKindSchema = z.enum(['audio', 'video']);

/** What each encoded transform is for: given to RTCRtpScriptTransform as its options. */
export const TransformOptionsSchema = z.discriminatedUnion('direction', [
  z.object({ direction: z.literal('send'), kind: MediaKindSchema, streamId: z.string().max(64) }),
  z.object({ direction: z.literal('receive'), kind: MediaKindSchema, streamId: z.string().max(64), peerId: PeerId }),
]);
export type TransformOptions = z.infer<typeof TransformOptionsSchema>;

export const PageToWorkerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('setSendKey'), slot: Slot, epoch: Epoch, key: Key }),
  z.object({ type: z.literal('setReceiveKey'), peerId: PeerId, slot: Slot, epoch: Epoch, key: Key }),
  z.object({ type: z.literal('removePeer'), peerId: PeerId }),
  /** Chromium without RTCRtpScriptTransform: the streams of createEncodedStreams, transferred. */
  z.object({
    type: z.literal('attachStreams'),
    options: TransformOptionsSchema,
    readable: z.instanceof(ReadableStream),
    writable: z.instanceof(WritableStream),
  }),
  /** The call ended: zero every key, stop passing frames; the page then terminates the worker. */
  z.object({ type: z.literal('wipe') }),
]);
export type PageToWorker = z.infer<typeof PageToWorkerSchema>;

export const StreamStateSchema = z.enum(['encrypting', 'waiting_for_key', 'decrypting', 'failing']);
export type StreamState = z.infer<typeof StreamStateSchema>;

export const StreamStatusSchema = z.object({
  streamId: z.string().max(64),
  direction: z.enum(['send', 'receive']),
  kind: MediaKindSchema,
  peerId: PeerId.optional(),
  state: StreamStateSchema,
  /** Frames passed on (encrypted, or decrypted and authenticated). */
  frames: z.number().int(),
  /** Frames dropped for lack of a key. */
  withoutKey: z.number().int(),
  /** Frames that failed authentication or were malformed or replayed. */
  failures: z.number().int(),
  /** SFrame bytes added, summed over `frames`. */
  overheadBytes: z.number().int(),
});
export type StreamStatus = z.infer<typeof StreamStatusSchema>;

export const WorkerToPageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('status'), streams: z.array(StreamStatusSchema).max(1000) }),
  /** First frame sent or received under an epoch; `at` is Unix time in ms. */
  z.object({
    type: z.literal('keyInUse'),
    direction: z.enum(['send', 'receive']),
    peerId: PeerId.optional(),
    epoch: Epoch,
    at: z.number(),
  }),
  /** Our sender key has carried many frames: ratchet it. */
  z.object({ type: z.literal('wantsRatchet') }),
  /** Rate-limited: frames from this participant fail to decrypt. */
  z.object({
    type: z.literal('decryptFailures'),
    peerId: PeerId,
    count: z.number().int(),
    /** Authentication failures above the alarm rate: possible forgery; rekey. */
    suspicious: z.boolean(),
  }),
  /** Rate-limited: this participant's frames keep arriving under a key we do not hold (we missed a change). */
  z.object({ type: z.literal('keyMissing'), peerId: PeerId }),
]);
export type WorkerToPage = z.infer<typeof WorkerToPageSchema>;
