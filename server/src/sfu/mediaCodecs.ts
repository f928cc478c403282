import type { types } from 'mediasoup';

/**
 * What every router offers. Opus and VP8 only: the end-to-end encryption layer
 * keeps a few codec bytes in clear so the SFU can find keyframes and layers,
 * and that is specified for these two codecs.
 */
export const mediaCodecs: types.RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, parameters: { 'x-google-start-bitrate': 1000 } },
];
