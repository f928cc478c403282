// What the E2EE browser tests read from a call page's test hooks (test build
// only): every stream's state and counters, when keys changed, and a dry run
// of the page's keys over frames tapped on the server. Shared by the 3-person
// and the 8-person E2EE tests, which make the same checks.
import type { StreamStatus } from '@parley/shared/e2ee';
import type {} from '@parley/shared/e2ee/testing';
import type { TestPage } from './browsers.js';
import { forProbe } from './ciphertext.js';
import type { TappedFrame } from './mediaTap.js';

export const statuses = (page: TestPage) => page.evaluate(() => window.parleyE2ee?.statuses() ?? []);
export const keyEvents = (page: TestPage) => page.evaluate(() => window.parleyE2ee?.keyEvents ?? []);
export const receiving = (all: StreamStatus[]) => all.filter((s) => s.direction === 'receive');

/** How many of `frames` the page's keys decrypt (the worker's dry run). */
export const probe = (page: TestPage, frames: TappedFrame[]) =>
  page.evaluateWith(
    (batch) => window.parleyE2ee?.probe(batch) ?? Promise.resolve({ decrypted: -1, failed: -1 }),
    forProbe(frames),
  );

/** Every receiving stream of `pages`, by page and stream. */
export async function receiveSnapshot(pages: TestPage[]): Promise<Map<string, StreamStatus>> {
  const all = await Promise.all(pages.map(statuses));
  return new Map(all.flatMap((list, page) => receiving(list).map((s) => [`${page}:${s.streamId}`, s] as const)));
}

/** Frames that failed, or came without a key, at those streams between two snapshots. */
export function undecryptableBetween(
  before: Map<string, StreamStatus>,
  after: Map<string, StreamStatus>,
): { failed: number; withoutKey: number } {
  const since = (field: 'failures' | 'withoutKey') =>
    [...after].reduce((sum, [id, s]) => sum + s[field] - (before.get(id)?.[field] ?? 0), 0);
  return { failed: since('failures'), withoutKey: since('withoutKey') };
}

/**
 * After a removal at `since` (Date.now()): when the remaining pages learned of
 * it, and how long after that each one's sending and receiving keys changed.
 */
export async function keySwitchAfter(pages: TestPage[], since: number) {
  const milestones = await Promise.all(pages.map((page) => page.evaluate(() => window.parleyE2ee?.milestones() ?? [])));
  const learned = Math.min(
    ...milestones
      .flat()
      .filter((m) => m.what === 'member-left' && m.at > since)
      .map((m) => m.at),
  );
  // Key changes before the news reached any page (a late joiner starting to send, say) are not the rotation.
  const events = (await Promise.all(pages.map(keyEvents))).flat().filter((e) => e.at >= learned);
  return {
    learned,
    sendSwitch: events.filter((e) => e.direction === 'send').map((e) => Math.round(e.at - learned)),
    receiveSwitch: events.filter((e) => e.direction === 'receive').map((e) => Math.round(e.at - learned)),
    trace: milestones.map((list) =>
      list.filter((m) => m.at > since).map((m) => `${m.what} +${m.at - Math.round(learned)} ms`),
    ),
  };
}
