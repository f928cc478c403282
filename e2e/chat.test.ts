// End-to-end encrypted chat and files between Chromium and Firefox through
// the real server, with a third person who must not read what is private,
// and the server's own capture of everything it relayed (test tap), which
// must hold no plaintext and open under no key but the right ones.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChatOpener } from '@parley/shared/chat';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, launchFirefox, type TestBrowser, type TestPage } from './support/browsers.js';
import { expectText, joinCall, pageText, roomLink } from './support/call.js';
import {
  chooseRecipient,
  dropFile,
  filePattern,
  openChat,
  progressShown,
  receivedDigest,
  sendText,
} from './support/chat.js';
import { screenshots, seriousViolations } from './support/look.js';
import { readChatTap } from './support/mediaTap.js';
import { startServer, type RunningServer } from './support/startServer.js';
import { waitFor } from './support/waitFor.js';

const marker = 'MARKER-5e1f-secret-words';
const twentyMb = 20 * 1024 * 1024;

describe('end-to-end encrypted chat and files, Chromium ⇄ Firefox', () => {
  let server: RunningServer;
  const tapFile = join(mkdtempSync(join(tmpdir(), 'parley-tap-')), 'tap.jsonl');
  const browsers: TestBrowser[] = [];
  let hana: TestPage;
  let fern: TestPage;
  let ivo: TestPage;

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
    ivo = await joinCall(chromium, server.baseUrl, link, 'Ivo');
    await hana.clickButton('Admit Ivo');
    for (const page of [hana, fern, ivo]) await openChat(page);
  });
  afterAll(async () => {
    await Promise.all(browsers.map((browser) => browser.close()));
    await server?.stop();
  });

  it('delivers a message both ways', async () => {
    await sendText(hana, `${marker} hello from Chromium https://example.invalid/x`);
    await expectText(fern, `${marker} hello from Chromium`);
    await sendText(fern, `${marker} hello from Firefox`);
    await expectText(hana, `${marker} hello from Firefox`);
    await expectText(ivo, `${marker} hello from Firefox`);
    // A link is text, never a link the page would follow or preview.
    const anchors = await fern.evaluate(() => document.querySelectorAll('[role="dialog"] a[href]').length);
    expect(anchors).toBe(0);
  });

  it('delivers a private message to its recipient only', async () => {
    await chooseRecipient(hana, 'Fern');
    await sendText(hana, `${marker} only for Fern`);
    const shown = await expectText(fern, `${marker} only for Fern`);
    expect(shown).toContain('privately to you');
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(await pageText(ivo)).not.toContain('only for Fern');
    await chooseRecipient(hana, 'Everyone');
  });

  it.each([
    ['Chromium → Firefox', () => [hana, fern] as const],
    ['Firefox → Chromium', () => [fern, hana] as const],
  ])('sends a 20 MB file %s, byte-identical, with progress on both sides', async (_, pages) => {
    const [from, to] = pages();
    const name = `${from.browserName}-20mb.bin`;
    const sent = await dropFile(from, name, twentyMb);
    await expectText(to, name);
    let seenReceiving = 0;
    let seenSending = 0;
    const digest = await waitFor(
      async () => {
        seenReceiving = Math.max(seenReceiving, (await progressShown(to)) ?? 0);
        seenSending = Math.max(seenSending, (await progressShown(from)) ?? 0);
        return receivedDigest(to, name);
      },
      (d) => d !== undefined,
      120_000,
      200,
    );
    expect(digest).toBe(sent);
    expect(seenReceiving, 'a progress bar while receiving').toBeGreaterThan(0);
    expect(seenSending, 'a progress bar while sending').toBeGreaterThan(0);
    await expectText(to, 'Received: not saved until you choose');
  });

  it('cancels a file mid-transfer on both sides', async () => {
    const name = 'cancelled.bin';
    await dropFile(hana, name, twentyMb);
    await waitFor(
      () => progressShown(fern),
      (p) => p !== undefined && p >= 3,
      60_000,
      100,
    );
    await hana.clickButton(`Cancel ${name}`);
    await expectText(fern, 'The sender cancelled it.');
    await expectText(hana, 'Cancelled');
    expect(await receivedDigest(fern, name)).toBeUndefined();
  });

  it('looks right and passes axe, at desktop and phone width', async () => {
    await screenshots(hana, 'chat-panel');
    await screenshots(fern, 'chat-panel-firefox');
    expect(await seriousViolations(hana)).toEqual([]);
    expect(await seriousViolations(fern)).toEqual([]);
  });

  it('relayed nothing the server could read: no marker, no file pattern, nothing opens under wrong keys', async () => {
    const tapped = readChatTap(tapFile);
    expect(tapped.length).toBeGreaterThan(1000); // two 20 MB files, a cancelled one and messages
    const everything = tapped.map((t) => JSON.stringify(t)).join('\n');
    const bytes = Buffer.concat(tapped.map((t) => Buffer.from(t.envelope.ct, 'base64url')));
    for (const secret of [marker, filePattern, 'hello from']) {
      expect(everything).not.toContain(secret);
      expect(bytes.includes(Buffer.from(secret))).toBe(false);
    }
    // Wrong keys: a receiver holding random keys for every sender and epoch opens nothing.
    const opener = new ChatOpener('00000000-0000-4000-8000-000000000000', () => new Uint8Array(32), {
      keyWaitMs: 0,
    });
    for (const { from, envelope } of tapped.slice(0, 40))
      for (let epoch = 0; epoch <= envelope.epoch; epoch++)
        opener.setKey(from, epoch, crypto.getRandomValues(new Uint8Array(32)));
    const opened = await Promise.all(tapped.slice(0, 40).map(({ from, envelope }) => opener.open(from, envelope)));
    expect(opened.filter((o) => o.ok)).toEqual([]);
  });
});
