// TEST ONLY: one line of the server's media tap file (PARLEY_TEST_MEDIA_TAP),
// written by the server and read back by the browser tests.
import { z } from 'zod';
import { ChatEnvelopeSchema } from '../protocol/chatWire.js';

export const TappedPacketSchema = z.object({
  /** Unix ms on the server when the packet was forwarded. */
  at: z.number(),
  producerId: z.uuid(),
  peerId: z.uuid(),
  kind: z.enum(['audio', 'video']),
  /** The media codec's payload type (retransmissions carry another). */
  payloadType: z.number().int(),
  /** The whole RTP packet, base64. */
  rtp: z.string(),
});
export type TappedPacket = z.infer<typeof TappedPacketSchema>;

/** TEST ONLY: one line of the chat tap (`<PARLEY_TEST_MEDIA_TAP>.chat`): an envelope as the server relayed it. */
export const TappedChatSchema = z.object({ at: z.number(), from: z.uuid(), envelope: ChatEnvelopeSchema });
export type TappedChat = z.infer<typeof TappedChatSchema>;
