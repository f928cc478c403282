// Bad input at volume, while a real call goes on: 10,000 fuzzed signaling
// messages (every request, nearly right and plainly wrong, other people's
// ids, no acknowledgement, oversized) from 24 sockets of 12 accounts at once,
// and 1,000 fuzzed HTTP requests to every route, against the built server,
// while Chromium and Firefox are in a call on it. Required: the server never
// crashes nor logs an unhandled rejection, every request gets a well-formed
// reply (never `internal`), the call keeps decoding throughout, and
// afterwards the server holds what it held before (calls, people, media
// objects, sockets, descriptors) with memory back within a stated margin.
// `npm run fuzz` runs the same for longer (PARLEY_FUZZ_MESSAGES, _HTTP, _SEED).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, launchFirefox, type TestBrowser, type TestPage } from './support/browsers.js';
import { registerViaApi } from './support/accounts.js';
import { inbound, joinCall, roomLink, total } from './support/call.js';
import { fuzzHttp } from './support/fuzz/httpFuzz.js';
import { SignalingFuzzer } from './support/fuzz/SignalingFuzzer.js';
import { startServer, type RunningServer } from './support/startServer.js';
import { waitFor } from './support/waitFor.js';
import type { ServerCounts } from '../server/src/http/metricsServer.js';

const messages = Number(process.env.PARLEY_FUZZ_MESSAGES ?? 10_000);
const httpRequests = Number(process.env.PARLEY_FUZZ_HTTP ?? 1_000);
const seed = Number(process.env.PARLEY_FUZZ_SEED ?? Date.now() % 2 ** 31);
const fuzzUsers = 12;
/**
 * How far the server's memory may stay above where it started once the
 * fuzzing is over: its heap after a full collection, and its resident size
 * (which a process rarely gives back, so only a gross leak shows there).
 */
const heapMarginBytes = 16 * 1024 * 1024;
const rssMarginBytes = 64 * 1024 * 1024;

describe('fuzzing signaling and HTTP during a real call', () => {
  let server: RunningServer;
  const browsers: TestBrowser[] = [];
  let pages: TestPage[] = [];
  let roomId = '';

  const metrics = async () =>
    (await (await fetch(server.metricsUrl ?? 'http://missing')).json()) as ServerCounts & { openFds: number };
  const decoded = async (page: TestPage) => total(await inbound(page), 'video', 'framesDecoded');

  beforeAll(async () => {
    // --expose-gc: the metrics then measure the heap after a full collection.
    server = await startServer({ PARLEY_METRICS_PORT: '0', NODE_OPTIONS: '--expose-gc' });
    const trust = { trustedOrigin: server.baseUrl };
    browsers.push(await launchChromium(trust), await launchFirefox(trust));
    const [chromium, firefox] = browsers as [TestBrowser, TestBrowser];
    const host = await joinCall(chromium, server.baseUrl, `${server.baseUrl}/call`, 'Host');
    const link = await roomLink(host);
    roomId = new URL(link).searchParams.get('room') ?? '';
    const guest = await joinCall(firefox, server.baseUrl, link, 'Guest');
    await host.clickButton('Admit Guest');
    pages = [host, guest];
    for (const page of pages)
      await waitFor(
        () => decoded(page),
        (frames) => frames > 30,
        45_000,
      );
  });
  afterAll(async () => {
    await Promise.all(browsers.map((browser) => browser.close()));
    await server?.stop();
  });

  // About 400 messages a second here: `npm run fuzz`'s longer runs need longer.
  const timeout = 180_000 + (messages + httpRequests) * 10;

  it('survives it all, the call keeps decoding, and nothing is left behind', { timeout }, async () => {
    const before = await metrics();
    process.stdout.write(`fuzz seed ${seed} (PARLEY_FUZZ_SEED=${seed} repeats this run)\n`);

    // The call is watched all along: every 3 s each page must have decoded more video.
    let watching = true;
    const stalls: string[] = [];
    const watch = (async () => {
      let last = await Promise.all(pages.map(decoded));
      while (watching) {
        await new Promise((resolve) => setTimeout(resolve, 3000));
        const now = await Promise.all(pages.map(decoded));
        now.forEach((frames, i) => {
          if (frames <= (last[i] ?? 0)) stalls.push(`${pages[i]?.browserName} stopped decoding at ${frames} frames`);
        });
        last = now;
      }
    })();

    const started = Date.now();
    const fuzzer = await SignalingFuzzer.create(server.baseUrl, {
      users: fuzzUsers,
      socketsPerUser: 2,
      hosts: 4,
      known: { roomIds: [roomId] },
    });
    const { cookie } = await registerViaApi(server.baseUrl);
    let signaling;
    let http;
    try {
      [signaling, http] = await Promise.all([
        fuzzer.run(messages, seed),
        fuzzHttp(server.baseUrl, cookie, httpRequests, seed),
      ]);
    } finally {
      fuzzer.close();
      watching = false;
      await watch;
    }
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(
      `fuzzed ${signaling.sent} signaling messages (${signaling.replies} replies: ${JSON.stringify(signaling.codes)}; ${signaling.dropped} sockets dropped for oversized messages) and ${http.sent} HTTP requests (${JSON.stringify(http.statuses)}) in ${seconds.toFixed(0)} s\n`,
    );
    expect(signaling.failures).toEqual([]);
    expect(http.failures).toEqual([]);
    expect(signaling.sent + http.sent).toBeGreaterThanOrEqual(messages + httpRequests);
    expect(stalls).toEqual([]);

    // Still up, never an unhandled rejection or an uncaught exception.
    expect(server.alive()).toBe(true);
    expect(server.output()).not.toMatch(/unhandled|uncaught|"level":60/i);

    // Back to what the call alone holds (engine.io sessions the HTTP fuzz opened by
    // long-polling time out after about 45 s), and memory within the margin.
    const after = await waitFor(
      metrics,
      (m) => m.peers === before.peers && m.sockets === before.sockets && m.transports === before.transports,
      60_000,
      1000,
    );
    process.stdout.write(`server before: ${JSON.stringify(before)}\nserver after:  ${JSON.stringify(after)}\n`);
    for (const key of ['peers', 'transports', 'producers', 'consumers', 'sockets'] as const)
      expect(after[key], key).toBe(before[key]);
    // Calls created and never entered wait for their organiser for 10 minutes
    // (unusedRoomMs), at most 5 per account (openRoomsPerUser): bounded, not leaked.
    expect(after.rooms).toBeLessThanOrEqual(before.rooms + fuzzUsers * 5);
    expect(after.openFds).toBeLessThanOrEqual(before.openFds + 4);
    expect(after.heapUsedBytes).toBeLessThan(before.heapUsedBytes + heapMarginBytes);
    expect(after.rssBytes).toBeLessThan(before.rssBytes + rssMarginBytes);
    expect(await decoded(pages[0] as TestPage)).toBeGreaterThan(0);
  });
});
