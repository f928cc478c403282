// zod schemas for the mediasoup parameters that cross the socket. They follow
// mediasoup's own types (rtpParametersTypes, WebRtcTransportTypes) field by
// field (header extensions: the ones both mediasoup and mediasoup-client know), with every string, number and array bounded; mediasoup then checks
// the semantics (codec matching, payload types) itself.
import { z } from 'zod';

const shortText = z.string().min(1).max(128);
const uint32 = z.number().int().min(0).max(0xffff_ffff);
const payloadType = z.number().int().min(0).max(127);
const clockRate = z.number().int().min(1).max(1_000_000);
const channels = z.number().int().min(1).max(32);
const codecParameters = z
  .record(z.string().max(64), z.union([z.string().max(256), z.number()]))
  .refine((value) => Object.keys(value).length <= 32, 'too many codec parameters');

export const MediaKindSchema = z.enum(['audio', 'video']);
export type MediaKind = z.infer<typeof MediaKindSchema>;

const headerExtensionUris = [
  'urn:ietf:params:rtp-hdrext:sdes:mid',
  'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id',
  'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id',
  'urn:ietf:params:rtp-hdrext:ssrc-audio-level',
  'urn:3gpp:video-orientation',
  'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
  'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
  'http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time',
  'http://www.webrtc.org/experiments/rtp-hdrext/playout-delay',
  'https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension',
] as const;
const HeaderExtensionUriSchema = z.enum(headerExtensionUris);

/** Header extensions mediasoup does not know are dropped, like unknown keys. */
function knownExtensionsOnly<T extends { uri: string }>(list: T[]) {
  return list.flatMap((ext) => {
    const uri = HeaderExtensionUriSchema.safeParse(ext.uri);
    return uri.success ? [{ ...ext, uri: uri.data }] : [];
  });
}

const RtcpFeedbackSchema = z.object({ type: z.string().min(1).max(32), parameter: z.string().max(32).optional() });

export const RtpCodecCapabilitySchema = z.object({
  kind: MediaKindSchema,
  mimeType: shortText,
  preferredPayloadType: payloadType,
  clockRate,
  channels: channels.optional(),
  parameters: codecParameters.optional(),
  rtcpFeedback: z.array(RtcpFeedbackSchema).max(16).optional(),
});

export const RtpCapabilitiesSchema = z.object({
  codecs: z.array(RtpCodecCapabilitySchema).max(64).optional(),
  headerExtensions: z
    .array(
      z.object({
        kind: MediaKindSchema,
        uri: z.string().max(256),
        preferredId: z.number().int().min(1).max(255),
        preferredEncrypt: z.boolean().optional(),
        direction: z.enum(['sendrecv', 'sendonly', 'recvonly', 'inactive']).optional(),
      }),
    )
    .max(32)
    .transform(knownExtensionsOnly)
    .optional(),
});
export type RtpCapabilities = z.infer<typeof RtpCapabilitiesSchema>;

export const RtpParametersSchema = z.object({
  mid: z.string().max(32).optional(),
  codecs: z
    .array(
      z.object({
        mimeType: shortText,
        payloadType,
        clockRate,
        channels: channels.optional(),
        parameters: codecParameters.optional(),
        rtcpFeedback: z.array(RtcpFeedbackSchema).max(16).optional(),
      }),
    )
    .min(1)
    .max(16),
  headerExtensions: z
    .array(
      z.object({
        uri: z.string().max(256),
        id: z.number().int().min(1).max(255),
        encrypt: z.boolean().optional(),
        parameters: codecParameters.optional(),
      }),
    )
    .max(32)
    .transform(knownExtensionsOnly)
    .optional(),
  encodings: z
    .array(
      z.object({
        ssrc: uint32.optional(),
        rid: z.string().max(32).optional(),
        codecPayloadType: payloadType.optional(),
        rtx: z.object({ ssrc: uint32 }).optional(),
        dtx: z.boolean().optional(),
        scalabilityMode: z.string().max(16).optional(),
        maxBitrate: z.number().int().min(0).max(100_000_000).optional(),
      }),
    )
    .max(8)
    .optional(),
  rtcp: z.object({ cname: z.string().max(256).optional(), reducedSize: z.boolean().optional() }).optional(),
});
export type RtpParameters = z.infer<typeof RtpParametersSchema>;

export const DtlsParametersSchema = z.object({
  role: z.enum(['auto', 'client', 'server']).optional(),
  fingerprints: z
    .array(
      z.object({
        algorithm: z.enum(['sha-1', 'sha-224', 'sha-256', 'sha-384', 'sha-512']),
        value: z.string().regex(/^[0-9A-Fa-f:]{1,200}$/),
      }),
    )
    .min(1)
    .max(8),
});
export type DtlsParameters = z.infer<typeof DtlsParametersSchema>;

export const IceParametersSchema = z.object({
  usernameFragment: z.string().max(256),
  password: z.string().max(256),
  iceLite: z.boolean().optional(),
});

export const IceCandidateSchema = z.object({
  foundation: z.string().max(64),
  priority: uint32,
  address: z.string().max(256),
  ip: z.string().max(64),
  protocol: z.enum(['udp', 'tcp']),
  port: z.number().int().min(0).max(65535),
  type: z.enum(['host', 'srflx', 'prflx', 'relay']),
  tcpType: z.enum(['active', 'passive', 'so']).optional(),
});
