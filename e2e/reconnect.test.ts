// A network failure on the signaling connection (TCP cut inside the test
// host, as `ss -K` does) must not end the call: both pages reconnect, resume
// their place, media keeps flowing, and later changes still reach them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, launchFirefox, type TestBrowser, type TestPage } from './support/browsers.js';
import { hostAction, inbound, inPanel, joinCall, pageText, peopleText, roomLink } from './support/call.js';
import { startServer, type RunningServer } from './support/startServer.js';
import { waitFor } from './support/waitFor.js';

const bytesIn = async (page: TestPage) => (await inbound(page)).reduce((sum, s) => sum + s.bytesReceived, 0);

describe('recovery from a dropped signaling connection', () => {
  let server: RunningServer;
  const browsers: TestBrowser[] = [];
  let host: TestPage;
  let guest: TestPage;

  beforeAll(async () => {
    server = await startServer();
    const trust = { trustedOrigin: server.baseUrl };
    browsers.push(await launchChromium(trust), await launchFirefox(trust));
    const [chromium, firefox] = browsers as [TestBrowser, TestBrowser];
    host = await joinCall(chromium, server.baseUrl, `${server.baseUrl}/call`, 'Host');
    guest = await joinCall(firefox, server.baseUrl, await roomLink(host), 'Guest');
    await host.clickButton('Admit Guest');
    await waitFor(
      () => bytesIn(guest),
      (bytes) => bytes > 0,
      20_000,
    );
  });
  afterAll(async () => {
    await Promise.all(browsers.map((browser) => browser.close()));
    await server?.stop();
  });

  it('keeps media flowing and the call working after the connections are cut', async () => {
    server.cutConnections();
    const cutAt = Date.now();
    // Media never used the socket: it keeps arriving.
    const before = await bytesIn(guest);
    expect(
      await waitFor(
        () => bytesIn(guest),
        (bytes) => bytes > before + 20_000,
        15_000,
      ),
    ).toBeGreaterThan(before + 20_000);
    // Signaling is back: a host action made after the cut reaches the guest.
    // A request sent before the host's page noticed its dead connection is
    // lost with it, as a person's click would be: try again every 2 s.
    const mutedSeen = await waitFor(
      async () => {
        const muteOffered = () =>
          inPanel(host, 'People', () =>
            host.evaluate(() => document.querySelector('button[aria-label="Mute Guest"]') !== null),
          );
        // Once the server has paused the microphone the button goes; the
        // guest then hears of it when its connection is back (resume).
        if (!(await pageText(guest)).includes('A host muted you') && (await muteOffered())) {
          await hostAction(host, 'Mute Guest');
          await new Promise((resolve) => setTimeout(resolve, 2000));
        }
        return pageText(guest);
      },
      (t) => t.includes('A host muted you'),
      30_000,
    );
    expect(mutedSeen).toContain('A host muted you');
    process.stdout.write(`signaling recovered and a host action arrived ${Date.now() - cutAt} ms after the cut\n`);
    expect(await peopleText(host)).toContain('In this call (2)');
  });
});
