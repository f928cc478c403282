// The foundation's proof: one real media path. Chromium and Firefox join the
// same room through the real server and mediasoup worker; each must decode the
// other's video and hear the other's audio.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, launchFirefox, type TestBrowser, type TestPage } from './support/browsers.js';
import { inbound, joinCall, loudestAudio, roomLink, total } from './support/call.js';
import { startServer, type RunningServer } from './support/startServer.js';
import { waitFor } from './support/waitFor.js';

describe('one real call path: Chromium ⇄ mediasoup ⇄ Firefox', () => {
  let server: RunningServer;
  const browsers: TestBrowser[] = [];
  const pages: TestPage[] = [];

  beforeAll(async () => {
    server = await startServer();
    const trust = { trustedOrigin: server.baseUrl };
    browsers.push(await launchChromium(trust), await launchFirefox(trust));
    const [hostBrowser, guestBrowser] = browsers as [TestBrowser, TestBrowser];
    // Chromium's user creates the call and becomes its host; Firefox's user
    // follows the link, waits in the lobby, and is let in.
    const host = await joinCall(hostBrowser, server.baseUrl, `${server.baseUrl}/call`, 'Chromium host');
    const guest = await joinCall(guestBrowser, server.baseUrl, await roomLink(host), 'Firefox guest');
    await host.clickButton('Admit Firefox guest');
    pages.push(host, guest);
  });

  const pageAt = (index: number): TestPage => {
    const page = pages[index];
    if (!page) throw new Error(`page ${index} was not opened`);
    return page;
  };

  afterAll(async () => {
    await Promise.all(browsers.map((browser) => browser.close()));
    await server?.stop();
  });

  it.each([0, 1])('browser %i decodes the other browser’s video, and keeps decoding', async (index) => {
    const page = pageAt(index);
    const first = await waitFor(
      () => inbound(page),
      (s) => total(s, 'video', 'framesDecoded') > 0,
      30_000,
    );
    expect(total(first, 'video', 'framesDecoded'), `${page.browserName} decoded no video`).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const later = await inbound(page);
    expect(total(later, 'video', 'framesDecoded')).toBeGreaterThan(total(first, 'video', 'framesDecoded'));
  });

  it.each([0, 1])('browser %i hears the other browser’s audio', async (index) => {
    const page = pageAt(index);
    const loudest = await loudestAudio(page);
    expect(loudest, `${page.browserName} heard nothing`).toBeGreaterThan(0);
  });

  it('never logs the address the browsers connect from', () => {
    expect(server.output()).toContain('listening'); // the log was captured at all
    expect(server.output()).not.toContain(server.clientAddress);
  });
});
