// TEST BUILDS ONLY: what a test build of the call page exposes on `window`
// for browser tests and benchmarks. Read-only views and dry-run probes:
// counters, key-switch times, roster and recipients — never keys or content.
import type { Diagnostics } from '../../diagnostics.js';
import type { ChatEnvelope } from '../../protocol/index.js';
import type { StreamStatus, WorkerToPage } from '../workerMessages.js';
import type { FrameTimings } from './workerTestMessages.js';

type KeyInUse = Extract<WorkerToPage, { type: 'keyInUse' }>;

export type E2eeTestHooks = {
  api: string;
  statuses: () => StreamStatus[];
  keyEvents: KeyInUse[];
  /** Key agreement milestones (performance marks `parley.e2ee.*`), Unix ms. */
  milestones: () => { what: string; at: number; detail: unknown }[];
  /** Frames as base64: how many does any key this page holds decrypt? Changes nothing. */
  probe: (frames: { kind: 'audio' | 'video'; data: string }[]) => Promise<{ decrypted: number; failed: number }>;
  /** Per-frame timings inside the E2EE worker since the last reset; undefined without a worker (E2EE off). */
  frameTimings: (reset: boolean) => Promise<FrameTimings | undefined>;
  /** Gives this participant's streams a wrong key (the "wrong key gives silence" test). */
  scrambleKeys: (peerId: string) => void;
  /** The roster as the key agreement holds it, and who receives our key. */
  members: () => { peerId: string; displayName: string; status: string; hasOurKey: boolean }[];
  recipients: () => string[];
  securityCode: () => string;
  /** Our own peer id and current sending epoch. */
  self: () => { peerId: string; sendEpoch: number } | undefined;
};

/** The call's chat, read-only: a digest of a received file (never its bytes), and what did not open. */
export type ChatTestHooks = {
  /** SHA-256 (hex) of the received, complete file of this name; undefined until there is one. */
  digest: (name: string) => Promise<string | undefined>;
  /** Envelopes that did not open, by reason. */
  refused: () => Record<string, number>;
  /** A keepKeysAfterCall page only: how many relayed envelopes the chat keys it kept open (and how many keys it kept). */
  openWithKeptKeys: (
    envelopes: { from: string; envelope: ChatEnvelope }[],
  ) => Promise<{ opened: number; keys: number }>;
};

declare global {
  interface Window {
    parleyChat?: ChatTestHooks;
    parleyDiagnostics?: () => Promise<Diagnostics>;
    parleyE2ee?: E2eeTestHooks;
  }
}
