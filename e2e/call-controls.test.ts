// Three people in one call (two Chromium, one Firefox): the lobby's admit and
// deny, every remote video decoded, a screen share that appears and stops, a
// host removing someone, and a leaving participant's tile disappearing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, launchFirefox, type TestBrowser, type TestPage } from './support/browsers.js';
import {
  decodingVideos,
  joinCall,
  loudestAudio,
  roomLink,
  pageText,
  hostAction,
  peopleText,
  personText,
} from './support/call.js';
import { startServer, type RunningServer } from './support/startServer.js';
import { waitFor } from './support/waitFor.js';
const tiles = (page: TestPage) =>
  page.evaluate(() => [...document.querySelectorAll('figcaption')].map((c) => c.textContent ?? ''));

describe('a three-person call with host controls', () => {
  let server: RunningServer;
  const browsers: TestBrowser[] = [];
  let host: TestPage;
  let chromiumGuest: TestPage;
  let firefoxGuest: TestPage;

  const open = (browser: TestBrowser, url: string, name: string) => joinCall(browser, server.baseUrl, url, name);

  beforeAll(async () => {
    server = await startServer();
    const trust = { trustedOrigin: server.baseUrl };
    const chromium = await launchChromium(trust);
    const firefox = await launchFirefox(trust);
    browsers.push(chromium, firefox);
    host = await open(chromium, `${server.baseUrl}/call`, 'Hana');
    const link = await roomLink(host);
    chromiumGuest = await open(chromium, link, 'Carl');
    firefoxGuest = await open(firefox, link, 'Fern');
  });
  afterAll(async () => {
    await Promise.all(browsers.map((browser) => browser.close()));
    await server?.stop();
  });

  it('keeps guests waiting until the host admits them', async () => {
    expect(
      await waitFor(
        () => pageText(firefoxGuest),
        (t) => t.includes('Waiting for the host'),
        15_000,
      ),
    ).toContain('Waiting for the host');
    await host.clickButton('Admit Carl');
    await host.clickButton('Admit Fern');
    expect(
      await waitFor(
        () => peopleText(host),
        (t) => t.includes('In this call (3)'),
        20_000,
      ),
    ).toContain('In this call (3)');
  });

  it('gets every participant decoding both others’ video', async () => {
    for (const page of [host, chromiumGuest, firefoxGuest]) {
      // Three simulcast encoders and six decoders share two cores here: allow time.
      const decoding = await waitFor(
        () => decodingVideos(page),
        (n) => n >= 2,
        60_000,
      );
      const details = JSON.stringify(await page.evaluate(async () => window.parleyDiagnostics?.()));
      expect(decoding, `${page.browserName}: ${details}`).toBeGreaterThanOrEqual(2);
    }
  });

  it('gets every participant hearing the others (audio level > 0)', async () => {
    for (const page of [host, chromiumGuest, firefoxGuest]) {
      const loudest = await loudestAudio(page);
      expect(loudest, page.browserName).toBeGreaterThan(0);
    }
  });

  it('marks an active speaker, picked by the server’s observer', async () => {
    // Whoever is dominant is a remote tile on the two other pages.
    const speakingTiles = async () => {
      const all = await Promise.all([host, chromiumGuest, firefoxGuest].map(tiles));
      return all.flat().filter((caption) => caption.includes('(speaking)'));
    };
    expect(await waitFor(speakingTiles, (found) => found.length > 0, 20_000)).not.toEqual([]);
  });

  it('shows a screen share to the others and takes it away when it stops', async () => {
    await chromiumGuest.clickButton('Share screen');
    const shown = await waitFor(
      () => tiles(firefoxGuest),
      (t) => t.includes('Carl’s screen'),
      20_000,
    );
    expect(shown).toContain('Carl’s screen');
    await chromiumGuest.clickButton('Stop sharing');
    const gone = await waitFor(
      () => tiles(firefoxGuest),
      (t) => !t.includes('Carl’s screen'),
      20_000,
    );
    expect(gone).not.toContain('Carl’s screen');
  });

  it('lets the host mute a participant on the server', async () => {
    await hostAction(host, 'Mute Fern');
    expect(
      await waitFor(
        () => pageText(firefoxGuest),
        (t) => t.includes('A host muted you'),
        15_000,
      ),
    ).toContain('A host muted you');
    expect(
      await waitFor(
        () => personText(chromiumGuest, 'Fern'),
        (t) => t.includes('Muted'),
        15_000,
      ),
    ).toContain('Muted');
  });

  it('lets the host remove a participant, whose tile then disappears for the others', async () => {
    await hostAction(host, 'Remove Fern');
    expect(
      await waitFor(
        () => pageText(firefoxGuest),
        (t) => t.includes('removed you'),
        15_000,
      ),
    ).toContain('removed you');
    expect(
      await waitFor(
        () => tiles(chromiumGuest),
        (t) => !t.includes('Fern'),
        15_000,
      ),
    ).not.toContain('Fern');
  });

  it('turns away a knock the host denies', async () => {
    const link = await host.evaluate(() => window.location.href);
    const late = await open(browsers[1] as TestBrowser, link, 'Late');
    await host.clickButton('Deny Late');
    expect(
      await waitFor(
        () => pageText(late),
        (t) => t.includes('did not let you in'),
        15_000,
      ),
    ).toContain('did not let you in');
  });

  it('removes a leaving participant’s tile', async () => {
    await chromiumGuest.clickButton('Leave');
    expect(
      await waitFor(
        () => tiles(host),
        (t) => !t.includes('Carl'),
        15_000,
      ),
    ).not.toContain('Carl');
  });
});
