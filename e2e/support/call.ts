// What browser tests do with the call page: join it, and read what it decodes.
import type { InboundStat } from '@parley/shared';
// The test build's window hooks (parleyE2ee, parleyDiagnostics), typed.
import type {} from '@parley/shared/e2ee/testing';
import { registerViaApi } from './accounts.js';
import type { TestBrowser, TestPage } from './browsers.js';
import { waitFor } from './waitFor.js';

/**
 * A fresh user opens `url` in `browser`, names themself and presses Join.
 * `e2ee: 'off' | 'pass-through'` flips the test-only switch first (control runs and benchmarks).
 */
export async function joinCall(
  browser: TestBrowser,
  baseUrl: string,
  url: string,
  name: string,
  options: {
    e2ee?: 'off' | 'pass-through';
    /** Plays a modified client that keeps every key it was given after the call (test build switch). */
    keepKeysAfterCall?: boolean;
    /** Captures the camera this small and slow, e.g. '160x90@10' (test build switch): many browsers on two cores. */
    cameraSize?: string;
    /** Media through TURN relays only (iceTransportPolicy 'relay', test build switch). */
    relayOnly?: boolean;
    /** Gives the new page a logged-in user; default: a user registered through the API, its cookie set. */
    signUp?: (page: TestPage) => Promise<unknown>;
    /** Runs in the loaded page before Join is pressed (a test's own instrumentation). */
    beforeJoin?: (page: TestPage) => Promise<unknown>;
  } = {},
): Promise<TestPage> {
  const page = await browser.newPage();
  if (options.signUp) await options.signUp(page);
  else await page.useSession(baseUrl, (await registerViaApi(baseUrl)).cookie);
  await page.goto(url);
  const testing = options.e2ee;
  if (testing) await page.evaluateWith((mode) => localStorage.setItem('parley.testing.e2ee', mode), testing);
  if (options.keepKeysAfterCall)
    await page.evaluate(() => localStorage.setItem('parley.testing.keepKeysAfterCall', 'yes'));
  if (options.cameraSize)
    await page.evaluateWith((size) => localStorage.setItem('parley.testing.camera', size), options.cameraSize);
  if (options.relayOnly) await page.evaluate(() => localStorage.setItem('parley.testing.iceTransportPolicy', 'relay'));
  await options.beforeJoin?.(page);
  await page.fill('Your name in this call', name);
  await page.clickButton('Join call');
  return page;
}

/** The share link, once the call page has put the room in the address bar. */
export function roomLink(page: TestPage): Promise<string> {
  return waitFor(
    () => page.evaluate(() => window.location.href),
    (href) => href.includes('room='),
    15_000,
  );
}

export async function inbound(page: TestPage): Promise<InboundStat[]> {
  const diagnostics = await page.evaluate(async () =>
    window.parleyDiagnostics ? await window.parleyDiagnostics() : undefined,
  );
  return diagnostics?.inbound ?? [];
}

export function total(stats: InboundStat[], kind: 'audio' | 'video', field: 'framesDecoded' | 'audioLevel'): number {
  return stats.filter((s) => s.kind === kind).reduce((sum, s) => sum + s[field], 0);
}

/** How many remote videos have decoded at least one frame. */
export async function decodingVideos(page: TestPage): Promise<number> {
  return (await inbound(page)).filter((s) => s.kind === 'video' && s.framesDecoded > 0).length;
}

/** The loudest received audio level seen while polling (Chromium's fake microphone beeps once a second). */
export async function loudestAudio(page: TestPage, timeoutMs = 20_000): Promise<number> {
  let loudest = 0;
  await waitFor(
    async () =>
      (loudest = Math.max(
        loudest,
        ...(await inbound(page)).filter((s) => s.kind === 'audio').map((s) => s.audioLevel),
        0,
      )),
    () => loudest > 0,
    timeoutMs,
  );
  return loudest;
}

/** Everything the page shows, as a person reads it. */
export function pageText(page: TestPage): Promise<string> {
  return page.evaluate(() => document.body.innerText);
}

/**
 * Waits until the page shows `text` (in any letter case: styles may capitalise headings); fails, with what the
 * page shows instead, when it does not in time.
 */
export async function expectText(page: TestPage, text: string, timeoutMs = 20_000): Promise<string> {
  const shows = (now: string) => now.toLowerCase().includes(text.toLowerCase());
  const shown = await waitFor(() => pageText(page), shows, timeoutMs);
  if (!shows(shown))
    throw new Error(`${page.browserName} did not show "${text}" within ${timeoutMs} ms; it shows:\n${shown}`);
  return shown;
}

/** Opens a side panel of the call (People, Security), runs `read` in it, and closes it again. */
export async function inPanel<T>(page: TestPage, panel: 'People' | 'Security', read: () => Promise<T>): Promise<T> {
  await page.clickButton(panel);
  try {
    return await read();
  } finally {
    await page.clickButton('Close');
  }
}

/** The People panel's text, as a person reads it. */
export function peopleText(page: TestPage): Promise<string> {
  return inPanel(page, 'People', () =>
    page.evaluate(() => document.querySelector('[role="dialog"]')?.textContent ?? ''),
  );
}

/** What the People panel says about one person ("Fern Muted", …). */
export function personText(page: TestPage, name: string): Promise<string> {
  return inPanel(page, 'People', () =>
    page.evaluateWith((who) => document.querySelector(`[data-person="${who}"]`)?.textContent ?? '', name),
  );
}

/** A host's action on someone, from the People panel ("Mute Fern", "Remove Carl" — confirmed). */
export async function hostAction(page: TestPage, action: string): Promise<void> {
  await inPanel(page, 'People', async () => {
    await page.clickButton(action);
    if (action.startsWith('Remove ')) await page.clickButton('Remove');
  });
}

/** The call security code this page shows (in the Security panel). */
export function securityCode(page: TestPage): Promise<string> {
  return inPanel(page, 'Security', () =>
    page.evaluate(() => document.querySelector('[data-security-code]')?.getAttribute('data-security-code') ?? ''),
  );
}

/** Whether a tile for `name` is on the stage. */
export function hasTile(page: TestPage, name: string): Promise<boolean> {
  return page.evaluateWith((who) => document.querySelector(`figure[aria-label="${who}"]`) !== null, name);
}
