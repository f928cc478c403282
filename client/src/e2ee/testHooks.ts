// Read-only views and dry-run probes for the browser tests and benchmarks:
// counters and key-switch times, and "does any key you hold decrypt these
// frames?" — never keys or decrypted content.
import type { MediaKind, StreamStatus, WorkerToPage } from '@parley/shared/e2ee';
import type { E2eeMedia } from './E2eeMedia.js';

type KeyInUse = Extract<WorkerToPage, { type: 'keyInUse' }>;

export type E2eeTestHooks = {
  api: string;
  statuses: () => StreamStatus[];
  keyEvents: KeyInUse[];
  /** Frames as base64; answers how many any key this page holds decrypts. */
  probe: (frames: { kind: MediaKind; data: string }[]) => Promise<{ decrypted: number; failed: number }>;
  scrambleKeys: (peerId: string) => void;
};

declare global {
  interface Window {
    parleyE2ee?: E2eeTestHooks;
  }
}

const keyEvents: KeyInUse[] = [];

export function recordKeyInUse(event: KeyInUse): void {
  keyEvents.push(event);
  if (keyEvents.length > 1000) keyEvents.shift();
}

export function exposeE2eeTestHooks(media: E2eeMedia): void {
  window.parleyE2ee = {
    api: media.api,
    statuses: () => media.statuses,
    keyEvents,
    probe: (frames) =>
      media.probe(frames.map((f) => ({ kind: f.kind, data: Uint8Array.from(atob(f.data), (c) => c.charCodeAt(0)) }))),
    scrambleKeys: (peerId) => media.scrambleKeys(peerId),
  };
}
