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
import { LinkIdSchema, LinkSecretSchema } from '../links/api.js';
import { ChatEnvelopeSchema } from './chatWire.js';

import {
  AdmissionSchema,
  CallProfileSchema,
  DisplayNameSchema,
  E2eeAnnouncementSchema,
  MediaSourceSchema,
  RoomIdSchema,
  ServerIdSchema,
  TransportDirectionSchema,
  RejoinTicketSchema,
} from './participants.js';

/**
 * Boxes in one relayE2ee request, and in one e2eeRelayed event. Clients also
 * keep a request under `bytesPerRequest`, well below the server's 64 KiB
 * message limit (a box is about 150 characters; the schema allows 2,048).
 */
export const relayLimits = { boxesPerRequest: 256, bytesPerRequest: 48 * 1024, boxesPerEvent: 256 } as const;

const PeerTargetSchema = z.object({ peerId: ServerIdSchema });

export const clientRequests = {
  createRoom: {
    request: z.object({
      profile: CallProfileSchema.default('standard'),
      /** Sensitive calls: how many people may be in the call at once (default 10). */
      maxParticipants: z.number().int().min(2).max(50).optional(),
    }),
    response: z.object({ roomId: RoomIdSchema }),
  },
  /**
   * Join the call a meeting link names. The owner starts it (and becomes its
   * host); anyone else knocks once it runs, or hears `callStarted` when it does.
   */
  joinLink: {
    request: z.object({ linkId: LinkIdSchema, secret: LinkSecretSchema, displayName: DisplayNameSchema }),
    response: z.discriminatedUnion('status', [
      AdmissionSchema.extend({ status: z.literal('admitted'), roomId: RoomIdSchema }),
      z.object({ status: z.literal('waiting'), peerId: ServerIdSchema, roomId: RoomIdSchema }),
      z.object({ status: z.literal('waitingForHost') }),
    ]),
  },
  /** What a meeting link leads to, for the page before joining (a sensitive call starts guests muted). */
  linkInfo: {
    request: z.object({ linkId: LinkIdSchema, secret: LinkSecretSchema }),
    response: z.object({ profile: CallProfileSchema, started: z.boolean() }),
  },
  /** Host, sensitive calls: let a guest use camera and microphone (speak) and share their screen (share). */
  allowMedia: {
    request: z.object({ peerId: ServerIdSchema, speak: z.boolean(), share: z.boolean() }),
    response: z.object({}),
  },
  join: {
    request: z.object({
      roomId: RoomIdSchema,
      displayName: DisplayNameSchema,
      /** Back after the server restarted: re-creates the call if needed, and lets us in without knocking. */
      rejoinTicket: RejoinTicketSchema.optional(),
    }),
    response: z.discriminatedUnion('status', [
      AdmissionSchema.extend({ status: z.literal('admitted') }),
      z.object({ status: z.literal('waiting'), peerId: ServerIdSchema }),
    ]),
  },
  /**
   * After the socket dropped and came back: take our place in the call again.
   * Media keeps flowing meanwhile (it does not use the socket); the reply
   * carries the call's current state, since events were missed.
   */
  resume: {
    request: z.object({
      roomId: RoomIdSchema,
      peerId: ServerIdSchema,
      resumeToken: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
    }),
    response: AdmissionSchema,
  },
  admit: { request: PeerTargetSchema, response: z.object({}) },
  deny: { request: PeerTargetSchema, response: z.object({}) },
  removePeer: { request: PeerTargetSchema, response: z.object({}) },
  lockRoom: { request: z.object({ locked: z.boolean() }), response: z.object({}) },
  endCall: { request: z.object({}), response: z.object({}) },
  /** Host: pause a participant's microphone on the server and ask them to mute. */
  muteParticipant: { request: PeerTargetSchema, response: z.object({}) },
  appointHost: { request: PeerTargetSchema, response: z.object({}) },
  /** Raise or lower one's own hand; everyone sees it (participantUpdated). */
  raiseHand: { request: z.object({ raised: z.boolean() }), response: z.object({}) },
  /** Host: lower someone's raised hand (after giving them the floor). */
  lowerHand: { request: PeerTargetSchema, response: z.object({}) },
  /** One's own producers only: muting and camera off. */
  pauseProducer: { request: z.object({ producerId: ServerIdSchema }), response: z.object({}) },
  resumeProducer: { request: z.object({ producerId: ServerIdSchema }), response: z.object({}) },
  /** Which simulcast layer a consumer should receive: the size of the tile showing it decides. */
  setPreferredLayers: {
    request: z.object({ consumerId: ServerIdSchema, spatialLayer: z.number().int().min(0).max(2) }),
    response: z.object({}),
  },
  /** After ICE fails (network change): new ICE credentials for one of our transports. */
  restartIce: {
    request: z.object({ transportId: ServerIdSchema }),
    response: z.object({ iceParameters: IceParametersSchema }),
  },
  /** One's own producer: stop screen sharing, for instance. */
  closeProducer: { request: z.object({ producerId: ServerIdSchema }), response: z.object({}) },
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
  /** After a receive key arrives: ask the sender for a keyframe so the picture starts at once. */
  requestKeyFrame: {
    request: z.object({ consumerId: ServerIdSchema }),
    response: z.object({}),
  },
  /**
   * Our E2EE keys for this call, relayed to everyone in it; the identity key is
   * recorded under our account. Once per participant: a second announcement
   * gets `already_announced` and changes nothing.
   */
  announceE2ee: { request: E2eeAnnouncementSchema, response: z.object({}) },
  /**
   * Opaque, end-to-end encrypted messages (libsodium boxes), each for one
   * participant: sender keys and their receipts. Several in one request (a
   * sender hands a new key to everyone at once), each charged to the
   * sender's relay allowance (`limit_reached` refuses the whole request);
   * kept for a participant whose socket dropped and delivered after its
   * resume. Boxes for someone no longer in the call come back as undelivered.
   */
  relayE2ee: {
    request: z.object({
      boxes: z
        .array(z.object({ to: ServerIdSchema, box: z.string().regex(/^[A-Za-z0-9_-]{1,2048}$/) }))
        .min(1)
        .max(relayLimits.boxesPerRequest),
    }),
    response: z.object({ undelivered: z.array(ServerIdSchema).max(relayLimits.boxesPerRequest) }),
  },
  /**
   * One end-to-end encrypted chat message or file chunk (shared/src/chat),
   * to everyone or one participant. Relayed as it is, at once, never kept:
   * not for a participant whose socket dropped, nor for anyone who joins
   * later. `busy`: a recipient's socket is still sending earlier chunks —
   * wait and send again (back-pressure); text is never refused for that.
   */
  relayChat: {
    request: z.object({ envelope: ChatEnvelopeSchema }),
    response: z.object({ delivered: z.number().int().min(0).max(1000) }),
  },
} as const;

export type ClientRequestName = keyof typeof clientRequests;
export type RequestOf<K extends ClientRequestName> = z.infer<(typeof clientRequests)[K]['request']>;
export type ResponseOf<K extends ClientRequestName> = z.infer<(typeof clientRequests)[K]['response']>;
