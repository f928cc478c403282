// Read-only views and dry-run probes for the browser tests and benchmarks:
// counters and key-switch times, and "does any key you hold decrypt these
// frames?" — never keys or decrypted content.
import type { WorkerToPage } from '@parley/shared/e2ee';
import type { E2eeTestHooks } from '@parley/shared';
import type { E2eeMedia } from './E2eeMedia.js';

type KeyInUse = Extract<WorkerToPage, { type: 'keyInUse' }>;

const keyEvents: KeyInUse[] = [];
const milestones: { what: string; at: number }[] = [];

export function recordMilestone(what: string): void {
  milestones.push({ what, at: Date.now() });
  if (milestones.length > 1000) milestones.shift();
}

export function recordKeyInUse(event: KeyInUse): void {
  keyEvents.push(event);
  if (keyEvents.length > 1000) keyEvents.shift();
}

export function exposeE2eeTestHooks(media: E2eeMedia): void {
  const hooks: E2eeTestHooks = {
    api: media.api,
    statuses: () => media.statuses,
    keyEvents,
    milestones,
    probe: (frames) =>
      media.probe(frames.map((f) => ({ kind: f.kind, data: Uint8Array.from(atob(f.data), (c) => c.charCodeAt(0)) }))),
    scrambleKeys: (peerId) => media.scrambleKeys(peerId),
  };
  window.parleyE2ee = hooks;
}
