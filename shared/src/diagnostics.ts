// The read-only diagnostics a page exposes to the connection indicator and to
// the browser tests: counters and levels, never keys, tokens or media content.

export type InboundStat = {
  kind: 'audio' | 'video';
  framesDecoded: number;
  audioLevel: number;
  bytesReceived: number;
};

export type Diagnostics = {
  /** mediasoup-client transport connection states ('new', 'connecting', 'connected', 'failed', …). */
  transports: { send: string; recv: string };
  inbound: InboundStat[];
};

declare global {
  interface Window {
    parleyDiagnostics?: () => Promise<Diagnostics>;
  }
}
