// The server process dies mid-call (SIGKILL, as a crash would) and is started
// again on the same address and data; later it is restarted properly
// (SIGTERM: it tells everyone first). Each time the call comes back by
// itself: Chromium and Firefox reconnect, find the call forgotten, join it
// again under the same id with their rejoin tickets (nobody knocks, the host
// is host again), and decode each other's video again within 15 s of the new
// process listening.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundStat } from '@parley/shared';
import { launchChromium, launchFirefox, type TestBrowser, type TestPage } from './support/browsers.js';
import { inbound, inPanel, joinCall, pageText, peopleText, roomLink, total } from './support/call.js';
import { startServer, type RunningServer } from './support/startServer.js';
import { waitFor } from './support/waitFor.js';

/** The target: decoding again within this long of the new process listening. */
const targetMs = 15_000;

const decoded = async (page: TestPage) => total(await inbound(page), 'video', 'framesDecoded');

/** The page's own peer id in its current call (test-build hook): a new server gives a new one. */
const selfId = (page: TestPage) => page.evaluate(() => window.parleyE2ee?.self()?.peerId);

/** Keeps every RTCPeerConnection the page makes, so a page that is not back can say which of them does not answer. */
const watchPeerConnections = (page: TestPage) =>
  page.evaluate(() => {
    const made: RTCPeerConnection[] = [];
    const Original = window.RTCPeerConnection;
    window.RTCPeerConnection = class extends Original {
      constructor(config?: RTCConfiguration) {
        super(config);
        made.push(this);
      }
    };
    (window as unknown as { madePeerConnections: RTCPeerConnection[] }).madePeerConnections = made;
  });

/** Each peer connection's states, and which of its statistics calls settle within 3 s. */
const peerConnectionReport = (page: TestPage) =>
  page.evaluate(async () => {
    const made = (window as unknown as { madePeerConnections?: RTCPeerConnection[] }).madePeerConnections ?? [];
    const settles = (promise: Promise<unknown>) =>
      Promise.race([
        promise.then(
          () => 'ok',
          (error: unknown) => `rejects (${String(error)})`,
        ),
        new Promise((resolve) => setTimeout(() => resolve('HANGS'), 3000)),
      ]);
    return Promise.all(
      made.map(async (pc, index) => ({
        index,
        state: `${pc.connectionState}/${pc.iceConnectionState}/${pc.signalingState}`,
        getStats: await settles(pc.getStats()),
        receivers: await Promise.all(
          pc
            .getTransceivers()
            .map(
              async (t) =>
                `${t.mid ?? '-'} ${t.currentDirection ?? '-'} ${t.receiver.track.kind} ${String(await settles(t.receiver.getStats()))}`,
            ),
        ),
        senders: await Promise.all(
          pc.getTransceivers().map(async (t) => `${t.mid ?? '-'} ${String(await settles(t.sender.getStats()))}`),
        ),
      })),
    );
  });

// One retry: in about 1 run in 7 on this machine the Firefox page stops answering the harness after a
// restart (every evaluate fails for 40 s, so neither its statistics nor its text can be read; Chromium in the
// same run is back in 1–3 s). Whether Firefox's page or its BiDi connection is stuck is not yet known: see
// docs/reliability.md. A retry restarts the server again, so it must recover again to pass.
// One retry, kept until the cause below is known: of 4 runs on 2026-11-25 before this test told a page that is back
// by its new peer id (it compared decoded counts, which a page whose reads were slow could pass unseen), 3 had a
// Firefox page not back; after, 10 runs of 10 passed, none needing the retry. Two of those failures were not that: once every
// statistics read hung (the page alive and showing the call), once the page's browsing context was gone for the
// harness (Target closed, detached frame). See docs/reliability.md. A retry restarts the server again.
describe('a server restart mid-call', { retry: 1 }, () => {
  let server: RunningServer;
  const browsers: TestBrowser[] = [];
  let pages: TestPage[] = [];
  let link = '';

  beforeAll(async () => {
    server = await startServer();
    const trust = { trustedOrigin: server.baseUrl };
    browsers.push(await launchChromium(trust), await launchFirefox(trust));
    const [chromium, firefox] = browsers as [TestBrowser, TestBrowser];
    const host = await joinCall(chromium, server.baseUrl, `${server.baseUrl}/call`, 'Host');
    link = await roomLink(host);
    const guest = await joinCall(firefox, server.baseUrl, link, 'Guest', { beforeJoin: watchPeerConnections });
    await host.clickButton('Admit Guest');
    pages = [host, guest];
    for (const page of pages)
      await waitFor(
        () => decoded(page),
        (frames) => frames > 60,
        45_000,
      );
  });
  afterAll(async () => {
    await Promise.all(browsers.map((browser) => browser.close()));
    await server?.stop();
  });

  /** Kills or stops the server, starts it again, and times each page's way back to decoding. */
  const restartAndTime = async (signal: 'SIGKILL' | 'SIGTERM') => {
    const before = await Promise.all(pages.map(selfId));
    await server.kill(signal);
    await server.restart();
    const listeningAt = Date.now();
    // Back: the page is in the new process's call (the new server gave it a new peer id; its statistics are the new
    // session's) and decodes video there. (Telling new consumers by their counts being below the old ones' missed a
    // page whose reads were slow: by the time one answered, its new consumer had decoded past the old count.)
    return Promise.all(
      pages.map(async (page, i) => {
        type Read = { id: string | undefined; stats: InboundStat[] };
        const back = ({ id, stats }: Read) => {
          const videos = stats.filter((s) => s.kind === 'video');
          return (
            id !== undefined && id !== before[i] && videos.length === 1 && videos.every((s) => s.framesDecoded > 0)
          );
        };
        // A failed read is kept (not only retried): when a page is not back, its last error is the evidence.
        let lastError = '';
        // A read that does not settle (Firefox: a statistics call that never answers) counts as failed after 5 s,
        // rather than holding the test until the driver's own 180 s time-out.
        const read = (): Promise<Read> =>
          Promise.race([
            (async () => ({ id: await selfId(page), stats: await inbound(page) }))(),
            new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer within 5 s')), 5000)),
          ]).catch((error: unknown) => {
            lastError = String(error).slice(0, 300);
            return { id: undefined, stats: [] };
          });
        const last = await waitFor(read, back, 40_000, 200);
        if (back(last)) return Date.now() - listeningAt;
        const stats = last.stats;
        const shown = await pageText(page).catch(
          (error: unknown) => `(text unreadable: ${String(error).slice(0, 200)})`,
        );
        const alive = await page.evaluate(() => 1 + 1).catch((error: unknown) => String(error).slice(0, 200));
        process.stdout.write(
          `${page.browserName} not back: ${JSON.stringify(stats)}\nlast read error: ${lastError}\n` +
            `trivial evaluate: ${alive}\n${shown.slice(0, 400)}\n`,
        );
        const connections = await Promise.race([
          peerConnectionReport(page),
          new Promise((resolve) => setTimeout(() => resolve('(no answer in 20 s)'), 20_000)),
        ]).catch((error: unknown) => String(error));
        process.stdout.write(`peer connections: ${JSON.stringify(connections)}\n`);
        const browser = browsers.find((b) => b.name === page.browserName);
        process.stdout.write(`${(await browser?.diagnose?.().catch((error: unknown) => String(error))) ?? ''}\n`);
        return Infinity;
      }),
    );
  };

  const expectSameCall = async () => {
    expect(await Promise.all(pages.map((page) => page.evaluate(() => window.location.href)))).toEqual([link, link]);
    for (const page of pages) expect(await peopleText(page)).toContain('In this call (2)');
    // The host is host again: the host's People panel offers host actions on the guest.
    const [host] = pages as [TestPage];
    expect(
      await inPanel(host, 'People', () =>
        host.evaluate(() => document.querySelector('button[aria-label="Mute Guest"]') !== null),
      ),
    ).toBe(true);
  };

  it('comes back by itself after a crash (SIGKILL)', async () => {
    const backMs = await restartAndTime('SIGKILL');
    process.stdout.write(
      `server killed: decoding again ${backMs.join(' / ')} ms after the new process listened (Chromium, Firefox)\n`,
    );
    for (const ms of backMs) expect(ms).toBeLessThan(targetMs);
    await expectSameCall();
  });

  it('tells everyone it is restarting on SIGTERM, and comes back by itself', async () => {
    const [host] = pages as [TestPage];
    const noticed = waitFor(
      () => pageText(host),
      (text) => text.includes('Parley is restarting'),
      10_000,
      50,
    );
    const backMs = restartAndTime('SIGTERM');
    expect(await noticed).toContain('Parley is restarting');
    const times = await backMs;
    process.stdout.write(
      `server restarted (SIGTERM): decoding again ${times.join(' / ')} ms after the new process listened (Chromium, Firefox)\n`,
    );
    for (const ms of times) expect(ms).toBeLessThan(targetMs);
    await expectSameCall();
    expect(await pageText(host)).not.toContain('Parley is restarting');
  });
});
