// Who is in a call and under which rules: the shapes the server tells every
// participant (admission, roster entries), shared by requests and events.
import { z } from 'zod';
import { MediaKindSchema, RtpCapabilitiesSchema } from './mediaParameters.js';

/** Room ids are random and long; the link that carries one is the only way in. */
export const RoomIdSchema = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'room id must be 16–64 URL-safe characters');
export const ServerIdSchema = z.uuid();

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

/**
 * Control and invisible formatting characters (bidi overrides, zero-width
 * joiners, soft hyphens), which could make one name look like another or
 * reorder what follows it on screen.
 */
const hiddenCharacters = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Zl}\p{Zp}]/gu;

/** Chosen for one call and never stored: NFKC, no hidden characters, one space between words. */
export const DisplayNameSchema = z
  .string()
  .max(200)
  .transform((value) => value.normalize('NFKC').replace(hiddenCharacters, '').replace(/\s+/gu, ' ').trim())
  .pipe(z.string().min(1, 'enter a name').max(40, 'names have at most 40 characters'));

const base64url = (bytes: number) =>
  z.string().regex(new RegExp(`^[A-Za-z0-9_-]{${Math.ceil((bytes * 4) / 3)}}$`), `expected ${bytes} bytes, base64url`);

/**
 * A participant's end-to-end encryption keys for this call: its device's
 * long-term identity key (Ed25519), a per-call X25519 key, and the identity
 * key's signature over the call key, the room and the peer id. The server
 * relays it; receivers check the signature themselves.
 */
export const E2eeAnnouncementSchema = z.object({
  identityKey: base64url(32),
  callKey: base64url(32),
  signature: base64url(64),
});
export type E2eeAnnouncement = z.infer<typeof E2eeAnnouncementSchema>;

/**
 * Who someone is, as the server vouches for it: an account (its username, as
 * verified at login) or a guest who came through a meeting link (only a name
 * they chose). Shown wherever a host decides, so nobody passes as someone else.
 */
export const IdentitySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('account'), username: z.string().max(64) }),
  z.object({ kind: z.literal('guest') }),
]);
export type Identity = z.infer<typeof IdentitySchema>;

/** Standard, or sensitive (health, school, children): see docs/sensitive-calls.md. */
export const CallProfileSchema = z.enum(['standard', 'sensitive']);
export type CallProfile = z.infer<typeof CallProfileSchema>;

/** What a participant may send. Everyone may, except guests of a sensitive call until a host allows it. */
export const PermissionsSchema = z.object({ speak: z.boolean(), share: z.boolean() });
export type Permissions = z.infer<typeof PermissionsSchema>;

/** The call's rules, as the server enforces them. */
export const CallPolicySchema = z.object({
  profile: CallProfileSchema,
  /** A sensitive call's own limit; a standard call's is the server's PARLEY_MAX_CALL_SIZE (up to 1,000). */
  maxParticipants: z.number().int().min(2).max(1000),
});
export type CallPolicy = z.infer<typeof CallPolicySchema>;

export const ParticipantSchema = z.object({
  peerId: ServerIdSchema,
  displayName: z.string().max(40),
  identity: IdentitySchema,
  isHost: z.boolean(),
  /** The account behind this participant (a random id; a guest's is derived from the link and their browser, so a returning device is recognised), for keys and the security code. */
  accountId: ServerIdSchema,
  /** Small per-call number for SFrame key ids; reused after a participant leaves. */
  keySlot: z.number().int().min(0).max(4095),
  e2ee: E2eeAnnouncementSchema.optional(),
  /** They raised their hand to speak. */
  handRaised: z.boolean().optional(),
  permissions: PermissionsSchema,
});
export type Participant = z.infer<typeof ParticipantSchema>;

/** Opaque to clients: the server's proof that its holder was in a call (server/src/rooms/RejoinTickets.ts). */
export const RejoinTicketSchema = z.string().regex(/^[A-Za-z0-9_-]{1,900}\.[A-Za-z0-9_-]{43}$/);

/** What a peer needs once it is in the call proper. */
export const AdmissionSchema = z.object({
  peerId: ServerIdSchema,
  isHost: z.boolean(),
  call: CallPolicySchema,
  /** What we may send (guests of a sensitive call: nothing until a host allows it). */
  permissions: PermissionsSchema,
  /** Our own account id, as others see it (part of the call security code). */
  accountId: ServerIdSchema,
  keySlot: z.number().int().min(0).max(4095),
  routerRtpCapabilities: RtpCapabilitiesSchema,
  producers: z.array(RemoteProducerSchema).max(1000),
  participants: z.array(ParticipantSchema).max(1000),
  /** The current dominant speaker, so a newcomer's layout is right from the start. */
  activeSpeaker: z.uuid().optional(),
  /** TURN servers from the server's configuration; empty by default (no third party is contacted). */
  iceServers: z
    .array(
      z.object({
        urls: z.array(z.string().max(256)).max(8),
        username: z.string().max(256).optional(),
        credential: z.string().max(256).optional(),
      }),
    )
    .max(8),
  /** The largest file this server relays (PARLEY_MAX_FILE_MB): bigger ones are refused before they start. */
  maxFileBytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  /** Proves a later `resume` comes from this peer; a secret between it and the server. */
  resumeToken: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  /** Gets us back into this call after the server restarted (`join` with it); refreshed by `rejoinTicket`. */
  rejoinTicket: RejoinTicketSchema,
});
export type Admission = z.infer<typeof AdmissionSchema>;
