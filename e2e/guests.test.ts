// Guests without an account, through meeting links, in real browsers: an
// organiser (Chromium) makes a single-use link on the home page; a patient
// (Firefox, no account) opens it before the call exists and waits for the
// host, then knocks, is shown to the host as a guest, is let in, and both
// decode each other's end-to-end encrypted video; the link then refuses a
// second use. Expired and revoked links say so plainly and change nothing. A
// sensitive call: the guest sends nothing until the host allows it, the host
// is prompted to verify the guest, and the call ends for the guest after a
// countdown once the last host has gone. Every screen is screenshotted and
// checked with axe-core.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerViaApi } from './support/accounts.js';
import { launchChromium, launchFirefox, type TestBrowser, type TestPage } from './support/browsers.js';
import { decodingVideos, expectText, inbound, inPanel, pageText, securityCode, total } from './support/call.js';
import { screenshots, seriousViolations, type AxeViolation } from './support/look.js';
import { startServer, type RunningServer } from './support/startServer.js';
import { waitFor } from './support/waitFor.js';

const statuses = (page: TestPage) => page.evaluate(() => window.parleyE2ee?.statuses() ?? []);
/** Ticks the checkbox or radio button of the home page's "New link" form whose label contains `text`. */
const tick = async (page: TestPage, text: string) => {
  const ticked = await page.evaluateWith((label) => {
    const input = [...document.querySelectorAll('form[aria-labelledby="new-link-title"] label')]
      .find((l) => l.textContent?.includes(label))
      ?.querySelector('input');
    input?.click();
    return input?.checked ?? false;
  }, text);
  if (!ticked) throw new Error(`no "${text}" to tick in the new link form`);
};
/** The links listed on the home page, newest first. */
const listedLinks = (page: TestPage) =>
  page.evaluate(() => [...document.querySelectorAll('li code')].map((code) => code.textContent ?? ''));
const linkId = (url: string) => new URL(url).pathname.split('/')[2] ?? '';
/** What the text of the People panel's entry for `name` says (identity tag, badges). */
const personEntry = (page: TestPage, name: string) =>
  inPanel(page, 'People', () =>
    page.evaluateWith((who) => document.querySelector(`[data-person="${who}"]`)?.textContent ?? '', name),
  );

describe('guests through meeting links', () => {
  let server: RunningServer;
  const browsers: TestBrowser[] = [];
  const violations: Record<string, AxeViolation[]> = {};
  let organiser: TestPage;
  let patient: TestPage;
  let appointment = '';
  const look = async (page: TestPage, name: string) => {
    await screenshots(page, name);
    violations[name] = await seriousViolations(page);
  };
  const openAsGuest = async (browser: TestBrowser, url: string) => {
    const page = await browser.newPage();
    await page.goto(url);
    return page;
  };
  const rows = () => {
    const db = new Database(join(server.dataDir, 'parley.sqlite'), { readonly: true });
    try {
      return db.prepare('select * from meeting_links order by created_at, id').all();
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    server = await startServer({ PARLEY_SENSITIVE_NO_HOST_SECONDS: '6' });
    const trust = { trustedOrigin: server.baseUrl };
    browsers.push(await launchChromium(trust), await launchFirefox(trust));
    const [chromium] = browsers as [TestBrowser];
    organiser = await chromium.newPage();
    await organiser.useSession(server.baseUrl, (await registerViaApi(server.baseUrl)).cookie);
  });
  afterAll(async () => {
    await Promise.all(browsers.map((browser) => browser.close()));
    await server?.stop();
  });

  it('lets an organiser make a single-use link on the home page', async () => {
    await organiser.goto(`${server.baseUrl}/`);
    await expectText(organiser, 'Meeting links');
    await expectText(organiser, 'No links yet.');
    await tick(organiser, 'For one guest');
    await organiser.clickButton('Make link');
    [appointment = ''] = await waitFor(
      () => listedLinks(organiser),
      (links) => links.length === 1,
      15_000,
    );
    expect(appointment).toMatch(/^http:\/\/[^/]+\/j\/[A-Za-z0-9_-]{22}#[A-Za-z0-9_-]{43}$/);
    expect(await pageText(organiser)).toContain('One guest');
    await look(organiser, 'home-links');
  });

  it('keeps a guest with no account waiting until the host starts the call', async () => {
    const [, firefox] = browsers as [TestBrowser, TestBrowser];
    patient = await openAsGuest(firefox, appointment);
    await expectText(patient, 'Ready to join?');
    await look(patient, 'guest-prejoin');
    await patient.fill('Your name in this call', 'Pat Doe');
    await patient.clickButton('Join call');
    await expectText(patient, 'Waiting for the host to start the call');
    await look(patient, 'guest-waiting-for-host');
  });

  it('shows the host a guest as a guest when they knock, and lets them in', async () => {
    await organiser.clickButton(`Start the call of link ${linkId(appointment)}`);
    await organiser.fill('Your name in this call', 'Dr Ada');
    await organiser.clickButton('Join call');
    // The guest knocks by themself once the host is there; the knock says who the server says they are.
    await expectText(organiser, 'Pat Doe wants to join');
    expect(await pageText(organiser)).toContain('Guest, no account');
    await expectText(patient, 'Waiting for the host to let you in');
    // The People button counts who is waiting, in its name too.
    await organiser.clickButton('People (1)');
    const waiting = await organiser.evaluate(
      () => document.querySelector('[data-waiting="Pat Doe"]')?.textContent ?? '',
    );
    expect(waiting).toContain('Guest');
    await organiser.clickButton('Close');
    await organiser.clickButton('Admit Pat Doe');
  });

  it('gives the guest the same end-to-end encryption as everyone: both decode each other’s video', async () => {
    for (const page of [organiser, patient]) {
      expect(
        await waitFor(
          () => decodingVideos(page),
          (n) => n >= 1,
          60_000,
        ),
        page.browserName,
      ).toBe(1);
      const streams = await waitFor(
        () => statuses(page),
        (all) => all.some((s) => s.direction === 'receive' && s.kind === 'video' && s.state === 'decrypting'),
        20_000,
      );
      expect(streams.filter((s) => s.direction === 'send').every((s) => s.state === 'encrypting')).toBe(true);
      expect(await pageText(page)).toContain('End-to-end encrypted');
    }
    expect(await securityCode(patient)).toBe(await securityCode(organiser));
    // In the host's list and on the tile, the guest is a guest.
    expect(await personEntry(organiser, 'Pat Doe')).toContain('Guest');
    expect(
      await organiser.evaluate(
        () => document.querySelector('figure[aria-label="Pat Doe"] [data-identity="guest"]') !== null,
      ),
    ).toBe(true);
    await look(organiser, 'guest-in-call-host');
    await look(patient, 'guest-in-call-guest');
  });

  it('refuses the single-use link a second time, with a clear message', async () => {
    const [, firefox] = browsers as [TestBrowser, TestBrowser];
    const second = await openAsGuest(firefox, appointment);
    await expectText(second, 'This link does not work');
    await look(second, 'link-used');
    await second.close();
    // The organiser's list no longer offers it.
    await patient.close();
    await organiser.clickButton('Leave');
    await organiser.goto(`${server.baseUrl}/`);
    await expectText(organiser, 'No links yet.');
  });

  it('says plainly that an expired link and a revoked link do not work, and changes nothing', async () => {
    const [, firefox] = browsers as [TestBrowser, TestBrowser];
    await organiser.clickButton('Make link');
    await organiser.clickButton('Make link');
    const [revoked = '', expired = ''] = await waitFor(
      () => listedLinks(organiser),
      (links) => links.length === 2,
      15_000,
    );
    // Expired: as if its 30 days had passed.
    const db = new Database(join(server.dataDir, 'parley.sqlite'));
    db.prepare('update meeting_links set expires_at = ? where id = ?').run(
      Math.floor(Date.now() / 1000) - 60,
      linkId(expired),
    );
    db.close();
    // Revoked: on the home page, after a confirmation.
    await organiser.clickButton(`End link ${linkId(revoked)}`);
    await expectText(organiser, 'End this link?');
    await organiser.clickButton('End link');
    await waitFor(
      () => listedLinks(organiser),
      (links) => links.length === 1,
      15_000,
    );
    const before = rows();
    for (const [url, name] of [
      [expired, 'link-expired'],
      [revoked, 'link-revoked'],
    ] as const) {
      const page = await openAsGuest(firefox, url);
      await expectText(page, 'This link does not work');
      expect(await pageText(page)).toContain('Ask the person who invited you for a new link');
      await look(page, name);
      await page.close();
    }
    expect(rows()).toEqual(before);
  });

  it('has no serious accessibility problem on any of these screens', () => {
    expect(Object.keys(violations).length).toBeGreaterThanOrEqual(8);
    expect(violations).toEqual(Object.fromEntries(Object.keys(violations).map((name) => [name, []])));
  });
});

describe('a sensitive call with a guest', () => {
  let server: RunningServer;
  const browsers: TestBrowser[] = [];
  const violations: Record<string, AxeViolation[]> = {};
  let host: TestPage;
  let pupil: TestPage;
  const look = async (page: TestPage, name: string) => {
    await screenshots(page, name);
    violations[name] = await seriousViolations(page);
  };
  /** Video frames `page` has decoded so far. */
  const decoded = async (page: TestPage) => total(await inbound(page), 'video', 'framesDecoded');

  beforeAll(async () => {
    server = await startServer({ PARLEY_SENSITIVE_NO_HOST_SECONDS: '6' });
    const trust = { trustedOrigin: server.baseUrl };
    browsers.push(await launchChromium(trust), await launchFirefox(trust));
    const [chromium, firefox] = browsers as [TestBrowser, TestBrowser];
    host = await chromium.newPage();
    await host.useSession(server.baseUrl, (await registerViaApi(server.baseUrl)).cookie);
    await host.goto(`${server.baseUrl}/`);
    await expectText(host, 'Meeting links');
    await tick(host, 'Sensitive: health, school, children');
    await host.clickButton('Make link');
    const [link = ''] = await waitFor(
      () => listedLinks(host),
      (links) => links.length === 1,
      15_000,
    );
    await host.clickButton(`Start the call of link ${linkId(link)}`);
    await host.fill('Your name in this call', 'Ms Teacher');
    await host.clickButton('Join call');
    await expectText(host, 'Sensitive call');
    pupil = await firefox.newPage();
    await pupil.goto(link);
    await expectText(pupil, 'the host decides when guests turn on their camera and microphone');
    await look(pupil, 'sensitive-guest-prejoin');
    await pupil.fill('Your name in this call', 'Pupil Sam');
    await pupil.clickButton('Join call');
    await expectText(host, 'Pupil Sam wants to join');
    await host.clickButton('Admit Pupil Sam');
  });
  afterAll(async () => {
    await Promise.all(browsers.map((browser) => browser.close()));
    await server?.stop();
  });

  it('lets the guest in with camera and microphone off, and their controls say why', async () => {
    await expectText(pupil, 'You are listening only');
    const controls = await pupil.evaluate(() =>
      ['Unmute', 'Start camera'].map(
        (label) =>
          [...document.querySelectorAll('button')]
            .find((b) => b.textContent === label)
            ?.getAttribute('aria-disabled') ?? 'missing',
      ),
    );
    expect(controls).toEqual(['true', 'true']);
    // The guest still sees and hears the host; the host receives nothing from the guest.
    await waitFor(
      () => decodingVideos(pupil),
      (n) => n >= 1,
      60_000,
    );
    expect(await decoded(host)).toBe(0);
    expect(await personEntry(host, 'Pupil Sam')).toContain('Listening only');
    await look(pupil, 'sensitive-guest-listening');
  });

  it('prompts the host to verify the guest until they compared emoji, and records it on screen', async () => {
    await expectText(host, 'Before discussing anything sensitive, compare emoji with Pupil Sam');
    await look(host, 'sensitive-host-verify-prompt');
    await inPanel(host, 'Security', () => host.clickButton('They match'));
    await waitFor(
      () => pageText(host),
      (text) => !text.includes('Before discussing anything sensitive'),
      10_000,
    );
    expect(await personEntry(host, 'Pupil Sam')).toContain('Verified');
  });

  it('lets the guest send video once the host allows it', async () => {
    await inPanel(host, 'People', async () => {
      await look(host, 'sensitive-host-people');
      await host.clickButton('Allow Pupil Sam to use their microphone and camera');
    });
    await expectText(pupil, 'A host allowed your camera and microphone');
    await pupil.clickButton('Start camera');
    const frames = await waitFor(
      () => decoded(host),
      (n) => n > 0,
      60_000,
    );
    expect(frames).toBeGreaterThan(0);
  });

  it('ends the call for the guest, after a countdown, once the last host has left', async () => {
    await host.clickButton('Leave');
    await expectText(pupil, 'No host is left in this call');
    await look(pupil, 'sensitive-call-ending');
    await expectText(pupil, 'The call ended: no host was left in it.', 30_000);
  });

  it('has no serious accessibility problem on any of these screens', () => {
    expect(Object.keys(violations).length).toBe(5);
    expect(violations).toEqual(Object.fromEntries(Object.keys(violations).map((name) => [name, []])));
  });
});
