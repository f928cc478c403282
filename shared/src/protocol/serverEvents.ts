// Server → client notifications, pushed without a request.
import { z } from 'zod';
import { ChatEnvelopeSchema } from './chatWire.js';
import { LinkIdSchema } from '../links/api.js';
import { relayLimits } from './clientRequests.js';
import {
  AdmissionSchema,
  E2eeAnnouncementSchema,
  ParticipantSchema,
  RejoinTicketSchema,
  RemoteProducerSchema,
} from './participants.js';
import { RtpCapabilitiesSchema } from './mediaParameters.js';

export const serverEvents = {
  /** To a waiting peer: the host let you in. */
  admitted: AdmissionSchema,
  /** To a waiting peer, a removed one, or everyone when the call ends: you are out. */
  leftCall: z.object({ reason: z.enum(['denied', 'removed', 'ended_by_host', 'room_closed', 'no_host', 'link_used']) }),
  /** To hosts: who is waiting in the lobby, and who they are (an account's username, or a guest). */
  lobbyChanged: z.object({
    waiting: z.array(ParticipantSchema.pick({ peerId: true, displayName: true, identity: true })).max(1000),
  }),
  /** To someone waiting on a meeting link: its call has started; join now. */
  callStarted: z.object({ linkId: LinkIdSchema }),
  /** Sensitive calls: the last host left; the call ends unless a host returns in time. */
  callEnding: z.object({ reason: z.literal('no_host'), endsInSeconds: z.number().int().min(0).max(3600) }),
  /** A host is back: the call goes on. */
  callContinues: z.object({}),
  participantJoined: ParticipantSchema,
  roomLocked: z.object({ locked: z.boolean() }),
  /** Who is speaking most, per mediasoup's active speaker observer. */
  activeSpeaker: z.object({ peerId: z.uuid() }),
  /** Someone's host status or similar changed. */
  participantUpdated: ParticipantSchema,
  /** To the muted participant: a host paused your microphone. */
  mutedByHost: z.object({ producerId: z.uuid() }),
  /** To everyone: whether a producer is paused (muted, camera off). */
  producerPaused: z.object({ producerId: z.uuid(), paused: z.boolean() }),
  /** Right after connecting: the client version the server offers, for the update banner. */
  serverInfo: z.object({ currentClientVersion: z.string().max(32) }),
  producerAdded: RemoteProducerSchema,
  producerClosed: z.object({ producerId: z.uuid() }),
  peerLeft: z.object({ peerId: z.uuid() }),
  /** Someone announced their E2EE keys for this call: once per participant, never changed afterwards. */
  e2eeAnnounced: E2eeAnnouncementSchema.extend({ peerId: z.uuid() }),
  /**
   * To everyone in a call: its media worker died and the call now runs on a
   * live one. Every transport, producer and consumer of ours is gone: create
   * new transports, produce again, consume these producers and those added
   * from now on. The roster and the E2EE keys are unchanged.
   */
  mediaRestarted: z.object({
    routerRtpCapabilities: RtpCapabilitiesSchema,
    producers: z.array(RemoteProducerSchema).max(1000),
  }),
  /** A fresh rejoin ticket (they expire; and host rights change): keep the latest. */
  rejoinTicket: z.object({ ticket: RejoinTicketSchema }),
  /** To everyone: the server is restarting. Calls resume on their own once it is back (`join` with the ticket). */
  serverRestarting: z.object({}),
  /**
   * Opaque E2EE messages from other participants, in the order they were
   * sent: the server gathers the boxes for one receiver that arrive together
   * (everyone hands out a new key at once) into one event.
   */
  e2eeRelayed: z.object({
    boxes: z
      .array(z.object({ from: z.uuid(), box: z.string().max(2048) }))
      .min(1)
      .max(relayLimits.boxesPerEvent),
  }),
  /** A chat message or file chunk from another participant, as they sealed it; `from` is the server's. */
  chatRelayed: z.object({ from: z.uuid(), envelope: ChatEnvelopeSchema }),
} as const;

export type ServerEventName = keyof typeof serverEvents;
export type ServerEventOf<K extends ServerEventName> = z.infer<(typeof serverEvents)[K]>;
