// npm run bench:call-basics — on this machine, over the test host's veth:
// how long from pressing "Join call" to the first decoded remote frame, and
// how much CPU the server (Node + mediasoup worker) uses with three people in
// a call. Prints numbers; asserts only that the measurement happened.
import { cpus } from 'node:os';
import { afterAll, expect, it } from 'vitest';
import { launchChromium, launchFirefox, type TestBrowser } from '../support/browsers.js';
import { decodingVideos, roomLink } from '../support/call.js';
import { registerViaApi } from '../support/accounts.js';
import { startServer, type RunningServer } from '../support/startServer.js';
import { waitFor } from '../support/waitFor.js';
import { cpuSeconds, processTree } from '../support/processCpu.js';

let server: RunningServer | undefined;
const browsers: TestBrowser[] = [];
afterAll(async () => {
  await Promise.all(browsers.map((b) => b.close()));
  await server?.stop();
});

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
  const results: { who: string; firstFrameMs: number; admitClickMs: number }[] = [];
  for (const [browser, name] of [
    [chromium, 'Chromium guest'],
    [firefox, 'Firefox guest'],
  ] as const) {
    const guest = await open(browser, link, name);
    await host.page.clickButton(`Admit ${name}`);
    const admitClickMs = performance.now() - guest.started;
    await waitFor(
      () => decodingVideos(guest.page),
      (n) => n >= 1,
      30_000,
    );
    results.push({ who: name, firstFrameMs: performance.now() - guest.started, admitClickMs });
  }
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

  const lines = [
    `machine: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} cores`,
    ...results.map(
      (r) =>
        `${r.who}: join → first remote frame ${r.firstFrameMs.toFixed(0)} ms (of which waiting for the host's admit click ${r.admitClickMs.toFixed(0)} ms)`,
    ),
    `server CPU with 3 participants over ${windowSeconds} s: node ${((100 * (used[0] ?? 0)) / windowSeconds).toFixed(1)} %, mediasoup worker ${(
      (100 * used.slice(1).reduce((a, b) => a + b, 0)) /
      windowSeconds
    ).toFixed(1)} % (of one core)`,
  ];
  process.stdout.write(`\n${lines.join('\n')}\n`);
  expect(results).toHaveLength(2);
});
