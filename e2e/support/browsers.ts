// Real browsers from Debian's packages, never downloaded ones: Chromium driven
// by playwright-core over CDP, Firefox ESR by puppeteer-core over WebDriver
// BiDi. Both get fake camera and microphone and never reach the internet.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import puppeteer from 'puppeteer-core';
import { trustCaIn } from './trustedCa.js';

export type TestPage = {
  readonly browserName: string;
  goto(url: string): Promise<void>;
  /** Gives the page a session, as if it had logged in (cookie "name=value" for baseUrl). */
  useSession(baseUrl: string, cookie: string): Promise<void>;
  fill(label: string, value: string): Promise<void>;
  text(selector: string): Promise<string>;
  clickButton(name: string): Promise<void>;
  evaluate<T>(fn: () => T | Promise<T>): Promise<T>;
  /** `fn` runs in the page with `arg` (JSON-serialisable). */
  evaluateWith<A, T>(fn: (arg: A) => T | Promise<T>, arg: A): Promise<T>;
  screenshot(path: string): Promise<void>;
  /** Cuts the page off the network (new connections fail) or reconnects it; Chromium only. */
  setOffline(offline: boolean): Promise<void>;
  setViewport(width: number, height: number): Promise<void>;
  /** Runs a script's source text in the page (axe-core's, say) and returns its value. */
  runScript(source: string): Promise<unknown>;
  /** Every URL the page requests from now on (documents, scripts, fetches, WebSockets). */
  recordRequests(): string[];
  /** Closes the page (hanging up, if it is in a call) and its browser context. */
  close(): Promise<void>;
};

export type TestBrowser = {
  readonly name: string;
  /** The browser's own version string, for benchmark reports. */
  readonly version: string;
  newPage(): Promise<TestPage>;
  /** For a failure report: the browser's open tabs and the last lines it printed (Firefox). */
  diagnose?(): Promise<string>;
  close(): Promise<void>;
};

const chromiumArgs = [
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  // Root in a container has no user namespace for Chromium's sandbox.
  ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
];

/**
 * The test server is reached over plain HTTP on a test-host address, which
 * browsers do not treat as a secure context (no camera, no WebRTC encoded
 * transforms) unless told to trust that one origin (`trustedOrigin`). The
 * deployment test reaches it over HTTPS instead, by a name that only these
 * browsers resolve, under a certificate from a CA that only they trust.
 */
export type LaunchOptions = {
  trustedOrigin?: string;
  /** More command-line arguments (Chromium), e.g. a marker to find its processes by. */
  extraArgs?: string[];
  /** A certificate authority (PEM file) to trust for web sites, as if its owner had installed it. */
  caFile?: string;
  /** Every name the browser looks up resolves to this address (test hosts only). */
  resolveAllTo?: { host: string; address: string };
};

export async function launchChromium({
  trustedOrigin,
  extraArgs = [],
  caFile,
  resolveAllTo,
}: LaunchOptions): Promise<TestBrowser> {
  // Chromium reads trusted CAs from the user's NSS database, $HOME/.pki/nssdb.
  const home = caFile ? mkdtempSync(join(tmpdir(), 'parley-chromium-home-')) : undefined;
  if (home && caFile) trustCaIn(join(home, '.pki', 'nssdb'), caFile);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      ...chromiumArgs,
      ...(trustedOrigin ? [`--unsafely-treat-insecure-origin-as-secure=${trustedOrigin}`] : []),
      ...(resolveAllTo ? [`--host-resolver-rules=MAP * ${resolveAllTo.address}, EXCLUDE localhost`] : []),
      ...extraArgs,
    ],
    ...(home ? { env: { ...process.env, HOME: home } } : {}),
  });
  return {
    name: 'chromium',
    version: `Chromium ${browser.version()}`,
    newPage: async () => {
      // A context per page: each page is its own person, with its own cookies.
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      return {
        browserName: 'chromium',
        goto: async (url) => void (await page.goto(url)),
        useSession: async (baseUrl, cookie) => {
          const [name = '', value = ''] = cookie.split('=');
          await context.addCookies([{ name, value, url: baseUrl, httpOnly: true, sameSite: 'Strict' }]);
        },
        fill: (label, value) => page.getByLabel(label, { exact: true }).fill(value),
        text: (selector) => page.locator(selector).innerText(),
        clickButton: (name) => page.getByRole('button', { name, exact: true }).click(),
        evaluate: (fn) => page.evaluate(fn),
        evaluateWith: <A, T>(fn: (arg: A) => T | Promise<T>, arg: A) => evaluateIn<T>(page, fn, arg),
        screenshot: async (path) => void (await page.screenshot({ path })),
        setOffline: (offline) => context.setOffline(offline),
        setViewport: (width, height) => page.setViewportSize({ width, height }),
        runScript: (source) => page.evaluate(source),
        recordRequests: () => {
          const urls: string[] = [];
          context.on('request', (request) => urls.push(request.url()));
          page.on('websocket', (socket) => urls.push(socket.url()));
          context.on('page', (opened) => opened.on('websocket', (socket) => urls.push(socket.url())));
          return urls;
        },
        close: () => context.close(),
      };
    },
    close: async () => {
      await browser.close();
      if (home) rmSync(home, { recursive: true, force: true });
    },
  };
}

const firefoxPrefs = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  'media.autoplay.default': 0,
};

export async function launchFirefox({ trustedOrigin, caFile, resolveAllTo }: LaunchOptions): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'parley-firefox-'));
  // Firefox keeps its certificate database in the profile.
  if (caFile) trustCaIn(profile, caFile);
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: '/usr/bin/firefox-esr',
    protocol: 'webDriverBiDi',
    headless: true,
    userDataDir: profile,
    extraPrefsFirefox: {
      ...firefoxPrefs,
      ...(trustedOrigin ? { 'dom.securecontext.allowlist': new URL(trustedOrigin).hostname } : {}),
      ...(resolveAllTo ? { 'network.dns.forceResolve': resolveAllTo.address } : {}),
    },
    defaultViewport: { width: 1280, height: 800 },
  });
  const version = await browser.version();
  // Its last words: a tab that crashed or was replaced says so here, not to the harness.
  const printed: string[] = [];
  browser.process()?.stderr?.on('data', (chunk: Buffer) => {
    printed.push(...chunk.toString().split('\n').filter(Boolean));
    printed.splice(0, Math.max(0, printed.length - 60));
  });
  return {
    name: 'firefox',
    version,
    diagnose: async () => {
      const tabs = await Promise.all(
        (await browser.pages()).map(async (tab) => `${tab.url()}${tab.isClosed() ? ' (closed)' : ''}`),
      );
      return `tabs: ${tabs.join(' | ')}\nlast output:\n${printed.join('\n')}`;
    },
    newPage: async () => {
      // A context per page: each page is its own person, with its own cookies. And a window per page: tabs of
      // one window are hidden but for the last, and Firefox clamps a hidden page's timers to 1 s or more (a
      // 10 ms timer ten times took 10 s there), which made key switches late and pages miss pings.
      const context = await browser.createBrowserContext();
      const page = await context.newPage({ type: 'window' });
      return {
        browserName: 'firefox',
        goto: async (url) => void (await page.goto(url)),
        useSession: async (baseUrl, cookie) => {
          const [name = '', value = ''] = cookie.split('=');
          await context.setCookie({
            name,
            value,
            domain: new URL(baseUrl).hostname,
            path: '/',
            httpOnly: true,
            sameSite: 'Strict',
          });
        },
        fill: async (label, value) => {
          // The input a <label> with exactly this text points at.
          const handle = await page.waitForFunction(
            (text) => [...document.querySelectorAll('label')].find((l) => l.textContent === text)?.htmlFor,
            { timeout: 15_000 },
            label,
          );
          const id = String(await handle.jsonValue());
          await page.locator(`[id="${id}"]`).fill(value);
        },
        text: (selector) => page.$eval(selector, (element) => (element as HTMLElement).innerText),
        clickButton: (name) => page.locator(`::-p-aria(${name}[role="button"])`).click(),
        evaluate: (fn) => page.evaluate(fn),
        evaluateWith: <A, T>(fn: (arg: A) => T | Promise<T>, arg: A) => evaluateIn<T>(page, fn, arg),
        screenshot: async (path) => void (await page.screenshot({ path })),
        setOffline: () => Promise.reject(new Error('offline emulation is driven through Chromium only')),
        setViewport: (width, height) => page.setViewport({ width, height }),
        runScript: (source) => page.evaluate(source),
        recordRequests: () => {
          const urls: string[] = [];
          page.on('request', (request) => void urls.push(request.url()));
          return urls;
        },
        close: () => context.close(),
      };
    },
    close: async () => {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Both drivers' `evaluate(fn, arg)`; their generic signatures do not line up with each other's, hence one shape. */
function evaluateIn<T>(
  page: { evaluate: (fn: never, arg: never) => Promise<unknown> },
  fn: (arg: never) => unknown,
  arg: unknown,
): Promise<T> {
  return page.evaluate(fn as never, arg as never) as Promise<T>;
}
