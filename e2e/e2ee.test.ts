// End-to-end encryption, proved in real browsers against the real server:
// three people (Chromium and Firefox) decrypt and play everything; the
// server's own media tap sees nothing but SFrame ciphertext from the first
// frame on; a removed participant cannot decrypt what is sent after; a wrong
// key gives silence and no picture. A control run with E2EE switched off,
// tapped the same way, fails the same ciphertext check.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, launchFirefox, type TestBrowser, type TestPage } from './support/browsers.js';
import {
  decodingVideos,
  expectText,
  hostAction,
  inbound,
  joinCall,
  loudestAudio,
  pageText,
  roomLink,
  securityCode,
  total,
} from './support/call.js';
import { ciphertextProblems, readableWithoutTheirKeys } from './support/ciphertext.js';
import {
  keySwitchAfter,
  probe,
  receiveSnapshot,
  receiving,
  statuses,
  undecryptableBetween,
} from './support/e2eeChecks.js';
import { readChatTap, readTap } from './support/mediaTap.js';
import { openChat, sendText } from './support/chat.js';
import { startServer, type RunningServer } from './support/startServer.js';
import { waitFor } from './support/waitFor.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Measured figures, printed with the test run (the closing note quotes them). */
const report = (line: string) => process.stdout.write(`[e2ee] ${line}\n`);

describe('an end-to-end encrypted call', () => {
  let server: RunningServer;
  const tapFile = join(mkdtempSync(join(tmpdir(), 'parley-tap-')), 'tap.jsonl');
  const browsers: TestBrowser[] = [];
  let hana: TestPage;
  let fern: TestPage;
  let carl: TestPage;
  const peerIdOf = new Map<TestPage, string>();
  let chatBeforeRemovalUntil = 0;

  beforeAll(async () => {
    server = await startServer({ PARLEY_TEST_MEDIA_TAP: tapFile });
    const trust = { trustedOrigin: server.baseUrl };
    const chromium = await launchChromium(trust);
    const firefox = await launchFirefox(trust);
    browsers.push(chromium, firefox);
    hana = await joinCall(chromium, server.baseUrl, `${server.baseUrl}/call`, 'Hana');
    const link = await roomLink(hana);
    fern = await joinCall(firefox, server.baseUrl, link, 'Fern');
    await hana.clickButton('Admit Fern');
    // Carl will be removed; he plays a modified client that keeps every key it was ever given.
    carl = await joinCall(chromium, server.baseUrl, link, 'Carl', { keepKeysAfterCall: true });
    await hana.clickButton('Admit Carl');
  });
  afterAll(async () => {
    await Promise.all(browsers.map((browser) => browser.close()));
    await server?.stop();
  });

  it('decrypts and plays every participant’s audio and video, in Chromium and Firefox', async () => {
    for (const page of [hana, fern, carl]) {
      const decoding = await waitFor(
        () => decodingVideos(page),
        (n) => n >= 2,
        60_000,
      );
      expect(decoding, page.browserName).toBeGreaterThanOrEqual(2);
      expect(await loudestAudio(page), page.browserName).toBeGreaterThan(0);
      const streams = await waitFor(
        () => statuses(page),
        (all) => receiving(all).length >= 4 && receiving(all).every((s) => s.state === 'decrypting'),
        20_000,
      );
      expect(
        receiving(streams).map((s) => s.state),
        page.browserName,
      ).toEqual(Array(4).fill('decrypting'));
      expect(streams.filter((s) => s.direction === 'send').every((s) => s.state === 'encrypting')).toBe(true);
      const locks = await page.evaluate(() =>
        [...document.querySelectorAll('[data-lock]')].map((e) => e.getAttribute('data-lock')),
      );
      expect(locks, page.browserName).toEqual(['encrypted', 'encrypted']);
      expect(await pageText(page)).toContain('End-to-end encrypted');
    }
    // Which peer each page is: the one the other two receive from and it does not.
    const senders = await Promise.all(
      [hana, fern, carl].map(async (page) => new Set(receiving(await statuses(page)).map((s) => s.peerId))),
    );
    [hana, fern, carl].forEach((page, index) => {
      const others = senders.filter((_, i) => i !== index);
      const id = [...(others[0] ?? [])].find((peerId) => others[1]?.has(peerId) && !senders[index]?.has(peerId));
      expect(id, page.browserName).toBeDefined();
      peerIdOf.set(page, id ?? '');
    });
  });

  it('adds at most 20 bytes to an audio or a video frame, as the protocol promises', async () => {
    const sent = (await statuses(hana)).filter((s) => s.direction === 'send' && s.frames > 0);
    const perFrame = Object.fromEntries(sent.map((s) => [s.kind, s.overheadBytes / s.frames]));
    report(`SFrame overhead per frame (Hana, Chromium): ${JSON.stringify(perFrame)}`);
    expect(perFrame.audio).toBeGreaterThan(0);
    expect(perFrame.audio).toBeLessThanOrEqual(20);
    expect(perFrame.video).toBeGreaterThan(0);
    expect(perFrame.video).toBeLessThanOrEqual(20);
  });

  it('shows the same call security code on every screen', async () => {
    const codes = await Promise.all([hana, fern, carl].map(securityCode));
    expect(codes[0]).toMatch(/^\d{5}( \d{5}){5}$/);
    expect(new Set(codes).size).toBe(1);
  });

  it('forwards nothing but SFrame ciphertext, from the first frame on (tapped on the server)', async () => {
    const frames = readTap(tapFile);
    const producers = new Set(frames.map((f) => f.producerId));
    expect(producers.size).toBe(6); // three microphones, three cameras
    for (const kind of ['audio', 'video'] as const)
      expect(frames.filter((f) => f.kind === kind).length).toBeGreaterThan(100);
    expect(ciphertextProblems(frames)).toEqual([]);
    expect(await readableWithoutTheirKeys(frames)).toBe(0);
    // And it is real SFrame under the participants' keys: Fern's page decrypts Hana's and Carl's recent frames.
    const recent = frames.filter((f) => f.peerId !== peerIdOf.get(fern)).slice(-300);
    const result = await probe(fern, recent);
    expect(result.decrypted / recent.length).toBeGreaterThan(0.95);
  });

  it('carries chat to everyone under the same sender keys, the person about to be removed included', async () => {
    await openChat(hana);
    await sendText(hana, 'said before the removal');
    await openChat(carl);
    await expectText(carl, 'said before the removal');
    chatBeforeRemovalUntil = Date.now();
    for (const page of [hana, carl]) await page.clickButton('Close');
  });

  it('moves everyone to new keys when someone is removed, and the removed person cannot decrypt anything after', async () => {
    // Per receiving stream of the two who stay (the removed person's streams end with them).
    const before = await receiveSnapshot([hana, fern]);
    const removedAt = Date.now();
    await hostAction(hana, 'Remove Carl');
    const clicked = Date.now() - removedAt;
    await waitFor(
      () => pageText(carl),
      (t) => t.includes('removed you'),
      15_000,
    );
    await sleep(4000);

    // Time from the removal to the new key in use, on both remaining sides, measured from the
    // membership change as the remaining pages learn it (the test's click on a busy page can
    // itself take seconds to reach the server).
    const { learned, sendSwitch, receiveSwitch, trace } = await keySwitchAfter([hana, fern], removedAt);
    report(`removal: the test's click took ${clicked} ms; key exchange on Hana, Fern: ${JSON.stringify(trace)}`);
    report(
      `new key in use after removal: sent ${JSON.stringify(sendSwitch)} ms, received ${JSON.stringify(receiveSwitch)} ms`,
    );
    expect(sendSwitch.length).toBe(2);
    expect(Math.max(...sendSwitch)).toBeLessThanOrEqual(2000);
    expect(receiveSwitch.length).toBeGreaterThanOrEqual(2);
    expect(Math.max(...receiveSwitch)).toBeLessThanOrEqual(2000);

    // No frame the remaining two should read went undecryptable through the removal.
    const after = await receiveSnapshot([hana, fern]);
    const failures = [...after.values()].reduce((sum, s) => sum + s.failures, 0);
    const { failed: failedSince, withoutKey } = undecryptableBetween(before, after);
    report(
      `undecryptable frames at remaining receivers: ${failures} failed over the whole call (${failedSince} since the removal), ${withoutKey} without key since the removal`,
    );
    // Through the leave: none. (Over the whole call, joins included, the total is reported above.)
    expect(failedSince).toBe(0);
    expect(withoutKey).toBe(0);

    // Frames sent after the switch, captured on the server, handed to the removed page with all its old keys.
    const later = readTap(tapFile).filter((f) => f.at > learned + 2000); // sent after both switched
    expect(later.length).toBeGreaterThan(100);
    const byCarl = await probe(carl, later);
    expect(byCarl).toEqual({ decrypted: 0, failed: later.length });
    // The same frames are fine for those still in the call.
    const fromHana = later.filter((f) => f.peerId !== peerIdOf.get(fern));
    expect((await probe(fern, fromHana)).decrypted / fromHana.length).toBeGreaterThan(0.95);
  });

  it('the removed person cannot read chat sent after the removal, with every chat key they were given', async () => {
    const removedAt = Date.now();
    await openChat(hana);
    await sendText(hana, 'said after the removal');
    await openChat(fern);
    await expectText(fern, 'said after the removal');
    for (const page of [hana, fern]) await page.clickButton('Close');
    const hanaId = peerIdOf.get(hana) ?? '';
    const fromHana = readChatTap(tapFile).filter((t) => t.from === hanaId && t.envelope.kind === 'message');
    const before = fromHana.filter((t) => t.at <= chatBeforeRemovalUntil);
    const after = fromHana.filter((t) => t.at >= removedAt);
    expect(before.length).toBeGreaterThan(0);
    expect(after.length).toBeGreaterThan(0);
    const open = (tapped: typeof fromHana) =>
      carl.evaluateWith(
        (envelopes) => window.parleyChat?.openWithKeptKeys(envelopes),
        tapped.map(({ from, envelope }) => ({ from, envelope })),
      );
    // The kept keys work (what was said before opens), and open nothing said since.
    expect((await open(before))?.opened).toBeGreaterThan(0);
    expect(await open(after)).toMatchObject({ opened: 0 });
  });

  it('gives silence and no picture, not garbage, when a key is wrong', async () => {
    const hanaId = peerIdOf.get(hana) ?? '';
    const levelBefore = await loudestAudio(fern);
    await fern.evaluateWith((peerId) => window.parleyE2ee?.scrambleKeys(peerId), hanaId);
    await sleep(2000);
    const videoBefore = total(await inbound(fern), 'video', 'framesDecoded');
    let loudest = 0;
    for (let i = 0; i < 15; i++) {
      loudest = Math.max(loudest, total(await inbound(fern), 'audio', 'audioLevel'));
      await sleep(200);
    }
    const videoAfter = total(await inbound(fern), 'video', 'framesDecoded');
    expect(videoAfter - videoBefore).toBe(0);
    report(`Fern's loudest audio level from Hana: ${levelBefore} with the right key, ${loudest} with a wrong one`);
    expect(loudest).toBeLessThan(0.01);
    expect(loudest).toBeLessThan(levelBefore / 10);
    const failing = await waitFor(
      () => fern.evaluate(() => document.querySelector('[data-lock="failing"]') !== null),
      (shown) => shown,
      10_000,
    );
    expect(failing).toBe(true);
  });

  it('wipes every key when a participant hangs up: their page decrypts nothing afterwards', async () => {
    const fernId = peerIdOf.get(fern) ?? '';
    const recent = readTap(tapFile)
      .filter((f) => f.peerId === fernId)
      .slice(-200);
    expect((await probe(hana, recent)).decrypted / recent.length).toBeGreaterThan(0.95);
    await hana.clickButton('Leave');
    await waitFor(
      () => pageText(hana),
      (text) => text.includes('You left the call'),
      10_000,
    );
    await sleep(500);
    expect(await probe(hana, recent)).toEqual({ decrypted: 0, failed: recent.length });
  });
});

describe('control: the same tap with E2EE switched off for testing', () => {
  let server: RunningServer;
  const tapFile = join(mkdtempSync(join(tmpdir(), 'parley-tap-')), 'tap.jsonl');
  let browser: TestBrowser;

  beforeAll(async () => {
    server = await startServer({ PARLEY_TEST_MEDIA_TAP: tapFile });
    browser = await launchChromium({ trustedOrigin: server.baseUrl });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('says loudly that the call is not encrypted, and the server sees plain VP8 and Opus', async () => {
    const host = await joinCall(browser, server.baseUrl, `${server.baseUrl}/call`, 'Hana', { e2ee: 'off' });
    const link = await roomLink(host);
    const guest = await joinCall(browser, server.baseUrl, link, 'Gus', { e2ee: 'off' });
    await host.clickButton('Admit Gus');
    expect(
      await waitFor(
        () => decodingVideos(guest),
        (n) => n >= 1,
        60_000,
      ),
    ).toBeGreaterThanOrEqual(1);
    expect(await pageText(guest)).toContain('End-to-end encryption is OFF');
    await sleep(2000);
    const frames = readTap(tapFile);
    expect(frames.length).toBeGreaterThan(100);
    // The very checks the encrypted call passes fail here, on most frames.
    expect(ciphertextProblems(frames).length).toBeGreaterThan(frames.length / 2);
    expect(await readableWithoutTheirKeys(frames)).toBeGreaterThan(frames.length / 4);
    // Plain VP8: keyframes carry the start code and a picture size.
    const keyframe = frames.find((f) => f.kind === 'video' && ((f.data[0] ?? 1) & 1) === 0);
    expect([...(keyframe?.data.subarray(3, 6) ?? [])]).toEqual([0x9d, 0x01, 0x2a]);
  });
});
