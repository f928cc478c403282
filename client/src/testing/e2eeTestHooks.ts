// TEST BUILDS ONLY (__PARLEY_TEST_BUILD__): the E2EE switch browser tests and
// benchmarks use for control runs ('off', 'pass-through' in localStorage),
// and read-only views and dry-run probes on `window.parleyE2ee`. The
// production build contains none of this (a test greps client/dist).
import type { z } from 'zod';
import {
  FrameTimingsSchema,
  ProbeResultSchema,
  type E2eeTestHooks,
  type TestPageToWorker,
} from '@parley/shared/e2ee/testing';
import type { WorkerToPage } from '@parley/shared/e2ee';
import type { CallEncryption, E2eeMode } from '../e2ee/CallEncryption.js';

const testSwitch = 'parley.testing.e2ee';

/** 'off' (no transforms at all), 'pass-through' (transforms that copy frames), else on. */
export function testingE2eeMode(): E2eeMode {
  const value = globalThis.localStorage?.getItem(testSwitch);
  return value === 'off' ? 'off-for-testing' : value === 'pass-through' ? 'pass-through-for-testing' : 'on';
}

/**
 * 'yes': this page plays a hand-modified client that ignores the wipe at the
 * end of a call and keeps every key it was given (the removed-participant
 * test's adversary).
 */
export function keepsKeysAfterCall(): boolean {
  return globalThis.localStorage?.getItem('parley.testing.keepKeysAfterCall') === 'yes';
}

type KeyInUse = Extract<WorkerToPage, { type: 'keyInUse' }>;

export function installE2eeTestHooks(encryption: CallEncryption): void {
  const media = encryption.media;
  const keyEvents: KeyInUse[] = [];
  const post = (message: TestPageToWorker) => media?.worker.postMessage(message);
  if (encryption.mode === 'pass-through-for-testing') post({ type: 'passThrough' });
  media?.on((event) => {
    if (event.type !== 'keyInUse') return;
    keyEvents.push(event);
    if (keyEvents.length > 1000) keyEvents.shift();
  });
  let nextRequest = 0;
  /** One request to the worker and its reply (matched by id); undefined once the worker is gone. */
  const ask = <T extends { requestId: number }>(
    schema: z.ZodType<T>,
    message: (requestId: number) => TestPageToWorker,
  ): Promise<T | undefined> =>
    new Promise((resolve) => {
      if (!media || media.closed) return resolve(undefined);
      const requestId = nextRequest++;
      const listen = (event: MessageEvent<unknown>) => {
        const reply = schema.safeParse(event.data);
        if (!reply.success || reply.data.requestId !== requestId) return;
        media.worker.removeEventListener('message', listen);
        resolve(reply.data);
      };
      media.worker.addEventListener('message', listen);
      post(message(requestId));
    });
  const hooks: E2eeTestHooks = {
    api: media?.api ?? 'none',
    statuses: () => media?.statuses ?? [],
    keyEvents,
    milestones: () =>
      performance
        .getEntriesByType('mark')
        .filter((mark) => mark.name.startsWith('parley.e2ee.'))
        .map((mark) => ({
          what: mark.name.slice('parley.e2ee.'.length),
          at: Math.round(performance.timeOrigin + mark.startTime),
          detail: (mark as PerformanceMark).detail,
        })),
    probe: async (frames) => {
      const reply = await ask(ProbeResultSchema, (requestId) => ({
        type: 'probe',
        requestId,
        frames: frames.map((f) => ({ kind: f.kind, data: Uint8Array.from(atob(f.data), (c) => c.charCodeAt(0)) })),
      }));
      // The call ended and the worker wiped its keys and went: nothing decrypts.
      return reply ? { decrypted: reply.decrypted, failed: reply.failed } : { decrypted: 0, failed: frames.length };
    },
    frameTimings: (reset) => ask(FrameTimingsSchema, (requestId) => ({ type: 'frameTimings', requestId, reset })),
    scrambleKeys: (peerId) => post({ type: 'scrambleKeys', peerId }),
    members: () =>
      encryption.members.map((m) => ({
        peerId: m.peerId,
        displayName: m.displayName,
        status: m.status,
        hasOurKey: m.hasOurKey,
      })),
    recipients: () => encryption.keys?.recipients ?? [],
    securityCode: () => encryption.keys?.securityCode ?? '',
    self: () =>
      encryption.keys ? { peerId: encryption.keys.self.peerId, sendEpoch: encryption.keys.sendEpoch } : undefined,
  };
  window.parleyE2ee = hooks;
}
