// The key agreement's promises, proved in real browsers against the real
// server (and, where a hand-modified client is needed, a headless Node
// participant running the same state machine):
//  - a participant who publishes nothing is on every screen, in the count
//    and in the security code (nobody receives our key unseen);
//  - the first joiner cannot decrypt what the host said before they came;
//  - a receiver who missed more key changes than it can follow (the sender
//    muted through several joins) recovers by asking for the key;
//  - someone who left while our socket was down counts as a leave when we
//    resume: keys rotate and they cannot decrypt what we send afterwards.
// These tests use only what older builds also had (the page's text, the
// worker's dry-run probe, RTP stats), so they can be run against an older
// commit (PARLEY_E2E_SERVER_ENTRY, PARLEY_E2E_CLIENT_DIR) to see them fail.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HeadlessParticipant } from './support/HeadlessParticipant.js';
import { launchChromium, launchFirefox, type TestBrowser, type TestPage } from './support/browsers.js';
import {
  decodingVideos,
  hasTile,
  hostAction,
  inbound,
  joinCall,
  peopleText,
  roomLink,
  securityCode,
  total,
} from './support/call.js';
import { forProbe } from './support/ciphertext.js';
import { readTap, type TappedFrame } from './support/mediaTap.js';
import { startServer, type RunningServer } from './support/startServer.js';
import { waitFor } from './support/waitFor.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const report = (line: string) => process.stdout.write(`[key-agreement] ${line}\n`);
const probe = (page: TestPage, frames: TappedFrame[]) =>
  page.evaluateWith(
    (batch) => window.parleyE2ee?.probe(batch) ?? Promise.resolve({ decrypted: -1, failed: -1 }),
    forProbe(frames),
  );
const carlListed = (page: TestPage) => hasTile(page, 'Carl');
const roomIdOf = (link: string) => new URL(link).searchParams.get('room') ?? '';
let server: RunningServer | undefined;
const browsers: TestBrowser[] = [];
const headless: HeadlessParticipant[] = [];
afterEach(async () => {
  for (const participant of headless.splice(0)) participant.leave();
  await Promise.all(browsers.splice(0).map((browser) => browser.close()));
  await server?.stop();
  server = undefined;
});

/** A server with a media tap, Chromium and Firefox, and Hana (Chromium) hosting a call. */
async function callWithHana() {
  const tap = join(mkdtempSync(join(tmpdir(), 'parley-tap-')), 'tap.jsonl');
  const running = await startServer({ PARLEY_TEST_MEDIA_TAP: tap });
  server = running;
  const trust = { trustedOrigin: running.baseUrl };
  const chromium = await launchChromium(trust);
  const firefox = await launchFirefox(trust);
  browsers.push(chromium, firefox);
  const hana = await joinCall(chromium, running.baseUrl, `${running.baseUrl}/call`, 'Hana');
  const link = await roomLink(hana);
  return { server: running, tap, chromium, firefox, hana, link };
}

async function admitHeadless(host: TestPage, baseUrl: string, link: string, name: string) {
  const participant = await HeadlessParticipant.connect(baseUrl, name);
  headless.push(participant);
  const joined = participant.join(roomIdOf(link));
  // The knock shows up on the host's page as an Admit button (clicking waits for it).
  await host.clickButton(`Admit ${name}`);
  await joined;
  return participant;
}

describe('who receives our key is who everyone sees', () => {
  it('shows a participant who publishes no media on every screen, in the count and in the security code', async () => {
    const { hana, firefox, link, server: running } = await callWithHana();
    const fern = await joinCall(firefox, running.baseUrl, link, 'Fern');
    await hana.clickButton('Admit Fern');
    await waitFor(
      () => decodingVideos(fern),
      (n) => n >= 1,
      60_000,
    );
    // A client that announces keys (and so is given everyone's key) but sends no media at all.
    const quinn = await admitHeadless(hana, running.baseUrl, link, 'Quinn');
    for (const page of [hana, fern]) {
      const text = await waitFor(
        () => peopleText(page),
        (t) => t.includes('In this call (3)') && t.includes('Quinn'),
        15_000,
      );
      expect(text, page.browserName).toContain('In this call (3)');
      expect(text, page.browserName).toContain('Quinn');
      // A tile of its own, like anyone else's.
      expect(await hasTile(page, 'Quinn'), page.browserName).toBe(true);
    }
    // The code everyone compares covers the listener too: the same digits on both screens and in Quinn's client.
    const codes = await waitFor(
      async () => [await securityCode(hana), await securityCode(fern), quinn.securityCode],
      (all) => new Set(all).size === 1,
      15_000,
    );
    expect(new Set(codes).size).toBe(1);
  });
});

describe('newcomers', () => {
  it('gives the first joiner no key to what the host said before they came', async () => {
    const { hana, firefox, link, server: running, tap } = await callWithHana();
    await sleep(3000); // Hana talks alone; the server records it
    const admittedAt = Date.now();
    const fern = await joinCall(firefox, running.baseUrl, link, 'Fern');
    await hana.clickButton('Admit Fern');
    await waitFor(
      () => decodingVideos(fern),
      (n) => n >= 1,
      60_000,
    );
    const decodingAt = Date.now();
    await sleep(3000);
    const frames = readTap(tap);
    const before = frames.filter((f) => f.at < admittedAt);
    const after = frames.filter((f) => f.at > decodingAt);
    expect(before.length).toBeGreaterThan(50);
    expect(new Set(before.map((f) => f.peerId)).size).toBe(1); // all Hana's
    const early = await probe(fern, before);
    const later = await probe(
      fern,
      after.filter((f) => f.peerId === before[0]?.peerId),
    );
    report(
      `first joiner: decrypts ${early.decrypted}/${before.length} frames from before it came, ${later.decrypted}/${later.decrypted + later.failed} after`,
    );
    expect(early.decrypted).toBe(0);
    expect(later.decrypted / (later.decrypted + later.failed)).toBeGreaterThan(0.95);
  });

  it('lets a receiver who missed more key changes than it can follow (sender muted through five joins) decrypt again', async () => {
    const { hana, firefox, link, server: running } = await callWithHana();
    const fern = await joinCall(firefox, running.baseUrl, link, 'Fern');
    await hana.clickButton('Admit Fern');
    await waitFor(
      () => decodingVideos(fern),
      (n) => n >= 1,
      60_000,
    );
    await hana.clickButton('Mute');
    await hana.clickButton('Stop camera');
    await sleep(1000);
    // Five people join while Hana sends nothing: she moves her key on five times; Fern hears none of it.
    for (const name of ['J1', 'J2', 'J3', 'J4', 'J5']) await admitHeadless(hana, running.baseUrl, link, name);
    await hana.clickButton('Unmute');
    await hana.clickButton('Start camera');
    const resumedAt = Date.now();
    const decodedBefore = total(await inbound(fern), 'video', 'framesDecoded');
    const decoded = await waitFor(
      async () => total(await inbound(fern), 'video', 'framesDecoded'),
      (n) => n > decodedBefore + 30,
      20_000,
    );
    report(`Fern decodes Hana again ${Date.now() - resumedAt} ms after she unmuted`);
    expect(decoded).toBeGreaterThan(decodedBefore + 30);
  });
});

describe('a dropped connection', () => {
  it('treats someone who left while our socket was down as a leave on resume: keys rotate, and they decrypt nothing after', async () => {
    const { hana, chromium, firefox, link, server: running, tap } = await callWithHana();
    const fern = await joinCall(firefox, running.baseUrl, link, 'Fern');
    await hana.clickButton('Admit Fern');
    // Carl will be removed; he plays a modified client that keeps every key it was ever given.
    const carl = await joinCall(chromium, running.baseUrl, link, 'Carl', { keepKeysAfterCall: true });
    await hana.clickButton('Admit Carl');
    for (const page of [hana, fern, carl])
      await waitFor(
        () => decodingVideos(page),
        (n) => n >= 2,
        60_000,
      );
    const hanaId = (await hana.evaluate(() => window.parleyE2ee?.self()?.peerId)) ?? '';
    await hostAction(hana, 'Make Fern a host');
    await sleep(500);

    // Hana's connection to the server goes; while she is away, Fern removes Carl.
    await hana.setOffline(true);
    running.cutConnections();
    const offlineAt = Date.now();
    await waitFor(
      async () => {
        // A request sent before Fern's page noticed its dead connection is lost with it: try again.
        if (await carlListed(fern)) {
          await hostAction(fern, 'Remove Carl');
          await sleep(2000);
        }
        return carlListed(fern);
      },
      (listed) => !listed,
      30_000,
    );
    await sleep(2000);
    expect(await carlListed(hana)).toBe(true); // Hana has not heard yet
    report(`Carl removed ${Date.now() - offlineAt} ms after Hana went offline`);
    await hana.setOffline(false);
    // Back in the call (Fern's tile still there), and Carl gone from it.
    await waitFor(
      async () => !(await carlListed(hana)) && (await hasTile(hana, 'Fern')),
      (back) => back,
      30_000,
    );
    const resumedAt = Date.now();
    report(`Hana back in the call ${resumedAt - offlineAt} ms after she went offline`);
    await sleep(6000);

    const all = readTap(tap);
    const later = all.filter((f) => f.peerId === hanaId && f.at > resumedAt + 3000);
    // What Hana sends, per kind, to explain a shortfall (a missing microphone once was one).
    const sent = await hana.evaluate(async () => JSON.stringify((await window.parleyDiagnostics?.())?.outbound));
    expect(later.length, `Hana's frames after she resumed; she sends ${sent}`).toBeGreaterThan(100);
    const byCarl = await probe(carl, later);
    const byFern = await probe(fern, later);
    report(
      `after Hana resumed: Carl decrypts ${byCarl.decrypted}/${later.length} of her frames, Fern ${byFern.decrypted}`,
    );
    expect(byCarl.decrypted).toBe(0);
    expect(byFern.decrypted / later.length).toBeGreaterThan(0.95);
  });
});
