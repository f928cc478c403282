// The chat and file envelope, version 1: what a browser hands the server to
// relay and what the server hands on. Everything in it is either needed to
// route and limit it (recipient, file id, chunk index, sizes the server can
// see anyway) or needed by receivers to pick the key and check the order
// (epoch, sequence number); all of it is bound into the AEAD's associated
// data, so the server can read it but not change it. The content is opaque
// (shared/src/chat seals and opens it).
import { z } from 'zod';

export const chatLimits = {
  /** Plaintext bytes per file chunk: a sealed chunk in base64url stays well under the 64 KiB socket message limit. */
  chunkBytes: 32 * 1024,
  /** Characters of one text message. */
  textChars: 4000,
  /** Characters of a sealed envelope's ciphertext: a full chunk and its 16-byte tag in base64url. */
  sealedChars: Math.ceil(((32 * 1024 + 16) * 4) / 3),
  /** Chunks a sender may have relayed but not yet acknowledged (back-pressure; the server enforces it). */
  chunksInFlight: 8,
  /** Files one sender may be sending at once. */
  filesInFlight: 4,
} as const;

export const chatWireVersion = 1;

/** Everyone in the call, or one participant (their server-assigned peer id). */
export const ChatRecipientSchema = z.union([z.literal('*'), z.uuid()]);
export type ChatRecipient = z.infer<typeof ChatRecipientSchema>;

/** A file's id: 128 random bits in base64url, chosen by its sender. */
export const FileIdSchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/);

export const ChatEnvelopeSchema = z.object({
  v: z.literal(chatWireVersion),
  to: ChatRecipientSchema,
  /** The epoch of the sender's SFrame base key the content's key comes from. */
  epoch: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31),
  /** Strictly increasing per sender over the call, across recipients and kinds. */
  seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  /** `message`: a JSON ChatContent. `chunk`: raw bytes of one chunk of a file. */
  kind: z.enum(['message', 'chunk']),
  /** Chunks only: which file, which chunk, and whether it is the last one. */
  file: z.object({ id: FileIdSchema, index: z.number().int().min(0).max(1_000_000), last: z.boolean() }).optional(),
  ct: z.string().regex(new RegExp(`^[A-Za-z0-9_-]{1,${chatLimits.sealedChars}}$`)),
});
export type ChatEnvelope = z.infer<typeof ChatEnvelopeSchema>;

/** Inside a sealed `message` envelope. */
export const ChatContentSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('text'), text: z.string().min(1).max(chatLimits.textChars) }),
  /** A file on offer: its chunks follow, each bound to this id; `chunks` lets the receiver detect truncation. */
  z.object({
    t: z.literal('fileOffer'),
    fileId: FileIdSchema,
    name: z.string().min(1).max(255),
    type: z.string().max(127),
    size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    chunks: z.number().int().min(1).max(1_000_001),
  }),
  /** The sender stopped sending this file (or a receiver declined it: sent privately to the sender). */
  z.object({ t: z.literal('fileCancel'), fileId: FileIdSchema }),
]);
export type ChatContent = z.infer<typeof ChatContentSchema>;

/** How many chunks a file of `size` bytes takes (an empty file is one empty chunk). */
export function chunkCount(size: number): number {
  return Math.max(1, Math.ceil(size / chatLimits.chunkBytes));
}
