// What participants say to each other inside the pairwise libsodium boxes the
// server relays: a sender key for an epoch, a receipt for it, or a request
// for a fresh key after suspicious decryption failures.
import { z } from 'zod';

const Epoch = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31);

export const KeyMessageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('key'), epoch: Epoch, key: z.string().regex(/^[A-Za-z0-9_-]{43}$/) }),
  z.object({ t: z.literal('ack'), epoch: Epoch }),
  z.object({ t: z.literal('rekey') }),
]);
export type KeyMessage = z.infer<typeof KeyMessageSchema>;

/** What an identity key signs in an announcement: binds the call key to this room and this peer. */
export function announcementContext(roomId: string, peerId: string, callKey: Uint8Array): Uint8Array {
  const prefix = new TextEncoder().encode(`Parley E2EE 1|${roomId}|${peerId}|`);
  const context = new Uint8Array(prefix.length + callKey.length);
  context.set(prefix);
  context.set(callKey, prefix.length);
  return context;
}
