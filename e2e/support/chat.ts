// What browser tests do with the call's chat panel: open it, write, drop a
// file on it (through the same drop handler a person uses), and read what
// it shows.
import type { TestPage } from './browsers.js';
import { expectText } from './call.js';
import { waitFor } from './waitFor.js';

/** A byte pattern a file is made of, so a capture can be searched for it. */
export const filePattern = 'PARLEY-FILE-PATTERN-7f3a';

/** Opens the chat panel once the call's toolbar is there (the button's name carries the unread count, if any). */
export async function openChat(page: TestPage): Promise<void> {
  const opened = await waitFor(
    () =>
      page.evaluate(() => {
        if (document.body.innerText.includes('You see the chat from when you joined')) return true;
        const button = [...document.querySelectorAll('[role="toolbar"] button')].find((b) =>
          [...b.querySelectorAll('span')].some((span) => span.textContent === 'Chat'),
        ) as HTMLButtonElement | undefined;
        button?.click();
        return false;
      }),
    (shown) => shown,
    30_000,
    500,
  );
  if (!opened) await expectText(page, 'You see the chat from when you joined', 1000);
}

/** Picks the recipient: 'Everyone' or someone's name. */
export async function chooseRecipient(page: TestPage, name: string): Promise<void> {
  await page.evaluateWith((who) => {
    const select = [...document.querySelectorAll('select')].find((s) => s.closest('[role="dialog"]'));
    const option = [...(select?.options ?? [])].find((o) => o.text.startsWith(who));
    if (!select || !option) throw new Error(`no recipient ${who}`);
    const setValue = Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, 'value')?.set;
    setValue?.call(select, option.value);
    select.dispatchEvent(new Event('change', { bubbles: true }));
  }, name);
}

export async function sendText(page: TestPage, text: string): Promise<void> {
  await page.fill('Message', text);
  await page.clickButton('Send');
}

/**
 * Makes a file of `size` bytes in the page (the pattern, numbered), drops it
 * on the open chat panel, and returns its SHA-256 (hex).
 */
export function dropFile(page: TestPage, name: string, size: number): Promise<string> {
  return page.evaluateWith(
    async ({ name, size, pattern }) => {
      const bytes = new Uint8Array(size);
      const encoder = new TextEncoder();
      for (let at = 0, n = 0; at < size; n++) {
        const piece = encoder.encode(`${pattern}${n}|`);
        bytes.set(piece.subarray(0, size - at), at);
        at += piece.length;
      }
      const file = new File([bytes], name, { type: 'application/octet-stream' });
      const transfer = new DataTransfer();
      transfer.items.add(file);
      const target = document.querySelector('[role="dialog"] form')?.parentElement;
      if (!target) throw new Error('the chat panel is not open');
      target.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: transfer }));
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
      return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
    },
    { name, size, pattern: filePattern },
  );
}

/** The largest value of any progress bar in the open panel now (undefined: none shown). */
export function progressShown(page: TestPage): Promise<number | undefined> {
  return page.evaluate(() => {
    const bars = [...document.querySelectorAll('[role="dialog"] progress')] as HTMLProgressElement[];
    return bars.length ? Math.max(...bars.map((b) => b.value)) : undefined;
  });
}

/** The received file's SHA-256 as the page computes it (test-build hook), once complete. */
export function receivedDigest(page: TestPage, name: string): Promise<string | undefined> {
  return page.evaluateWith((file) => window.parleyChat?.digest(file), name);
}
