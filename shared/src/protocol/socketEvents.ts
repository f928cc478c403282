// socket.io event maps derived from the schemas, so a misspelled event or a
// wrong payload fails to compile on both sides.
import { z } from 'zod';
import { WireErrorSchema, type WireError } from '../errors/index.js';
import type { ClientRequestName, RequestOf, ResponseOf } from './clientRequests.js';
import type { ServerEventName, ServerEventOf } from './serverEvents.js';

export type Reply<T> = { ok: true; data: T } | { ok: false; error: WireError };

export type ClientToServerEvents = {
  [K in ClientRequestName]: (request: RequestOf<K>, ack: (reply: Reply<ResponseOf<K>>) => void) => void;
};

export type ServerToClientEvents = {
  [K in ServerEventName]: (event: ServerEventOf<K>) => void;
};

/** The envelope of every acknowledgement, checked before its data is. */
export const ReplyEnvelopeSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), data: z.unknown() }),
  z.object({ ok: z.literal(false), error: WireErrorSchema }),
]);
