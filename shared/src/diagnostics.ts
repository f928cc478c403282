// The read-only diagnostics a page exposes to the connection indicator and to
// the browser tests: counters and levels, never keys, tokens or media content.

export type InboundStat = {
  kind: 'audio' | 'video';
  framesDecoded: number;
  audioLevel: number;
  bytesReceived: number;
};

declare global {
  interface Window {
    parleyDiagnostics?: () => Promise<InboundStat[]>;
  }
}
