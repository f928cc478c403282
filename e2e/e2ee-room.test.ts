// The E2EE checks of the 3-person test (e2ee.test.ts) in a room of eight:
// four Chromium and four Firefox pages, cameras captured at 160×90 and 5
// frames a second (a test build switch) so two cores can encode and decode
// it all, and the server
// with two media workers and a small share per worker, so the call spreads
// over both and half its streams reach their receivers through a pipe.
//  - every participant decrypts every stream of the seven others;
//  - one security code on all eight screens;
//  - the server forwards nothing but SFrame ciphertext;
//  - a removal moves everyone to new keys, with zero frames failing or
//    missing a key at the seven who remain, and the removed page (a modified
//    client that keeps every key) decrypts nothing sent after. Senders switch
//    once all have acknowledged or 1.65 s after the leave (150 ms of
//    coalescing + 1.5 s); eight browsers saturate two cores, so pages run
//    that timer late: the bound here is 4 s, and the figure is reported
//    (bench:keys checks the 2 s goal without browsers).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, launchFirefox, type TestBrowser, type TestPage } from './support/browsers.js';
import { decodingVideos, hostAction, joinCall, pageText, roomLink, securityCode } from './support/call.js';
import { ciphertextProblems, readableWithoutTheirKeys } from './support/ciphertext.js';
import {
  keySwitchAfter,
  probe,
  receiveSnapshot,
  receiving,
  statuses,
  undecryptableBetween,
} from './support/e2eeChecks.js';
import { readTap } from './support/mediaTap.js';
import { startServer, type RunningServer } from './support/startServer.js';
import { waitFor } from './support/waitFor.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const report = (line: string) => process.stdout.write(`[e2ee-room] ${line}\n`);
/** Carl is the one removed; he plays a modified client that keeps every key it was given. */
const names = ['Hana', 'Fern', 'Carl', 'Gita', 'Ivo', 'Jun', 'Lea', 'Max'];
const others = names.length - 1;

describe('an end-to-end encrypted room of eight, Chromium and Firefox, over two media workers', () => {
  let server: RunningServer;
  const tapDir = mkdtempSync(join(tmpdir(), 'parley-tap-'));
  const tapFile = join(tapDir, 'tap.jsonl');
  const browsers: TestBrowser[] = [];
  const pages = new Map<string, TestPage>();
  const page = (name: string) => {
    const found = pages.get(name);
    if (!found) throw new Error(`${name} is not in the call`);
    return found;
  };

  beforeAll(async () => {
    server = await startServer({
      PARLEY_TEST_MEDIA_TAP: tapFile,
      PARLEY_MEDIA_WORKERS: '2',
      // Each receiver consumes 14 streams: the call's first worker fills up after a few people.
      PARLEY_CONSUMERS_PER_WORKER: '20',
    });
    const trust = { trustedOrigin: server.baseUrl };
    const chromium = await launchChromium(trust);
    const firefox = await launchFirefox(trust);
    browsers.push(chromium, firefox);
    let link = `${server.baseUrl}/call`;
    for (const [index, name] of names.entries()) {
      const browser = index % 2 === 0 ? chromium : firefox;
      const joined = await joinCall(browser, server.baseUrl, link, name, {
        cameraSize: '160x90@5',
        keepKeysAfterCall: name === 'Carl',
      });
      pages.set(name, joined);
      if (index === 0) link = await roomLink(joined);
      else await page('Hana').clickButton(`Admit ${name}`);
    }
  }, 300_000);
  afterAll(async () => {
    // Pages that dropped out under load, and why (the server's debug log): the first thing to read when this fails.
    for (const line of server?.output().split('\n') ?? []) if (line.includes('a joined socket closed')) report(line);
    await Promise.all(browsers.map((browser) => browser.close()));
    await server?.stop();
    rmSync(tapDir, { recursive: true, force: true });
  });

  it('decrypts every stream of the seven others at every participant', async () => {
    const found = new Map<string, { states: string[]; decoding: number }>();
    for (const [name, each] of pages) {
      const shown = await pageText(each);
      if (shown.includes('Nothing about the call was kept'))
        report(`${name} is out of the call: ${shown.replace(/\s+/g, ' ').slice(0, 200)}`);
      const streams = await waitFor(
        () => statuses(each),
        (all) => receiving(all).length >= 2 * others && receiving(all).every((s) => s.state === 'decrypting'),
        120_000,
      ).catch(() => statuses(each));
      const from = new Set(receiving(streams).map((s) => (s.peerId ?? '?').slice(0, 8)));
      // A hidden page's timers run late (key switches, pings): every page must be in front, as each person's is.
      const shownAs = await each.evaluate(() => document.visibilityState);
      report(
        `${name} (${each.browserName}, ${shownAs}) receives ${receiving(streams).length} streams from ${[...from].join(' ')}`,
      );
      expect(streams.filter((s) => s.direction === 'send').every((s) => s.state === 'encrypting')).toBe(true);
      const decoding = await waitFor(
        () => decodingVideos(each),
        (n) => n >= others,
        60_000,
      ).catch(() => decodingVideos(each));
      found.set(name, { states: receiving(streams).map((s) => s.state), decoding });
      if (receiving(streams).length < 2 * others || decoding < others)
        report(`${name} shows: ${(await pageText(each)).replace(/\s+/g, ' ').slice(0, 400)}`);
    }
    for (const [name, { states, decoding }] of found) {
      expect(states, `${name}'s receiving streams`).toEqual(Array(2 * others).fill('decrypting'));
      expect(decoding, `${name} decodes every camera`).toBe(others);
    }
    // The call really is on both workers: receivers spread onto the second.
    expect(server.output()).toContain('a call spreads over another media worker');
  }, 600_000);

  it('shows one security code on every screen', async () => {
    const codes: string[] = [];
    // One panel at a time: a busy machine. A page without its Security button says why.
    for (const [name, each] of pages)
      codes.push(
        await securityCode(each).catch(async (error: unknown) => {
          report(`${name} shows: ${(await pageText(each)).replace(/\s+/g, ' ').slice(0, 400)}`);
          throw error;
        }),
      );
    expect(codes[0]).toMatch(/^\d{5}( \d{5}){5}$/);
    expect(new Set(codes).size).toBe(1);
  }, 300_000);

  it('forwards nothing but SFrame ciphertext from any of the sixteen streams (tapped on the server)', async () => {
    const frames = readTap(tapFile);
    expect(new Set(frames.map((f) => f.producerId)).size).toBe(2 * names.length);
    expect(ciphertextProblems(frames)).toEqual([]);
    expect(await readableWithoutTheirKeys(frames)).toBe(0);
  }, 120_000);

  it('moves everyone to new keys within 4 s of a removal, with zero undecryptable frames at the seven who stay', async () => {
    const stay = names.filter((name) => name !== 'Carl').map(page);
    const before = await receiveSnapshot(stay);
    const removedAt = Date.now();
    await hostAction(page('Hana'), 'Remove Carl');
    await waitFor(
      () => pageText(page('Carl')),
      (t) => t.includes('removed you'),
      15_000,
    );
    await sleep(5000);
    const { learned, sendSwitch, receiveSwitch } = await keySwitchAfter(stay, removedAt);
    report(
      `removal of one of eight: senders use the new key ${JSON.stringify(sendSwitch)} ms and receivers ${Math.max(...receiveSwitch)} ms at most after the pages learned of it`,
    );
    expect(sendSwitch).toHaveLength(stay.length);
    expect(Math.max(...sendSwitch)).toBeLessThanOrEqual(4000);
    expect(Math.max(...receiveSwitch)).toBeLessThanOrEqual(4000);
    const { failed, withoutKey } = undecryptableBetween(before, await receiveSnapshot(stay));
    report(`undecryptable frames at the seven who stay since the removal: ${failed} failed, ${withoutKey} without key`);
    expect(failed).toBe(0);
    expect(withoutKey).toBe(0);

    // Frames sent once everyone switched, from the server's tap: the removed page reads none, the others do.
    const later = readTap(tapFile).filter((f) => f.at > learned + 2500);
    expect(later.length).toBeGreaterThan(100);
    expect(await probe(page('Carl'), later)).toEqual({ decrypted: 0, failed: later.length });
    const fernId = await page('Fern').evaluate(() => window.parleyE2ee?.self()?.peerId);
    const toFern = later.filter((f) => f.peerId !== fernId).slice(-300);
    const byFern = await probe(page('Fern'), toFern);
    expect(byFern.decrypted / toFern.length).toBeGreaterThan(0.95);
  }, 180_000);
});
