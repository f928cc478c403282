// The interface as a person meets it, in real browsers: registration with
// enrolment, login, home, account, privacy, pre-join, the lobby, a call of
// four with its panels open, leaving. Every screen is screenshotted at
// 1280×800 and 390×844 (e2e/artifacts/screenshots) and checked with axe-core
// (no serious or critical violation), and every request the pages make on
// the way goes to Parley's own origin and nowhere else.
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, launchFirefox, type TestBrowser, type TestPage } from './support/browsers.js';
import { decodingVideos, expectText, joinCall, roomLink } from './support/call.js';
import { screenshots, seriousViolations, type AxeViolation } from './support/look.js';
import { startServer, type RunningServer } from './support/startServer.js';
import { waitFor } from './support/waitFor.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the interface, screen by screen', () => {
  let server: RunningServer;
  const browsers: TestBrowser[] = [];
  const violations: Record<string, AxeViolation[]> = {};
  const requests: { who: string; urls: string[] }[] = [];
  let hana: TestPage;
  let secret = '';
  const username = `hana${process.pid}`;
  const password = 'violet tractor whispers under marmalade';

  /** Screenshots at both sizes, then axe at the desktop size. */
  const look = async (page: TestPage, name: string) => {
    await screenshots(page, name);
    violations[name] = await seriousViolations(page);
  };

  beforeAll(async () => {
    server = await startServer();
    const trust = { trustedOrigin: server.baseUrl };
    browsers.push(await launchChromium(trust), await launchFirefox(trust));
  });
  afterAll(async () => {
    await Promise.all(browsers.map((browser) => browser.close()));
    await server?.stop();
  });

  it('registers with enrolment, logs out and in, and shows home, account and privacy', async () => {
    const [chromium] = browsers as [TestBrowser];
    hana = await chromium.newPage();
    requests.push({ who: 'Hana (Chromium)', urls: hana.recordRequests() });
    await hana.goto(`${server.baseUrl}/register`);
    await expectText(hana, 'Create an account');
    await look(hana, 'register');
    await hana.fill('Username', username);
    await hana.fill('Password', password);
    await expectText(hana, 'Strong');
    await hana.clickButton('Continue');
    await expectText(hana, 'Set up two-factor login');
    secret = await hana.text('[data-testid="totp-secret"]');
    await look(hana, 'register-enrol');
    await hana.fill('The 6-digit code your app shows', await generate({ secret }));
    await hana.clickButton('Confirm');
    await expectText(hana, 'Save your recovery codes');
    await look(hana, 'register-codes');
    await hana.clickButton('I have saved them — continue');
    await expectText(hana, 'New call');
    await look(hana, 'home');
    await hana.goto(`${server.baseUrl}/account`);
    await expectText(hana, 'Where you are logged in');
    await look(hana, 'account');
    await hana.evaluate(() => fetch('/api/account/export').then((response) => response.ok));
    await hana.goto(`${server.baseUrl}/privacy`);
    await expectText(hana, 'What Parley stores');
    await look(hana, 'privacy');
    // Log out, and in again with a code from the next time step.
    await hana.goto(`${server.baseUrl}/account`);
    await hana.clickButton('Log out');
    await expectText(hana, 'Log in to Parley');
    await look(hana, 'login');
    await hana.fill('Username', username);
    await hana.fill('Password', password);
    await hana.clickButton('Continue');
    await expectText(hana, 'Two-factor login');
    await look(hana, 'login-code');
    await hana.fill(
      'The 6-digit code from your authenticator app',
      await generate({ secret, epoch: Date.now() / 1000 + 30 }),
    );
    await hana.clickButton('Log in');
    await expectText(hana, 'New call');
  });

  it('starts a call of four (Chromium and Firefox) through pre-join and the lobby, with its panels', async () => {
    const [chromium, firefox] = browsers as [TestBrowser, TestBrowser];
    await hana.clickButton('New call');
    await expectText(hana, 'Start a new call');
    await sleep(1500); // the camera preview and microphone meter start
    await look(hana, 'prejoin');
    await hana.fill('Your name in this call', 'Hana');
    await hana.clickButton('Join call');
    await expectText(hana, 'You are the only one here');
    await look(hana, 'call-alone');
    const link = await roomLink(hana);

    // Fern knocks from Firefox: her pre-join, her wait, the host's knock notice.
    const fern = await firefox.newPage();
    requests.push({ who: 'Fern (Firefox)', urls: fern.recordRequests() });
    const { registerViaApi } = await import('./support/accounts.js');
    await fern.useSession(server.baseUrl, (await registerViaApi(server.baseUrl)).cookie);
    await fern.goto(link);
    await expectText(fern, 'Ready to join?');
    await fern.fill('Your name in this call', 'Fern');
    await fern.clickButton('Join call');
    await expectText(fern, 'Waiting for the host to let you in');
    await look(fern, 'lobby-waiting');
    await expectText(hana, 'Fern wants to join');
    await look(hana, 'call-knock');
    await hana.clickButton('Admit Fern');

    const carl = await joinCall(chromium, server.baseUrl, link, 'Carl');
    await hana.clickButton('Admit Carl');
    const dana = await joinCall(chromium, server.baseUrl, link, 'Dana');
    await hana.clickButton('Admit Dana');
    for (const page of [hana, fern])
      await waitFor(
        () => decodingVideos(page),
        (n) => n >= 3,
        90_000,
      );
    // Everyone joined straight from pre-join with both microphone and camera (a quick click once used to lose the microphone).
    for (const page of [hana, fern, carl, dana]) {
      const sending = await waitFor(
        async () =>
          ((await page.evaluate(async () => (await window.parleyDiagnostics?.())?.outbound)) ?? [])
            .map((o) => o.kind)
            .sort(),
        (kinds) => kinds.length === 2,
        15_000,
      );
      expect(sending, page.browserName).toEqual(['audio', 'video']);
    }
    await sleep(2000);
    // The "joined" toasts have had their say (headless windows never focus, so their timers stay paused).
    for (const page of [hana, fern])
      await page.evaluate(() =>
        document.querySelectorAll<HTMLButtonElement>('button[aria-label="Dismiss"]').forEach((b) => b.click()),
      );
    await sleep(500);
    await look(hana, 'call-4');
    await look(fern, 'call-4-firefox');

    await hana.clickButton('People');
    await expectText(hana, 'In this call (4)');
    await look(hana, 'call-people');
    await hana.clickButton('Close');
    await hana.clickButton('Security');
    await expectText(hana, 'Call security code');
    await look(hana, 'call-security');
    await hana.clickButton('Close');

    await hana.clickButton('Share screen');
    await expectText(fern, 'Hana is sharing their screen', 20_000);
    await sleep(1500);
    await look(fern, 'call-screen-share');
    await hana.clickButton('Stop sharing');

    for (const page of [carl, dana]) await page.close();
    await hana.clickButton('Leave');
    await expectText(hana, 'You left the call');
    await look(hana, 'left');
  });

  it('(axe-core finds a violation planted in the page, so the check below can fail)', async () => {
    await hana.evaluate(() => void document.body.append(document.createElement('button')));
    expect((await seriousViolations(hana)).map((v) => v.id)).toContain('button-name');
  });

  it('has no serious or critical accessibility violation on any screen (axe-core)', () => {
    expect(Object.keys(violations).length).toBeGreaterThanOrEqual(14);
    const found = Object.entries(violations).filter(([, list]) => list.length > 0);
    expect(found, JSON.stringify(found, null, 2)).toEqual([]);
  });

  it('makes no request to any origin but Parley’s own, through the whole journey', () => {
    // Parley's own host and port, by any of its schemes: Firefox upgrades the favicon of an origin it was
    // told to treat as secure to https (the same server, not a third party).
    const own = new URL(server.baseUrl).host;
    const schemes = new Set(['http:', 'https:', 'ws:', 'wss:']);
    for (const { who, urls } of requests) {
      expect(urls.length, who).toBeGreaterThan(5);
      const elsewhere = urls.filter((url) => {
        if (url.startsWith('data:') || url.startsWith('blob:')) return false;
        const parsed = new URL(url);
        return !schemes.has(parsed.protocol) || parsed.host !== own;
      });
      expect(elsewhere, `${who}: ${JSON.stringify(elsewhere)}`).toEqual([]);
    }
  });
});
