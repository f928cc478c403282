// Server → client notifications, pushed without a request.
import { z } from 'zod';
import { RemoteProducerSchema } from './clientRequests.js';

export const serverEvents = {
  producerAdded: RemoteProducerSchema,
  producerClosed: z.object({ producerId: z.uuid() }),
  peerLeft: z.object({ peerId: z.uuid() }),
} as const;

export type ServerEventName = keyof typeof serverEvents;
export type ServerEventOf<K extends ServerEventName> = z.infer<(typeof serverEvents)[K]>;
