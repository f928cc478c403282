// npm run bench:call-basics — on this machine, over the test host's veth:
// how long from pressing "Join call" to the first decoded remote frame, and
// how much CPU the server (Node + mediasoup worker) uses with three people in
// a call. A host is in the call; each round a Chromium guest and then a
// Firefox guest join (the host admits them), are timed, and hang up.
// Prints the median and range per browser; asserts only that it measured.
// Settings: BENCH_ROUNDS (5).
import { cpus } from 'node:os';
import { afterAll, expect, it } from 'vitest';
import { launchChromium, launchFirefox, type TestBrowser } from '../support/browsers.js';
import { decodingVideos, roomLink } from '../support/call.js';
import { registerViaApi } from '../support/accounts.js';
import { startServer, type RunningServer } from '../support/startServer.js';
import { waitFor } from '../support/waitFor.js';
import { cpuSeconds, processTree } from '../support/processCpu.js';

const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
/** How often the moments timed here are checked: their resolution. */
const polling = 50;

let server: RunningServer | undefined;
const browsers: TestBrowser[] = [];
afterAll(async () => {
  await Promise.all(browsers.map((b) => b.close()));
  await server?.stop();
});

type Sample = { firstFrameMs: number; admitClickMs: number; inCallMs: number; afterAdmitMs: number };

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};
const summary = (values: number[]) =>
  `median ${median(values).toFixed(0)} ms (${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)})`;

it('measures join-to-first-frame and server CPU for a three-person call', async () => {
  server = await startServer({ PARLEY_LOG_LEVEL: 'warn' });
  const running = server;
  const trust = { trustedOrigin: running.baseUrl };
  const chromium = await launchChromium(trust);
  const firefox = await launchFirefox(trust);
  browsers.push(chromium, firefox);

  // Like joinCall, but timed from the click on "Join call".
  const open = async (browser: TestBrowser, url: string, name: string) => {
    const page = await browser.newPage();
    await page.useSession(running.baseUrl, (await registerViaApi(running.baseUrl)).cookie);
    await page.goto(url);
    await page.fill('Your name in this call', name);
    const started = performance.now();
    await page.clickButton('Join call');
    return { page, started };
  };

  const host = await open(chromium, `${running.baseUrl}/call`, 'Host');
  const link = await roomLink(host.page);
  const samples: Record<string, Sample[]> = { Chromium: [], Firefox: [] };
  let cpu = '';
  for (let round = 0; round < rounds; round++) {
    const guests = [];
    for (const [browser, kind] of [
      [chromium, 'Chromium'],
      [firefox, 'Firefox'],
    ] as const) {
      const name = `${kind} guest ${round}`;
      const guest = await open(browser, link, name);
      guests.push(guest.page);
      await host.page.clickButton(`Admit ${name}`);
      const admitClickMs = performance.now() - guest.started;
      // In the call: the call's toolbar is on the page.
      await waitFor(
        () => guest.page.evaluate(() => document.querySelector('[role="toolbar"]') !== null),
        (shown) => shown,
        30_000,
        polling,
      );
      const inCallMs = performance.now() - guest.started;
      await waitFor(
        () => decodingVideos(guest.page),
        (n) => n >= 1,
        30_000,
        polling,
      );
      const firstFrameMs = performance.now() - guest.started;
      samples[kind]?.push({ firstFrameMs, admitClickMs, inCallMs, afterAdmitMs: firstFrameMs - admitClickMs });
    }
    if (round === 0) {
      await waitFor(
        () => decodingVideos(host.page),
        (n) => n >= 2,
        30_000,
      );
      const pids = processTree(running.pid);
      const before = pids.map(cpuSeconds);
      const windowSeconds = 20;
      await new Promise((resolve) => setTimeout(resolve, windowSeconds * 1000));
      const used = pids.map((pid, i) => cpuSeconds(pid) - (before[i] ?? 0));
      cpu = `server CPU with 3 participants over ${windowSeconds} s: node ${((100 * (used[0] ?? 0)) / windowSeconds).toFixed(1)} %, mediasoup worker ${(
        (100 * used.slice(1).reduce((a, b) => a + b, 0)) /
        windowSeconds
      ).toFixed(1)} % (of one core)`;
    }
    for (const page of guests) await page.close();
  }

  const lines = [
    `machine: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} cores; ${rounds} rounds, timings polled every ${polling} ms`,
    ...Object.entries(samples).map(
      ([kind, list]) =>
        `${kind} guest: join → first remote frame ${summary(list.map((s) => s.firstFrameMs))}; host's admit click done at ${summary(list.map((s) => s.admitClickMs))}; admit → first frame ${summary(list.map((s) => s.afterAdmitMs))}; in the call at ${summary(list.map((s) => s.inCallMs))}`,
    ),
    cpu,
  ];
  process.stdout.write(`\n${lines.join('\n')}\n`);
  expect(samples.Chromium).toHaveLength(rounds);
  expect(samples.Firefox).toHaveLength(rounds);
});
