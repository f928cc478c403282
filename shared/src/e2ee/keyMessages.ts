// What participants say to each other inside the pairwise libsodium boxes the
// server relays. Every box carries a sequence number, strictly increasing per
// (sender, receiver) pair for the call: a box the server replays or re-orders
// is refused, so it cannot roll a receiver back to an older key or reset
// the replay window of one it holds.
import { z } from 'zod';

const Epoch = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31);
const Seq = z
  .number()
  .int()
  .min(1)
  .max(2 ** 31);

export const KeyMessageSchema = z.discriminatedUnion('t', [
  /** My sender key for this epoch. */
  z.object({ t: z.literal('key'), seq: Seq, epoch: Epoch, key: z.string().regex(/^[A-Za-z0-9_-]{43}$/) }),
  /** I hold your key for this epoch. */
  z.object({ t: z.literal('ack'), seq: Seq, epoch: Epoch }),
  /** Your frames fail suspiciously often: please move to a fresh key. */
  z.object({ t: z.literal('rekey'), seq: Seq }),
  /** Your frames arrive under a key I do not hold (I missed a change): send me your current key. */
  z.object({ t: z.literal('keyRequest'), seq: Seq }),
]);
export type KeyMessage = z.infer<typeof KeyMessageSchema>;
/** A message before its sequence number is assigned. */
export type KeyMessageBody = KeyMessage extends infer M ? (M extends KeyMessage ? Omit<M, 'seq'> : never) : never;

/** What an identity key signs in an announcement: binds the call key to this room and this peer. */
export function announcementContext(roomId: string, peerId: string, callKey: Uint8Array): Uint8Array {
  const prefix = new TextEncoder().encode(`Parley E2EE 1|${roomId}|${peerId}|`);
  const context = new Uint8Array(prefix.length + callKey.length);
  context.set(prefix);
  context.set(callKey, prefix.length);
  return context;
}
