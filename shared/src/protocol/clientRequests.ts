// Client → server requests. Each is a socket.io event with an acknowledgement
// that carries either the response or a WireError. The server validates every
// request with `safeParse`; the client validates every response the same way.
import { z } from 'zod';
import {
  DtlsParametersSchema,
  IceCandidateSchema,
  IceParametersSchema,
  MediaKindSchema,
  RtpCapabilitiesSchema,
  RtpParametersSchema,
} from './mediaParameters.js';

/** Room ids are random and long; the link that carries one is the only way in. */
export const RoomIdSchema = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'room id must be 16–64 URL-safe characters');
const ServerIdSchema = z.uuid();

export const MediaSourceSchema = z.enum(['microphone', 'camera', 'screen']);
export type MediaSource = z.infer<typeof MediaSourceSchema>;

export const RemoteProducerSchema = z.object({
  producerId: ServerIdSchema,
  peerId: ServerIdSchema,
  kind: MediaKindSchema,
  source: MediaSourceSchema,
});
export type RemoteProducer = z.infer<typeof RemoteProducerSchema>;

export const TransportDirectionSchema = z.enum(['send', 'recv']);

export const clientRequests = {
  join: {
    request: z.object({ roomId: RoomIdSchema }),
    response: z.object({
      peerId: ServerIdSchema,
      routerRtpCapabilities: RtpCapabilitiesSchema,
      producers: z.array(RemoteProducerSchema).max(1000),
    }),
  },
  createTransport: {
    request: z.object({ direction: TransportDirectionSchema }),
    response: z.object({
      transportId: ServerIdSchema,
      iceParameters: IceParametersSchema,
      iceCandidates: z.array(IceCandidateSchema).max(16),
      dtlsParameters: DtlsParametersSchema,
    }),
  },
  connectTransport: {
    request: z.object({ transportId: ServerIdSchema, dtlsParameters: DtlsParametersSchema }),
    response: z.object({}),
  },
  produce: {
    request: z.object({
      transportId: ServerIdSchema,
      kind: MediaKindSchema,
      source: MediaSourceSchema,
      rtpParameters: RtpParametersSchema,
    }),
    response: z.object({ producerId: ServerIdSchema }),
  },
  consume: {
    request: z.object({
      transportId: ServerIdSchema,
      producerId: ServerIdSchema,
      rtpCapabilities: RtpCapabilitiesSchema,
    }),
    response: z.object({
      consumerId: ServerIdSchema,
      producerId: ServerIdSchema,
      kind: MediaKindSchema,
      rtpParameters: RtpParametersSchema,
    }),
  },
  resumeConsumer: {
    request: z.object({ consumerId: ServerIdSchema }),
    response: z.object({}),
  },
} as const;

export type ClientRequestName = keyof typeof clientRequests;
export type RequestOf<K extends ClientRequestName> = z.infer<(typeof clientRequests)[K]['request']>;
export type ResponseOf<K extends ClientRequestName> = z.infer<(typeof clientRequests)[K]['response']>;
