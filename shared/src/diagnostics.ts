import type { StreamStatus, WorkerToPage } from './e2ee/workerMessages.js';
// The read-only diagnostics a page exposes to the connection indicator and to
// the browser tests: counters and levels, never keys, tokens or media content.

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
  inbound: InboundStat[];
  outbound: OutboundStat[];
};

/** The E2EE worker's counters and key-switch times, and dry-run probes (tests and benchmarks). */
export type E2eeTestHooks = {
  api: string;
  statuses: () => StreamStatus[];
  keyEvents: KeyInUse[];
  /** Key-exchange milestones (peer left, rotation sent, acknowledged), Unix ms. */
  milestones: { what: string; at: number }[];
  /** Frames as base64: how many does any key this page holds decrypt? Changes nothing. */
  probe: (frames: { kind: 'audio' | 'video'; data: string }[]) => Promise<{ decrypted: number; failed: number }>;
  /** Gives this participant's streams a wrong key (the "wrong key gives silence" test). */
  scrambleKeys: (peerId: string) => void;
};

type KeyInUse = Extract<WorkerToPage, { type: 'keyInUse' }>;

declare global {
  interface Window {
    parleyDiagnostics?: () => Promise<Diagnostics>;
    parleyE2ee?: E2eeTestHooks;
  }
}
