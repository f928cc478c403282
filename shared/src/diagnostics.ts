// The read-only diagnostics of a call (the connection indicator; test builds
// also expose them to browser tests): counters and levels, never keys,
// tokens or media content.

export type InboundStat = {
  kind: 'audio' | 'video';
  framesDecoded: number;
  audioLevel: number;
  bytesReceived: number;
  /** Seconds frames spent in the jitter buffer, summed; divide by jitterBufferEmittedCount. */
  jitterBufferDelay: number;
  jitterBufferEmittedCount: number;
};

export type OutboundStat = { kind: 'audio' | 'video'; bytesSent: number };

export type Diagnostics = {
  /** mediasoup-client transport connection states ('new', 'connecting', 'connected', 'failed', …). */
  transports: { send: string; recv: string };
  /** The local ICE candidate type each transport's media uses: 'host', 'relay' (TURN), …; '' before one is chosen. */
  routes: { send: string; recv: string };
  inbound: InboundStat[];
  outbound: OutboundStat[];
};
