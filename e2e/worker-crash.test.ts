// One of the server's two media workers is killed mid-call (SIGKILL, as a
// crash would) under three participants in Chromium and Firefox. The call is
// spread over both workers (a share of two consumers per worker, so the last
// receiver spills onto the second and gets its streams through pipes), so
// the kill hits one worker of a spread call. The call moves whole to a live
// worker by itself: every page creates new transports, sends its tracks again
// and decodes everyone's video again within 5 s, with nobody doing anything;
// the roster and the keys are unchanged, so the security code everyone
// compared is still the same and nobody left.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundStat } from '@parley/shared';
import { launchChromium, launchFirefox, type TestBrowser, type TestPage } from './support/browsers.js';
import { inbound, joinCall, peopleText, roomLink, securityCode, total } from './support/call.js';
import { startServer, type RunningServer } from './support/startServer.js';
import { waitFor } from './support/waitFor.js';

/** The target: decoded video back at every participant within this long of the kill. */
const targetMs = 5000;

const videos = (stats: InboundStat[]) => stats.filter((s) => s.kind === 'video');

/** What the page's key agreement holds (test-build hooks: ids and epochs, never keys). */
const keyState = (page: TestPage) =>
  page.evaluate(() => ({
    self: window.parleyE2ee?.self(),
    members: window.parleyE2ee
      ?.members()
      .map(({ peerId, status, hasOurKey }) => ({ peerId, status, hasOurKey }))
      .sort((a, b) => a.peerId.localeCompare(b.peerId)),
  }));

describe('a media worker crash mid-call', () => {
  let server: RunningServer;
  const browsers: TestBrowser[] = [];
  let pages: TestPage[] = [];

  beforeAll(async () => {
    server = await startServer({ PARLEY_MEDIA_WORKERS: '2', PARLEY_CONSUMERS_PER_WORKER: '2' });
    const trust = { trustedOrigin: server.baseUrl };
    browsers.push(await launchChromium(trust), await launchFirefox(trust));
    const [chromium, firefox] = browsers as [TestBrowser, TestBrowser];
    const host = await joinCall(chromium, server.baseUrl, `${server.baseUrl}/call`, 'Host');
    const link = await roomLink(host);
    const fern = await joinCall(firefox, server.baseUrl, link, 'Fern');
    await host.clickButton('Admit Fern');
    const cole = await joinCall(chromium, server.baseUrl, link, 'Cole');
    await host.clickButton('Admit Cole');
    pages = [host, fern, cole];
    // Everyone decodes both others' video before the crash.
    for (const page of pages)
      await waitFor(
        () => inbound(page),
        (stats) => videos(stats).length === 2 && videos(stats).every((s) => s.framesDecoded > 30),
        45_000,
      );
  });
  afterAll(async () => {
    await Promise.all(browsers.map((browser) => browser.close()));
    await server?.stop();
  });

  it('moves the call to a new worker: decoded video back everywhere within 5 s, same people and keys', async () => {
    const codesBefore = await Promise.all(pages.map((page) => securityCode(page)));
    const keysBefore = await Promise.all(pages.map(keyState));
    const decodedBefore = await Promise.all(
      pages.map(async (page) => total(await inbound(page), 'video', 'framesDecoded')),
    );
    // The call is on both workers: the kill takes one part of it away.
    expect(server.output()).toContain('a call spreads over another media worker');
    expect(server.mediaWorkerPids()).toHaveLength(2);
    const [worker] = server.mediaWorkerPids();
    expect(worker).toBeDefined();
    process.kill(worker ?? -1, 'SIGKILL');
    const killedAt = Date.now();

    // Back: both others' video decodes on new consumers (their counts start
    // again from zero, below what the old ones had reached) and keeps going.
    const recoveredMs = await Promise.all(
      pages.map(async (page, index) => {
        const decodingAgain = (stats: InboundStat[]) =>
          videos(stats).length === 2 &&
          videos(stats).every((s) => s.framesDecoded > 0) &&
          total(stats, 'video', 'framesDecoded') < (decodedBefore[index] ?? 0);
        const stats = await waitFor(() => inbound(page), decodingAgain, 20_000, 100);
        return decodingAgain(stats) ? Date.now() - killedAt : Infinity;
      }),
    );
    process.stdout.write(
      `media worker killed: decoded video back after ${recoveredMs.join(' / ')} ms (Host Chromium, Fern Firefox, Cole Chromium)\n`,
    );
    if (recoveredMs.includes(Infinity)) {
      // What to look at when it fails: the server's side, and what each page receives.
      process.stdout.write(`server output after the kill:\n${server.output().split('\n').slice(-40).join('\n')}\n`);
      for (const page of pages) process.stdout.write(`${page.browserName}: ${JSON.stringify(await inbound(page))}\n`);
    }
    expect(server.mediaWorkerPids()).not.toContain(worker);
    for (const ms of recoveredMs) expect(ms).toBeLessThan(targetMs);

    // And it keeps decoding.
    const now = await Promise.all(pages.map(async (page) => total(await inbound(page), 'video', 'framesDecoded')));
    await new Promise((resolve) => setTimeout(resolve, 2000));
    for (const [index, page] of pages.entries())
      expect(total(await inbound(page), 'video', 'framesDecoded')).toBeGreaterThan(now[index] ?? 0);

    // Nobody left and nobody has to verify anyone again: the same peer ids,
    // the same sending epochs (no key was replaced) and the same roster.
    expect(await Promise.all(pages.map(keyState))).toEqual(keysBefore);
    expect(await Promise.all(pages.map((page) => securityCode(page)))).toEqual(codesBefore);
    for (const page of pages) expect(await peopleText(page)).toContain('In this call (3)');
    expect(server.output()).toContain('call moved to a live media worker');
  });
});
